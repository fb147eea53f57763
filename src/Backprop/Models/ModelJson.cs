using System.Text.Json.Serialization;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;
using static System.Text.Json.Serialization.JsonIgnoreCondition;

namespace Backprop.Models;

/// <summary>
/// A model file's body (docs/model-format.md, "The body"), member for member, for the source-generated reader and
/// writer; <see cref="From"/> makes one of a model and <see cref="ToModel"/> checks one and makes the model.
/// </summary>
internal sealed record ModelJson(
    string Precision,
    ArchitectureJson Architecture,
    string Loss,
    [property: JsonIgnore(Condition = WhenWritingNull)] ClassWeightsJson? ClassWeights,   // left out without class weights, as before they existed
    NormalizationJson Normalization,
    string[] Features,
    string[] Targets,
    string[]? Classes,
    [property: JsonIgnore(Condition = WhenWritingNull)] InputsJson? Inputs,   // left out for numeric columns, as before it existed
    LayerJson[] Layers)
{
    /// <summary>The body for <paramref name="model"/> (already checked): float32 numbers written as float32 in an f32 model.</summary>
    public static ModelJson From(Model model)
    {
        var spec = model.Spec;
        bool f32 = model.Precision == Backprop.Tensors.Precision.F32;
        var layers = new LayerJson[model.Weights.Count];
        int fanIn = spec.Inputs;
        for (int i = 0; i < layers.Length; i++)
        {
            int fanOut = i < spec.Hidden.Count ? spec.Hidden[i] : spec.Outputs;
            var rows = Enumerable.Range(0, fanIn).Select(r => new Numbers(model.Weights[i][(r * fanOut)..((r + 1) * fanOut)], f32)).ToArray();
            layers[i] = new LayerJson(fanIn, fanOut, rows, model.Biases[i] is { } bias ? new Numbers(bias, f32) : null);
            fanIn = fanOut;
        }
        return new ModelJson(
            Vocabulary.Name(model.Precision),
            new ArchitectureJson(spec.Inputs, [.. spec.Hidden], spec.Outputs, Vocabulary.Name(spec.HiddenActivation),
                Vocabulary.Name(spec.OutputActivation), spec.Bias, spec.Init.ToString()),
            Vocabulary.Name(model.Loss),
            model.ClassWeights is { } weights ? new ClassWeightsJson(weights.Weighting.ToString(), [.. weights.Classes], new Numbers([.. weights.Weights])) : null,
            new NormalizationJson(Vocabulary.Name(model.Normalization.Kind), new Numbers(model.Normalization.Offset), new Numbers(model.Normalization.Scale)),
            [.. model.FeatureNames],
            [.. model.TargetNames],
            model.ClassNames?.ToArray(),
            model.Inputs is { } inputs ? new InputsJson(inputs.Missing, [.. inputs.Columns.Select(c => new ColumnJson(c.Name, c.Categories?.ToArray(), c.Fill))]) : null,
            layers);
    }

    /// <summary>
    /// The model this body describes, every member checked in one pass, in the order docs/model-format.md gives
    /// ("What a reader checks"): kinds and values first (a <see cref="MemberProblem"/> or "malformed model: ..."), then
    /// that the sizes fit the <paramref name="contentBytes"/> of the file, then that everything agrees ("inconsistent model: ...").
    /// </summary>
    public Model ToModel(int contentBytes)
    {
        if (Precision is not ("f64" or "f32")) throw new BodyProblem($"malformed model: precision is {MessageText.Quote(Precision)}; expected f64 or f32");
        var precision = Vocabulary.Parse<Precision>(Precision);
        bool f32 = precision == Backprop.Tensors.Precision.F32;

        var arch = Architecture;
        int inputs = Size(arch.Inputs, "architecture.inputs"), outputs = Size(arch.Outputs, "architecture.outputs");
        var hidden = arch.Hidden.Select((h, i) => Size(h, $"architecture.hidden[{i}]")).ToArray();
        var spec = new NetworkSpec(inputs, hidden, outputs)
        {
            HiddenActivation = ActivationValue(arch.HiddenActivation, "hidden_activation"),
            OutputActivation = ActivationValue(arch.OutputActivation, "output_activation"),
            Bias = arch.Bias,
            Init = InitValue(arch.Init),
        };
        CheckRoom(inputs, hidden, outputs, spec.Bias, contentBytes);

        string lossName = Loss;
        if (lossName.Trim().Length == 0) throw new BodyProblem("inconsistent model: the loss has no name");
        if (!Vocabulary.Names<LossKind>().Contains(lossName))
            throw new BodyProblem($"inconsistent model: the loss {MessageText.Quote(lossName)} is not one of {string.Join(", ", Vocabulary.Names<LossKind>())}");
        var classWeights = ClassWeights is { } cw ? cw.ToClassWeights() : null;
        var norm = Normalization;
        if (!Vocabulary.Names<NormalizationKind>().Contains(norm.Kind))
            throw new BodyProblem($"inconsistent model: normalization kind is {MessageText.Quote(norm.Kind)}; expected {string.Join(", ", Vocabulary.Names<NormalizationKind>())}");
        var normalization = new Normalization(Vocabulary.Parse<NormalizationKind>(norm.Kind),
            JsonBody.Finite(norm.Offset, "normalization.offset"), JsonBody.Finite(norm.Scale, "normalization.scale"));

        var features = JsonBody.Texts(Features, "features");
        var targets = JsonBody.Texts(Targets, "targets");
        string[]? classes = Classes is null ? null : JsonBody.Texts(Classes, "classes");
        var schema = Inputs?.ToSchema();

        var layers = Layers;
        if (layers.Length != hidden.Length + 1)
            throw new BodyProblem($"inconsistent model: {layers.Length} layers; the architecture has {hidden.Length + 1} dense layers");
        var weights = new double[layers.Length][];
        var biases = new double[]?[layers.Length];
        int fanIn = inputs;
        for (int i = 0; i < layers.Length; i++)
        {
            string at = $"layers[{i}]";
            int fanOut = i < hidden.Length ? hidden[i] : outputs;
            var layer = JsonBody.Need(layers[i], at, Expect.Object);
            int layerIn = layer.Inputs, layerOut = layer.Outputs;
            if (layerIn != fanIn || layerOut != fanOut)
                throw new BodyProblem($"inconsistent model: {at} is {layerIn}x{layerOut}; the architecture says {fanIn}x{fanOut}");
            var rows = layer.Weights;
            if (rows.Length != fanIn)
                throw new BodyProblem($"inconsistent model: {at}.weights has {rows.Length} rows; the layer has {fanIn} inputs");
            var w = new double[fanIn * fanOut];   // as many numbers as the rows hold, once each has fanOut (CheckRoom bounds it too)
            for (int r = 0; r < fanIn; r++)
            {
                var row = JsonBody.Finite(rows[r], $"{at}.weights[{r}]", f32);
                if (row.Length != fanOut)
                    throw new BodyProblem($"inconsistent model: {at}.weights[{r}] has {row.Length} numbers; the layer has {fanOut} outputs");
                row.CopyTo(w, r * fanOut);
            }
            weights[i] = w;
            biases[i] = layer.Bias is null ? null : JsonBody.Finite(layer.Bias, at + ".bias", f32);
            fanIn = fanOut;
        }

        var model = new Model(spec, precision, normalization, features, targets, classes, Vocabulary.Parse<LossKind>(lossName), weights, biases)
        {
            ClassWeights = classWeights,
            Inputs = schema,
        };
        if (model.FindProblem() is { } problem) throw new BodyProblem($"inconsistent model: {problem}");
        return model;
    }

    /// <summary>A layer size in the architecture: an integer of at least 1.</summary>
    private static int Size(int size, string at) =>
        size >= 1 ? size : throw new BodyProblem($"malformed model: \"{at}\" is {size}; expected an integer of at least 1");

    private static Activation ActivationValue(string text, string member) =>
        Vocabulary.Names<Activation>().Contains(text) ? Vocabulary.Parse<Activation>(text)
            : throw new BodyProblem($"malformed model: \"architecture.{member}\" is {MessageText.Quote(text)}; expected one of {string.Join(", ", Vocabulary.Names<Activation>())}");

    private static Initializer InitValue(string text)
    {
        try { return Initializer.Parse(text); }
        catch (FormatException e)
        {
            // The parser's message quotes the text: short text as it is, long text shortened here.
            throw new BodyProblem(text.Length <= MessageText.MaxQuoted
                ? $"malformed model: \"architecture.init\": {e.Message}"
                : $"malformed model: \"architecture.init\" is {MessageText.Quote(text)}; expected uniform:LOW,HIGH, normal:STD, he or xavier");
        }
    }

    /// <summary>
    /// The layer sizes must fit the file: every weight, bias, offset and scale is a number in it, and a number takes at
    /// least two bytes (a digit, then a comma or a bracket). So a file that claims a layer of 268 million units is
    /// refused at once, before its layers are compared with the architecture or anything is allocated for them.
    /// </summary>
    private static void CheckRoom(int inputs, int[] hidden, int outputs, bool bias, int contentBytes)
    {
        long room = contentBytes / 2;
        long needed = 2L * inputs;   // offsets and scales
        int fanIn = inputs;
        for (int i = 0; i <= hidden.Length; i++)
        {
            int fanOut = i < hidden.Length ? hidden[i] : outputs;
            long layer = (long)fanIn * fanOut + (bias ? fanOut : 0);   // below 2^62: no overflow
            needed = needed > long.MaxValue - layer ? long.MaxValue : needed + layer;
            fanIn = fanOut;
        }
        if (needed > room)
        {
            int[] sizes = [inputs, .. hidden, outputs];
            string shown = sizes.Length <= 8 ? string.Join(", ", sizes)
                : string.Join(", ", sizes[..6]) + $", ... ({sizes.Length - 7} more), " + sizes[^1];
            throw new BodyProblem($"inconsistent model: its layer sizes ({shown}) take {needed} numbers, more numbers than its {contentBytes} content bytes can hold");
        }
    }
}

/// <summary>"architecture": the network's shape.</summary>
internal sealed record ArchitectureJson(int Inputs, int[] Hidden, int Outputs, string HiddenActivation, string OutputActivation, bool Bias, string Init);

/// <summary>"class_weights": what was asked, the classes, a weight each.</summary>
internal sealed record ClassWeightsJson(string Weighting, string[] Classes, Numbers Weights)
{
    /// <summary>The class weights (the model checks that they fit it).</summary>
    public ClassWeights ToClassWeights()
    {
        ClassWeighting weighting;
        try { weighting = ClassWeighting.Parse(Weighting); }
        catch (FormatException e) { throw new BodyProblem($"malformed model: \"class_weights.weighting\" is {MessageText.Quote(Weighting)}: {e.Message}"); }
        return new ClassWeights(weighting, JsonBody.Texts(Classes, "class_weights.classes"), JsonBody.Finite(Weights, "class_weights.weights"));
    }
}

/// <summary>"normalization": how raw inputs are scaled (model files and checkpoints alike).</summary>
internal sealed record NormalizationJson(string Kind, Numbers Offset, Numbers Scale);

/// <summary>"inputs": how a table's columns become the inputs.</summary>
internal sealed record InputsJson(string Missing, ColumnJson[] Columns)
{
    /// <summary>The schema (the model checks the policy, names and fills).</summary>
    public InputSchema ToSchema()
    {
        var columns = Columns.Select((c, i) =>
        {
            string at = $"inputs.columns[{i}]";
            var column = JsonBody.Need(c, at, Expect.Object);
            return new InputColumn(column.Name,
                column.Categories is null ? null : JsonBody.Texts(column.Categories, at + ".categories"),
                column.Fill is double fill && !double.IsFinite(fill) ? throw new MemberProblem(at + ".fill", Expect.Number) : column.Fill);
        }).ToArray();
        return new InputSchema(columns, Missing);
    }
}

/// <summary>One column of "inputs.columns": its name, and its categories (text) or fill (numbers under mean or median).</summary>
internal sealed record ColumnJson(
    string Name,
    [property: JsonIgnore(Condition = WhenWritingNull)] string[]? Categories,
    [property: JsonIgnore(Condition = WhenWritingNull)] double? Fill);

/// <summary>One dense layer: its size, its weights a row an input, its bias or null.</summary>
internal sealed record LayerJson(int Inputs, int Outputs, Numbers[] Weights, Numbers? Bias);
