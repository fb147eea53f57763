using System.CommandLine;
using Backprop.Models;

namespace Backprop.Cli;

/// <summary>
/// <c>backprop import FILE.npz --save MODEL [flags]</c>: a model made from another tool's weights, the format chosen by
/// FILE's extension. What the file does not hold (activations, loss, column names) comes from the flags.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(TextWriter stdout)
    {
        var file = new Argument<string>("file") { Description = "Weights to import: .npz (np.savez or np.savez_compressed) with numpy names weights_K_{K+1} (inputs, outputs), bias_{K+1}, or a PyTorch nn.Sequential's state_dict (0.weight (outputs, inputs), 0.bias, 2.weight, ...)." };
        var save = new Option<string>("--save") { Description = "Write the model to this file.", Required = true };
        var activation = new Option<string?>("--activation") { Description = "Hidden activation: relu|sigmoid|tanh. Default relu." };
        var output = new Option<string?>("--output") { Description = "Output activation: identity|sigmoid|softmax. Default identity." };
        var loss = new Option<string?>("--loss") { Description = "sse|mse|cross-entropy|binary-cross-entropy, for evaluate. Default cross-entropy after softmax, binary-cross-entropy after sigmoid, mse otherwise." };
        var precision = new Option<string?>("--precision") { Description = "f64 or f32 (rounds float64 weights). Default f32 when every weight and bias is float32, else f64." };
        var features = new Option<string?>("--features") { Description = "The input columns' names, one an input: A,B,... Default x0,x1,..." };
        var target = new Option<string?>("--target") { Description = "The target columns' names: one an output, or with --classes the label column. Default y0,y1,..., or 'class' with --classes." };
        var classes = new Option<string?>("--classes") { Description = "Class labels, one an output (two for one sigmoid output): A,B,... Default none (outputs are numbers)." };
        var command = new Command("import", "Makes a model file of weights from numpy or PyTorch (.npz); activations and names come from the flags.");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { save, activation, output, loss, precision, features, target, classes }) command.Options.Add(option);
        command.SetAction(result =>
        {
            string path = result.GetValue(file)!, savePath = result.GetValue(save)!;
            string extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension != ".npz")
                throw new UsageException($"{path}: cannot tell what to read from {(extension.Length == 0 ? "a name without an extension" : $"the extension '{extension}'")}; give a .npz file");
            var outputActivation = Parse(output, result, t => (Activation?)Activations.Parse(t, Activations.OutputNames)) ?? Activation.Identity;
            string? lossName = Parse(loss, result, LossCatalog.Canonical);
            if (lossName is not null && LossCatalog.OutputProblem(LossCatalog.Resolve(lossName, outputActivation), outputActivation) is string problem)
                throw new UsageException($"--loss: {problem}");
            var classNames = Parse(classes, result, t => Names(t, "class label", atLeast: 2));
            var options = new NpzImportOptions
            {
                HiddenActivation = Parse(activation, result, t => (Activation?)Activations.Parse(t, Activations.HiddenNames)) ?? Activation.Relu,
                OutputActivation = outputActivation,
                Loss = lossName,
                Precision = Parse(precision, result, t => t.Trim().ToLowerInvariant() is "f32" or "f64" ? t.Trim().ToLowerInvariant() : throw new FormatException($"'{t}' is not one of f64, f32.")),
                ClassNames = classNames,
            };
            var model = NpzImport.Load(path, options);
            // Columns are found by name in data files: unnamed inputs and targets get names a CSV header can give.
            var featureNames = Parse(features, result, t => Names(t, "feature", atLeast: 1))
                ?? Enumerable.Range(0, model.Spec.Inputs).Select(i => $"x{i}").ToArray();
            var targetNames = Parse(target, result, t => Names(t, "target", atLeast: 1))
                ?? (classNames is null ? Enumerable.Range(0, model.Spec.Outputs).Select(i => $"y{i}").ToArray() : ["class"]);
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
                + $"{Activations.Name(spec.HiddenActivation)} hidden, {Activations.Name(spec.OutputActivation)} output, {model.Precision}, loss {model.Loss}");
            stdout.WriteLine($"saved model to {savePath}");
            return 0;
        });
        return command;
    }

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
