using System.CommandLine;
using System.Globalization;
using Backprop.Data;
using Backprop.Pages;

namespace Backprop.Cli;

/// <summary>
/// <c>backprop cv DATA --target T --folds K</c>: k-fold cross-validation with train's flags, through the library's
/// <see cref="Recipe.PrepareCrossValidation"/>; a row a fold as each ends, then the mean and standard deviation.
/// </summary>
internal static class CvCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, CancellationToken interrupt)
    {
        var data = new Argument<string>("data") { Description = "A CSV file with a header row, an IDX images file, or a folder of IDX train/t10k pairs (its training images are dealt into folds)." };
        var flags = new NetworkFlags(new Recipe());
        var foldFlags = new FoldFlags(required: true);
        var outFile = new Option<string?>("--out") { Description = $"Write one CSV row a fold: {CrossValidation.CsvHeader} (the epoch whose weights were kept; why training stopped; that epoch's measures as --history names them, a cell that does not apply empty)." + NetworkFlags.WrittenAs };
        var initFrom = new Option<string?>("--init-from") { Description = "Start every fold from a saved model's weights (fine-tuning); its layers, activations, bias, precision, loss and input scaling are kept." };
        var cache = LoadedData.CacheOption("Cross-validate", "cv", "");
        var command = new Command("cv", "Cross-validates a network: K models, each trained on all folds but one and measured on that one, with the mean and standard deviation over the folds.");
        command.Arguments.Add(data);
        flags.AddTo(command, flags.Validation, flags.ValidationSplit, flags.ValidationData, flags.TestData, flags.Save, flags.History, flags.Plot, flags.Html, flags.Verbose);
        foldFlags.AddTo(command);
        command.Options.Add(outFile);
        command.Options.Add(initFrom);
        command.Options.Add(cache);
        command.SetAction(result => Run(result.GetValue(data)!, result, flags, foldFlags, result.GetValue(outFile), result.GetValue(initFrom), result.GetValue(cache), stdout, stderr, interrupt));
        return command;
    }

    private static int Run(string path, ParseResult result, NetworkFlags flags, FoldFlags foldFlags, string? outPath, string? initFrom, string? cache, TextWriter stdout, TextWriter stderr, CancellationToken interrupt)
    {
        var settings = flags.Read(result);
        var (folds, split) = foldFlags.Read(result);
        LoadedData.CheckOutputPath(outPath, "--out");
        var start = initFrom is null ? null : new CheckpointFlags.Start(null, 0, null, null, initFrom, Model.Load(initFrom));
        var csv = settings.Csv with { TargetColumns = settings.Targets, Classes = settings.Classes, Task = settings.Recipe.Task };
        var precision = settings.Recipe.Precision ?? start?.InitFrom?.Precision ?? Backprop.Tensors.Precision.F32;
        (csv, var cacheNote) = LoadedData.WithCache(path, csv, cache ?? LoadedData.AutoCache, precision, "cross-validating");
        var (dataset, _, _) = DataFiles.LoadForTraining(path, csv);

        TextWriter screen = settings.Quiet ? TextWriter.Null : stdout;
        Table? table = null;
        var options = new CrossValidationOptions
        {
            Folds = folds!.Value,
            Split = split,
            FitFor = _ => new FitOptions { StartFrom = start?.InitFrom, Cancellation = interrupt },
            FoldEnded = r =>
            {
                if (r.Trained.History.Stop != StopReason.Cancelled) table!.Row(r);
            },
        };
        var validator = LoadedData.Library(start, () => settings.Recipe.PrepareCrossValidation(dataset, options));
        if (dataset.CacheNote is string written) screen.WriteLine(written);
        screen.WriteLine(DataLine(validator, dataset));
        foreach (var note in DataFiles.NoteLines(dataset)) screen.WriteLine(note);
        screen.WriteLine(PageText.Network(validator.Recipe, validator.First.Spec));
        var chosen = dataset.DelimiterDetected ? [.. validator.Chosen, $"delimiter '{dataset.Delimiter}' (detected)"] : validator.Chosen;
        if (chosen.Count > 0) screen.WriteLine($"defaults chosen on fold 1's training rows (set them with the flags of the same names): {string.Join(", ", chosen)}");
        if (start is not null) screen.WriteLine($"every fold starts from the weights of {initFrom}");
        foreach (var note in cacheNote is null ? settings.Notes : [.. settings.Notes, cacheNote]) screen.WriteLine(note);
        if (validator.Folds.Warning is string warning) screen.WriteLine($"warning: {warning}");
        table = new Table(screen, validator.Metrics);
        table.Header();
        CrossValidation cv;
        using (Cli.ListenForInterrupt())
            cv = LoadedData.Library(start, validator.Run);

        if (!cv.Finished)
        {
            stderr.WriteLine($"backprop: interrupted in fold {cv.Results.Count} of {cv.Folds.Count}" + (outPath is null ? "" : $"; nothing written to {outPath}"));
            return Cli.Interrupted;
        }
        table.Summary(cv);
        foreach (var r in cv.Results)
            if (r.Trained.History.Stop == StopReason.Diverged)
                screen.WriteLine($"note: fold {r.Fold}'s training diverged in epoch {r.Trained.History.DivergedAt}: "
                    + (r.Kept is { } kept ? $"its measures are epoch {kept.Epoch}'s, before the loss became NaN or infinite" : "no epoch finished, so it has no measures")
                    + $"; try a smaller --alpha (it was {NetworkFlags.Num(cv.Results[0].Trained.Recipe.Alpha!.Value)})");
        if (outPath is not null)
        {
            OutputFile.WriteText(outPath, cv.ToCsv());
            if (!AtomicFileWritesInPlace(outPath)) screen.WriteLine($"wrote {cv.Results.Count} folds to {outPath}");
        }
        return 0;
    }

    private static bool AtomicFileWritesInPlace(string path)
    {
        try { return AtomicFile.WritesInPlace(path); }
        catch (IOException) { return false; }
    }

    // "data: flowers.csv: 90 examples, 3 inputs, 3 classes; 5 folds, stratified by class, shuffled with seed 1: 18 examples to validate on in each"
    private static string DataLine(CrossValidator validator, Dataset loaded)
    {
        var data = validator.Data;
        var folds = validator.Folds;
        var sizes = Enumerable.Range(1, folds.Count).Select(f => folds.ValidationRows(f).Length).ToArray();
        string how = folds.Kind == FoldKind.Contiguous ? "contiguous (the file's order)"
            : $"{(folds.Stratified ? "stratified by class, " : "")}shuffled with seed {folds.Seed.ToString(CultureInfo.InvariantCulture)}";
        return $"data: {data.Source}: {data.Count} examples, {data.FeatureNames.Count} inputs, "
            + (data.ClassNames is { } classes ? $"{classes.Count} classes" : $"{data.Targets.Columns} outputs ({string.Join(", ", data.TargetNames)})")
            + (loaded.DroppedRows > 0 ? $" ({loaded.DroppedRows} row{(loaded.DroppedRows == 1 ? "" : "s")} with missing cells dropped)" : "")
            + $"; {folds.Count} folds, {how}: {(sizes.Min() == sizes.Max() ? $"{sizes.Min()}" : $"{sizes.Min()} or {sizes.Max()}")} examples to validate on in each";
    }

    // The per-fold table: a row as each fold ends, then the mean and standard deviation, columns right-aligned.
    private sealed class Table(TextWriter screen, IReadOnlyList<string> metrics)
    {
        private readonly string[] _columns = ["fold", "train", "validation", "epoch", .. metrics];

        private int Width(int column) => Math.Max(_columns[column].Length, 6);

        private void Line(IReadOnlyList<string> cells) =>
            screen.WriteLine(string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(4) : c.PadLeft(Width(i)))).TrimEnd());

        public void Header() => Line(_columns);

        public void Row(FoldResult r) => Line([
            r.Fold.ToString(CultureInfo.InvariantCulture), $"{r.Trained.Train?.Count}", $"{r.Trained.Validation?.Count}", $"{r.Kept?.Epoch}",
            .. metrics.Select(m => r.Metric(m) is double v ? PageText.F(v) : "-")]);

        public void Summary(CrossValidation cv)
        {
            Line(["mean", "", "", "", .. metrics.Select(m => cv.Metrics.Contains(m) ? PageText.F(cv.Mean(m)) : "-")]);
            Line(["std", "", "", "", .. metrics.Select(m => cv.Metrics.Contains(m) ? PageText.F(cv.Std(m)) : "-")]);
        }
    }
}
