using System.CommandLine;
using System.Numerics;
using Backprop.Data;

namespace Backprop.Cli;

/// <summary>The data a network command works on, loaded and checked against the flags.</summary>
internal sealed record LoadedData(TrainSettings Settings, Dataset Train, Dataset? Validation, Dataset? Test, bool IsImages)
{
    /// <summary>
    /// Loads DATA and any validation/test files, reads every flag (their mistakes come first, before any data is
    /// read), and checks that flags and data fit together.
    /// </summary>
    public static LoadedData Load(string path, ParseResult result, NetworkFlags flags)
    {
        var first = flags.Read(result, isImages: false, hasClasses: false);
        // Output paths are checked before training, not after an hour of it.
        CheckOutputPath(first.Save, "--save");
        CheckOutputPath(first.History, "--history");
        CheckOutputPath(first.Plot, "--plot");
        var csv = new CsvOptions { TargetColumns = first.Targets, Classes = first.Classes };
        var (train, test, isImages) = DataFiles.LoadForTraining(path, csv);
        var settings = flags.Read(result, isImages, train.ClassNames is not null, train.Count, train.Targets.Columns);

        Dataset? validation = null;
        var whole = train; // its rows are the file's, for error messages
        if (settings.ValidationFraction is double fraction)
            (train, validation) = train.Split(fraction);
        else if (settings.ValidationData is string vpath)
            validation = DataFiles.LoadLike(vpath, train, csv);
        if (settings.TestData is string tpath) test = DataFiles.LoadLike(tpath, train, csv);

        try { Losses.CheckOutput(settings.Loss, settings.Output); }
        catch (ArgumentException e) { throw new UsageException($"--loss {settings.Loss}: {e.Message}"); }
        int batch = settings.Batching.SizeFor(train.Count);
        if (batch > train.Count)
            throw new UsageException($"--batch: {batch} is larger than the {train.Count} training examples");
        if (settings.Output == Activation.Softmax && train.Targets.Columns < 2)
            throw new UsageException("--output softmax needs at least two outputs; a single target column of numbers takes --output identity or sigmoid");
        foreach (var set in new[] { whole, settings.ValidationData is null ? null : validation, test })
            if (set is not null && Losses.TargetProblem(settings.Loss, settings.Output, set.Targets) is string problem)
                throw new DataException(set.Source, problem);
        Gemm.MaxThreads = settings.Threads;
        return new LoadedData(settings, train, validation, test, isImages);
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

/// <summary>A network built from the flags for the loaded data, with its inputs scaled, its loss and its trainer.</summary>
internal sealed class Workbench<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Workbench(LoadedData data)
    {
        var s = data.Settings;
        Data = data;
        // Inputs in the network's precision, scaled: images stay bytes and convert row by row as batches are
        // gathered (Fashion-MNIST in float32: 45 MiB of bytes rather than 180 MiB of floats); other data is a matrix.
        var rows = data.Train.RowsAs<T>();
        Normalization = Normalization.Fit(s.Normalize, rows);
        if (rows is Matrix<T> x) Normalization.ApplyInPlace(x); // CSV: a new matrix of its own, scaled once in place
        else rows = data.Train.RowsAs<T>(Normalization);      // images: the same bytes, scaled as rows are read
        Rows = rows;
        Y = data.Train.Targets.Cast<T>();
        Spec = new NetworkSpec(data.Train.FeatureNames.Count, s.Hidden, data.Train.Targets.Columns)
        {
            HiddenActivation = s.Activation,
            OutputActivation = s.Output,
            Bias = s.Bias,
            Init = s.Init,
            Dropout = s.Dropout,
        };
        Random = new NumpyRandom(s.Seed);
        Network = Spec.Build<T>(Random);
        Loss = Losses.For<T>(s.Loss, s.Output);
        Trainer = new Trainer<T>(Network, Loss, Optimizers.Create<T>(s.Optimizer, s.Alpha, s.MomentumBeta))
        {
            Batching = s.Batching,
            ShuffleWith = s.Shuffle ? Random : null,
            L2 = s.L2,
            CountClasses = data.Train.ClassNames is not null || Losses.PredictsClasses(s.Loss, s.Output, Spec.Outputs),
            EarlyStoppingPatience = s.Patience,
        };
    }

    public LoadedData Data { get; }
    public TrainSettings Settings => Data.Settings;
    public Normalization Normalization { get; }

    /// <summary>The scaled training inputs, row by row (what training reads).</summary>
    public IRowSource<T> Rows { get; }

    /// <summary>The scaled training inputs as one matrix, made on first use (trace, explain and gradcheck look at every value).</summary>
    public Matrix<T> X => _x ??= Rows as Matrix<T> ?? ScaledMatrix();

    private Matrix<T>? _x;

    private Matrix<T> ScaledMatrix()
    {
        var x = Data.Train.FeaturesAs<T>();
        Normalization.ApplyInPlace(x);
        return x;
    }
    public Matrix<T> Y { get; }
    public NetworkSpec Spec { get; }
    public NumpyRandom Random { get; }
    public Network<T> Network { get; }
    public ILoss<T> Loss { get; }
    public Trainer<T> Trainer { get; }

    /// <summary>Scaled inputs and targets of another dataset, as the network takes them.</summary>
    public (IRowSource<T> X, Matrix<T> Y) Prepare(Dataset data) => (data.RowsAs<T>(Normalization), data.Targets.Cast<T>());

    /// <summary>Runs <c>Run&lt;double&gt;</c> or <c>Run&lt;float&gt;</c> by the --precision flag.</summary>
    public static int ByPrecision(LoadedData data, Func<Workbench<double>, int> f64, Func<Workbench<float>, int> f32) =>
        data.Settings.Precision == "f64" ? f64(new Workbench<double>(data)) : f32(new Workbench<float>(data));

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
        + (Spec.Hidden.Count == 0 ? "no hidden layer, " : $"{Settings.Activation.ToString().ToLowerInvariant()} hidden, ")
        + $"{Settings.Output.ToString().ToLowerInvariant()} output, loss {Settings.Loss}, "
        + $"{Settings.Optimizer} alpha {NetworkFlags.Num(Settings.Alpha)}, batch {Settings.Batching}, {Settings.Epochs} epochs, {Settings.Precision}";

    /// <summary>The defaults line, or null when every setting was given.</summary>
    public string? DefaultsLine() => Settings.Defaulted.Count == 0 ? null
        : $"defaults chosen (set them with the flags of the same names): {string.Join(", ", Settings.Defaulted)}";
}
