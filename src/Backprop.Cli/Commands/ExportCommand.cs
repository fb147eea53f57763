using System.CommandLine;
using Backprop.Models;

namespace Backprop.Cli;

/// <summary><c>backprop export MODEL OUT.npz</c>: a model's weights, biases and input scaling in a file other tools read, the format chosen by OUT's extension.</summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter stdout)
    {
        var model = new Argument<string>("model") { Description = "A model file written by 'backprop train --save' or 'backprop import'." };
        var output = new Argument<string>("out") { Description = "The file to write; its extension chooses the format: .npz (numpy's np.load)." };
        var command = new Command("export", "Writes a model's numbers for numpy: OUT.npz holds weights_K_{K+1} (inputs, outputs), bias_{K+1} and input_offset, input_scale.");
        command.Arguments.Add(model);
        command.Arguments.Add(output);
        command.SetAction(result =>
        {
            string modelPath = result.GetValue(model)!, outPath = result.GetValue(output)!;
            string extension = Path.GetExtension(outPath).ToLowerInvariant();
            if (extension != ".npz")
                throw new UsageException($"{outPath}: cannot tell what to write from {(extension.Length == 0 ? "a name without an extension" : $"the extension '{extension}'")}; name a file ending in .npz");
            var loaded = ModelFile.Load(modelPath);
            try { loaded.ExportNpz(outPath); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{outPath}: cannot write: {e.Message}");
            }
            int arrays = 2 + loaded.Weights.Count + loaded.Biases.Count(b => b is not null);
            stdout.WriteLine($"wrote {arrays} arrays ({(loaded.Precision == "f32" ? "float32" : "float64")} weights) to {outPath}");
            return 0;
        });
        return command;
    }
}
