using System.CommandLine;
using System.Globalization;
using Backprop.Data;

namespace Backprop.Cli;

/// <summary>
/// sweep's flags: train's (but its output files), --grid, --random, --folds, --fold-split, --rank, --init-from, which
/// define the trials and are kept in the plan; and --out, --jobs, --plan, --slurm, --submit, --cache, --quiet, which
/// say how this run goes and are not.
/// </summary>
internal sealed class SweepDefinition
{
    public NetworkFlags Flags { get; } = new(new Recipe());
    public FoldFlags Folds { get; } = new(required: false);
    public Argument<string> Data { get; } = new("data") { Description = "A CSV file with a header row, an IDX images file, or a folder of IDX train/t10k pairs." };
    public Option<string[]> Grid { get; } = new("--grid") { Description = "A flag to vary and its values: NAME=V1|V2|... (quote it: the shell reads |), e.g. alpha=0.01|0.001 or layers=64|128,64; or, with --random, NAME=LOW..HIGH for a number (alpha and l2 drawn log-uniformly, epochs, batch, seed and early-stopping as whole numbers, dropout uniformly). NAME is a train flag that shapes training: " + string.Join(", ", RecipeSettings.Names) + ". Give --grid once a flag; the grid is every combination.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
    public Option<string?> Random { get; } = new("--random") { Description = "Draw N trials at random (numpy's RandomState(--seed)) instead of the whole grid: distinct grid points when every --grid is a list, else each flag drawn from its list or range." };
    public Option<string?> Rank { get; } = new("--rank") { Description = "The measure trials are ranked by: validation_loss (lowest first), validation_accuracy (highest first) or validation_mae. Default validation_loss." };
    public Option<string?> InitFrom { get; } = new("--init-from") { Description = "Start every trial from a saved model's weights (fine-tuning)." };
    public Option<string?> Out { get; } = new("--out") { Description = "A folder that keeps the plan (plan.json), each trial's result file, model and checkpoints (trials/), and results.csv; the same command run again keeps finished trials and continues unfinished ones from their checkpoints." };
    public Option<string?> Jobs { get; } = new("--jobs") { Description = "Trials run at a time on this machine, each with the cores divided among them as threads (the total never exceeds the cores). Default 1." };
    public Option<bool> Plan { get; } = new("--plan") { Description = "Write the plan to --out DIR without running any trial, for 'sweep run DIR' (a cluster's tasks) and 'sweep collect DIR'." };
    public Option<bool> Slurm { get; } = new("--slurm") { Description = "Plan, and write DIR/sweep.sbatch: a Slurm job array of one task per trial (or per --per-task K trials) running 'backprop sweep run DIR', and collecting at the end." };
    public Option<bool> Submit { get; } = new("--submit") { Description = "With --slurm: submit the script with sbatch, and after it a job that collects the results (sbatch --dependency=afterany); prints both jobs' ids." };
    public Option<string?> CheckpointInterval { get; } = new("--checkpoint-interval") { Description = "With --out: seconds between a trial's checkpoints (written at an epoch's end once this long has passed, after its last epoch, and at Ctrl-C); a kill loses at most this much of each running trial. 0 writes one every epoch. Default 10." };
    public Option<string?> Cache { get; } = LoadedData.CacheOption("Train every trial", "sweep", " (--validation-data is read into memory)");
    public Option<string?> PerTask { get; } = new("--per-task") { Description = "With --slurm: trials each array task runs (pack short trials: scheduling a task costs more than a sub-second trial). Default 1." };

    /// <summary>The options not kept in the plan: how this run goes, not what the trials are (threads never change results).</summary>
    private Option[] NotInPlan => [Out, Jobs, Plan, Slurm, Submit, PerTask, CheckpointInterval, Cache, Flags.Quiet, Flags.Threads];

    /// <summary>Options of sweep that train does not take, left out of the ready train command.</summary>
    private Option[] SweepOnly => [Grid, Random, Rank, Folds.Folds, Folds.FoldSplit];

    /// <summary>Options holding a file name, kept in the plan as full paths so that a task finds them from any folder.</summary>
    private Option[] Paths => [Flags.ValidationData, InitFrom];

    /// <summary>The sweep command these flags belong to, which parses a plan's arguments as it parsed the command line's.</summary>
    public Command? Command { get; private set; }

    public void AddTo(Command command)
    {
        Command = command;
        command.Arguments.Add(Data);
        Flags.AddTo(command, Flags.TestData, Flags.Save, Flags.History, Flags.Plot, Flags.Html, Flags.Verbose);
        Folds.AddTo(command);
        foreach (var option in new Option[] { Grid, Random, Rank, InitFrom, Out, Jobs, CheckpointInterval, Plan, Slurm, Submit, PerTask, Cache }) command.Options.Add(option);
    }

    /// <summary>How this run goes: --out, --jobs, --plan, --slurm, --submit, --per-task.</summary>
    public Control Control(ParseResult result)
    {
        string? folder = result.GetValue(Out);
        int jobs = result.GetValue(Jobs) is string j ? Count(Jobs, j) : 1;
        bool plan = result.GetValue(Plan), slurm = result.GetValue(Slurm), submit = result.GetValue(Submit);
        int perTask = result.GetValue(PerTask) is string p ? Count(PerTask, p) : 1;
        if ((plan || slurm) && folder is null) throw new UsageException($"{(plan ? "--plan" : "--slurm")} writes the plan to a folder: give --out DIR.");
        if (submit && !slurm) throw new UsageException("--submit submits the script --slurm writes; give --slurm too.");
        if (result.GetResult(PerTask) is not null && !slurm) throw new UsageException("--per-task says how many trials a Slurm array task runs; give --slurm (or 'sweep run DIR --per-task K').");
        if (folder is not null)
        {
            if (File.Exists(folder)) throw new UsageException($"--out: {folder} is a file; name a folder (made if missing)");
            string? parent = Path.GetDirectoryName(Path.GetFullPath(folder));
            if (parent is not null && !Directory.Exists(parent)) throw new UsageException($"--out: the folder {parent} does not exist");
        }
        return new Control(folder, jobs, plan, slurm, submit, perTask, Seconds(result.GetValue(CheckpointInterval)));
    }

    /// <summary>
    /// Reads the flags that define the sweep into the library's <see cref="Sweep"/> (and the data, when
    /// <paramref name="loadData"/>): every mistake a one-line error naming the flag, before anything trains.
    /// </summary>
    public SweepSetup Read(ParseResult result, bool loadData)
    {
        var settings = Flags.Read(result);
        var (folds, foldSplit) = Folds.Read(result);
        string[] gridTexts = result.GetValue(Grid) ?? [];
        var dimensions = gridTexts.Select(text =>
        {
            try { return SweepDimension.Parse(text); }
            catch (RecipeException e) { throw new UsageException($"--grid {text}: {e.Message}"); }
        }).ToArray();
        foreach (var d in dimensions)
            if (result.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--" + d.Name) is { } given && result.GetResult(given) is { Implicit: false })
                throw new UsageException($"--{d.Name} is given and swept (--grid {d}); give one.");
        int? random = result.GetValue(Random) is string r ? Count(Random, r) : null;
        IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> points;
        try { points = random is int n ? SweepSpace.Random(dimensions, n, settings.Recipe.Seed ?? 1) : SweepSpace.Grid(dimensions); }
        catch (RecipeException e) { throw new UsageException(e.Setting is "grid" or "random" ? $"--{e.Setting}: {e.Message}" : $"--grid {dimensions.First(d => d.Name == e.Setting)}: {e.Message}"); }
        if (folds is not null && (settings.ValidationFraction is not null || settings.ValidationData is not null))
            throw new UsageException($"--folds measures each trial by cross-validation; {(settings.ValidationFraction is not null ? "--validation" : "--validation-data")} by held-out rows: give one.");
        if (folds is null && settings.ValidationFraction is null && settings.ValidationData is null)
            throw new UsageException("a sweep measures each trial on rows it did not train on: give --validation FRACTION, --validation-data FILE or --folds K.");
        string rank = result.GetValue(Rank)?.Trim() ?? "validation_loss";
        if (rank is not ("validation_loss" or "validation_accuracy" or "validation_mae"))
            throw new UsageException($"--rank: '{result.GetValue(Rank)}' is not one of validation_loss, validation_accuracy, validation_mae.");
        string data = result.GetValue(Data)!;
        string? initFrom = result.GetValue(InitFrom);
        var start = initFrom is null ? null : new CheckpointFlags.Start(null, 0, null, null, initFrom, Model.Load(initFrom));
        var sweep = new Sweep(settings.Recipe, points)
        {
            ValidationFraction = settings.ValidationFraction,
            ValidationSplit = settings.ValidationSplit,
            Folds = folds,
            FoldSplit = foldSplit,
            StartFrom = start?.InitFrom,
            RankBy = rank,
        };
        Dataset? dataset = null;
        string dataLine = data;
        var notes = settings.Notes;
        if (loadData)
        {
            var csv = settings.Csv with { TargetColumns = settings.Targets, Classes = settings.Classes, Task = settings.Recipe.Task };
            // Not in the plan (it does not change a result): a cluster's task gives its own, or makes DATA.cache when it must.
            var precision = settings.Recipe.Precision ?? start?.InitFrom?.Precision ?? Backprop.Tensors.Precision.F32;
            (csv, var cacheNote) = LoadedData.WithCache(data, csv, result.GetValue(Cache) ?? LoadedData.AutoCache, precision, "training every trial");
            (dataset, _, _) = DataFiles.LoadForTraining(data, csv);
            notes = [.. dataset.CacheNote is string written ? [written] : Array.Empty<string>(), .. notes, .. cacheNote is null ? Array.Empty<string>() : [cacheNote],
                .. DataFiles.NoteLines(dataset)];
            var validation = settings.ValidationData is string v ? DataFiles.LoadLike(v, dataset, csv) : null;
            sweep = sweep with { Validation = validation };
            var checkedSweep = sweep;
            LoadedData.Library(start, () => { checkedSweep.Check(dataset); return 0; });
            dataLine = $"{dataset.Source} ({dataset.Count} examples, "
                + (dataset.ClassNames is { } classes ? $"{classes.Count} classes)" : $"{dataset.Targets.Columns} outputs)");
        }
        string measure = folds is int k ? $"by {k}-fold cross-validation ({Vocabulary.Name(foldSplit)})"
            : settings.ValidationFraction is double f ? $"on --validation {NetworkFlags.Num(f)} ({Vocabulary.Name(settings.ValidationSplit)})"
            : $"on {settings.ValidationData}";
        return new SweepSetup(sweep, dataset, data, PlanArgs(result), TrainArgs(result), settings.Quiet, notes, start, dataLine, measure);
    }

    // The options that define the trials, in the command's order (so that the order they were typed in does not
    // matter), each with its tokens; files as full paths.
    private List<string> PlanArgs(ParseResult result)
    {
        var args = new List<string>();
        foreach (var option in result.CommandResult.Command.Options)
        {
            if (NotInPlan.Contains(option) || result.GetResult(option) is not { Implicit: false } given) continue;
            if (given.Tokens.Count == 0) args.Add(option.Name);
            foreach (var token in given.Tokens)
                args.AddRange([option.Name, Paths.Contains(option) ? Path.GetFullPath(token.Value) : token.Value]);
        }
        return args;
    }

    // What train takes of them: all but the sweep's own.
    private List<string> TrainArgs(ParseResult result)
    {
        var args = new List<string>();
        foreach (var option in result.CommandResult.Command.Options)
        {
            if (NotInPlan.Contains(option) || SweepOnly.Contains(option) || result.GetResult(option) is not { Implicit: false } given) continue;
            if (given.Tokens.Count == 0) args.Add(option.Name);
            foreach (var token in given.Tokens) args.AddRange([option.Name, token.Value]);
        }
        return args;
    }

    /// <summary>--checkpoint-interval: seconds, 0 or more (default 10).</summary>
    public static TimeSpan Seconds(string? text)
    {
        if (text is null) return TimeSpan.FromSeconds(10);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0 && s <= 1e9
            ? TimeSpan.FromSeconds(s) : throw new UsageException($"--checkpoint-interval: '{text}' is not a number of seconds (0 or more).");
    }

    private static int Count(Option option, string text)
    {
        try { return NetworkFlags.Count(text, min: 1); }
        catch (FormatException e) { throw new UsageException($"{option.Name}: {e.Message}"); }
    }
}

/// <summary>How a sweep command's run goes (not part of the plan).</summary>
internal sealed record Control(string? Out, int Jobs, bool PlanOnly, bool Slurm, bool Submit, int PerTask, TimeSpan CheckpointInterval);

/// <summary>A sweep read from the flags: the library's sweep, the data (when loaded), and what the command line shows and keeps.</summary>
/// <param name="PlanArgs">The options that define the trials, as the plan keeps them.</param>
/// <param name="TrainArgs">The options train takes of them, for the best trial's ready command.</param>
internal sealed record SweepSetup(Sweep Sweep, Dataset? Data, string DataPath, IReadOnlyList<string> PlanArgs, IReadOnlyList<string> TrainArgs,
    bool Quiet, IReadOnlyList<string> Notes, CheckpointFlags.Start? Start, string DataLine, string Measure)
{
    /// <summary>The best trial as a ready command: train with the sweep's flags and the trial's settings (without --folds: on every row).</summary>
    public string TrainCommand(SweepTrial trial) =>
        string.Join(" ", new[] { "backprop", "train", DataPath }.Concat(TrainArgs).Concat(trial.Settings.SelectMany(s => new[] { "--" + s.Key, s.Value })).Select(Shell.Quote))
        + " --save best.model";
}

/// <summary>Quoting for a POSIX shell: a word of safe characters as it is, anything else in single quotes.</summary>
internal static class Shell
{
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
