using System.CommandLine;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Cli;

/// <summary>
/// The data a network command works on, loaded and checked against the flags, and the library's <see cref="Learner"/>
/// for it (<see cref="Recipe.Prepare"/>): every setting resolved and checked before anything trains.
/// </summary>
internal sealed class LoadedData
{
    private LoadedData(TrainSettings settings, Dataset data, Dataset? test, bool isImages, Learner learner)
    {
        (Settings, Data, Test, IsImages, Learner) = (settings, data, test, isImages, learner);
    }

    public TrainSettings Settings { get; }

    /// <summary>DATA as loaded (before any rows are held out to validate on).</summary>
    public Dataset Data { get; }

    /// <summary>The test data (--test-data, or an IDX folder's t10k pair), as the task reads it, or null.</summary>
    public Dataset? Test { get; }

    public bool IsImages { get; }

    /// <summary>The library's learner: the resolved recipe, the network, the training and validation data.</summary>
    public Learner Learner { get; }

    /// <summary>The training rows, as the task reads them.</summary>
    public Dataset Train => Learner.Train;

    /// <summary>The validation rows, as the task reads them, or null.</summary>
    public Dataset? Validation => Learner.Validation;

    /// <summary>The rows of the data file left out for a missing cell (--missing drop).</summary>
    public int Dropped => Data.DroppedRows;

    /// <summary>
    /// Reads every flag (their mistakes come first, before any data is read), loads DATA and any validation/test
    /// files, and has the library prepare the recipe on them, so that every setting that does not fit is an error
    /// before training starts. <paramref name="start"/> is train's --resume, --init-from and --checkpoint.
    /// </summary>
    /// <summary>The cache argument that makes train use a cache (DATA.cache) only when the table would not fit in memory.</summary>
    public const string AutoCache = "\0auto";

    /// <summary>
    /// The --cache option of a command that trains on DATA (<paramref name="what"/>: "Train", "Cross-validate"), with
    /// <paramref name="inMemory"/> naming the command's other data files, which are read into memory. Without it the
    /// command makes DATA.cache itself when the table would not fit in memory.
    /// </summary>
    public static Option<string?> CacheOption(string what, string command, string inMemory) => new("--cache")
    {
        Description = $"{what} from FILE, a binary cache of the CSV's rows read memory-mapped, instead of holding the table in memory (the same model): made from the CSV "
            + "a row at a time on the first run, reused while the CSV and the flags that read it are unchanged, made again otherwise; values in float32 when every "
            + $"one is exact in float32, else float64. Without it, {command} makes DATA.cache itself when the table at the training precision would not fit in the memory "
            + $"available. For a CSV DATA{inMemory}.",
        HelpName = "FILE",
    };

    /// <summary>
    /// <paramref name="csv"/> reading DATA through a cache: <paramref name="cache"/> when it names one, DATA.cache when it
    /// is <see cref="AutoCache"/> and the table at <paramref name="precision"/> would not fit in memory (with the line
    /// that says so), else as it is. A cache for IDX images, or one that cannot be written, is a usage error.
    /// </summary>
    public static (CsvOptions Csv, string? Note) WithCache(string path, CsvOptions csv, string? cache, Backprop.Tensors.Precision precision, string doing)
    {
        bool csvData = File.Exists(path) && !IdxLoader.LooksLikeIdx(path);
        bool auto = cache == AutoCache;
        string? note = null;
        if (auto)
        {
            cache = csvData && CsvCache.WouldNotFit(path, precision == Backprop.Tensors.Precision.F64 ? 8 : 4) ? path + ".cache" : null;
            if (cache is not null)
                note = $"the table of {path} in {Vocabulary.Name(precision)} would not fit in the memory available: {doing} from the cache {cache} (--cache FILE names another)";
        }
        if (cache is null) return (csv, note);
        if (!csvData && (File.Exists(path) || Directory.Exists(path))) throw new UsageException($"--cache {cache}: {path} is IDX images; --cache is for a CSV file");
        try { CheckOutputPath(cache, "--cache"); }
        catch (UsageException e) when (auto)
        {
            // The user gave no --cache: say why a cache is wanted, what stops it, and the flag that helps.
            throw new UsageException($"{path} would not fit in the memory available, and its cache {cache} cannot be written beside it ({e.Message["--cache: ".Length..]}); give --cache FILE in a folder that can be written");
        }
        return (csv with { Cache = cache }, note);
    }

    /// <param name="cache">train's --cache FILE, or <see cref="AutoCache"/> (a cache only for a table too large for memory), or null (none).</param>
    public static LoadedData Load(string path, ParseResult result, NetworkFlags flags, CheckpointFlags.Start? start = null, CancellationToken cancellation = default, string? cache = null)
    {
        var settings = flags.Read(result);
        var recipe = settings.Recipe;
        var targets = settings.Targets;
        if (start?.Resume is { } checkpoint)
        {
            recipe = Library(start, () => recipe.ContinuedFrom(checkpoint));
            // The target columns come from the checkpoint too (those made before they were kept need --target).
            if (checkpoint.TargetNames is { } kept)
            {
                if (targets.Count > 0 && !targets.SequenceEqual(kept))
                    throw new UsageException($"--target {string.Join(",", targets)} conflicts with the checkpoint {start.ResumePath}, made with --target {string.Join(",", kept)}; --resume takes the target columns from the checkpoint (leave --target out)");
                targets = kept;
            }
            settings = settings with { Recipe = recipe, Targets = targets };
        }
        // Output paths are checked before training, not after an hour of it.
        CheckOutputPath(settings.Save, "--save");
        CheckOutputPath(settings.History, "--history");
        CheckOutputPath(settings.Plot, "--plot");
        CheckOutputPath(settings.Html, "--html");
        if (settings.Plot is not null) PlotLibrary.Check("--plot");
        // The task as the flags (or the checkpoint) give it; one an --init-from model gives is the library's to apply.
        var csv = settings.Csv with { TargetColumns = targets, Classes = settings.Classes, Task = recipe.Task };
        (csv, var cacheNote) = WithCache(path, csv, cache, recipe.Precision ?? Backprop.Tensors.Precision.F32, "training");
        if (cacheNote is not null) settings = settings with { Notes = [.. settings.Notes, cacheNote] };
        var (data, test, isImages) = DataFiles.LoadForTraining(path, csv);
        var validation = settings.ValidationData is string vpath ? DataFiles.LoadLike(vpath, data, csv) : null;
        if (settings.TestData is string tpath) test = DataFiles.LoadLike(tpath, data, csv);
        var options = new FitOptions
        {
            Validation = validation,
            ValidationFraction = settings.ValidationFraction,
            ValidationSplit = settings.ValidationSplit,
            StartFrom = start?.InitFrom,
            ResumeFrom = start?.Resume,
            CheckpointPath = start?.CheckpointPath,
            // The same command run again after a kill goes on from its checkpoint (--resume names one explicitly).
            ContinueIfSameRun = start is { ResumePath: null, CheckpointPath: not null },
            CheckpointEveryBatches = start?.Every ?? 0,
            Cancellation = cancellation,
        };
        var learner = Library(start, () => recipe.Prepare(data, options));
        if (test is not null)
        {
            test = test.ForTask(learner.Train.Task, learner.Train.ClassNames);
            if (LossCatalog.TargetProblem(learner.Recipe.Loss!.Value, learner.Recipe.Output!.Value, test.Targets) is string problem)
                throw new DataException(test.Source, problem);
        }
        if (learner.MissingClasses is string missing)
        {
            string how = settings.ValidationFraction is null ? $"with --validation-data {settings.ValidationData}"
                : settings.ValidationSplit == SplitKind.Last ? "with --validation-split last (the file's last rows; a file sorted by class needs the default, shuffled)"
                : "with --validation (too few rows of those classes to hold out a share)";
            settings = settings with { Notes = [.. settings.Notes, $"warning: {missing} {how}"] };
        }
        return new LoadedData(settings, data, test, isImages, learner);
    }

    /// <summary>This data's first <paramref name="rows"/> rows prepared again with <paramref name="recipe"/> (gradcheck: a few rows, float64, no dropout).</summary>
    public LoadedData With(int rows, Recipe recipe)
    {
        var data = Data.Take([.. Enumerable.Range(0, Math.Min(rows, Data.Count))]);
        return new LoadedData(Settings with { Recipe = recipe }, data, null, IsImages, Library(null, () => recipe.Prepare(data)));
    }

    /// <summary>Data made in code (gradcheck's random rows), prepared with the flags' recipe.</summary>
    public static LoadedData Of(TrainSettings settings, Dataset data) =>
        new(settings, data, null, false, Library(null, () => settings.Recipe.Prepare(data)));

    /// <summary>
    /// Runs a library call that resolves or checks settings; a setting that does not fit is a usage error naming its
    /// flag (a start model's or a checkpoint's problem names --init-from or --resume and the file).
    /// </summary>
    public static T Library<T>(CheckpointFlags.Start? start, Func<T> call)
    {
        try { return call(); }
        catch (RecipeException e) when (e.Conflict is var (given, kept) && start?.ResumePath is string resume)
        {
            throw new UsageException($"--{e.Setting} {given} conflicts with the checkpoint {resume}, made with --{e.Setting} {kept}; --resume takes the training flags from the checkpoint (leave --{e.Setting} out)");
        }
        catch (RecipeException e)
        {
            throw new UsageException(e.Setting switch
            {
                "start-from" => $"--init-from {start?.InitFromPath}: {e.Message}",
                "resume-from" => $"--resume {start?.ResumePath}: {e.Message}",
                "checkpoint" => $"--checkpoint {e.Message.Replace("give the same settings and data", "give the same flags and data", StringComparison.Ordinal)}",
                _ => $"--{e.Setting}: {e.Message}",
            });
        }
    }

    // An output is checked before training, not after an hour of it: the folder must exist, and a file must really be
    // creatable and writable there (a read-only folder, a full disk or /proc fail here, not at the end of the run).
    // A device, a pipe or /dev/stdout is written in place, nothing beside it: it is not probed (opening a pipe would
    // wait for its reader, and writing to it would be output).
    internal static void CheckOutputPath(string? path, string flag)
    {
        if (path is null) return;
        if (path.Length == 0) throw new UsageException($"{flag}: name a file to write");
        if (path == "-") throw new UsageException($"{flag}: name a file to write; '-' (standard output) is for predict --out only");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException($"{flag}: {path} is a folder; name a file to write");
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder)) throw new UsageException($"{flag}: the folder {folder} does not exist");
        if (File.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReadOnly) != 0)
            throw new UsageException($"{flag}: {path} is read-only");
        try
        {
            if (AtomicFile.WritesInPlace(path)) return;
        }
        catch (IOException e) { throw new UsageException($"{flag}: {e.Message}"); }   // a block device or a socket
        string probe = Path.Combine(folder ?? ".", $".{Path.GetFileName(full)}.{Environment.ProcessId}.probe.tmp");
        try
        {
            using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
                stream.Write(new byte[4096]);
                stream.Flush(flushToDisk: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{flag}: cannot write in {folder}: {e.Message}");
        }
        finally
        {
            try { File.Delete(probe); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }
}
