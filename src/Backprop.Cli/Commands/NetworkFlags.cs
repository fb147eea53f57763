using System.CommandLine;
using System.Globalization;
using Backprop.Data;

namespace Backprop.Cli;

/// <summary>
/// The flags that describe a network and its training. Values are read as text and checked here, so that every
/// mistake is one line naming the flag, what it got, and what it takes. <paramref name="inferClasses"/>: whether a target
/// column of few whole numbers is read as classes when --task is not given (train), or as numbers, as the notes read
/// their 0/1 targets (the commands that look inside).
/// </summary>
internal sealed class NetworkFlags(Recipe preset, bool inferClasses = true)
{
    /// <summary>
    /// Where trace, explain and gradcheck start: a look inside the network as the notes build it (float64 with numpy's
    /// rounding, plain gradient descent, no bias), at its initial weights unless --epochs says otherwise.
    /// </summary>
    public static Recipe LookInside { get; } = new() { Optimizer = Training.Optimizer.Sgd, Precision = Tensors.Precision.F64, Compute = Tensors.Compute.Numpy, Epochs = 0, Bias = false };

    public Option<string?> Target { get; } = new("--target") { Description = "The output column(s) of a CSV file: COL[,COL...]. One column of labels becomes classes." };
    public Option<string?> Task { get; } = new("--task") { Description = inferClasses
        ? $"classification|regression: are the targets classes or numbers? Default from the target column: text labels are classes; a single column of whole numbers with at most {CsvLoader.MaxInferredClasses} distinct values (each seen twice on average) is classes, unless --loss is sse or mse; other numbers are regression. The defaults line says which was chosen."
        : "classification|regression: are the targets classes or numbers? Default: text labels are classes, numbers are numbers (as the notes read their 0/1 targets)." };
    public Option<string?> Classes { get; } = new("--classes") { Description = "The class labels of the target column, in order: A,B,C (their order is the outputs' order; a label not listed is an error)." };
    public Option<string?> Layers { get; } = new("--layers") { Description = $"Hidden layer sizes, e.g. 128,64; empty for none. Default {(preset.Hidden is { } h ? (h.Count == 0 ? "none" : string.Join(",", h)) : "64")}." };
    public Option<string?> Activation { get; } = new("--activation") { Description = "Hidden activation: relu|sigmoid|tanh. Default relu." };
    public Option<string?> Output { get; } = new("--output") { Description = "Output activation: identity|sigmoid|softmax. Default softmax for classes and for cross-entropy on several target columns, sigmoid for cross-entropy on one, identity otherwise." };
    public Option<string?> Loss { get; } = new("--loss") { Description = "sse|mse|cross-entropy|binary-cross-entropy. Default cross-entropy for classes, mse otherwise." };
    public Option<string?> ClassWeight { get; } = new("--class-weight") { Description = "Weigh each row's loss by its class, for imbalanced classes (cross-entropy and binary-cross-entropy): balanced (n / (classes x count), counted on the training rows) or NAME=W[,NAME=W...] (classes not named weigh 1). Default none." };
    public Option<string?> Optimizer { get; } = new("--optimizer") { Description = $"sgd|momentum[:BETA]|adam; sgd is the notes' plain gradient descent. Default {preset.Optimizer?.ToString() ?? "adam"}." };
    public Option<string?> Alpha { get; } = new("--alpha") { Description = "Learning rate, above 0. Default 0.001 for adam, 0.01 otherwise." };
    public Option<string?> LrSchedule { get; } = new("--lr-schedule") { Description = "How the learning rate changes between epochs: constant | step:EVERY[,FACTOR] (times FACTOR, default 0.1, every EVERY epochs) | cosine (half a cosine from --alpha towards 0 over the epochs) | plateau[:PATIENCE[,FACTOR]] (times FACTOR after more than PATIENCE epochs without a better validation loss, else training loss; default 10,0.1). As PyTorch's StepLR, CosineAnnealingLR, ReduceLROnPlateau. Default constant." };
    public Option<string?> Epochs { get; } = new("--epochs") { Description = preset.Epochs is int e ? $"Passes over the training data before looking. Default {e}." : "Passes over the training data. Default 20, or enough for 1000 updates on small data." };
    public Option<string?> Batch { get; } = new("--batch") { Description = "Examples per update: 1 (stochastic), N (mini-batch) or full. Default 32, or full under 32 rows." };
    public Option<string?> Init { get; } = new("--init") { Description = "uniform:LOW,HIGH|normal:STD|he|xavier. Default he for relu, xavier otherwise." };
    public Option<string?> Seed { get; } = new("--seed") { Description = "Seed of the numpy-compatible random stream (weights, shuffling, dropout). Default 1." };
    public Option<bool> Bias { get; } = new("--bias") { Description = $"true|false: give dense layers a bias (the notes' networks have none; --bias alone is true). Default {(preset.Bias == false ? "false, as the notes" : "true")}." };
    public Option<bool> Shuffle { get; } = new("--shuffle") { Description = "Visit the training examples in a new random order each epoch." };
    public Option<string?> Normalize { get; } = new("--normalize") { Description = "none|minmax|standard, fitted on the training data. Default standard for CSV, none for images." };
    public Option<string?> Validation { get; } = new("--validation") { Description = "Hold out this fraction of the training rows to validate on each epoch, chosen as --validation-split says." };
    public Option<string?> ValidationSplit { get; } = new("--validation-split") { Description = "Which rows --validation holds out: shuffled (drawn at random after --seed, in the same proportion from every class for classes, as scikit-learn's train_test_split with stratify) or last (the file's last rows, for time-ordered data). Default shuffled." };
    public Option<string?> ValidationData { get; } = new("--validation-data") { Description = "A file to validate on each epoch." };
    public Option<string?> TestData { get; } = new("--test-data") { Description = "A file to test on after training." };
    public Option<string?> L2 { get; } = new("--l2") { Description = "L2 weight decay lambda, 0 or more." };
    public Option<string?> Dropout { get; } = new("--dropout") { Description = "Probability of dropping each hidden activation while training, 0 to below 1." };
    public Option<string?> EarlyStopping { get; } = new("--early-stopping") { Description = "Stop after PATIENCE epochs without a better validation loss, keeping the best weights." };
    public Option<string?> Precision { get; } = new("--precision") { Description = $"f64 or f32 (fast). Default {(preset.Precision is { } p ? Vocabulary.Name(p) : "f32")}." };
    public Option<string?> Rounding { get; } = new("--rounding") { Description = $"How float64 products round each multiply-add: fused (one rounding, fast, as BLAS) or numpy (a multiply then an add: numpy's digits). Default {((preset.Compute ?? Tensors.Compute.Default).Float64 == Summation.Fused ? "fused" : "numpy")}." };
    public Option<string?> Threads { get; } = new("--threads") { Description = "Threads for matrix products, batch gathering and large weight updates (results do not depend on it); at most the number of cores. Default all cores." };
    public Option<string?> Save { get; } = new("--save") { Description = "Write the trained model to this file." + WrittenAs };
    public Option<string?> History { get; } = new("--history") { Description = $"Write one CSV row an epoch, as each ends: {HistoryCsv.Header} (lr: the learning rate the epoch used). A device, a named pipe or /dev/stdout works too." };
    public Option<string?> Plot { get; } = new("--plot") { Description = "Write a PNG chart of loss and accuracy per epoch (and of the learning rate with --lr-schedule)." + WrittenAs };
    public Option<string?> Html { get; } = new("--html") { Description = "Write a self-contained HTML page (opens from disk, fetches nothing)." + WrittenAs };

    /// <summary>How an output flag's file is written, for the end of its help (docs/cli.md, "Output files").</summary>
    public const string WrittenAs = " A file is written aside, then renamed; a device, a named pipe or /dev/stdout is written in place.";
    public Option<bool> Quiet { get; } = new("--quiet") { Description = "Print nothing but errors." };
    public Option<bool> Verbose { get; } = new("--verbose") { Description = $"Print every epoch's line. Default: all of a run of up to {TrainingView.EveryLineUpTo} epochs; of a longer one, epochs 1 to {TrainingView.FirstLines}, then every k-th (k 2, 5, 10, 20, 50, ... for at most {TrainingView.SpacedLines} more lines), the last, any with a note, and the lowest loss's (--history keeps every epoch)." };

    /// <summary>How CSV files are read: --delimiter, --missing, --unknown.</summary>
    public CsvFlags Csv { get; } = new();

    /// <summary>Adds every flag to <paramref name="command"/> but those in <paramref name="leaveOut"/>, which that command does not use (its help shows only what it uses, and the parser refuses the rest).</summary>
    public void AddTo(Command command, params Option[] leaveOut)
    {
        foreach (var option in new Option[]
        {
            Target, Task, Classes, Layers, Activation, Output, Loss, ClassWeight, Optimizer, Alpha, LrSchedule, Epochs, Batch, Init, Seed, Bias, Shuffle,
            Normalize, Validation, ValidationSplit, ValidationData, TestData, L2, Dropout, EarlyStopping, Precision, Rounding, Threads, Save, History, Plot, Html, Quiet, Verbose,
            Csv.Delimiter, Csv.Missing, Csv.Unknown,
        })
            if (!leaveOut.Contains(option)) command.Options.Add(option);
    }

    /// <summary>What only <c>train</c> does with its network: weigh classes, validate, test, stop early, change the learning rate, write the model, the history and a chart, and print every epoch.</summary>
    public Option[] TrainOnly => [ClassWeight, Validation, ValidationSplit, ValidationData, TestData, EarlyStopping, LrSchedule, Save, History, Plot, Verbose];

    /// <summary>
    /// Reads every flag into a recipe: a flag not given leaves its setting to <paramref name="preset"/> (the command's
    /// own starting point, e.g. the notes' float64 and plain gradient descent for trace), and then to the library.
    /// </summary>
    public TrainSettings Read(ParseResult result)
    {
        T? Value<T>(Option<string?> option, Func<string, T> parse) where T : struct => result.GetValue(option) is string text ? Flag(option, text, parse) : null;
        TRef? Ref<TRef>(Option<string?> option, Func<string, TRef> parse) where TRef : class => result.GetValue(option) is string text ? Flag(option, text, parse) : null;

        var optimizer = Ref(Optimizer, Training.Optimizer.Parse);
        bool biasGiven = result.GetResult(Bias) is { Implicit: false };
        var compute = preset.Compute ?? Tensors.Compute.Default;
        var notes = new List<string>();
        if (Value(Threads, t => Count(t, min: 1)) is int threads)
        {
            // More threads than cores only wait for each other (16 on 2 cores ran 3x slower): capped, with a note.
            if (threads > Environment.ProcessorCount)
            {
                notes.Add($"note: --threads {threads} is more than this machine's {Environment.ProcessorCount} cores; using {Environment.ProcessorCount}");
                threads = Environment.ProcessorCount;
            }
            compute = compute with { Threads = threads };
        }
        if (Ref(Rounding, t => OneOf(t, ["fused", "numpy"])) is string rounding)
            compute = compute with { Float64 = rounding == "fused" ? Summation.Fused : Summation.NumpySeparate };
        var recipe = preset with
        {
            Task = Value(Task, Vocabulary.Parse<TaskKind>) ?? preset.Task,
            Hidden = Ref(Layers, ParseLayers) ?? preset.Hidden,
            Activation = Value(Activation, t => Activations.Parse(t, Activations.HiddenNames)) ?? preset.Activation,
            Output = Value(Output, t => Activations.Parse(t, Activations.OutputNames)) ?? preset.Output,
            Loss = Value(Loss, Vocabulary.Parse<LossKind>) ?? preset.Loss,
            ClassWeight = Ref(ClassWeight, ClassWeighting.Parse) ?? preset.ClassWeight,
            Optimizer = optimizer ?? preset.Optimizer,
            Alpha = Value(Alpha, t => Positive(t)) ?? preset.Alpha,
            Schedule = Ref(LrSchedule, LearningRateSchedule.Parse) ?? preset.Schedule,
            Epochs = Value(Epochs, t => Count(t, min: 1)) ?? preset.Epochs,
            Batch = Value(Batch, Batching.Parse) ?? preset.Batch,
            Init = Ref(Init, Initializer.Parse) ?? preset.Init,
            Seed = Value(Seed, ParseSeed) ?? preset.Seed,
            Bias = biasGiven ? result.GetValue(Bias) : preset.Bias,
            Shuffle = result.GetValue(Shuffle) ? true : preset.Shuffle,
            Normalize = Value(Normalize, Vocabulary.Parse<NormalizationKind>) ?? preset.Normalize,
            L2 = Value(L2, NonNegative) ?? preset.L2,
            Dropout = Value(Dropout, t => Fraction(t, "a probability from 0 to below 1", allowZero: true)) ?? preset.Dropout,
            Patience = Value(EarlyStopping, t => Count(t, min: 1)) ?? preset.Patience,
            Precision = Value(Precision, Vocabulary.Parse<Precision>) ?? preset.Precision,
            Compute = compute,
        };

        if (result.GetValue(Quiet) && result.GetValue(Verbose)) throw new UsageException("--quiet and --verbose ask for no lines and every line; give one.");
        string? validation = result.GetValue(Validation), validationData = result.GetValue(ValidationData);
        if (validation is not null && validationData is not null)
            throw new UsageException("--validation and --validation-data both name validation data; give one.");

        return new TrainSettings
        {
            Recipe = recipe,
            Notes = notes,
            Targets = result.GetValue(Target) is { } t ? Flag(Target, t, text => Distinct(Split(text), "column")) : [],
            Classes = result.GetValue(Classes) is { } c ? Flag(Classes, c, ParseClasses) : null,
            ValidationFraction = validation is null ? null : Flag(Validation, validation, t => Fraction(t, "a fraction above 0 and below 1")),
            ValidationSplit = result.GetValue(ValidationSplit) is string split
                ? (validation is null ? throw new UsageException("--validation-split chooses the rows --validation holds out; give --validation FRACTION too.")
                    : Flag(ValidationSplit, split, t => OneOf(t, ["shuffled", "last"]) == "last" ? SplitKind.Last : SplitKind.Shuffled))
                : SplitKind.Shuffled,
            ValidationData = validationData,
            TestData = result.GetValue(TestData),
            Save = result.GetValue(Save),
            History = result.GetValue(History),
            Plot = result.GetValue(Plot),
            Html = result.GetValue(Html),
            Quiet = result.GetValue(Quiet),
            Verbose = result.GetValue(Verbose),
            Csv = Csv.Read(result, new CsvOptions { InferClasses = inferClasses }),
        };
    }

    private static T Flag<T>(Option option, string text, Func<string, T> parse)
    {
        try { return parse(text); }
        catch (Exception e) when (e is FormatException or ArgumentException) { throw new UsageException($"{option.Name}: {e.Message}"); }
    }

    internal static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>--seed: a whole number from 0 to 2^32-1; a mistake is a FormatException.</summary>
    internal static uint ParseSeed(string text) => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint s) ? s
        : throw new FormatException($"'{text}' is not a seed (a whole number from 0 to {uint.MaxValue}).");

    private static IReadOnlyList<string> Split(string? text) =>
        text is null ? [] : text.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();

    // --classes A,B,...: at least two, none empty, none twice.
    private static IReadOnlyList<string> ParseClasses(string text)
    {
        var names = text.Split(',').Select(s => s.Trim()).ToArray();
        if (names.Any(n => n.Length == 0))
            throw new FormatException(names.Length == 1 ? "give the class labels, at least two: A,B[,C...]" : $"'{text}' has an empty class label.");
        if (names.Length < 2) throw new FormatException($"'{text}' is one class; a classifier needs at least two: A,B[,C...].");
        return Distinct(names, "class label");
    }

    private static IReadOnlyList<string> Distinct(IReadOnlyList<string> names, string what)
    {
        var twice = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? names : throw new FormatException($"{what} '{twice.Key}' is given twice.");
    }

    /// <summary>--layers: sizes such as 128,64 (empty for none); a mistake is a FormatException saying what a size is.</summary>
    internal static IReadOnlyList<int> ParseLayers(string text) =>
        text.Trim().Length == 0 ? [] : text.Split(',').Select(s => int.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new FormatException($"'{s.Trim()}' in '{text}' is not a layer size (a whole number above 0).")).ToArray();

    private static string OneOf(string text, string[] allowed)
    {
        string t = text.Trim().ToLowerInvariant();
        return allowed.Contains(t) ? t : throw new FormatException($"'{text}' is not one of {string.Join(", ", allowed)}.");
    }

    private static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw new FormatException($"'{text}' is not a number.");

    /// <summary>A number above 0 (--alpha); a mistake is a FormatException.</summary>
    internal static double Positive(string text)
    {
        double v = Number(text);
        return v > 0 ? v : throw new FormatException($"'{text}' must be above zero.");
    }

    private static double NonNegative(string text)
    {
        double v = Number(text);
        return v >= 0 ? v : throw new FormatException($"'{text}' must be 0 or more.");
    }

    private static double Fraction(string text, string what, bool allowZero = false)
    {
        double v = Number(text);
        return (allowZero ? v >= 0 : v > 0) && v < 1 ? v : throw new FormatException($"'{text}' must be {what}.");
    }

    /// <summary>A whole number of at least <paramref name="min"/>; one too large for the program says so rather than "at least".</summary>
    internal static int Count(string text, int min)
    {
        string t = text.Trim();
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min) return n;
        if (t.Length > 0 && t.All(char.IsAsciiDigit) && !int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw new FormatException($"'{text}' is too large; at most {int.MaxValue}.");
        throw new FormatException($"'{text}' must be a whole number of at least {min}.");
    }
}
