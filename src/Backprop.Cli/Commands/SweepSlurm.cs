using System.Diagnostics;
using System.Globalization;

namespace Backprop.Cli;

/// <summary>
/// sweep --slurm: DIR/sweep.sbatch, a Slurm job array with one task per --per-task trials, each running
/// <c>backprop sweep run DIR</c> (its index from SLURM_ARRAY_TASK_ID); --submit submits it with sbatch, and after it a
/// job that collects the results (<c>backprop sweep collect DIR</c>).
/// </summary>
internal static class SweepSlurm
{
    public const string ScriptName = "sweep.sbatch";

    public static void Write(string folder, SweepSetup setup, Control control, TextWriter screen)
    {
        string dir = Path.GetFullPath(folder), script = Path.Combine(dir, ScriptName), logs = Path.Combine(dir, "slurm");
        int trials = setup.Sweep.Trials.Count, tasks = (trials + control.PerTask - 1) / control.PerTask;
        string self = Self();
        string text = $$"""
            #!/bin/bash
            # A Slurm job array running the sweep planned in {{dir}} (plan.json): task I runs trials
            # I*{{control.PerTask}}+1 to I*{{control.PerTask}}+{{control.PerTask}} with 'backprop sweep run', which takes I from SLURM_ARRAY_TASK_ID.
            # Written by 'backprop sweep ... --slurm'. Submit it with 'sbatch {{Shell.Quote(script)}}'; when every task has
            # ended, 'backprop sweep collect {{Shell.Quote(dir)}}' writes results.csv (--submit submits that too, after the array).
            # A task killed or requeued goes on from its trial's checkpoint when run again.
            #SBATCH --job-name=backprop-sweep
            #SBATCH --array=0-{{tasks - 1}}
            #SBATCH --cpus-per-task=1
            #SBATCH --output={{logs}}/%A_%a.out
            #SBATCH --requeue
            set -euo pipefail
            # The program on every node: the Native AOT binary, the .NET tool, or dotnet with backprop.dll.
            BACKPROP=${BACKPROP:-{{self}}}
            exec $BACKPROP sweep run {{Shell.Quote(dir)}} --per-task {{control.PerTask}}

            """;
        try
        {
            Directory.CreateDirectory(logs);
            AtomicFile.WriteText(script, text);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UsageException($"--slurm: cannot write {script}: {e.Message}"); }
        screen.WriteLine($"wrote {script}: a job array of {tasks} task{(tasks == 1 ? "" : "s")} ({control.PerTask} trial{(control.PerTask == 1 ? "" : "s")} each)");
        if (!control.Submit)
        {
            screen.WriteLine($"submit it with 'sbatch {Shell.Quote(script)}', then, when every task has ended, 'backprop sweep collect {Shell.Quote(dir)}'");
            return;
        }
        string array = Sbatch("--parsable", script);
        string collect = Sbatch("--parsable", $"--dependency=afterany:{array}", "--job-name=backprop-sweep-collect", $"--output={logs}/collect-%j.out",
            $"--wrap={self} sweep collect {Shell.Quote(dir)}");
        screen.WriteLine($"submitted job array {array} ({tasks} task{(tasks == 1 ? "" : "s")}) and job {collect}, which collects the results after it into {Path.Combine(dir, "results.csv")}");
    }

    /// <summary>This program as a shell command: the Native AOT binary or the tool's executable, or dotnet with backprop.dll.</summary>
    internal static string Self()
    {
        string? process = Environment.ProcessPath;
        string dll = Path.Combine(AppContext.BaseDirectory, "backprop.dll");   // none beside a Native AOT binary
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" && File.Exists(dll))
            return $"{Shell.Quote(process)} {Shell.Quote(dll)}";
        return Shell.Quote(process ?? "backprop");
    }

    // Runs sbatch; its job id (before any ";cluster"), or a one-line error.
    private static string Sbatch(params string[] args)
    {
        var info = new ProcessStartInfo("sbatch", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try { process = Process.Start(info)!; }
        catch (System.ComponentModel.Win32Exception) { throw new UsageException("--submit: sbatch is not on the PATH (is this a Slurm login node?); the script is written: submit it where Slurm is"); }
        using (process)
        {
            var err = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new UsageException($"--submit: sbatch failed (exit code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}): {err.Result.Trim().Split('\n')[0]}");
            return output.Trim().Split(';')[0];
        }
    }
}
