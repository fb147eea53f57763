using System.CommandLine;
using Backprop.Models;
using Backprop.Onnx;

namespace Backprop.Cli;

/// <summary>
/// <c>backprop export MODEL OUT</c>: writes a saved model for other tools, in the format OUT's extension names: .onnx (the
/// whole predictor, for ONNX Runtime and ML.NET) or .npz (weights, biases and input scaling, for numpy).
/// </summary>
internal static class ExportCommand
{
    /// <summary>The extensions export writes, each with what it writes.</summary>
    private static readonly (string Extension, string Format)[] Formats = [(".onnx", "ONNX"), (".npz", "numpy")];

    public static Command Create(TextWriter stdout)
    {
        var model = new Argument<string>("model") { Description = "A model file written by 'backprop train --save' or 'backprop import'." };
        var output = new Argument<string>("out") { Description = "The file to write; its extension chooses the format: .onnx (ONNX, opset 13: the whole predictor, input scaling included) or .npz (numpy's np.load: weights_K_{K+1} (inputs, outputs), bias_{K+1}, input_offset, input_scale)." + NetworkFlags.WrittenAs };
        var command = new Command("export", "Writes a saved model for other tools: OUT.onnx runs in ONNX Runtime and ML.NET (docs/onnx.md); OUT.npz holds its arrays for numpy (docs/npz.md).");
        command.Arguments.Add(model);
        command.Arguments.Add(output);
        command.SetAction(result =>
        {
            string path = result.GetValue(output)!;
            string extension = Path.GetExtension(path).ToLowerInvariant();
            if (!Formats.Any(f => f.Extension == extension))
                throw new UsageException($"{path}: export writes {string.Join(" or ", Formats.Select(f => $"{f.Extension} ({f.Format})"))} files; the name ends in {(extension.Length == 0 ? "no extension" : $"'{extension}'")}");
            var loaded = ModelFile.Load(result.GetValue(model)!);
            // Text columns and missing-cell fills are the model file's: the exported network takes their results.
            // In ONNX they are in the graph, which takes the file's columns.
            if (loaded.Inputs is { IsPlain: false } && extension != ".onnx")
                stdout.WriteLine($"note: the exported network takes the model's inputs after its text columns are one-hot and missing cells filled ({Shorten(string.Join(",", loaded.FeatureNames))}); that step is in the model file, not in {Path.GetFileName(path)}");
            string type = loaded.Precision == Precision.F32 ? "float" : "double";
            if (extension == ".onnx")
            {
                OutputFile.Write(path, temp => File.WriteAllBytes(temp, OnnxModel.ToBytes(loaded)));
                string inputs = loaded.Inputs is { IsPlain: false } schema
                    ? $"inputs one a column of the file, {Shorten(string.Join(", ", schema.Columns.Select(c => $"'{c.Name}' {(c.IsCategorical ? "string" : type)}")))} (rows, 1) (text columns one-hot and missing values filled in the graph)"
                    : $"input '{OnnxModel.InputName}' {type} (rows, {loaded.Spec.Inputs})";
                stdout.WriteLine($"wrote {path}: ONNX (IR {OnnxModel.IrVersion}, opset {OnnxModel.Opset}); {inputs}, output '{OnnxModel.OutputName}' {type} (rows, {loaded.Spec.Outputs})");
                return 0;
            }
            try { loaded.ExportNpz(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{path}: cannot write: {e.Message}");
            }
            int arrays = 2 + loaded.Weights.Count + loaded.Biases.Count(b => b is not null);
            stdout.WriteLine($"wrote {arrays} arrays ({(loaded.Precision == Precision.F32 ? "float32" : "float64")} weights) to {path}");
            return 0;
        });
        return command;
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..117] + "...";
}
