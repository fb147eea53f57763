using System.CommandLine;
using System.Numerics;
using Backprop.Data;

namespace Backprop.Cli;

/// <summary>The library's <see cref="Learner{T}"/> for the loaded data, with the lines that describe it on screen.</summary>
internal sealed class Workbench<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Workbench(LoadedData data) : this(data, (Learner<T>)data.Learner) { }

    private Workbench(LoadedData data, Learner<T> learner)
    {
        Data = data;
        Learner = learner;
    }

    public LoadedData Data { get; }
    public TrainSettings Settings => Data.Settings;

    /// <summary>The recipe with every setting set.</summary>
    public Recipe Recipe => Learner.Recipe;

    /// <summary>The settings the library chose because no flag named them.</summary>
    public IReadOnlyList<string> Chosen => Learner.Chosen;

    public Learner<T> Learner { get; }
    public Normalization Normalization => Learner.Normalization;
    public IRowSource<T> Rows => Learner.Rows;
    public Matrix<T> X => Learner.X;
    public Matrix<T> Y => Learner.Y;
    public NetworkSpec Spec => Learner.Spec;
    public NumpyRandom Random => Learner.Random;
    public Network<T> Network => Learner.Network;
    public ILoss<T> Loss => Learner.Loss;
    public Trainer<T> Trainer => Learner.Trainer;
    public int Epochs => Recipe.Epochs ?? 0;

    /// <summary>Scaled inputs and targets of another dataset, as the network takes them.</summary>
    public (IRowSource<T> X, Matrix<T> Y) Prepare(Dataset data) => Learner.Prepare(data);

    /// <summary>Runs <c>Run&lt;double&gt;</c> or <c>Run&lt;float&gt;</c> by the recipe's precision.</summary>
    public static int ByPrecision(LoadedData data, Func<Workbench<double>, int> f64, Func<Workbench<float>, int> f32) => data.Learner switch
    {
        Learner<double> d => f64(new Workbench<double>(data, d)),
        Learner<float> f => f32(new Workbench<float>(data, f)),
        _ => throw new InvalidOperationException("A learner is float64 or float32."),
    };

    /// <summary>One line describing the data, for the screen.</summary>
    public string DataLine()
    {
        var (train, validation, test) = (Data.Train, Data.Validation, Data.Test);
        return $"data: {train.Source}: {train.Count} training examples, {train.FeatureNames.Count} inputs, "
            + (train.ClassNames is { } classes ? $"{classes.Count} classes" : $"{train.Targets.Columns} outputs ({string.Join(", ", train.TargetNames)})")
            + (validation is null ? "" : $"; {validation.Count} validation examples")
            + (test is null ? "" : $"; {test.Count} test examples")
            + (train.Schema is { } schema && schema.Columns.Count(c => c.IsCategorical) is int text and > 0
                ? $"; {text} text column{(text == 1 ? "" : "s")} one-hot" : "")
            + (Data.Dropped > 0 ? $"; {Data.Dropped} row{(Data.Dropped == 1 ? "" : "s")} with missing cells dropped" : "");
    }

    /// <summary>One line describing the network and how it trains, for the screen (and the pages, which write it the same way).</summary>
    public string NetworkLine() => Pages.PageText.Network(Recipe, Spec);

    /// <summary>The class weights as resolved on the training rows ("class weights balanced: a 0.667, b 2"), or null without them.</summary>
    public string? ClassWeightsLine() => Learner.ClassWeights is { } weights ? $"class weights {weights}" : null;

    /// <summary>The defaults line, or null when every setting was given.</summary>
    public string? DefaultsLine()
    {
        IReadOnlyList<string> chosen = Data.Train.DelimiterDetected ? [.. Chosen, $"delimiter {Delimiter(Data.Train.Delimiter!.Value)} (detected)"] : Chosen;
        return chosen.Count == 0 ? null : $"defaults chosen (set them with the flags of the same names): {string.Join(", ", chosen)}";
    }

    private static string Delimiter(char c) => c switch { '\t' => "tab", ' ' => "space", _ => $"'{c}'" };
}
