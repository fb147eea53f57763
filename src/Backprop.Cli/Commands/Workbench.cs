using System.CommandLine;
using System.Numerics;
using Backprop.Data;

namespace Backprop.Cli;

/// <summary>The data a network command works on, loaded and checked against the flags.</summary>
internal sealed record LoadedData(TrainSettings Settings, Dataset Train, Dataset? Validation, Dataset? Test, bool IsImages)
{
    /// <summary>
    /// Reads every flag (their mistakes come first, before any data is read), loads DATA and any validation/test
    /// files, and has the library resolve the recipe for the data, so that every setting that does not fit is an error
    /// before training starts.
    /// </summary>
    public static LoadedData Load(string path, ParseResult result, NetworkFlags flags)
    {
        var settings = flags.Read(result);
        // Output paths are checked before training, not after an hour of it.
        CheckOutputPath(settings.Save, "--save");
        CheckOutputPath(settings.History, "--history");
        CheckOutputPath(settings.Plot, "--plot");
        var csv = new CsvOptions { TargetColumns = settings.Targets, Classes = settings.Classes };
        var (train, test, isImages) = DataFiles.LoadForTraining(path, csv);

        var whole = train; // its rows are the file's, for error messages about targets
        Dataset? validation = null;
        if (settings.ValidationFraction is double fraction)
            (train, validation) = train.Split(fraction);
        else if (settings.ValidationData is string vpath)
            validation = DataFiles.LoadLike(vpath, train, csv);
        if (settings.TestData is string tpath) test = DataFiles.LoadLike(tpath, train, csv);

        var loaded = new LoadedData(settings, train, validation, test, isImages);
        var (recipe, _) = loaded.Resolve(whole);
        foreach (var set in new[] { settings.ValidationData is null ? null : validation, test })
            if (set is not null && Losses.TargetProblem(recipe.Loss!, recipe.Output!.Value, set.Targets) is string problem)
                throw new DataException(set.Source, problem);
        Gemm.MaxThreads = settings.Threads;
        return loaded;
    }

    /// <summary>The library's resolution of the flags' recipe for the training data (or <paramref name="data"/>); a setting that does not fit is a usage error naming its flag.</summary>
    public (Recipe Recipe, IReadOnlyList<string> Chosen) Resolve(Dataset? data = null)
    {
        try { return Settings.Recipe.Resolve(data ?? Train); }
        catch (RecipeException e) { throw new UsageException($"--{e.Setting}: {e.Message}"); }
    }

    private static void CheckOutputPath(string? path, string flag)
    {
        if (path is null) return;
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException($"{flag}: {path} is a folder; name a file to write");
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder)) throw new UsageException($"{flag}: the folder {folder} does not exist");
    }
}

/// <summary>The library's <see cref="Learner{T}"/> for the loaded data, with the lines that describe it on screen.</summary>
internal sealed class Workbench<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Workbench(LoadedData data)
    {
        Data = data;
        (Recipe, Chosen) = data.Resolve();
        Learner = new Learner<T>(Recipe, data.Train);
    }

    public LoadedData Data { get; }
    public TrainSettings Settings => Data.Settings;

    /// <summary>The recipe with every setting set.</summary>
    public Recipe Recipe { get; }

    /// <summary>The settings the library chose because no flag named them.</summary>
    public IReadOnlyList<string> Chosen { get; }

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
    public static int ByPrecision(LoadedData data, Func<Workbench<double>, int> f64, Func<Workbench<float>, int> f32) =>
        data.Resolve().Recipe.Precision == "f64" ? f64(new Workbench<double>(data)) : f32(new Workbench<float>(data));

    /// <summary>One line describing the data, for the screen.</summary>
    public string DataLine()
    {
        var (train, validation, test) = (Data.Train, Data.Validation, Data.Test);
        return $"data: {train.Source}: {train.Count} training examples, {train.FeatureNames.Count} inputs, "
            + (train.ClassNames is { } classes ? $"{classes.Count} classes" : $"{train.Targets.Columns} outputs ({string.Join(", ", train.TargetNames)})")
            + (validation is null ? "" : $"; {validation.Count} validation examples")
            + (test is null ? "" : $"; {test.Count} test examples");
    }

    /// <summary>One line describing the network and how it trains, for the screen.</summary>
    public string NetworkLine() =>
        $"network: {string.Join("-", new[] { Spec.Inputs }.Concat(Spec.Hidden).Append(Spec.Outputs))}, "
        + (Spec.Hidden.Count == 0 ? "no hidden layer, " : $"{Activations.Name(Spec.HiddenActivation)} hidden, ")
        + $"{Activations.Name(Spec.OutputActivation)} output, loss {Loss.Name}, "
        + $"{Recipe.Optimizer} alpha {NetworkFlags.Num(Recipe.Alpha!.Value)}, batch {Recipe.Batch}, {Epochs} epochs, {Recipe.Precision}";

    /// <summary>The defaults line, or null when every setting was given.</summary>
    public string? DefaultsLine() => Chosen.Count == 0 ? null
        : $"defaults chosen (set them with the flags of the same names): {string.Join(", ", Chosen)}";
}
