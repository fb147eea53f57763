using System.Numerics;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Models;

/// <summary>
/// A trained network with everything needed to use it: its shape, precision, input scaling, the names of its
/// features, targets and classes, the loss (and any class weights) it was trained with, and every dense layer's weights and biases.
/// <see cref="ModelFile"/> saves and loads it; docs/model-format.md describes the file.
/// </summary>
/// <remarks>
/// Equality is structural: two models are equal when every field is, with numbers compared bit for bit
/// (so -0 differs from 0, and a NaN equals the same NaN).
/// </remarks>
/// <param name="Spec">The architecture: inputs, hidden sizes, outputs, activations, bias, initializer.</param>
/// <param name="Precision">The element type the network was trained in.</param>
/// <param name="Normalization">How raw inputs are scaled before the network sees them; one column a feature.</param>
/// <param name="FeatureNames">The input columns' names, one a network input, or empty when they have none.</param>
/// <param name="TargetNames">The target columns' names: one an output, or (with classes) the one label column; or empty.</param>
/// <param name="ClassNames">Class labels, one an output (two for a single sigmoid output), or null for regression.</param>
/// <param name="Loss">The loss the network was trained with.</param>
/// <param name="Weights">Each dense layer's weights (inputs × outputs), row-major, input side first.</param>
/// <param name="Biases">Each dense layer's bias (one value an output), or null when the spec has no bias.</param>
public sealed partial record Model(NetworkSpec Spec, Precision Precision, Normalization Normalization,
                           IReadOnlyList<string> FeatureNames, IReadOnlyList<string> TargetNames,
                           IReadOnlyList<string>? ClassNames, LossKind Loss,
                           IReadOnlyList<double[]> Weights, IReadOnlyList<double[]?> Biases)
{
    /// <summary>
    /// The class weights the network was trained with (cross-entropy or binary cross-entropy), or null when every row
    /// weighed 1. A record of how it was trained: evaluating and predicting do not use them.
    /// </summary>
    public ClassWeights? ClassWeights { get; init; }

    /// <summary>
    /// How a table's columns become the inputs (text columns one-hot, missing cells dropped or filled), when that is
    /// more than numbers under the feature names with missing cells an error (which null means, as in models saved
    /// before schemas). Its input names are <see cref="FeatureNames"/>.
    /// </summary>
    internal InputSchema? Inputs { get; init; }

    /// <summary>The model of a trained <paramref name="network"/> built by <see cref="NetworkSpec.Build{T}"/>, which knows its spec: the network, its input scaling and its names are all saving needs.</summary>
    /// <exception cref="ArgumentException">The network was assembled from layers by hand (no spec): use the overload that takes one.</exception>
    public static Model From<T>(Network<T> network, Normalization normalization, IReadOnlyList<string> featureNames,
                                IReadOnlyList<string> targetNames, IReadOnlyList<string>? classNames, LossKind loss)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        var spec = network.Spec ?? throw new ArgumentException("This network was assembled from layers by hand and has no spec; pass the NetworkSpec it follows.", nameof(network));
        return From(network, spec, normalization, featureNames, targetNames, classNames, loss);
    }

    /// <summary>The model of a trained <paramref name="network"/> built from <paramref name="spec"/>, its weights copied out (float32 widened exactly).</summary>
    /// <remarks>Throws ArgumentException when the network, spec, normalization and names disagree.</remarks>
    public static Model From<T>(Network<T> network, NetworkSpec spec, Normalization normalization,
                                IReadOnlyList<string> featureNames, IReadOnlyList<string> targetNames,
                                IReadOnlyList<string>? classNames, LossKind loss)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(normalization);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(targetNames);
        var precision = PrecisionOf<T>();

        string expected = string.Join(", ", ExpectedLayerNames(spec));
        // Dropout acts only while training, so a model is the network without it.
        string actual = string.Join(", ", network.Layers.Where(l => l is not Dropout<T>).Select(l => l.Name));
        if (expected != actual)
            throw new ArgumentException($"The network's layers ({actual}) are not the ones the spec builds ({expected}).", nameof(network));
        var dense = network.DenseLayers.ToArray();
        int fanIn = spec.Inputs;
        for (int i = 0; i < dense.Length; i++)
        {
            int fanOut = i < spec.Hidden.Count ? spec.Hidden[i] : spec.Outputs;
            if (dense[i].Inputs != fanIn || dense[i].Outputs != fanOut)
                throw new ArgumentException($"Dense layer {i} of the network is {dense[i].Inputs}x{dense[i].Outputs}; the spec says {fanIn}x{fanOut}.", nameof(network));
            if ((dense[i].Bias is not null) != spec.Bias)
                throw new ArgumentException($"Dense layer {i} of the network {(spec.Bias ? "has no" : "has a")} bias; the spec says {(spec.Bias ? "bias" : "no bias")}.", nameof(network));
            fanIn = fanOut;
        }

        var model = new Model(
            spec with { Hidden = spec.Hidden.ToArray(), Dropout = 0 },
            precision,
            normalization with { Offset = (double[])normalization.Offset.Clone(), Scale = (double[])normalization.Scale.Clone() },
            featureNames.ToArray(),
            targetNames.ToArray(),
            classNames?.ToArray(),
            loss,
            dense.Select(d => Widen(d.Weights.Value.Span)).ToArray(),
            dense.Select(d => d.Bias is null ? null : Widen(d.Bias.Value.Span)).ToArray());
        model.Validate();
        return model;
    }

    /// <summary>A network that computes what the saved one did: <see cref="Spec"/> built, then every weight and bias set from this model.</summary>
    /// <remarks>Values are rounded when <typeparamref name="T"/> is narrower than <see cref="Precision"/>; ArgumentException when sizes disagree.</remarks>
    /// <param name="compute">How the network computes (default: the spec's, <see cref="Compute.Default"/> for a model read from a file).</param>
    public Network<T> ToNetwork<T>(Compute? compute = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate();
        var network = (compute is null ? Spec : Spec with { Compute = compute }).Build<T>(new NumpyRandom(0));
        var dense = network.DenseLayers.ToArray();
        if (dense.Length != Weights.Count)
            throw new InvalidOperationException($"The spec builds {dense.Length} dense layers; the model has weights for {Weights.Count}.");
        for (int i = 0; i < dense.Length; i++)
        {
            Narrow(Weights[i], dense[i].Weights.Value.Span, $"Dense layer {i}'s weights");
            if (dense[i].Bias is { } bias)
                Narrow(Biases[i] ?? throw new InvalidOperationException($"Dense layer {i} needs a bias; the model has none."),
                       bias.Value.Span, $"Dense layer {i}'s bias");
        }
        return network;
    }

    /// <summary>Reads a model file (see <see cref="ModelFile.Load"/>).</summary>
    public static Model Load(string path) => ModelFile.Load(path);

    /// <summary>Writes this model to <paramref name="path"/> (see <see cref="ModelFile.Save(Model, string)"/>): written aside, then renamed (a device or pipe in place).</summary>
    public void Save(string path) => ModelFile.Save(this, path);

    /// <summary>
    /// The mean loss and, for classes, the accuracy of this model on <paramref name="data"/> (scaled as the model's
    /// training data was), in the model's precision, in evaluation mode (no dropout).
    /// </summary>
    /// <exception cref="ArgumentException">The data's inputs or targets do not fit the model.</exception>
    public EvaluationResult Evaluate(Dataset data)
    {
        CheckInputs(data);
        var targets = OutputTargets(data);
        if (targets.Columns != Spec.Outputs)
            throw new ArgumentException($"{data.Source} has {data.Targets.Columns} target columns; the model gives {Spec.Outputs} outputs.", nameof(data));
        return Precision == Precision.F64 ? Run<double>() : Run<float>();

        EvaluationResult Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            Evaluation.Run(ToNetwork<T>(), LossCatalog.For<T>(Loss, Spec.OutputActivation), data.RowsAs<T>(Normalization), targets.Cast<T>()) with { Classes = Classes };
    }

    /// <summary>
    /// The model's prediction for each row of <paramref name="data"/> (scaled as the model's training data was, in the
    /// model's precision): the class with each class's probability, or the values of the target columns. A
    /// <see cref="Predictor"/> made for the call computes them; make one and keep it to predict again and again.
    /// </summary>
    /// <exception cref="ArgumentException">The data's inputs do not fit the model.</exception>
    public Predictions Predict(Dataset data)
    {
        CheckInputs(data);
        return new Predictor(this).Predict(data);
    }

    /// <summary>The model's prediction for each row of the CSV or IDX file at <paramref name="path"/>, read with the model's own columns (<see cref="ReadData"/>).</summary>
    /// <exception cref="DataException">The file cannot be read as the model's inputs.</exception>
    public Predictions Predict(string path, CsvOptions? csv = null) => Predict(ReadData(path, withTargets: false, csv));

    /// <summary>
    /// Reads data for this model from <paramref name="path"/>: a CSV file's input columns found by the names the model
    /// was trained on (text columns one-hot and missing cells handled as it was trained; other columns ignored), with
    /// the target columns when <paramref name="withTargets"/> (to evaluate); or IDX images (a folder: its t10k pair).
    /// </summary>
    /// <param name="path">A CSV file with a header row, an IDX images file, or a folder of IDX pairs.</param>
    /// <param name="withTargets">Read the target columns too (to evaluate), not only the inputs (to predict).</param>
    /// <param name="csv">How to read a CSV file: its delimiter, and what a category the model has not seen does (<see cref="CsvOptions.Unknown"/>); the columns come from the model.</param>
    /// <exception cref="DataException">The file is missing, or its columns or values do not fit the model; names the file, line and column.</exception>
    public Dataset ReadData(string path, bool withTargets = false, CsvOptions? csv = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path) && !Directory.Exists(path)) throw new DataException(path, "no such file or folder");
        Dataset data;
        if (Directory.Exists(path)) data = IdxLoader.LoadFolder(path).Test;
        else if (IdxLoader.LooksLikeIdx(path)) data = IdxLoader.LoadPair(path);
        else data = CsvLoader.Load(path, CsvReadOptions(path, withTargets, csv));
        CheckRead(path, data, withTargets);
        return data;
    }

    // How a CSV file is read for this model: its own columns, with or without the targets.
    private CsvOptions CsvReadOptions(string path, bool withTargets, CsvOptions? csv)
    {
        if (withTargets && TargetNames.Count == 0)
            throw new DataException(path, "the model names no target column, so its targets cannot be found in a CSV file");
        return (csv ?? new CsvOptions()) with
        {
            TargetColumns = withTargets ? TargetNames : [],
            // A classifier's targets are its label column, or one column a class (one-hot, read as numbers).
            Classes = withTargets && TargetNames.Count == 1 ? ClassNames : null,
            // Numbers stay numbers, as the model was trained on them (a 0/1 column of a sigmoid model is not two classes).
            Task = withTargets && TargetNames.Count == 1 && ClassNames is not null ? TaskKind.Classification : TaskKind.Regression,
            ExpectFeatures = FeatureNames,
            Schema = Inputs,
        };
    }

    private void CheckRead(string path, Dataset data, bool withTargets)
    {
        if (data.FeatureNames.Count != Spec.Inputs)
            throw new DataException(path, $"has {data.FeatureNames.Count} input columns; the model takes {Spec.Inputs}");
        if (withTargets && OutputTargets(data).Columns != Spec.Outputs)
            throw new DataException(path, $"has {data.Targets.Columns} outputs; the model gives {Spec.Outputs}");
    }

    /// <summary>
    /// What the model's outputs name, when they name classes: its class names, or for rows of probabilities
    /// (cross-entropy on several target columns) the target columns; null for a model of numbers.
    /// </summary>
    public IReadOnlyList<string>? Classes => ClassNames
        ?? (LossCatalog.PredictsClasses(Loss, Spec.OutputActivation, Spec.Outputs) && TargetNames.Count == Spec.Outputs && Spec.Outputs > 1 ? TargetNames : null);

    private void CheckInputs(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureNames.Count != Spec.Inputs)
            throw new ArgumentException($"{data.Source} has {data.FeatureNames.Count} input columns; the model takes {Spec.Inputs}.", nameof(data));
    }

    /// <summary>True for a yes/no classifier with one sigmoid output and two class names (the output is the second class's probability).</summary>
    public bool IsBinaryClassifier => ClassNames is { Count: 2 } && Spec.Outputs == 1;

    /// <summary>
    /// The targets of <paramref name="data"/> laid out as this model's outputs are: as they are, except that a yes/no
    /// classifier (<see cref="IsBinaryClassifier"/>) takes the second class's column of the one-hot targets (1 for it, 0 for the first).
    /// </summary>
    public Matrix<double> OutputTargets(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!IsBinaryClassifier || data.ClassNames is not { Count: 2 } || data.Targets.Columns != 2) return data.Targets;
        var column = new Matrix<double>(data.Count, 1);
        for (int r = 0; r < data.Count; r++) column[r, 0] = data.Targets[r, 1];
        return column;
    }

    internal static Precision PrecisionOf<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double) ? Precision.F64
        : typeof(T) == typeof(float) ? Precision.F32
        : throw new ArgumentException($"A model holds float64 or float32 networks, not {typeof(T).Name}.");

    /// <summary>The layer names <see cref="NetworkSpec.Build{T}"/> gives: dense, then the activation (none for identity).</summary>
    private static IEnumerable<string> ExpectedLayerNames(NetworkSpec spec)
    {
        for (int i = 0; i <= spec.Hidden.Count; i++)
        {
            yield return "dense";
            var activation = i < spec.Hidden.Count ? spec.HiddenActivation : spec.OutputActivation;
            if (activation != Activation.Identity) yield return Vocabulary.Name(activation);
        }
    }

    private static double[] Widen<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = double.CreateTruncating(values[i]);
        return result;
    }

    private static void Narrow<T>(double[] values, Span<T> target, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.Length != target.Length)
            throw new InvalidOperationException($"{what}: the model has {values.Length} values; the layer needs {target.Length}.");
        for (int i = 0; i < values.Length; i++) target[i] = T.CreateTruncating(values[i]);
    }
}
