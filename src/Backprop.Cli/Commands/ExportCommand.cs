using System.CommandLine;
using Backprop.Models;
using Backprop.Onnx;

namespace Backprop.Cli;

/// <summary><c>backprop export MODEL OUT</c>: writes a saved model in another framework's format, chosen by OUT's extension (.onnx).</summary>
internal static class ExportCommand
{
    /// <summary>The extensions export writes, each with what it writes.</summary>
    private static readonly (string Extension, string Format)[] Formats = [(".onnx", "ONNX")];

    public static Command Create(TextWriter stdout)
    {
        var model = new Argument<string>("model") { Description = "A model file written by 'backprop train --save'." };
        var output = new Argument<string>("out") { Description = "The file to write; its extension chooses the format: .onnx (ONNX, opset 13: the whole predictor, input scaling included)." };
        var command = new Command("export", "Writes a saved model for other frameworks: OUT.onnx runs in ONNX Runtime and ML.NET (see docs/onnx.md).");
        command.Arguments.Add(model);
        command.Arguments.Add(output);
        command.SetAction(result =>
        {
            string path = result.GetValue(output)!;
            string extension = Path.GetExtension(path).ToLowerInvariant();
            if (!Formats.Any(f => f.Extension == extension))
                throw new UsageException($"{path}: export writes {string.Join(" or ", Formats.Select(f => $"{f.Extension} ({f.Format})"))} files; the name ends in {(extension.Length == 0 ? "no extension" : $"'{extension}'")}");
            var loaded = ModelFile.Load(result.GetValue(model)!);
            OutputFile.Write(path, temp => File.WriteAllBytes(temp, OnnxModel.ToBytes(loaded)));
            string type = loaded.Precision == "f32" ? "float" : "double";
            stdout.WriteLine($"wrote {path}: ONNX (IR {OnnxModel.IrVersion}, opset {OnnxModel.Opset}); input '{OnnxModel.InputName}' {type} (rows, {loaded.Spec.Inputs}), output '{OnnxModel.OutputName}' {type} (rows, {loaded.Spec.Outputs})");
            return 0;
        });
        return command;
    }
}
