using System.CommandLine;
using System.Globalization;
using Backprop.Data;

namespace Backprop.Cli;

/// <summary>
/// <c>backprop sweep DATA --target T --grid NAME=V1|V2 ...</c>: a hyper-parameter sweep through the library's
/// <see cref="Sweep"/>: trials over train's flags, measured by --validation or --folds, run --jobs at a time, kept in
/// --out DIR (a plan, a result file a trial, results.csv), ranked, and the best as a ready <c>backprop train</c> command.
/// <c>sweep run DIR</c> runs one cluster task's share of a planned sweep and <c>sweep collect DIR</c> gathers the results
/// (<see cref="SweepPlan"/>).
/// </summary>
internal static class SweepCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, CancellationToken interrupt)
    {
        var definition = new SweepDefinition();
        var command = new Command("sweep", "Trains one network per combination of flag values (a grid, or --random draws), measures each on held-out rows, and ranks them; --out DIR keeps every trial, so the same command goes on after a kill.");
        definition.AddTo(command);
        command.SetAction(result => Local(definition, result, stdout, stderr, interrupt));
        command.Subcommands.Add(SweepRun.Create(definition, stdout, stderr, interrupt));
        command.Subcommands.Add(SweepCollect.Create(definition, stdout));
        return command;
    }

    // The local sweep: plan (or check the plan in --out), then every trial, then the ranked table.
    private static int Local(SweepDefinition definition, ParseResult result, TextWriter stdout, TextWriter stderr, CancellationToken interrupt)
    {
        var setup = definition.Read(result, loadData: true);
        var control = definition.Control(result);
        TextWriter screen = setup.Quiet ? TextWriter.Null : stdout;
        if (control.Out is string folder)
        {
            var plan = SweepPlan.Write(folder, setup);
            if (control.PlanOnly || control.Slurm)
            {
                screen.WriteLine($"planned {setup.Sweep.Trials.Count} trial{(setup.Sweep.Trials.Count == 1 ? "" : "s")} in {plan}");
                if (control.Slurm) SweepSlurm.Write(folder, setup, control, screen);
                else screen.WriteLine($"run them with 'backprop sweep run {Shell.Quote(folder)} --index I' for I from 0 to {setup.Sweep.Trials.Count - 1}, then 'backprop sweep collect {Shell.Quote(folder)}'");
                return 0;
            }
        }
        return RunTrials(setup, control.Out, control.Jobs, control.CheckpointInterval, only: null, screen, stderr, interrupt, writeResults: true);
    }

    /// <summary>Runs <paramref name="only"/> (or every) trial of the sweep, a line as each ends; then the ranked table and the best trial, when every trial has a result.</summary>
    internal static int RunTrials(SweepSetup setup, string? folder, int jobs, TimeSpan checkpointInterval, IReadOnlyCollection<int>? only, TextWriter screen, TextWriter stderr, CancellationToken interrupt, bool writeResults)
    {
        var sweep = setup.Sweep;
        int count = only?.Count ?? sweep.Trials.Count;
        var notes = new List<string>(setup.Notes);
        if (jobs > Environment.ProcessorCount)
        {
            notes.Add($"note: --jobs {jobs} is more than this machine's {Environment.ProcessorCount} cores; running {Environment.ProcessorCount} at a time");
            jobs = Environment.ProcessorCount;
        }
        jobs = Math.Max(1, Math.Min(jobs, count));
        foreach (string note in notes) screen.WriteLine(note);
        screen.WriteLine($"sweep: {count} trial{(count == 1 ? "" : "s")}{(only is null ? "" : $" of {sweep.Trials.Count}")} on {setup.DataLine}, measured {setup.Measure}, "
            + $"ranked by {sweep.RankBy}; {jobs} at a time, {Math.Max(1, Environment.ProcessorCount / jobs)} thread{(Environment.ProcessorCount / jobs > 1 ? "s" : "")} each");
        var gate = new object();
        int finished = 0;
        var options = new SweepOptions
        {
            Folder = folder,
            Jobs = jobs,
            Only = only,
            CheckpointInterval = checkpointInterval,
            Cancellation = interrupt,
            TrialEnded = r =>
            {
                lock (gate)
                {
                    finished++;
                    screen.WriteLine($"trial {r.Trial.Number}/{sweep.Trials.Count}: {r.Trial}: {Measures(r, setup)}"
                        + (r.Kept ? $" (kept from {folder})" : $" ({(r.Continued ? "continued from its checkpoint, " : "")}{r.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s)"));
                }
            },
        };
        SweepResults results;
        using (Cli.ListenForInterrupt())
            results = LoadedData.Library(setup.Start, () => sweep.Run(setup.Data!, options));
        if (results.Results.Count < count)
        {
            stderr.WriteLine($"backprop: interrupted: {results.Results.Count} of {count} trials finished"
                + (folder is null ? "" : $", kept in {folder}; the same command goes on (unfinished trials from their checkpoints)"));
            return Cli.Interrupted;
        }
        if (!writeResults) return 0;
        Report(setup, results, folder, screen);
        return 0;
    }

    // "validation_loss 0.1234, validation_accuracy 0.9444" (with folds, "± std")
    private static string Measures(TrialResult r, SweepSetup setup) =>
        string.Join(", ", ValidationMetrics(setup.Sweep, [r]).Select(m => $"{m} {Num(r[m])}" + (r.Std?[m] is double s ? $" ± {Num(s)}" : "")))
        + (r.Stop is "completed" ? "" : $" ({r.Stop})");

    private static IReadOnlyList<string> ValidationMetrics(Sweep sweep, IEnumerable<TrialResult> results) =>
        [.. new[] { "validation_loss", "validation_accuracy", "validation_mae" }.Where(m => m == sweep.RankBy || results.Any(r => r[m] is not null))];

    private static string Num(double? v) => v is double d ? Pages.PageText.F(d) : "-";

    /// <summary>The ranked table, the best trial as a ready train command, and where results.csv is.</summary>
    internal static void Report(SweepSetup setup, SweepResults results, string? folder, TextWriter screen)
    {
        var sweep = setup.Sweep;
        var metrics = ValidationMetrics(sweep, results.Results);
        string[] header = ["rank", "trial", .. sweep.Swept, .. metrics, "seconds"];
        var rows = results.Ranked.Select((r, i) => (string[])[
            (i + 1).ToString(CultureInfo.InvariantCulture), r.Trial.Number.ToString(CultureInfo.InvariantCulture), .. r.Trial.Settings.Select(s => s.Value.Length == 0 ? "\"\"" : s.Value),
            .. metrics.Select(m => Num(r[m])), r.Seconds.ToString("0.0", CultureInfo.InvariantCulture)]).ToList();
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToArray();
        screen.WriteLine(string.Join("  ", header.Select((h, c) => h.PadRight(widths[c]))).TrimEnd());
        foreach (var row in rows) screen.WriteLine(string.Join("  ", row.Select((v, c) => v.PadRight(widths[c]))).TrimEnd());
        if (results.Best is { } best)
            screen.WriteLine($"best: trial {best.Trial.Number} ({sweep.RankBy} {Num(best[sweep.RankBy])}): {setup.TrainCommand(best.Trial)}");
        else screen.WriteLine($"no trial has a {sweep.RankBy} (every one diverged?)");
        if (folder is not null) screen.WriteLine($"wrote {Path.Combine(folder, "results.csv")}");
    }
}
