using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backprop.Data;

namespace Backprop.Tests;

/// <summary>
/// Issue 26, items 2 and 3: sweeps. The trials are those the rules give (the grid by hand, random draws by numpy in
/// Data/sweep/generate.py); every trial's model is the one <c>backprop train</c> makes with the sweep's flags and the
/// trial's settings, byte for byte; results do not depend on --jobs, nor on whether the trials ran here or as a
/// cluster's tasks (sweep run, sweep collect); a sweep stopped by SIGKILL, SIGINT or SIGTERM and run again keeps its finished trials,
/// continues the unfinished one from its checkpoint, and ends with the models of a sweep never interrupted.
/// </summary>
public sealed class SweepTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Flowers => TestData.Path("csv", "flowers.csv");

    // Four trials of a few milliseconds each: two learning rates by two architectures, with shuffling and dropout.
    // (In the order of train's flags, as the ready train command gives them.)
    private static readonly string[] Base = ["--target", "species", "--epochs", "12", "--batch", "10", "--shuffle", "--validation", "0.2", "--dropout", "0.1"];
    private static readonly string[] Grid = ["--grid", "alpha=0.01|0.003", "--grid", "layers=8|16,8"];

    private static (int Code, string Out, string Err) Sweep(params string[] extra) => CliTests.Run(["sweep", Flowers, .. Base, .. Grid, .. extra]);

    // results.csv without its seconds column (the one cell that depends on the machine), parsed as CSV.
    private static List<List<string>> WithoutSeconds(string path)
    {
        var lines = File.ReadAllLines(path).Select(l => SweepCsv.Fields(l)!).ToList();
        int seconds = lines[0].IndexOf("seconds");
        Assert.True(seconds > 0);
        foreach (var line in lines) line.RemoveAt(seconds);
        return lines;
    }

    private static string[] Models(string folder) => [.. Directory.GetFiles(Path.Combine(folder, "trials"), "*.model").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Fact]
    public void A_grid_is_every_combination_the_last_setting_changing_fastest()
    {
        var grid = SweepSpace.Grid([SweepDimension.Parse("alpha=0.1|0.01"), SweepDimension.Parse("layers=8|16,8|"), SweepDimension.Parse("shuffle=true|false")]);
        Assert.Equal(12, grid.Count);
        Assert.Equal(["0.1 8 true", "0.1 8 false", "0.1 16,8 true", "0.1 16,8 false", "0.1  true", "0.1  false", "0.01 8 true"],
            grid.Take(7).Select(p => string.Join(" ", p.Select(s => s.Value))));
        Assert.All(grid, p => Assert.Equal(["alpha", "layers", "shuffle"], p.Select(s => s.Key)));
    }

    [Fact]
    public void Random_trials_are_numpys_draws_by_the_documented_rule()
    {
        foreach (var c in TestData.Json("sweep", "cases.json").RootElement.GetProperty("cases").EnumerateArray())
        {
            var dimensions = c.GetProperty("grid").EnumerateArray().Select(g => SweepDimension.Parse(g.GetString()!)).ToArray();
            var drawn = SweepSpace.Random(dimensions, c.GetProperty("n").GetInt32(), c.GetProperty("seed").GetUInt32());
            var expected = c.GetProperty("trials").EnumerateArray().Select(t => t.EnumerateArray().Select(v => v.GetString()!).ToArray()).ToArray();
            Assert.Equal(expected.Length, drawn.Count);
            for (int t = 0; t < expected.Length; t++)
                for (int d = 0; d < dimensions.Length; d++)
                {
                    string got = drawn[t][d].Value, want = expected[t][d];
                    // Numbers drawn from a range are compared as numbers (Python writes 2.02e-06, .NET 2.02E-06).
                    if (dimensions[d].IsRange) Assert.Equal(double.Parse(want, CultureInfo.InvariantCulture), double.Parse(got, CultureInfo.InvariantCulture));
                    else Assert.Equal(want, got);
                }
        }
    }

    [Fact]
    public void Every_trials_model_is_what_train_makes_with_its_settings_and_the_best_is_printed_as_that_command()
    {
        string folder = _temp.File("sweep");
        var (code, output, err) = Sweep("--out", folder, "--jobs", "2");
        Assert.True(code == 0, err);
        Assert.Equal(["001.model", "002.model", "003.model", "004.model"], Models(folder));
        var results = WithoutSeconds(Path.Combine(folder, "results.csv"));
        Assert.Equal(["trial", "alpha", "layers", "epoch", "stop", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy", "validation_mae", "model"], results[0]);
        string[][] settings = [["0.01", "8"], ["0.01", "16,8"], ["0.003", "8"], ["0.003", "16,8"]];
        for (int t = 1; t <= 4; t++)
        {
            string model = _temp.File($"train{t}.model"), history = _temp.File($"train{t}.csv");
            (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--alpha", settings[t - 1][0], "--layers", settings[t - 1][1], "--save", model, "--history", history, "--quiet"]);
            Assert.True(code == 0, err);
            Assert.Equal(File.ReadAllBytes(model), File.ReadAllBytes(Path.Combine(folder, "trials", $"00{t}.model")));
            // The trial's measures are train's last epoch's, in round-trip precision.
            string[] last = File.ReadAllLines(history)[^1].Split(',');
            Assert.Equal([$"{t}", .. settings[t - 1], "12", "completed", last[1], last[2], last[3], last[4], "", $"trials/00{t}.model"], results[t]);
        }
        // Ranked by validation loss, lowest first; the best is a ready train command.
        int best = Enumerable.Range(1, 4).MinBy(t => double.Parse(results[t][7], CultureInfo.InvariantCulture));
        Assert.Contains($"best: trial {best} (validation_loss ", output);
        Assert.Contains($"): backprop train {Flowers} {string.Join(" ", Base)} --alpha {settings[best - 1][0]} --layers {settings[best - 1][1]} --save best.model\n", output);
        var table = output.Split('\n').SkipWhile(l => !l.StartsWith("rank ", StringComparison.Ordinal)).Skip(1).Take(4).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.Equal(["1", $"{best}"], table[0][..2]);
        Assert.Equal(table.Select(r => r[4]).Order(StringComparer.Ordinal), table.Select(r => r[4]));   // validation_loss ascending (same width: 0.xxxx)
    }

    [Fact]
    public void Jobs_do_not_change_the_results_and_a_planned_sweep_run_task_by_task_and_collected_is_the_local_one()
    {
        string one = _temp.File("one"), two = _temp.File("two"), planned = _temp.File("planned");
        Assert.Equal(0, Sweep("--out", one, "--jobs", "1", "--quiet").Code);
        Assert.Equal(0, Sweep("--out", two, "--jobs", "2", "--quiet").Code);
        var (code, output, err) = Sweep("--out", planned, "--plan");
        Assert.True(code == 0, err);
        Assert.Contains("planned 4 trials in ", output);
        Assert.DoesNotContain(Directory.GetFiles(planned, "*", SearchOption.AllDirectories), f => !f.EndsWith("plan.json", StringComparison.Ordinal));
        // Tasks 0 and 1 by --index, packing two trials each; collect before the last task names what is missing.
        Assert.Equal(0, CliTests.Run("sweep", "run", planned, "--index", "0", "--per-task", "2", "--quiet").Code);
        (code, _, err) = CliTests.Run("sweep", "collect", planned);
        Assert.Equal((2, $"backprop: {planned}: 2 of 4 trials have no result yet (3-4); run them ('backprop sweep run {planned} --index I'), then collect again\n"), (code, err));
        Assert.False(File.Exists(Path.Combine(planned, "results.csv")));
        (code, _, err) = CliTests.Run("sweep", "run", planned, "--index", "1", "--per-task", "2", "--quiet");
        Assert.True(code == 0, err);
        (code, output, err) = CliTests.Run("sweep", "collect", planned);
        Assert.True(code == 0, err);
        Assert.Contains("best: trial ", output);
        foreach (string other in new[] { two, planned })
        {
            Assert.Equal(WithoutSeconds(Path.Combine(one, "results.csv")), WithoutSeconds(Path.Combine(other, "results.csv")));
            foreach (string model in Models(one))
                Assert.Equal(File.ReadAllBytes(Path.Combine(one, "trials", model)), File.ReadAllBytes(Path.Combine(other, "trials", model)));
        }
        Assert.Equal(File.ReadAllText(Path.Combine(one, "plan.json")), File.ReadAllText(Path.Combine(planned, "plan.json")));
    }

    [Fact]
    public void A_sweep_from_a_cache_is_the_sweep_in_memory_and_the_cache_is_not_part_of_the_plan()
    {
        string memory = _temp.File("memory"), cached = _temp.File("cached"), cache = _temp.File("flowers.cache");
        Assert.Equal(0, Sweep("--out", memory, "--quiet").Code);
        var (code, output, err) = Sweep("--out", cached, "--cache", cache);
        Assert.True(code == 0, err);
        Assert.Contains($"cache: wrote {cache}: ", output);
        Assert.Equal(WithoutSeconds(Path.Combine(memory, "results.csv")), WithoutSeconds(Path.Combine(cached, "results.csv")));
        foreach (string model in Models(memory))
            Assert.Equal(File.ReadAllBytes(Path.Combine(memory, "trials", model)), File.ReadAllBytes(Path.Combine(cached, "trials", model)));
        Assert.Equal(File.ReadAllText(Path.Combine(memory, "plan.json")), File.ReadAllText(Path.Combine(cached, "plan.json")));
        // How the rows are held does not make it another sweep: the same folder, now without --cache, keeps its trials.
        (code, output, err) = Sweep("--out", cached);
        Assert.True(code == 0, err);
        Assert.Contains("kept", output);
        Assert.Contains("Train every trial from FILE", CliTests.Run(["sweep", "--help"]).Out);
    }

    [Fact]
    public void A_task_takes_its_index_from_slurm_or_kubernetes_and_an_index_past_the_plan_is_refused()
    {
        string planned = _temp.File("planned");
        Assert.Equal(0, Sweep("--out", planned, "--plan", "--quiet").Code);
        var (code, _, err) = CliTests.Run("sweep", "run", planned, "--index", "4");
        Assert.Equal((2, $"backprop: task 4 has no trials: {planned}'s plan has 4 trials, 4 tasks of 1 (indexes 0 to 3)\n"), (code, err));
        (code, _, err) = CliTests.Run("sweep", "run", _temp.File("nothing"), "--index", "0");
        Assert.Equal((2, $"backprop: {Path.Combine(_temp.File("nothing"), "plan.json")}: no such file or folder\n"), (code, err));
        // The environment variables are read only without --index; this process has neither set (a test must not set them for others).
        Assert.Null(Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID"));
        (code, _, err) = CliTests.Run("sweep", "run", planned);
        Assert.Equal((2, "backprop: give the task's index with --index I (from 0), or run it as a Slurm array task or a Kubernetes Indexed Job, which set SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX\n"), (code, err));
        // In a process of its own, SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX name the task.
        foreach (var (variable, index) in new[] { ("SLURM_ARRAY_TASK_ID", "2"), ("JOB_COMPLETION_INDEX", "3") })
        {
            var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "backprop.dll"), "sweep", "run", planned]) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment[variable] = index;
            using var p = Process.Start(info)!;
            string said = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
            Assert.StartsWith($"task {index}: trial {int.Parse(index, CultureInfo.InvariantCulture) + 1} of 4\n", said);
        }
        Assert.True(File.Exists(Path.Combine(planned, "trials", "003.csv")) && File.Exists(Path.Combine(planned, "trials", "004.csv")));
    }

    // SIGKILL (kill -9, a node lost), SIGINT (Ctrl-C) and SIGTERM (a scheduler preempting or cancelling the task).
    [Theory]
    [InlineData(9)]
    [InlineData(2)]
    [InlineData(15)]
    public async Task A_sweep_stopped_and_run_again_keeps_finished_trials_and_continues_the_unfinished_one_from_its_checkpoint(int signal)
    {
        string whole = _temp.File("whole"), stopped = _temp.File("stopped");
        Assert.Equal(0, Sweep("--out", whole, "--quiet").Code);
        // The built program, writing a checkpoint every epoch and pausing 40 ms inside each write (so that a trial takes
        // half a second), sent the signal while trial 2 trains, after trial 1's result was written. It is started
        // through env --default-signal so that SIGINT is not left ignored, as a shell's background job would have it.
        var info = new ProcessStartInfo("env", ["--default-signal=INT,TERM", "dotnet", Path.Combine(AppContext.BaseDirectory, "backprop.dll"), "sweep", Flowers, .. Base, .. Grid, "--out", stopped, "--checkpoint-interval", "0", "--quiet"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["BACKPROP_TEST_CHECKPOINT_PAUSE_MS"] = "40";
        string second = Path.Combine(stopped, "trials", "002.ckpt");
        string err;
        int code;
        using (var p = Process.Start(info)!)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while (!p.HasExited && !File.Exists(second) && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(2);
            Thread.Sleep(100);
            Assert.False(p.HasExited, "the sweep ended before it was stopped");
            Assert.Equal(0, Kill(p.Id, signal));
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "the sweep did not stop");
            code = p.ExitCode;
            err = await stderr;
        }
        if (signal == 9)
            Assert.Equal(128 + 9, code);
        else
        {
            // Ctrl-C and SIGTERM stop after the current batch, say what is kept and exit 130.
            Assert.Equal(130, code);
            Assert.Equal($"backprop: interrupted: 1 of 4 trials finished, kept in {stopped}; the same command goes on (unfinished trials from their checkpoints)\n", err);
        }
        Assert.True(File.Exists(Path.Combine(stopped, "trials", "001.csv")));
        Assert.False(File.Exists(Path.Combine(stopped, "trials", "002.csv")));
        Assert.True(File.Exists(second));
        Assert.False(File.Exists(Path.Combine(stopped, "results.csv")));

        var (again, output, problems) = Sweep("--out", stopped);
        Assert.True(again == 0, problems);
        Assert.Contains($"trial 1/4: alpha 0.01, layers 8: ", output);
        Assert.Matches($@"trial 1/4: [^\n]* \(kept from {System.Text.RegularExpressions.Regex.Escape(stopped)}\)\n", output);
        Assert.Matches(@"trial 2/4: [^\n]* \(continued from its checkpoint, [0-9.]+ s\)\n", output);
        Assert.False(File.Exists(second));   // removed once the trial's result was written
        Assert.Equal(WithoutSeconds(Path.Combine(whole, "results.csv")), WithoutSeconds(Path.Combine(stopped, "results.csv")));
        foreach (string model in Models(whole))
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "trials", model)), File.ReadAllBytes(Path.Combine(stopped, "trials", model)));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [Fact]
    public void A_trial_measured_by_folds_is_the_cross_validations_mean_and_std()
    {
        var data = CsvLoader.Load(Flowers, new CsvOptions { TargetColumns = ["species"] });
        var recipe = new Recipe { Epochs = 5, Batch = Batching.MiniBatch(10) };
        var sweep = new Sweep(recipe, SweepSpace.Grid([SweepDimension.Of("layers", "4", "6")])) { Folds = 3, RankBy = "validation_accuracy" };
        var results = sweep.Run(data, new SweepOptions { Folder = _temp.File("folds") });
        Assert.Equal(2, results.Results.Count);
        foreach (var r in results.Results)
        {
            var cv = RecipeSettings.With(recipe, "layers", r.Trial.Settings[0].Value).CrossValidate(data, new CrossValidationOptions { Folds = 3 });
            foreach (string metric in cv.Metrics)
            {
                Assert.Equal(cv.Mean(metric), r[metric]);
                Assert.Equal(cv.Std(metric), r.Std![metric]);
            }
            Assert.Equal($"trials/00{r.Trial.Number}-fold{{1..3}}.model", r.Model);
            for (int f = 1; f <= 3; f++)
                Assert.Equal(cv.Results[f - 1].Trained.Model.Weights.SelectMany(w => w), Model.Load(_temp.File($"folds/trials/00{r.Trial.Number}-fold{f}.model")).Weights.SelectMany(w => w));
        }
        var best = results.Best!;
        Assert.Equal(results.Results.Max(r => r["validation_accuracy"]), best["validation_accuracy"]);   // highest accuracy first
        Assert.StartsWith("trial,layers,epoch,stop,train_loss,train_accuracy,validation_loss,validation_accuracy,validation_mae,train_loss_std,", results.ToCsv());
    }

    [Theory]
    [InlineData("backprop: --grid speed=1|2: 'speed' is not a training setting; the settings are task, layers, activation, output, loss, class-weight, optimizer, alpha, lr-schedule, epochs, batch, init, seed, bias, shuffle, normalize, l2, dropout, early-stopping, precision, rounding.", "--grid", "speed=1|2", "--validation", "0.2")]
    [InlineData("backprop: --grid alpha=0.1|fast: 'fast' is not a number.", "--grid", "alpha=0.1|fast", "--validation", "0.2")]
    [InlineData("backprop: --alpha is given and swept (--grid alpha=0.1|0.01); give one.", "--alpha", "0.1", "--grid", "alpha=0.1|0.01", "--validation", "0.2")]
    [InlineData("backprop: a sweep measures each trial on rows it did not train on: give --validation FRACTION, --validation-data FILE or --folds K.", "--grid", "alpha=0.1|0.01")]
    [InlineData("backprop: --folds measures each trial by cross-validation; --validation by held-out rows: give one.", "--grid", "alpha=0.1|0.01", "--folds", "3", "--validation", "0.2")]
    [InlineData("backprop: --grid alpha=0.0001..0.1: alpha=0.0001..0.1 is a range, which random sampling draws from; give --random N, or the values as V1|V2|...", "--grid", "alpha=0.0001..0.1", "--validation", "0.2")]
    [InlineData("backprop: --grid dropout=0.1..0.05: the range 0.1..0.05 is empty; give LOW..HIGH with LOW below HIGH.", "--grid", "dropout=0.1..0.05", "--random", "3", "--validation", "0.2")]
    [InlineData("backprop: --batch: trial 2 (batch 200): 200 is larger than the 90 training examples.", "--grid", "batch=10|200", "--validation", "0.2")]
    [InlineData("backprop: --batch: trial 2 (batch 80): 80 is larger than the 72 training examples.", "--grid", "batch=10|80", "--validation", "0.2")]
    [InlineData("backprop: --batch: trial 1 (batch 80): 80 is larger than the 60 training examples.", "--grid", "batch=80|10", "--folds", "3")]
    [InlineData("backprop: --plan writes the plan to a folder: give --out DIR.", "--grid", "alpha=0.1|0.01", "--validation", "0.2", "--plan")]
    [InlineData("backprop: --rank: 'accuracy' is not one of validation_loss, validation_accuracy, validation_mae.", "--grid", "alpha=0.1|0.01", "--validation", "0.2", "--rank", "accuracy")]
    public void Sweep_mistakes_are_one_line_naming_the_flag(string message, params string[] flags)
    {
        var (code, _, err) = CliTests.Run(["sweep", Flowers, "--target", "species", "--epochs", "1", .. flags]);
        Assert.Equal((2, message + "\n"), (code, err));
    }

    [Fact]
    public void Another_sweeps_folder_is_refused_naming_what_differs_and_left_as_it_was()
    {
        string folder = _temp.File("sweep");
        Assert.Equal(0, Sweep("--out", folder, "--plan").Code);
        string plan = File.ReadAllText(Path.Combine(folder, "plan.json"));
        var (code, _, err) = CliTests.Run(["sweep", Flowers, .. Base.Select(a => a == "12" ? "13" : a), .. Grid, "--out", folder]);
        Assert.Equal((2, $"backprop: --out {folder} holds another sweep: it was planned with --epochs 12, not --epochs 13; use another --out, or remove {folder} to start this one\n"), (code, err));
        Assert.Equal(plan, File.ReadAllText(Path.Combine(folder, "plan.json")));
        Assert.False(Directory.Exists(Path.Combine(folder, "trials")));
        // The same sweep with its flags in another order, --jobs and --quiet is the same plan.
        (code, _, err) = CliTests.Run(["sweep", Flowers, .. Grid, .. Base, "--out", folder, "--jobs", "2", "--quiet"]);
        Assert.True(code == 0, err);
    }

    [Fact]
    public void Slurm_writes_a_job_array_whose_tasks_run_the_plan_and_submit_hands_it_and_the_collection_to_sbatch()
    {
        string folder = _temp.File("slurm"), local = _temp.File("local");
        Assert.Equal(0, Sweep("--out", local, "--quiet").Code);
        var (code, output, err) = Sweep("--out", folder, "--slurm", "--per-task", "3");
        Assert.True(code == 0, err);
        string script = Path.Combine(folder, "sweep.sbatch");
        Assert.Contains($"wrote {script}: a job array of 2 tasks (3 trials each)\n", output);
        string text = File.ReadAllText(script);
        Assert.StartsWith("#!/bin/bash\n", text);
        Assert.Contains("\n#SBATCH --array=0-1\n", text);
        Assert.Contains($"\n#SBATCH --output={Path.Combine(folder, "slurm")}/%A_%a.out\n", text);
        Assert.EndsWith($"\nexec $BACKPROP sweep run {folder} --per-task 3\n", text);
        Assert.True(Directory.Exists(Path.Combine(folder, "slurm")));
        // Run as Slurm runs it: bash, once for each index of the array (here this test's program is $BACKPROP's default).
        foreach (string index in new[] { "0", "1" })
        {
            var info = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment["SLURM_ARRAY_TASK_ID"] = index;
            using var p = Process.Start(info)!;
            string said = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
            Assert.StartsWith(index == "0" ? "task 0: trials 1 to 3 of 4\n" : "task 1: trial 4 of 4\n", said);
        }
        Assert.Equal(0, CliTests.Run("sweep", "collect", folder).Code);
        Assert.Equal(WithoutSeconds(Path.Combine(local, "results.csv")), WithoutSeconds(Path.Combine(folder, "results.csv")));
        foreach (string model in Models(local))
            Assert.Equal(File.ReadAllBytes(Path.Combine(local, "trials", model)), File.ReadAllBytes(Path.Combine(folder, "trials", model)));

        // --submit: sbatch (here a stand-in on the PATH that records its arguments) gets the script, then the collection after it.
        string bin = Directory.CreateDirectory(_temp.File("bin")).FullName, calls = _temp.File("calls.txt");
        File.WriteAllText(Path.Combine(bin, "sbatch"), $"#!/bin/sh\nprintf '%s\\n' \"$*\" >> {calls}\nwc -l < {calls} | awk '{{print 4240 + $1 \";cluster\"}}'\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(bin, "sbatch"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string submitted = _temp.File("submitted");
        var run = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "backprop.dll"), "sweep", Flowers, .. Base, .. Grid, "--out", submitted, "--slurm", "--submit"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        run.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        using (var p = Process.Start(run)!)
        {
            string said = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
            Assert.Contains($"submitted job array 4241 (4 tasks) and job 4242, which collects the results after it into {Path.Combine(submitted, "results.csv")}\n", said);
        }
        string[] sbatch = File.ReadAllLines(calls);
        Assert.Equal($"--parsable {Path.Combine(submitted, "sweep.sbatch")}", sbatch[0]);
        Assert.StartsWith($"--parsable --dependency=afterany:4241 --job-name=backprop-sweep-collect --output={Path.Combine(submitted, "slurm")}/collect-%j.out --wrap=", sbatch[1]);
        Assert.EndsWith($" sweep collect {submitted}", sbatch[1]);
    }

    [Fact]
    public void The_readme_snippet_cross_validates_and_sweeps()
    {
        // README.md, "Use it from C#": the same statements, with this test's files.
        var lines = new List<string>();
        string folder = _temp.File("sweep");

        var data = CsvLoader.Load(Flowers, new CsvOptions { TargetColumns = ["species"] });
        var cv = new Recipe { Hidden = [16], Epochs = 30 }.CrossValidate(data, new CrossValidationOptions { Folds = 5 });
        lines.Add($"validation accuracy {cv.Mean("validation_accuracy"):0.000} ± {cv.Std("validation_accuracy"):0.000}");

        var space = SweepSpace.Grid([SweepDimension.Of("alpha", "0.01", "0.001"), SweepDimension.Of("layers", "16", "32,16")]);
        var sweep = new Sweep(new Recipe { Epochs = 30 }, space) { ValidationFraction = 0.2 };
        var results = sweep.Run(data, new SweepOptions { Folder = folder, Jobs = 2 });
        lines.Add($"best: {results.Best!.Trial}");

        Assert.Matches(@"^validation accuracy [01]\.\d{3} ± 0\.\d{3}$", lines[0]);
        Assert.Matches(@"^best: alpha 0\.0?01, layers (16|32,16)$", lines[1]);
        Assert.Equal(5, cv.Results.Count);
        Assert.Equal(4, results.Results.Count);
        Assert.True(File.Exists(Path.Combine(folder, "results.csv")));
    }
}
