using System.CommandLine;
using System.Globalization;

namespace Backprop.Cli;

/// <summary>
/// <c>backprop sweep run DIR [--index I] [--per-task K]</c>: one task's share of a planned sweep (a Slurm array task, a
/// Kubernetes Indexed Job's pod, or a loop on a machine): trials I·K+1 to I·K+K, run as the local sweep runs them.
/// </summary>
internal static class SweepRun
{
    /// <summary>The environment variables a scheduler gives a task its index in: Slurm's job arrays, then Kubernetes' Indexed Jobs.</summary>
    public static readonly string[] IndexVariables = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];

    public static Command Create(SweepDefinition definition, TextWriter stdout, TextWriter stderr, CancellationToken interrupt)
    {
        var folder = new Argument<string>("dir") { Description = "The folder a 'backprop sweep ... --out DIR --plan' (or --slurm) wrote." };
        var index = new Option<string?>("--index") { Description = "This task's index, from 0. Default: $SLURM_ARRAY_TASK_ID (a Slurm array task), else $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)." };
        var perTask = new Option<string?>("--per-task") { Description = "Trials a task runs: task I runs trials I*K+1 to I*K+K (pack short trials into fewer tasks). Default 1." };
        var jobs = new Option<string?>("--jobs") { Description = "Trials of this task run at a time, the cores divided among them as threads. Default 1." };
        var quiet = new Option<bool>("--quiet") { Description = "Print nothing but errors." };
        var interval = new Option<string?>("--checkpoint-interval") { Description = definition.CheckpointInterval.Description };
        var command = new Command("run", "Runs one task's share of a planned sweep (its index from --index, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX); each trial's result goes to DIR/trials/.");
        command.Arguments.Add(folder);
        foreach (var option in new Option[] { index, perTask, jobs, interval, quiet }) command.Options.Add(option);
        command.SetAction(result =>
        {
            string dir = result.GetValue(folder)!;
            int k = result.GetValue(perTask) is string p ? Count("--per-task", p, 1) : 1;
            int n = result.GetValue(jobs) is string j ? Count("--jobs", j, 1) : 1;
            int task = TaskIndex(result.GetValue(index));
            var setup = Load(definition, dir, loadData: true);
            int trials = setup.Sweep.Trials.Count, tasks = (trials + k - 1) / k;
            if (task >= tasks)
                throw new UsageException($"task {task} has no trials: {dir}'s plan has {trials} trial{(trials == 1 ? "" : "s")}, {tasks} task{(tasks == 1 ? "" : "s")} of {k} (indexes 0 to {tasks - 1})");
            int[] only = [.. Enumerable.Range(task * k + 1, Math.Min(k, trials - task * k))];
            var screen = result.GetValue(quiet) ? TextWriter.Null : stdout;
            screen.WriteLine($"task {task}: trial{(only.Length == 1 ? "" : "s")} {(only.Length == 1 ? $"{only[0]}" : $"{only[0]} to {only[^1]}")} of {trials}");
            return SweepCommand.RunTrials(setup with { Quiet = result.GetValue(quiet) }, dir, n, SweepDefinition.Seconds(result.GetValue(interval)), only, screen, stderr, interrupt, writeResults: false);
        });
        return command;
    }

    /// <summary>The sweep the plan in <paramref name="dir"/> describes, read as the sweep command reads its flags.</summary>
    internal static SweepSetup Load(SweepDefinition definition, string dir, bool loadData)
    {
        var (data, args, text) = SweepPlan.Read(dir);
        var parsed = definition.Command!.Parse([data, .. args]);
        if (parsed.Errors.Count > 0) throw new Data.DataException(SweepPlan.PathIn(dir), $"its flags do not parse: {parsed.Errors[0].Message}");
        var setup = definition.Read(parsed, loadData);
        if (SweepPlan.Text(setup) != text)
            throw new Data.DataException(SweepPlan.PathIn(dir), "its trials are not those its flags make (was it edited?); write the plan again with 'backprop sweep ... --plan'");
        return setup;
    }

    private static int TaskIndex(string? given)
    {
        if (given is not null) return Count("--index", given, 0);
        foreach (string variable in IndexVariables)
            if (Environment.GetEnvironmentVariable(variable) is string value)
            {
                try { return NetworkFlags.Count(value, min: 0); }
                catch (FormatException e) { throw new UsageException($"${variable}: {e.Message}"); }
            }
        throw new UsageException("give the task's index with --index I (from 0), or run it as a Slurm array task or a Kubernetes Indexed Job, which set SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX");
    }

    private static int Count(string flag, string text, int min)
    {
        try { return NetworkFlags.Count(text, min); }
        catch (FormatException e) { throw new UsageException($"{flag}: {e.Message}"); }
    }
}
