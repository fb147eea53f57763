using System.Globalization;

namespace Backprop.Cli.Playground;

/// <summary>
/// What the learner picked on the page, read into typed settings: a dataset, hidden layers, activation, alpha, how many
/// examples a step takes (stochastic, mini-batch or full) and a seed. <see cref="Recipe"/> is the library's recipe for
/// them (the set's own settings with the picked ones); <see cref="TraceFlags"/> writes the same network as
/// <c>backprop trace</c>'s flags, for the command the page shows.
/// </summary>
internal sealed record PlaygroundSettings(PlaygroundSet Set, IReadOnlyList<int> Layers, Activation Activation, double Alpha, string Descent, int BatchSize, uint Seed)
{
    /// <summary>The ways of descent the page offers.</summary>
    public static IReadOnlyList<string> Descents { get; } = ["stochastic", "mini-batch", "full"];

    /// <summary>The set's own starting point: its layers and alpha, relu, stochastic descent, seed 1.</summary>
    public static PlaygroundSettings For(PlaygroundSet set) => new(set, set.Layers, Activation.Relu, set.Alpha, "stochastic", 2, 1);

    /// <summary>
    /// Reads the page's fields (null when missing); a bad value is a <see cref="UsageException"/> naming its field (as the
    /// flag of the same name for those trace has), and so is a setting the library refuses for the set.
    /// </summary>
    public static PlaygroundSettings Read(Func<string, string?> field)
    {
        string Required(string name) => field(name) ?? throw new UsageException($"{name}: missing");
        string name = Required("dataset");
        var set = PlaygroundSet.Find(name)
            ?? throw new UsageException($"dataset: '{name}' is not one of {string.Join(", ", PlaygroundSet.All.Select(s => s.Name))}");
        string descent = Required("descent");
        if (!Descents.Contains(descent)) throw new UsageException($"descent: '{descent}' is not one of {string.Join(", ", Descents)}");
        int size = 1;
        if (descent == "mini-batch")
        {
            string batch = Required("batch");
            if (!int.TryParse(batch, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > set.Data.Count)
                throw new UsageException($"batch: '{batch}' is not a batch size from 1 to the {set.Data.Count} examples of {set.Name}");
        }
        var settings = new PlaygroundSettings(set,
            Field("layers", Required("layers"), NetworkFlags.ParseLayers),
            Field("activation", Required("activation"), t => Activations.Parse(t, Activations.HiddenNames)),
            Field("alpha", Required("alpha"), NetworkFlags.Positive),
            descent, size,
            Field("seed", Required("seed"), NetworkFlags.ParseSeed));
        // Every setting the library would refuse for the set, now, as the command line's one-line message.
        try { settings.Recipe.Resolve(set.Data); }
        catch (RecipeException e) { throw new UsageException($"--{e.Setting}: {e.Message}"); }
        return settings;
    }

    // A field read as the flag of the same name reads it: a mistake names the flag, as trace's message would.
    private static T Field<T>(string name, string text, Func<string, T> parse)
    {
        try { return parse(text); }
        catch (Exception e) when (e is FormatException or ArgumentException) { throw new UsageException($"--{name}: {e.Message}"); }
    }

    /// <summary>How many examples each step takes.</summary>
    public Batching Batch => Descent switch { "stochastic" => Batching.Stochastic, "full" => Batching.Full, _ => Batching.MiniBatch(BatchSize) };

    /// <summary>The examples the first step takes: 1, the batch size, or all of them.</summary>
    public int FirstBatch => Batch.SizeFor(Set.Data.Count);

    /// <summary>The library's recipe: the set's settings with the picked ones, float64 and plain gradient descent as trace's, trained until stopped.</summary>
    public Recipe Recipe => Set.Recipe with { Hidden = Layers, Activation = Activation, Alpha = Alpha, Batch = Batch, Seed = Seed, Epochs = int.MaxValue };

    /// <summary>
    /// The flags of <c>backprop trace</c> (and train) that build this network from the set's CSV file (<see cref="PlaygroundSet.Csv"/>):
    /// the set's target and fixed settings, then the picked ones, each written as the library names it.
    /// </summary>
    public IReadOnlyList<string> TraceFlags()
    {
        var fixedSettings = Set.Recipe;
        var flags = new List<string> { "--target", string.Join(",", Set.Data.TargetNames) };
        if (fixedSettings.Init is { } init) flags.AddRange(["--init", init.ToString()]);
        if (fixedSettings.Normalize is { } normalize) flags.AddRange(["--normalize", Vocabulary.Name(normalize)]);
        if (fixedSettings.Loss is { } loss) flags.AddRange(["--loss", Vocabulary.Name(loss)]);
        if (fixedSettings.Output is { } output) flags.AddRange(["--output", Vocabulary.Name(output)]);
        if (fixedSettings.Bias is bool bias) flags.AddRange(["--bias", bias ? "true" : "false"]);
        flags.AddRange(["--layers", string.Join(",", Layers), "--activation", Vocabulary.Name(Activation), "--alpha", NetworkFlags.Num(Alpha),
            "--batch", Batch.ToString(), "--seed", Seed.ToString(CultureInfo.InvariantCulture)]);
        return flags;
    }

    /// <summary>The command that prints this network's first step (from the same weights) in the terminal.</summary>
    public string TraceCommand()
    {
        static string Quote(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or ',' or ':' or '_') ? s : $"'{s}'";
        string rows = FirstBatch == 1 ? "" : $" --batch-rows 0:{FirstBatch}";
        return $"backprop trace {Set.Name}.csv {string.Join(' ', TraceFlags().Select(Quote))}{rows}";
    }
}
