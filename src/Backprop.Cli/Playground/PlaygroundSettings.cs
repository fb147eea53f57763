using System.CommandLine;
using System.Globalization;

namespace Backprop.Cli.Playground;

/// <summary>
/// What the learner picked on the page: a dataset, hidden layers, activation, alpha, how many examples a step takes
/// (stochastic, mini-batch or full) and a seed. They become trace's flags (<see cref="Flags"/>), read by the same
/// <see cref="NetworkFlags"/> as the command line, so that the network is the one <c>backprop trace</c> builds.
/// </summary>
internal sealed record PlaygroundSettings(PlaygroundSet Set, string Layers, string Activation, string Alpha, string Descent, int BatchSize, string Seed)
{
    /// <summary>The ways of descent the page offers.</summary>
    public static IReadOnlyList<string> Descents { get; } = ["stochastic", "mini-batch", "full"];

    /// <summary>The set's own starting point: its layers and alpha, relu, stochastic descent, seed 1.</summary>
    public static PlaygroundSettings For(PlaygroundSet set) => new(set, set.Layers, "relu", set.Alpha, "stochastic", 2, "1");

    /// <summary>Reads the page's fields (null when missing); a bad value is a <see cref="UsageException"/> naming its field.</summary>
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
        var settings = new PlaygroundSettings(set, Required("layers"), Required("activation"), Required("alpha"), descent, size, Required("seed"));
        settings.Recipe(); // every mistake now, as the command line's one-line message
        return settings;
    }

    /// <summary>The flags of <c>backprop trace</c> (and train) that build this network: the set's fixed ones, then the picked ones.</summary>
    public IReadOnlyList<string> Flags() =>
    [
        .. Set.FixedFlags,
        "--layers", Layers, "--activation", Activation, "--alpha", Alpha,
        "--batch", Descent switch { "stochastic" => "1", "full" => "full", _ => BatchSize.ToString(CultureInfo.InvariantCulture) },
        "--seed", Seed,
    ];

    /// <summary>The examples the first step takes: 1, the batch size, or all of them.</summary>
    public int FirstBatch => Descent switch { "stochastic" => 1, "full" => Set.Data.Count, _ => BatchSize };

    /// <summary>The command that prints this network's first step (from the same weights) in the terminal.</summary>
    public string TraceCommand()
    {
        static string Quote(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or ',' or ':' or '_') ? s : $"'{s}'";
        string rows = FirstBatch == 1 ? "" : $" --batch-rows 0:{FirstBatch}";
        return $"backprop trace {Set.Name}.csv {string.Join(' ', Flags().Select(Quote))}{rows}";
    }

    /// <summary>The recipe the flags give, resolved for the set (as trace resolves it); a mistake is a <see cref="UsageException"/> naming the flag.</summary>
    public Recipe Recipe()
    {
        var flags = new NetworkFlags(NetworkFlags.LookInside, inferClasses: false);
        var command = new Command("playground");
        flags.AddTo(command, flags.TrainOnly);
        var parsed = command.Parse([.. Flags()]);
        if (parsed.Errors.Count > 0) throw new UsageException(parsed.Errors[0].Message);
        var settings = flags.Read(parsed);
        try { return settings.Recipe.Resolve(Set.Data).Recipe; }
        catch (RecipeException e) { throw new UsageException($"--{e.Setting}: {e.Message}"); }
    }
}
