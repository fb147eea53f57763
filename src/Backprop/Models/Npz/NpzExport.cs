using Backprop.Data;
using Backprop.Tensors;

namespace Backprop.Models;

/// <summary>
/// Writes a model's numbers as an .npz archive that <c>np.load</c> reads, named and shaped as the notes' numpy code:
/// <c>input_offset</c> and <c>input_scale</c> (inputs,) float64, the input scaling <c>x' = (x - input_offset) / input_scale</c>;
/// then for each dense layer K (0 the input side) <c>weights_K_{K+1}</c> (inputs, outputs) and, when the model has
/// biases, <c>bias_{K+1}</c> (outputs,), float32 ('&lt;f4') for an f32 model and float64 ('&lt;f8') for an f64 one.
/// Activations, loss and names are not in the archive (docs/npz.md).
/// </summary>
internal static class NpzExport
{
    /// <summary>The name of the input offsets (float64, one an input).</summary>
    public const string OffsetName = "input_offset";

    /// <summary>The name of the input scales (float64, one an input, never 0).</summary>
    public const string ScaleName = "input_scale";

    /// <summary>The name of dense layer <paramref name="layer"/>'s weights (0 is the input side): weights_0_1, weights_1_2, ...</summary>
    public static string WeightsName(int layer) => $"weights_{layer}_{layer + 1}";

    /// <summary>The name of dense layer <paramref name="layer"/>'s bias: bias_1, bias_2, ... (numbered by the layer it feeds, as weights_K_{K+1}).</summary>
    public static string BiasName(int layer) => $"bias_{layer + 1}";

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> as an .npz archive, atomically (<see cref="AtomicFile"/>).</summary>
    /// <exception cref="ArgumentException">The model is inconsistent (<see cref="Model.Validate"/>).</exception>
    /// <exception cref="IOException">The file cannot be written; a file already at the path is left as it was.</exception>
    public static void Write(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var arrays = Arrays(model);
        AtomicFile.Write(path, (Stream stream) => NpzWriter.Write(stream, arrays));
    }

    /// <summary>The archive's entries, in order: name and .npy bytes.</summary>
    internal static List<(string Name, byte[] Npy)> Arrays(Model model)
    {
        model.Validate();
        string descr = model.Precision == Precision.F32 ? "<f4" : "<f8";
        var spec = model.Spec;
        var arrays = new List<(string, byte[])>
        {
            (OffsetName, NpyFormat.Bytes("<f8", [spec.Inputs], model.Normalization.Offset)),
            (ScaleName, NpyFormat.Bytes("<f8", [spec.Inputs], model.Normalization.Scale)),
        };
        int fanIn = spec.Inputs;
        for (int i = 0; i < model.Weights.Count; i++)
        {
            int fanOut = i < spec.Hidden.Count ? spec.Hidden[i] : spec.Outputs;
            arrays.Add((WeightsName(i), NpyFormat.Bytes(descr, [fanIn, fanOut], model.Weights[i])));
            if (model.Biases[i] is { } bias) arrays.Add((BiasName(i), NpyFormat.Bytes(descr, [fanOut], bias)));
            fanIn = fanOut;
        }
        return arrays;
    }
}
