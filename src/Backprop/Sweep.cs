using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Backprop.Data;
using Backprop.Models;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop;

/// <summary>
/// A hyper-parameter sweep: trials that each set some settings of a base recipe (<see cref="SweepSpace"/>: a grid or
/// random draws), each trained on the same data and measured on held-out rows (a fraction, validation data, or k-fold
/// cross-validation), ranked by a measure. <see cref="Run"/> runs them, several at a time, keeping each result in a
/// folder so that the same sweep run again keeps finished trials and continues unfinished ones from their checkpoints.
/// Results never depend on how many trials run at a time, nor on which machine runs which trial.
/// </summary>
/// <remarks>
/// Files in <see cref="SweepOptions.Folder"/>, for trial 3 (numbers padded to at least 3 digits): <c>trials/003.csv</c>,
/// its result (the results file's header and one line), written last; <c>trials/003.model</c> (with folds
/// <c>trials/003-fold1.model</c>, ...); <c>trials/003.ckpt</c> (<c>trials/003-fold1.ckpt</c>, ...) while it trains, removed
/// once its result is written; and <c>results.csv</c>, every finished trial's line in trial order. Every file is written
/// aside and renamed.
/// </remarks>
/// <example>
/// <code>
/// var space = SweepSpace.Grid([SweepDimension.Of("alpha", "0.01", "0.001"), SweepDimension.Of("layers", "16", "32,16")]);
/// var sweep = new Sweep(new Recipe { Epochs = 30 }, space) { ValidationFraction = 0.2 };
/// var results = sweep.Run(data, new SweepOptions { Folder = "sweep", Jobs = 2 });
/// Console.WriteLine($"best: {results.Best!.Trial}");
/// </code>
/// </example>
public sealed record Sweep
{
    /// <summary>A sweep of <paramref name="points"/> (each a trial's settings, <see cref="SweepSpace"/>) over <paramref name="baseRecipe"/>.</summary>
    /// <exception cref="RecipeException">A setting's value is not one of its values, the points vary different settings, or there are none.</exception>
    public Sweep(Recipe baseRecipe, IEnumerable<IReadOnlyList<KeyValuePair<string, string>>> points)
    {
        ArgumentNullException.ThrowIfNull(baseRecipe);
        ArgumentNullException.ThrowIfNull(points);
        Base = baseRecipe;
        Trials = [.. points.Select((p, i) => new SweepTrial(i + 1, p, p.Aggregate(baseRecipe, (r, s) => RecipeSettings.With(r, s.Key, s.Value))))];
        if (Trials.Count == 0) throw new RecipeException("grid", "a sweep needs at least one trial.");
        string[] names = [.. Trials[0].Settings.Select(s => s.Key)];
        if (Trials.Any(t => !t.Settings.Select(s => s.Key).SequenceEqual(names)))
            throw new RecipeException("grid", "every trial of a sweep sets the same settings, in the same order.");
        if (names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice) throw new RecipeException(twice.Key, $"{twice.Key} is swept twice.");
    }

    /// <summary>The settings every trial starts from.</summary>
    public Recipe Base { get; }

    /// <summary>The trials, numbered from 1.</summary>
    public IReadOnlyList<SweepTrial> Trials { get; }

    /// <summary>The names of the settings the trials vary.</summary>
    public IReadOnlyList<string> Swept => [.. Trials[0].Settings.Select(s => s.Key)];

    /// <summary>Measure each trial on this fraction of the rows, held out as <see cref="ValidationSplit"/> says (as <see cref="FitOptions.ValidationFraction"/>).</summary>
    public double? ValidationFraction { get; init; }

    /// <summary>Which rows <see cref="ValidationFraction"/> holds out.</summary>
    public SplitKind ValidationSplit { get; init; }

    /// <summary>Measure each trial on this data.</summary>
    public Dataset? Validation { get; init; }

    /// <summary>Measure each trial by cross-validation with this many folds (the mean over the folds), dealt as <see cref="FoldSplit"/> says.</summary>
    public int? Folds { get; init; }

    /// <summary>How <see cref="Folds"/> deals the rows.</summary>
    public FoldKind FoldSplit { get; init; }

    /// <summary>A model every trial starts from (fine-tuning), or null.</summary>
    public Model? StartFrom { get; init; }

    /// <summary>
    /// The measure trials are ranked by (validation_loss, the default; validation_accuracy or validation_mae): the lowest first,
    /// or the highest for an accuracy; trials without it (a diverged one) last; ties by trial number.
    /// </summary>
    public string RankBy { get; init; } = "validation_loss";

    /// <summary>The results file's columns: trial, each swept setting, epoch, stop, the history's measures (with folds, their means, then each measure's <c>_std</c>), seconds, model.</summary>
    internal IReadOnlyList<string> Columns =>
        ["trial", .. Swept, "epoch", "stop", .. HistoryMetrics.Names, .. Folds is null ? [] : HistoryMetrics.Names.Select(n => n + "_std"), "seconds", "model"];

    /// <summary>The results file's header line.</summary>
    internal string Header => SweepCsv.Line(Columns);

    /// <summary>Trial <paramref name="number"/>'s file name stem in the folder: <c>trials/003</c>.</summary>
    internal string Stem(int number) => $"trials/{number.ToString(new string('0', Math.Max(3, Trials.Count.ToString(CultureInfo.InvariantCulture).Length)), CultureInfo.InvariantCulture)}";

    private void Check()
    {
        int measures = (ValidationFraction is null ? 0 : 1) + (Validation is null ? 0 : 1) + (Folds is null ? 0 : 1);
        if (measures != 1)
            throw new RecipeException("validation", measures == 0
                ? "a sweep measures each trial on rows it did not train on: give a validation fraction, validation data or folds"
                : "give one of a validation fraction, validation data and folds");
        if (!HistoryMetrics.Names.Contains(RankBy) || !RankBy.StartsWith("validation_", StringComparison.Ordinal))
            throw new RecipeException("rank", $"'{RankBy}' is not one of validation_loss, validation_accuracy, validation_mae.");
    }

    /// <summary>
    /// Checks every trial's settings against <paramref name="data"/> before any trains (<see cref="Recipe.Resolve"/> on
    /// the whole data, and a batch given against the rows a trial trains on): a setting that does not fit is a
    /// <see cref="RecipeException"/> naming it, its message starting with the trial ("trial 3 (batch 200): ...").
    /// </summary>
    public void Check(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check();
        // The rows a trial trains on: those left by the validation fraction, or by the largest fold (fold 1).
        int rows = ValidationFraction is double f ? data.Count - (int)Math.Round(data.Count * f, MidpointRounding.AwayFromZero)
            : Folds is int k ? data.Count - (data.Count + k - 1) / k : data.Count;
        foreach (var trial in Trials)
        {
            try
            {
                (StartFrom is null ? trial.Recipe : trial.Recipe.StartingFrom(StartFrom).Recipe).Resolve(data);
                if (trial.Recipe.Batch is { } batch && batch.SizeFor(rows) > rows)
                    throw new RecipeException("batch", $"{batch.SizeFor(rows)} is larger than the {rows} training examples.");
            }
            catch (RecipeException e) { throw new RecipeException(e.Setting, $"trial {trial.Number} ({trial}): {e.Message}") { Conflict = e.Conflict }; }
        }
    }

    /// <summary>
    /// Runs the trials (<see cref="SweepOptions.Only"/> those), <see cref="SweepOptions.Jobs"/> at a time, each on
    /// <paramref name="data"/>; a trial whose result file is in the folder is kept, not run again; an unfinished one goes
    /// on from its checkpoint. With a folder and every trial run, writes <c>results.csv</c>.
    /// </summary>
    /// <exception cref="RecipeException">A trial's setting does not fit the data (its message names the trial).</exception>
    /// <exception cref="DataException">A result file in the folder is not this sweep's.</exception>
    /// <exception cref="IOException">A file could not be written.</exception>
    public SweepResults Run(Dataset data, SweepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new SweepOptions();
        Check();
        if (options.Folder is string folder) Directory.CreateDirectory(Path.Combine(folder, "trials"));
        var todo = Trials.Where(t => options.Only is null || options.Only.Contains(t.Number)).ToArray();
        int jobs = Math.Clamp(options.Jobs, 1, Math.Max(1, Math.Min(Environment.ProcessorCount, todo.Length)));
        int threads = Math.Max(1, Environment.ProcessorCount / jobs);
        var results = new TrialResult?[todo.Length];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(options.Cancellation);
        ExceptionDispatchInfo? failure = null;
        int next = -1;
        void Work()
        {
            int i;
            while (!stop.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < todo.Length)
            {
                try
                {
                    try { results[i] = RunTrial(data, todo[i], options, threads, stop.Token); }
                catch (RecipeException e) when (!e.Message.StartsWith("trial ", StringComparison.Ordinal))
                {
                    // A setting that fits the whole data but not a trial's training rows (a batch larger than them).
                    throw new RecipeException(e.Setting, $"trial {todo[i].Number} ({todo[i]}): {e.Message}") { Conflict = e.Conflict };
                }
                    if (results[i] is { } r) options.TrialEnded?.Invoke(r);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                    stop.Cancel();
                }
            }
        }
        var workers = Enumerable.Range(0, jobs - 1).Select(_ => new Thread(Work) { IsBackground = true }).ToArray();
        foreach (var worker in workers) worker.Start();
        Work();
        foreach (var worker in workers) worker.Join();
        failure?.Throw();
        var done = results.OfType<TrialResult>().ToArray();
        var all = new SweepResults(this, done);
        if (options.Folder is string f && options.Only is null && done.Length == Trials.Count)
            AtomicFile.WriteText(Path.Combine(f, "results.csv"), all.ToCsv());
        return all;
    }

    /// <summary>
    /// Every trial whose result file is in <paramref name="folder"/>, read back (a cluster's tasks each wrote theirs); when
    /// every trial has one, <c>results.csv</c> is written there from them (the same bytes <see cref="Run"/> writes, but for
    /// each trial's seconds); the trials not yet finished are <see cref="SweepResults.Missing"/>.
    /// </summary>
    /// <exception cref="DataException">A result file is not this sweep's.</exception>
    public SweepResults Collect(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Check();
        var done = Trials.Where(t => File.Exists(ResultPath(folder, t))).Select(t => TrialResult.Read(this, t, ResultPath(folder, t))).ToArray();
        var all = new SweepResults(this, done);
        if (all.Missing.Count == 0) AtomicFile.WriteText(Path.Combine(folder, "results.csv"), all.ToCsv());
        return all;
    }

    private string ResultPath(string folder, SweepTrial trial) => Path.Combine(folder, Stem(trial.Number) + ".csv");

    // One trial: kept when its result file is there, else trained (going on from its checkpoints), saved and written.
    private TrialResult? RunTrial(Dataset data, SweepTrial trial, SweepOptions options, int threads, CancellationToken cancel)
    {
        string? folder = options.Folder, stem = folder is null ? null : Path.Combine(folder, Stem(trial.Number));
        if (stem is not null && File.Exists(stem + ".csv")) return TrialResult.Read(this, trial, stem + ".csv");
        var clock = Stopwatch.StartNew();
        bool continued = stem is not null && (File.Exists(stem + ".ckpt") || Enumerable.Range(1, Folds ?? 0).Any(f => File.Exists($"{stem}-fold{f}.ckpt")));
        var compute = trial.Recipe.Compute ?? Compute.Default;
        var recipe = trial.Recipe with { Compute = compute with { Threads = Math.Min(compute.Threads, threads) } };
        // Missing cells are filled in place as a learner is made: each trial fills its own copy.
        data = Own(data);
        var validation = Validation is null ? null : Own(Validation);
        string? relativeModel = null;
        var metrics = HistoryMetrics.Names.ToDictionary(n => n, _ => (double?)null);
        Dictionary<string, double?>? std = null;
        int? epoch = null;
        string stopped;
        var written = new List<string>();
        if (Folds is int k)
        {
            var cv = recipe.CrossValidate(data, new CrossValidationOptions
            {
                Folds = k,
                Split = FoldSplit,
                FitFor = f => new FitOptions { StartFrom = StartFrom, CheckpointPath = stem is null ? null : $"{stem}-fold{f}.ckpt", ContinueIfSameRun = true,
                    CheckpointInterval = options.CheckpointInterval, Cancellation = cancel },
            });
            if (!cv.Finished) return null;
            std = HistoryMetrics.Names.ToDictionary(n => n, _ => (double?)null);
            foreach (string name in cv.Metrics)
                (metrics[name], std[name]) = (cv.Mean(name), cv.Std(name));
            var stops = cv.Results.Select(r => r.Trained.History.Stop).ToArray();
            stopped = Vocabulary.Name(stops.Contains(StopReason.Diverged) ? StopReason.Diverged : stops.Contains(StopReason.EarlyStopping) ? StopReason.EarlyStopping : StopReason.Completed);
            if (stem is not null && cv.Results.All(r => r.Kept is not null))
            {
                foreach (var r in cv.Results) r.Trained.Model.Save($"{stem}-fold{r.Fold}.model");
                relativeModel = $"{Stem(trial.Number)}-fold{{1..{k}}}.model";
            }
            if (stem is not null) written.AddRange(Enumerable.Range(1, k).Select(f => $"{stem}-fold{f}.ckpt"));
        }
        else
        {
            var trained = recipe.Fit(data, new FitOptions
            {
                ValidationFraction = ValidationFraction, ValidationSplit = ValidationSplit, Validation = validation, StartFrom = StartFrom,
                CheckpointPath = stem is null ? null : stem + ".ckpt", ContinueIfSameRun = true, CheckpointInterval = options.CheckpointInterval, Cancellation = cancel,
            });
            if (trained.History.Stop == StopReason.Cancelled) return null;
            var fold = new FoldResult(1, trained);
            foreach (string name in HistoryMetrics.Names) metrics[name] = fold.Metric(name);
            epoch = fold.Kept?.Epoch;
            stopped = Vocabulary.Name(trained.History.Stop);
            if (stem is not null && fold.Kept is not null)
            {
                trained.Model.Save(stem + ".model");
                relativeModel = Stem(trial.Number) + ".model";
            }
            if (stem is not null) written.Add(stem + ".ckpt");
        }
        var made = TrialResult.Make(this, trial, metrics, std, epoch, stopped, clock.Elapsed.TotalSeconds, relativeModel);
        var result = continued ? made.AsContinued() : made;
        if (stem is not null)
        {
            AtomicFile.WriteText(stem + ".csv", Header + "\n" + result.Row + "\n");
            foreach (string checkpoint in written)
            {
                try { File.Delete(checkpoint); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // a left-over checkpoint is harmless: the result file says the trial is done
            }
        }
        return result;
    }

    private static Dataset Own(Dataset data) => data.Schema is { NeedsFit: true } ? data.Take([.. Enumerable.Range(0, data.Count)]) : data;
}
