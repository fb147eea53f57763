using System.CommandLine;
using Backprop.Models;
using Backprop.Onnx;

namespace Backprop.Cli;

/// <summary><c>backprop import FILE --save MODEL</c>: reads another framework's network (FILE.onnx) and saves it as a Backprop model.</summary>
internal static class ImportCommand
{
    /// <summary>The extensions import reads, each with what it reads.</summary>
    private static readonly (string Extension, string Format)[] Formats = [(".onnx", "ONNX")];

    public static Command Create(TextWriter stdout)
    {
        var file = new Argument<string>("file") { Description = "The network to read; its extension chooses the format: .onnx (a plain MLP graph: Gemm or MatMul+Add, Relu, Sigmoid, Tanh, Softmax)." };
        var save = new Option<string>("--save") { Description = "Write the imported model to this file.", Required = true };
        var command = new Command("import", "Reads a network from another framework (FILE.onnx, as torch.onnx.export writes for an nn.Sequential) and saves it as a Backprop model.");
        command.Arguments.Add(file);
        command.Options.Add(save);
        command.SetAction(result =>
        {
            string path = result.GetValue(file)!;
            string extension = Path.GetExtension(path).ToLowerInvariant();
            if (!Formats.Any(f => f.Extension == extension))
                throw new UsageException($"{path}: import reads {string.Join(" or ", Formats.Select(f => $"{f.Extension} ({f.Format})"))} files; the name ends in {(extension.Length == 0 ? "no extension" : $"'{extension}'")}");
            var model = OnnxModel.Import(path);
            string target = result.GetValue(save)!;
            try { ModelFile.Save(model, target); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{target}: cannot save the model: {e.Message}");
            }
            var spec = model.Spec;
            string shape = string.Join("-", [spec.Inputs, .. spec.Hidden, spec.Outputs]);
            string hidden = spec.Hidden.Count == 0 ? "" : $"{Activations.Name(spec.HiddenActivation)} hidden layers, ";
            stdout.WriteLine($"imported {path}: a {shape} network ({hidden}{Activations.Name(spec.OutputActivation)} output, {(spec.Bias ? "biases" : "no biases")}, {model.Precision}); saved to {target}");
            return 0;
        });
        return command;
    }
}
