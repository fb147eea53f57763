using System.CommandLine;
using System.Globalization;
using Backprop.Data;

namespace Backprop.Cli;

/// <summary>Everything <c>train</c> (and the commands that build a network the same way) was asked to do, flags parsed and defaults filled in.</summary>
internal sealed record TrainSettings
{
    public required IReadOnlyList<string> Targets { get; init; }
    public IReadOnlyList<string>? Classes { get; init; }
    public required IReadOnlyList<int> Hidden { get; init; }
    public required Activation Activation { get; init; }
    public required Activation Output { get; init; }
    public required string Loss { get; init; }
    public required string Optimizer { get; init; }
    public double MomentumBeta { get; init; } = 0.9;
    public required double Alpha { get; init; }
    public required int Epochs { get; init; }
    public required Batching Batching { get; init; }
    public required Initializer Init { get; init; }
    public required uint Seed { get; init; }
    public bool Bias { get; init; }
    public bool Shuffle { get; init; }
    public required string Normalize { get; init; }
    public double? ValidationFraction { get; init; }
    public string? ValidationData { get; init; }
    public string? TestData { get; init; }
    public double L2 { get; init; }
    public double Dropout { get; init; }
    public int? Patience { get; init; }
    public required string Precision { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    public string? Save { get; init; }
    public string? History { get; init; }
    public string? Plot { get; init; }
    public bool Quiet { get; init; }

    /// <summary>The settings Backprop chose because no flag named them, as "name value" for the screen.</summary>
    public IReadOnlyList<string> Defaulted { get; init; } = [];
}

/// <summary>
/// The flags that describe a network and its training. Values are read as text and checked here, so that every
/// mistake is one line naming the flag, what it got, and what it takes.
/// </summary>
internal sealed class NetworkFlags(string defaultOptimizer = "adam", string defaultPrecision = "f32", int defaultEpochs = 20, int[]? defaultLayers = null, bool defaultBias = true)
{
    public Option<string?> Target { get; } = new("--target") { Description = "The output column(s) of a CSV file: COL[,COL...]. One column of labels becomes classes." };
    public Option<string?> Classes { get; } = new("--classes") { Description = "The class labels of the target column, in order: A,B,C (integers are classes only with this flag)." };
    public Option<string?> Layers { get; } = new("--layers") { Description = "Hidden layer sizes, e.g. 128,64; empty for none. Default 64." };
    public Option<string?> Activation { get; } = new("--activation") { Description = "Hidden activation: relu|sigmoid|tanh. Default relu." };
    public Option<string?> Output { get; } = new("--output") { Description = "Output activation: identity|sigmoid|softmax. Default softmax for classes, identity otherwise." };
    public Option<string?> Loss { get; } = new("--loss") { Description = "sse|mse|cross-entropy. Default cross-entropy for classes, mse otherwise." };
    public Option<string?> Optimizer { get; } = new("--optimizer") { Description = "sgd|momentum[:BETA]|adam; sgd is the notes' plain gradient descent. Default adam." };
    public Option<string?> Alpha { get; } = new("--alpha") { Description = "Learning rate, above 0. Default 0.001 for adam, 0.01 otherwise." };
    public Option<string?> Epochs { get; } = new("--epochs") { Description = "Passes over the training data. Default 20, or enough for 1000 updates on small data." };
    public Option<string?> Batch { get; } = new("--batch") { Description = "Examples per update: 1 (stochastic), N (mini-batch) or full. Default 32." };
    public Option<string?> Init { get; } = new("--init") { Description = "uniform:LOW,HIGH|normal:STD|he|xavier. Default he for relu, xavier otherwise." };
    public Option<string?> Seed { get; } = new("--seed") { Description = "Seed of the numpy-compatible random stream (weights, shuffling, dropout). Default 1." };
    public Option<bool> Bias { get; } = new("--bias") { Description = $"true|false: give dense layers a bias (the notes' networks have none; --bias alone is true). Default {(defaultBias ? "true" : "false, as the notes")}." };
    public Option<bool> Shuffle { get; } = new("--shuffle") { Description = "Visit the training examples in a new random order each epoch." };
    public Option<string?> Normalize { get; } = new("--normalize") { Description = "none|minmax|standard, fitted on the training data. Default standard for CSV, none for images." };
    public Option<string?> Validation { get; } = new("--validation") { Description = "Hold out this fraction of the training rows (the last ones) to validate on each epoch." };
    public Option<string?> ValidationData { get; } = new("--validation-data") { Description = "A file to validate on each epoch." };
    public Option<string?> TestData { get; } = new("--test-data") { Description = "A file to test on after training." };
    public Option<string?> L2 { get; } = new("--l2") { Description = "L2 weight decay lambda, 0 or more." };
    public Option<string?> Dropout { get; } = new("--dropout") { Description = "Probability of dropping each hidden activation while training, 0 to below 1." };
    public Option<string?> EarlyStopping { get; } = new("--early-stopping") { Description = "Stop after PATIENCE epochs without a better validation loss, keeping the best weights." };
    public Option<string?> Precision { get; } = new("--precision") { Description = "f64 (exact, as numpy) or f32 (fast). Default f32." };
    public Option<string?> Threads { get; } = new("--threads") { Description = "Threads for matrix products, batch gathering and large weight updates (results do not depend on it). Default all cores." };
    public Option<string?> Save { get; } = new("--save") { Description = "Write the trained model to this file." };
    public Option<string?> History { get; } = new("--history") { Description = "Write one CSV row an epoch: epoch,train_loss,train_accuracy,validation_loss,validation_accuracy." };
    public Option<string?> Plot { get; } = new("--plot") { Description = "Write a PNG chart of loss and accuracy per epoch." };
    public Option<bool> Quiet { get; } = new("--quiet") { Description = "Print nothing but errors." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[]
        {
            Target, Classes, Layers, Activation, Output, Loss, Optimizer, Alpha, Epochs, Batch, Init, Seed, Bias, Shuffle,
            Normalize, Validation, ValidationData, TestData, L2, Dropout, EarlyStopping, Precision, Threads, Save, History, Plot, Quiet,
        })
            command.Options.Add(option);
    }

    /// <summary>Reads every flag; <paramref name="isImages"/>, <paramref name="hasClasses"/> and the number of target columns steer the defaults.</summary>
    public TrainSettings Read(ParseResult result, bool isImages, bool hasClasses, int examples = int.MaxValue, int targetColumns = 1)
    {
        var defaulted = new List<string>();
        T Pick<T>(Option<string?> option, Func<string, T> parse, T fallback, string shown)
        {
            string? text = result.GetValue(option);
            if (text is null)
            {
                defaulted.Add($"{option.Name.TrimStart('-')} {shown}");
                return fallback;
            }
            try { return parse(text); }
            catch (FormatException e) { throw new UsageException($"{option.Name}: {e.Message}"); }
            catch (ArgumentException e) { throw new UsageException($"{option.Name}: {e.Message}"); }
        }

        int[] layersDefault = defaultLayers ?? [64];
        var hidden = Pick(Layers, ParseLayers, layersDefault, layersDefault.Length == 0 ? "none" : string.Join(",", layersDefault));
        var activation = Pick(Activation, t => Activations.Parse(t, Activations.HiddenNames), Backprop.Activation.Relu, "relu");
        string loss = Pick(Loss, Losses.Canonical, hasClasses ? "cross-entropy" : "mse", hasClasses ? "cross-entropy" : "mse");
        var outputDefault = Losses.DefaultOutput(loss, hasClasses, targetColumns);
        var output = Pick(Output, t => Activations.Parse(t, Activations.OutputNames), outputDefault, Activations.Name(outputDefault));
        var (optimizer, beta) = Pick(Optimizer, Optimizers.Parse, (defaultOptimizer, 0.9), defaultOptimizer);
        double alphaDefault = Optimizers.DefaultAlpha(optimizer);
        double alpha = Pick(Alpha, t => Positive(t, "alpha"), alphaDefault, Num(alphaDefault));
        // 32 a batch, or the whole dataset when it is smaller than that.
        var batching = Pick(Batch, Batching.Parse, examples < 32 ? Batching.Full : Batching.MiniBatch(32), examples < 32 ? "full" : "32");
        // Training defaults to 20 epochs, or more on small data, so that the weights get at least 1000 updates.
        int autoEpochs = defaultEpochs;
        if (defaultEpochs > 0 && examples < int.MaxValue)
        {
            int batchesPerEpoch = (examples + batching.SizeFor(examples) - 1) / batching.SizeFor(examples);
            autoEpochs = Math.Max(defaultEpochs, (1000 + batchesPerEpoch - 1) / batchesPerEpoch);
        }
        int epochs = Pick(Epochs, t => Count(t, min: 1), autoEpochs, autoEpochs.ToString(CultureInfo.InvariantCulture));
        var init = Pick(Init, Initializer.Parse,
            activation == Backprop.Activation.Relu ? Initializer.He : Initializer.Xavier,
            activation == Backprop.Activation.Relu ? "he" : "xavier");
        uint seed = Pick(Seed, t => uint.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out uint s) ? s
            : throw new FormatException($"'{t}' is not a seed (a whole number from 0 to {uint.MaxValue})."), 1u, "1");
        string normalize = Pick(Normalize, t => OneOf(t, ["none", "minmax", "standard"]), isImages ? "none" : "standard", isImages ? "none" : "standard");
        string precision = Pick(Precision, t => OneOf(t, ["f64", "f32"]), defaultPrecision, defaultPrecision);
        bool biasGiven = result.GetResult(Bias) is { Implicit: false };
        bool bias = biasGiven ? result.GetValue(Bias) : defaultBias;
        if (!biasGiven) defaulted.Add($"bias {(bias ? "true" : "false")}");

        string? validation = result.GetValue(Validation), validationData = result.GetValue(ValidationData);
        if (validation is not null && validationData is not null)
            throw new UsageException("--validation and --validation-data both name validation data; give one.");

        return new TrainSettings
        {
            Targets = Split(result.GetValue(Target)),
            Classes = result.GetValue(Classes) is { } c ? Split(c) : null,
            Hidden = hidden,
            Activation = activation,
            Output = output,
            Loss = loss,
            Optimizer = optimizer,
            MomentumBeta = beta,
            Alpha = alpha,
            Epochs = epochs,
            Batching = batching,
            Init = init,
            Seed = seed,
            Bias = bias,
            Shuffle = result.GetValue(Shuffle),
            Normalize = normalize,
            ValidationFraction = validation is null ? null : Flag(Validation, validation, t => Fraction(t, "a fraction above 0 and below 1")),
            ValidationData = validationData,
            TestData = result.GetValue(TestData),
            L2 = result.GetValue(L2) is { } l2 ? Flag(L2, l2, t => NonNegative(t)) : 0,
            Dropout = result.GetValue(Dropout) is { } p ? Flag(Dropout, p, t => Fraction(t, "a probability from 0 to below 1", allowZero: true)) : 0,
            Patience = result.GetValue(EarlyStopping) is { } es ? Flag(EarlyStopping, es, t => Count(t, min: 1)) : null,
            Precision = precision,
            Threads = result.GetValue(Threads) is { } th ? Flag(Threads, th, t => Count(t, min: 1)) : Environment.ProcessorCount,
            Save = result.GetValue(Save),
            History = result.GetValue(History),
            Plot = result.GetValue(Plot),
            Quiet = result.GetValue(Quiet),
            Defaulted = defaulted,
        };
    }

    private static T Flag<T>(Option option, string text, Func<string, T> parse)
    {
        try { return parse(text); }
        catch (FormatException e) { throw new UsageException($"{option.Name}: {e.Message}"); }
    }

    internal static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static IReadOnlyList<string> Split(string? text) =>
        text is null ? [] : text.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();

    private static IReadOnlyList<int> ParseLayers(string text) =>
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

    private static double Positive(string text, string what)
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

    private static int Count(string text, int min) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min
            ? n : throw new FormatException($"'{text}' must be a whole number of at least {min}.");
}
