using Backprop.Data;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;

namespace Backprop.Models;

// What makes a model usable and saveable: every file a reader loads and every model Model.From makes or ModelFile.Save
// writes passes these checks (docs/model-format.md, "What a reader checks", step 7).
public sealed partial record Model
{
    /// <summary>Throws ArgumentException naming the first inconsistency (sizes, names, precision, non-finite numbers), if any.</summary>
    public void Validate()
    {
        if (FindProblem() is { } problem) throw new ArgumentException($"Inconsistent model: {problem}");
    }

    /// <summary>The first thing that makes this model unusable or unsaveable, or null when there is none.</summary>
    internal string? FindProblem()
    {
        if (Spec is null) return "it has no spec";
        if (Spec.Hidden is null) return "the spec has no hidden sizes (use an empty list for none)";
        if (Spec.Inputs <= 0) return $"a network needs at least one input, not {Spec.Inputs}";
        if (Spec.Outputs <= 0) return $"a network needs at least one output, not {Spec.Outputs}";
        foreach (int h in Spec.Hidden)
            if (h <= 0) return $"hidden layer sizes must be positive, not {h}";
        if (!Enum.IsDefined(Spec.HiddenActivation)) return $"unknown hidden activation {Spec.HiddenActivation}";
        if (!Enum.IsDefined(Spec.OutputActivation)) return $"unknown output activation {Spec.OutputActivation}";
        if (Spec.HiddenActivation == Activation.Softmax) return "softmax is an output activation, not a hidden one";
        if (Spec.Init is null) return "the spec has no initializer";
        string init = Spec.Init.ToString();
        try
        {
            if (Initializer.Parse(init) != Spec.Init) return $"the initializer '{init}' does not read back as itself";
        }
        catch (FormatException) { return $"the initializer '{init}' is not one a model file can name (uniform:LOW,HIGH, normal:STD, he, xavier)"; }
        if (!Enum.IsDefined(Precision)) return $"precision is {Precision}; expected f64 or f32";
        if (!Enum.IsDefined(Loss)) return $"the loss {Loss} is not one of {string.Join(", ", Vocabulary.Names<LossKind>())}";
        // "cross-entropy" after a sigmoid output is how models saved before binary-cross-entropy had its own name say it.
        if (LossCatalog.OutputProblem(LossCatalog.Resolve(Loss, Spec.OutputActivation), Spec.OutputActivation) is string lossProblem)
            return lossProblem.TrimEnd('.').Replace("this network's output", "the model's output", StringComparison.Ordinal);

        if (ClassWeights is not null && ClassWeightsProblem() is string weightsProblem) return weightsProblem;

        if (Normalization is null) return "it has no normalization (use Normalization.None for none)";
        if (!Enum.IsDefined(Normalization.Kind))
            return $"normalization kind is {Normalization.Kind}; expected {string.Join(", ", Vocabulary.Names<NormalizationKind>())}";
        if (Normalization.Offset is null || Normalization.Scale is null) return "the normalization has no offsets or scales";
        if (Normalization.Offset.Length != Spec.Inputs)
            return $"normalization has {Normalization.Offset.Length} offsets for {Spec.Inputs} inputs";
        if (Normalization.Scale.Length != Spec.Inputs)
            return $"normalization has {Normalization.Scale.Length} scales for {Spec.Inputs} inputs";
        for (int c = 0; c < Spec.Inputs; c++)
        {
            if (!double.IsFinite(Normalization.Offset[c])) return $"normalization offset {c} is {Normalization.Offset[c]}, not a finite number";
            if (!double.IsFinite(Normalization.Scale[c]) || Normalization.Scale[c] == 0)
                return $"normalization scale {c} is {Normalization.Scale[c]}; scales are finite and not 0";
        }

        if (FeatureNames is null || FeatureNames.Any(n => n is null)) return "a feature name is missing";
        if (FeatureNames.Count != 0 && FeatureNames.Count != Spec.Inputs)
            return $"{FeatureNames.Count} feature names for {Spec.Inputs} inputs";
        // Names find columns in data files: each must be one a column can have (not blank) and name one column.
        if (NameProblem(FeatureNames, "feature", trim: false) is { } featureProblem) return featureProblem;
        if (TargetNames is null || TargetNames.Any(n => n is null)) return "a target name is missing";
        if (NameProblem(TargetNames, "target", trim: false) is { } targetProblem) return targetProblem;
        if (TargetNames.FirstOrDefault(FeatureNames.Contains) is { } both) return $"target name {MessageText.Quote(both)} is also a feature name";
        if (ClassNames is not null && ClassNames.Any(n => n is null)) return "a class name is missing";
        // Class labels are compared trimmed, as a data file's cells are.
        if (ClassNames is not null && NameProblem(ClassNames, "class", trim: true) is { } classProblem) return classProblem;
        if (ClassNames is null)
        {
            if (TargetNames.Count != 0 && TargetNames.Count != Spec.Outputs)
                return $"{TargetNames.Count} target names for {Spec.Outputs} outputs";
        }
        else
        {
            bool binary = Spec.Outputs == 1 && ClassNames.Count == 2;
            if (ClassNames.Count != Spec.Outputs && !binary)
                return $"{ClassNames.Count} class names for {Spec.Outputs} outputs" + (Spec.Outputs == 1 ? " (a single output takes 2)" : "");
            if (ClassNames.Count < 2) return $"a classifier needs at least two class names, not {ClassNames.Count}";
            if (TargetNames.Count > 1 && TargetNames.Count != Spec.Outputs)
                return $"{TargetNames.Count} target names for {Spec.Outputs} outputs (with classes: none, the label column, or one an output)";
        }

        if (Inputs is not null && InputsProblem(Inputs) is { } inputsProblem) return inputsProblem;

        int layers = Spec.Hidden.Count + 1;
        if (Weights is null || Weights.Count != layers) return $"weights for {Weights?.Count ?? 0} dense layers; the spec has {layers}";
        if (Biases is null || Biases.Count != layers) return $"biases for {Biases?.Count ?? 0} dense layers; the spec has {layers}";
        bool f32 = Precision == Precision.F32;
        int fanIn = Spec.Inputs;
        for (int i = 0; i < layers; i++)
        {
            int fanOut = i < Spec.Hidden.Count ? Spec.Hidden[i] : Spec.Outputs;
            var w = Weights[i];
            if (w is null) return $"dense layer {i} has no weights";
            if (w.Length != (long)fanIn * fanOut)
                return $"dense layer {i} has {w.Length} weights; {fanIn} inputs x {fanOut} outputs need {(long)fanIn * fanOut}";
            if (BadNumber(w, f32) is { } bad) return $"dense layer {i} weight {bad.Index} (row {bad.Index / fanOut}, column {bad.Index % fanOut}) {bad.Problem}";
            var b = Biases[i];
            if (Spec.Bias && b is null) return $"dense layer {i} has no bias; the spec says bias";
            if (!Spec.Bias && b is not null) return $"dense layer {i} has a bias; the spec says no bias";
            if (b is not null)
            {
                if (b.Length != fanOut) return $"dense layer {i} has {b.Length} biases for {fanOut} outputs";
                if (BadNumber(b, f32) is { } badBias) return $"dense layer {i} bias {badBias.Index} {badBias.Problem}";
            }
            fanIn = fanOut;
        }
        return null;
    }

    // Class weights must be usable and name the classes the model's outputs are: its class labels, or without labels
    // one a softmax output (cross-entropy) or two ("0" and "1"-like) for one sigmoid output.
    private string? ClassWeightsProblem()
    {
        if (ClassWeights!.Problem() is string problem) return $"class weights: {problem}";
        var loss = LossCatalog.Resolve(Loss, Spec.OutputActivation);
        if (loss is not (LossKind.CrossEntropy or LossKind.BinaryCrossEntropy)) return $"class weights with the loss {Vocabulary.Name(loss)}; they apply to cross-entropy and binary-cross-entropy";
        if (ClassNames is not null)
            return ClassWeights.Classes.SequenceEqual(ClassNames.Select(n => n.Trim()), StringComparer.Ordinal) ? null
                : $"class weights for the classes {string.Join(", ", ClassWeights.Classes)}; the model's classes are {string.Join(", ", ClassNames)}";
        int expected = Spec.Outputs == 1 ? 2 : Spec.Outputs;
        if (loss == LossKind.BinaryCrossEntropy && Spec.Outputs > 1) return $"class weights on {Spec.Outputs} yes/no outputs without class names";
        return ClassWeights.Classes.Count == expected ? null : $"{ClassWeights.Classes.Count} class weights for {Spec.Outputs} output{(Spec.Outputs == 1 ? " (one 0/1 output takes 2)" : "s")}";
    }

    /// <summary>The first thing in <paramref name="inputs"/> that does not fit the feature names or cannot be read back.</summary>
    private string? InputsProblem(InputSchema inputs)
    {
        if (inputs.Columns is null || inputs.Columns.Any(c => c is null || c.Name is null)) return "an input column is missing";
        if (!InputSchema.MissingPolicies.Contains(inputs.Missing))
            return $"the missing-value policy is {MessageText.Quote(inputs.Missing)}; expected {string.Join(", ", InputSchema.MissingPolicies)}";
        if (NameProblem(inputs.Columns.Select(c => c.Name).ToArray(), "input column", trim: false) is { } nameProblem) return nameProblem;
        foreach (var column in inputs.Columns)
        {
            string name = MessageText.Quote(column.Name);
            if (column.Categories is { } categories)
            {
                if (categories.Count == 0) return $"text column {name} has no categories";
                if (categories.Any(c => c is null)) return $"a category of column {name} is missing";
                if (NameProblem(categories, $"category of column {name}, the", trim: false) is { } categoryProblem) return categoryProblem;
                if (column.Fill is not null) return $"text column {name} has a fill value; only numeric columns are filled";
            }
            else if (column.Fill is double fill && !double.IsFinite(fill)) return $"the fill of column {name} is {fill}, not a finite number";
            else if (column.Fill is null && inputs.Missing is "mean" or "median") return $"numeric column {name} has no fill value for the {inputs.Missing} policy";
        }
        var names = inputs.InputNames;
        if (!names.SequenceEqual(FeatureNames, StringComparer.Ordinal))
            return $"the input columns make the inputs {Backprop.Data.MessageText.List(names)}; the feature names are {Backprop.Data.MessageText.List(FeatureNames)}";
        return null;
    }

    /// <summary>The first blank or repeated name of <paramref name="names"/> (compared trimmed when <paramref name="trim"/>), or null.</summary>
    private static string? NameProblem(IReadOnlyList<string> names, string what, bool trim)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i])) return $"{what} name {i} is empty";
            if (!seen.Add(trim ? names[i].Trim() : names[i])) return $"{what} name {MessageText.Quote(names[i])} appears twice";
        }
        return null;
    }

    private static (int Index, string Problem)? BadNumber(double[] values, bool f32)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v)) return (i, $"is {v}; a model holds finite numbers only");
            if (f32 && BitConverter.DoubleToInt64Bits((float)v) != BitConverter.DoubleToInt64Bits(v))
                return (i, $"is {v}, not a float32 value, in an f32 model");
        }
        return null;
    }
}
