using System.CommandLine;
using Backprop.Data;

namespace Backprop.Cli;

/// <summary>The data a network command works on, loaded and checked against the flags.</summary>
internal sealed record LoadedData(TrainSettings Settings, Dataset Train, Dataset? Validation, Dataset? Test, bool IsImages)
{
    /// <summary>A saved model whose weights the network starts from (train --init-from), or null.</summary>
    public Backprop.Models.Model? StartFrom { get; init; }

    /// <summary>The rows of the data file left out for a missing cell (--missing drop).</summary>
    public int Dropped { get; init; }

    /// <summary>
    /// Reads every flag (their mistakes come first, before any data is read), loads DATA and any validation/test
    /// files, and has the library resolve the recipe for the data, so that every setting that does not fit is an error
    /// before training starts.
    /// </summary>
    /// <param name="adjust">Changes the settings read from the flags before anything is loaded (train's --resume and --init-from).</param>
    public static LoadedData Load(string path, ParseResult result, NetworkFlags flags, Func<TrainSettings, TrainSettings>? adjust = null)
    {
        var settings = flags.Read(result);
        if (adjust is not null) settings = adjust(settings);
        // Output paths are checked before training, not after an hour of it.
        CheckOutputPath(settings.Save, "--save");
        CheckOutputPath(settings.History, "--history");
        CheckOutputPath(settings.Plot, "--plot");
        CheckOutputPath(settings.Html, "--html");
        if (settings.Plot is not null) PlotLibrary.Check("--plot");
        // A task taken from an --init-from model is the model's: the file is read as it decides, then converted (below).
        var csv = settings.Csv with { TargetColumns = settings.Targets, Classes = settings.Classes, Task = settings.FromModel.Contains("task") ? null : settings.Recipe.Task };
        var (train, test, isImages) = DataFiles.LoadForTraining(path, csv);

        // A model's task fits the file when the file could be read either way (whole numbers); text or fractions cannot.
        if (settings.FromModel.Contains("task") && settings.Recipe.Task is { } modelTask && train.Task != modelTask && train.InferredTask is null)
            throw new UsageException($"--init-from {settings.FromModelPath}: the model {(modelTask == TaskKind.Regression ? "predicts numbers" : "tells classes apart")}, but "
                + $"{train.Source}'s target column{(train.TargetNames.Count == 1 ? "" : "s")} {string.Join(", ", train.TargetNames.Select(n => $"'{n}'"))} "
                + $"hold{(train.TargetNames.Count == 1 ? "s" : "")} {(train.Task == TaskKind.Regression ? "numbers" : "labels")}");
        var whole = train; // its rows are the file's, for error messages about targets
        Dataset? validation = null;
        if (settings.ValidationFraction is double fraction)
        {
            try { (train, validation) = train.Split(fraction, settings.ValidationSplit, settings.Recipe.Seed ?? 1); }
            catch (ArgumentException e) { throw new UsageException($"--validation: {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}"); }
        }
        else if (settings.ValidationData is string vpath)
            validation = DataFiles.LoadLike(vpath, train, csv);
        if (settings.TestData is string tpath) test = DataFiles.LoadLike(tpath, train, csv);

        Recipe recipe;
        try
        {
            recipe = new LoadedData(settings, train, validation, test, isImages).Resolve(whole).Recipe;
            // The data as the task reads it (whole numbers read as classes become numbers again for --loss sse or mse).
            var task = recipe.Task!.Value;
            train = train.ForTask(task);
            validation = validation?.ForTask(task, train.ClassNames);
            test = test?.ForTask(task, train.ClassNames);
        }
        catch (DataException e) when (settings.FromModel.Contains("task"))
        {
            throw new UsageException($"--init-from {settings.FromModelPath}: the model predicts {(settings.Recipe.Task == TaskKind.Regression ? "numbers" : "classes")}, but {e.Message}");
        }
        if (validation is not null && Dataset.MissingClasses(train, validation) is string missing)
        {
            string how = settings.ValidationFraction is null ? $"with --validation-data {settings.ValidationData}"
                : settings.ValidationSplit == SplitKind.Last ? "with --validation-split last (the file's last rows; a file sorted by class needs the default, shuffled)"
                : "with --validation (too few rows of those classes to hold out a share)";
            settings = settings with { Notes = [.. settings.Notes, $"warning: {missing} {how}"] };
        }
        var loaded = new LoadedData(settings, train, validation, test, isImages) { Dropped = whole.DroppedRows };
        foreach (var set in new[] { settings.ValidationData is null ? null : validation, test })
            if (set is not null && LossCatalog.TargetProblem(recipe.Loss!.Value, recipe.Output!.Value, set.Targets) is string problem)
                throw new DataException(set.Source, problem);
        return loaded;
    }

    /// <summary>The library's resolution of the flags' recipe for the training data (or <paramref name="data"/>); a setting that does not fit is a usage error naming its flag.</summary>
    public (Recipe Recipe, IReadOnlyList<string> Chosen) Resolve(Dataset? data = null)
    {
        try { return Settings.Recipe.Resolve(data ?? Train); }
        catch (RecipeException e) when (Settings.FromModel.Contains(e.Setting) && Settings.FromModelPath is string model)
        {
            throw new UsageException($"--init-from {model}: the model's {e.Setting} does not fit this data: {e.Message}");
        }
        catch (RecipeException e) { throw new UsageException($"--{e.Setting}: {e.Message}"); }
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
            if (Models.AtomicFile.WritesInPlace(path)) return;
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
