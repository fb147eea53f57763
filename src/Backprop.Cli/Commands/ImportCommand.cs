using System.CommandLine;
using Backprop.Models;
using Backprop.Onnx;

namespace Backprop.Cli;

/// <summary>
/// <c>backprop import FILE --save MODEL [flags]</c>: a model made from another tool's network, the format chosen by FILE's
/// extension: .onnx (a plain MLP graph, such as torch.onnx.export writes, batch normalizations folded) or .npz (numpy or PyTorch weights). What the
/// file does not hold (an .npz's activations; column names) comes from the flags.
/// </summary>
internal static class ImportCommand
{
    /// <summary>The extensions import reads, each with what it reads.</summary>
    private static readonly (string Extension, string Format)[] Formats = [(".onnx", "ONNX"), (".npz", "numpy")];

    public static Command Create(TextWriter stdout)
    {
        var file = new Argument<string>("file") { Description = "The network to read; its extension chooses the format: .onnx (a plain MLP graph: Gemm or MatMul+Add, Relu, Sigmoid, Tanh, Softmax; an inference-mode BatchNormalization is folded into the dense layer before it, or, on the input or after a hidden activation, the one after it; one in training mode or with no dense layer to fold into is refused), or .npz (np.savez or np.savez_compressed) with numpy names weights_K_{K+1} (inputs, outputs), bias_{K+1}, or a PyTorch nn.Sequential's state_dict (0.weight (outputs, inputs), 0.bias, 2.weight, ...)." };
        var save = new Option<string>("--save") { Description = "Write the model to this file." + NetworkFlags.WrittenAs, Required = true };
        var activation = new Option<string?>("--activation") { Description = ".npz only: hidden activation: relu|sigmoid|tanh. Default relu." };
        var output = new Option<string?>("--output") { Description = ".npz only: output activation: identity|sigmoid|softmax. Default identity." };
        var loss = new Option<string?>("--loss") { Description = "sse|mse|cross-entropy|binary-cross-entropy, for evaluate. Default the one a Backprop .onnx export names, else cross-entropy after softmax, binary-cross-entropy after sigmoid, mse otherwise." };
        var precision = new Option<string?>("--precision") { Description = ".npz only: f64 or f32 (rounds float64 weights). Default f32 when every weight and bias is float32, else f64." };
        var features = new Option<string?>("--features") { Description = "The input columns' names, one an input: A,B,... Default x1,x2,... (a Backprop .onnx export keeps its own names)." };
        var target = new Option<string?>("--target") { Description = "The target columns' names: one an output, or with --classes the label column. Default y1,y2,..., or 'class' with classes (a Backprop .onnx export keeps its own names)." };
        var classes = new Option<string?>("--classes") { Description = "Class labels, one an output (two for one sigmoid output): A,B,... Default: .onnx 0,1,... for a softmax or sigmoid output (or an export's names); .npz none (outputs are numbers)." };
        var command = new Command("import", "Makes a model file of another tool's network: FILE.onnx (as torch.onnx.export writes an nn.Sequential, BatchNorm1d folded into the dense layers) or FILE.npz (numpy or PyTorch weights; activations from the flags).");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { save, activation, output, loss, precision, features, target, classes }) command.Options.Add(option);
        command.SetAction(result =>
        {
            string path = result.GetValue(file)!, savePath = result.GetValue(save)!;
            LoadedData.CheckOutputPath(savePath, "--save");   // as train's --save: before anything is read
            string extension = Path.GetExtension(path).ToLowerInvariant();
            if (!Formats.Any(f => f.Extension == extension))
                throw new UsageException($"{path}: import reads {string.Join(" or ", Formats.Select(f => $"{f.Extension} ({f.Format})"))} files; the name ends in {(extension.Length == 0 ? "no extension" : $"'{extension}'")}");
            if (extension == ".onnx" && new[] { activation, output, precision }.FirstOrDefault(o => result.GetResult(o) is not null) is { } npzOnly)
                throw new UsageException($"{npzOnly.Name}: an .onnx file says its activations and precision itself; {npzOnly.Name} is for .npz files");
            var outputActivation = Parse(output, result, t => (Activation?)Activations.Parse(t, Activations.OutputNames)) ?? Activation.Identity;
            LossKind? lossName = Parse(loss, result, t => (LossKind?)Vocabulary.Parse<LossKind>(t));
            if (lossName is { } l && LossCatalog.OutputProblem(LossCatalog.Resolve(l, outputActivation), outputActivation) is string problem)
                throw new UsageException($"--loss: {problem}");
            var classNames = Parse(classes, result, t => Names(t, "class label", atLeast: 2));
            var options = new NpzImportOptions
            {
                HiddenActivation = Parse(activation, result, t => (Activation?)Activations.Parse(t, Activations.HiddenNames)) ?? Activation.Relu,
                OutputActivation = outputActivation,
                Loss = lossName,
                Precision = Parse(precision, result, t => (Precision?)Vocabulary.Parse<Precision>(t)),
                ClassNames = classNames,
            };
            var model = extension == ".onnx" ? OnnxModel.Import(path) : NpzImport.Load(path, options);
            if (extension == ".onnx")
                model = model with { Loss = lossName is { } given ? LossCatalog.Resolve(given, model.Spec.OutputActivation) : model.Loss, ClassNames = classNames ?? model.ClassNames };
            // Columns are found by name in data files: unnamed inputs and targets get names a CSV header can give.
            var featureNames = Parse(features, result, t => Names(t, "feature", atLeast: 1))
                ?? (model.FeatureNames.Count == model.Spec.Inputs ? model.FeatureNames : Numbered("x", model.Spec.Inputs));
            var targetNames = Parse(target, result, t => Names(t, "target", atLeast: 1))
                ?? (model.TargetNames.Count > 0 ? model.TargetNames : model.ClassNames is null ? Numbered("y", model.Spec.Outputs) : ["class"]);
            if (featureNames.Count != model.Spec.Inputs)
                throw new UsageException($"--features: {featureNames.Count} names for the {model.Spec.Inputs} inputs of {path}");
            model = model with { FeatureNames = featureNames, TargetNames = targetNames };
            try { model.Validate(); }
            catch (ArgumentException e) { throw new UsageException($"--target: {e.Message.Replace("Inconsistent model: ", "", StringComparison.Ordinal)} (the model of {path})"); }
            try { model.Save(savePath); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{savePath}: cannot save the model: {e.Message}");
            }
            var spec = model.Spec;
            stdout.WriteLine($"imported {path}: {string.Join("-", [spec.Inputs, .. spec.Hidden, spec.Outputs])} dense layers{(spec.Bias ? " with biases" : "")}, "
                + $"{Vocabulary.Name(spec.HiddenActivation)} hidden, {Vocabulary.Name(spec.OutputActivation)} output, {Vocabulary.Name(model.Precision)}, loss {Vocabulary.Name(model.Loss)}"
                + (model.Inputs is { IsPlain: false } columns ? $"; columns {string.Join(", ", columns.Columns.Select(c => c.Categories is { } k ? $"{c.Name} ({k.Count} categories)" : c.Name))}, missing values {columns.Missing}" : ""));
            stdout.WriteLine($"saved model to {savePath}");
            return 0;
        });
        return command;
    }

    private static string[] Numbered(string prefix, int count) =>
        [.. Enumerable.Range(1, count).Select(i => prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private static T? Parse<T>(Option<string?> option, ParseResult result, Func<string, T> parse)
    {
        if (result.GetValue(option) is not string text) return default;
        try { return parse(text); }
        catch (Exception e) when (e is FormatException or ArgumentException) { throw new UsageException($"{option.Name}: {e.Message}"); }
    }

    // A comma-separated list of names: none empty, none twice, at least atLeast of them.
    private static IReadOnlyList<string> Names(string text, string what, int atLeast)
    {
        var names = text.Split(',').Select(s => s.Trim()).ToArray();
        if (names.Any(n => n.Length == 0)) throw new FormatException($"'{text}' has an empty {what} name.");
        if (names.Length < atLeast) throw new FormatException($"'{text}' is {names.Length} {what}; give at least {atLeast}: A,B[,C...].");
        var twice = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? names : throw new FormatException($"{what} '{twice.Key}' is given twice.");
    }
}
