using Backprop.Data;
using Backprop.Models;
using MessageText = Backprop.Models.MessageText;

namespace Backprop.Onnx;

/// <summary>
/// ONNX export and import of <see cref="Model"/>s (docs/onnx.md). Export writes the whole predictor, input scaling
/// included, as a graph ONNX Runtime runs; import reads plain multi-layer perceptron graphs, such as
/// <c>torch.onnx.export</c> writes for an <c>nn.Sequential</c> of Linear layers and activations.
/// </summary>
public static class OnnxModel
{
    /// <summary>The name of the exported graph's input: a (rows, features) tensor of the model's precision, raw (unscaled) features.</summary>
    public const string InputName = OnnxWriter.InputName;

    /// <summary>The name of the exported graph's output: a (rows, outputs) tensor, what <see cref="Model.Predict(Data.Dataset)"/> gives.</summary>
    public const string OutputName = OnnxWriter.OutputName;

    /// <summary>The ONNX IR version <see cref="ToBytes"/> writes.</summary>
    public const long IrVersion = OnnxSpec.IrVersion;

    /// <summary>The version of the standard ONNX operator set <see cref="ToBytes"/> writes.</summary>
    public const long Opset = OnnxSpec.Opset;

    /// <summary>The largest ONNX file <see cref="Import(string)"/> reads: 2 GiB less a little, protobuf's own limit.</summary>
    public const long MaxFileBytes = int.MaxValue - 64;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> as an ONNX model, atomically (<see cref="AtomicFile"/>).</summary>
    /// <exception cref="ArgumentException">The model is inconsistent (<see cref="Model.Validate"/>).</exception>
    /// <exception cref="IOException">The file cannot be written; a file already at <paramref name="path"/> is left as it was.</exception>
    public static void ExportOnnx(this Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = ToBytes(model);
        AtomicFile.Write(path, (Stream stream) => stream.Write(bytes));
    }

    /// <summary>The ONNX model's bytes for <paramref name="model"/> (IR version 8, opset 13).</summary>
    /// <exception cref="ArgumentException">The model is inconsistent (<see cref="Model.Validate"/>).</exception>
    public static byte[] ToBytes(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return OnnxWriter.Write(model);
    }

    /// <summary>Reads the ONNX model at <paramref name="path"/> as a Backprop model.</summary>
    /// <exception cref="DataException">The file is missing, unreadable, damaged, or holds a graph Backprop cannot import; one line naming the file (and the node and operator where one is at fault).</exception>
    public static Model Import(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            if (Directory.Exists(path)) throw new DataException(path, "is a folder, not an ONNX file");
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (file.Length > MaxFileBytes) throw new DataException(path, $"the file holds {file.Length} bytes; an ONNX file holds at most {MaxFileBytes}");
            bytes = new byte[file.Length];
            file.ReadExactly(bytes);
        }
        catch (FileNotFoundException) { throw new DataException(path, "no such file"); }
        catch (DirectoryNotFoundException) { throw new DataException(path, "no such file (its folder does not exist)"); }
        catch (UnauthorizedAccessException) { throw new DataException(path, "cannot read the file: permission denied"); }
        catch (IOException e) { throw new DataException(path, $"cannot read the file: {MessageText.OneLine(e.Message)}"); }
        return Import(path, bytes);
    }

    /// <summary>Reads <paramref name="bytes"/>, the contents of an ONNX file, as a Backprop model; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="DataException">The bytes are damaged or hold a graph Backprop cannot import; one line starting with <paramref name="path"/>.</exception>
    public static Model Import(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(bytes);
        try { return OnnxImporter.ToModel(OnnxReader.Read(bytes)); }
        catch (OnnxFormatException e) { throw new DataException(path, MessageText.OneLine(e.Message)); }
    }
}
