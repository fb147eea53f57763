using System.CommandLine;
using System.Globalization;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Cli;

/// <summary><c>backprop evaluate MODEL DATA</c>: loss of a saved model; for classes accuracy, a confusion matrix and per-class precision and recall; otherwise MAE, RMSE and R² for each target column.</summary>
internal static class EvaluateCommand
{
    public static Command Create(TextWriter stdout)
    {
        var model = new Argument<string>("model") { Description = "A model file written by 'backprop train --save'." };
        var data = new Argument<string>("data") { Description = "Data with the model's input and target columns (CSV), or IDX images." };
        var command = new Command("evaluate", "Measures a saved model on data, read a chunk of rows at a time: loss; for classes accuracy, confusion matrix, precision and recall; otherwise MAE, RMSE and R² of each target column.");
        command.Arguments.Add(model);
        command.Arguments.Add(data);
        var csvFlags = new CsvFlags();
        command.Options.Add(csvFlags.Delimiter);
        command.Options.Add(csvFlags.Unknown);
        command.SetAction(result =>
        {
            var loaded = ModelFile.Load(result.GetValue(model)!);
            // The file streams a chunk at a time; the confusion counts are kept, not each row's classes.
            var (measured, rows, dropped, source) = loaded.EvaluateFile(result.GetValue(data)!, csvFlags.Read(result, new CsvOptions()), keepRows: false, loaded.ChunkRows);
            Render(loaded, source, rows, dropped, measured, stdout);
            return 0;
        });
        return command;
    }

    // What the library measured, as the terminal shows it.
    private static void Render(Model model, string source, long count, long dropped, EvaluationResult result, TextWriter stdout)
    {
        stdout.WriteLine($"{source}: {count} examples" + (dropped > 0 ? $" ({dropped} rows with missing cells dropped)" : ""));
        stdout.WriteLine($"loss ({Vocabulary.Name(model.Loss)}, mean an example): {Num(result.MeanLoss)}");
        if (model.ClassWeights is { } weights) stdout.WriteLine($"trained with class weights {weights} (the loss above is not weighted)");
        if (result.Classes is not { } classes)
        {
            WriteRegressionErrors(model.TargetNames, result, stdout);
            return;
        }

        stdout.WriteLine($"accuracy: {Num(result.Accuracy)} ({result.CorrectCount} of {count})");
        var confusion = result.Confusion();
        stdout.WriteLine();
        stdout.WriteLine("confusion matrix (rows: actual class, columns: predicted class)");
        int width = Math.Max(classes.Max(c => c.Length), count.ToString(CultureInfo.InvariantCulture).Length);
        stdout.WriteLine(new string(' ', width) + "  " + string.Join("  ", classes.Select(c => c.PadLeft(width))));
        for (int a = 0; a < classes.Count; a++)
            stdout.WriteLine(classes[a].PadLeft(width) + "  " + string.Join("  ", Enumerable.Range(0, classes.Count).Select(p => confusion[a, p].ToString(CultureInfo.InvariantCulture).PadLeft(width))));
        stdout.WriteLine();
        stdout.WriteLine($"{"class".PadRight(width)}  precision  recall  examples");
        var pr = result.PrecisionRecall();
        for (int c = 0; c < classes.Count; c++)
        {
            int support = Enumerable.Range(0, classes.Count).Sum(p => confusion[c, p]);
            stdout.WriteLine($"{classes[c].PadRight(width)}  {Num(pr[c].Precision),9}  {Num(pr[c].Recall),6}  {support,8}");
        }
    }

    // MAE, RMSE and R² of each target column, and their average over the columns when there are several.
    private static void WriteRegressionErrors(IReadOnlyList<string> targets, EvaluationResult result, TextWriter stdout)
    {
        var rows = targets.Zip(result.Columns, (name, errors) => (Name: name, Errors: errors)).ToList();
        if (rows.Count > 1) rows.Add(("overall (mean of columns)", result.Overall));
        int width = Math.Max("column".Length, rows.Max(r => r.Name.Length));
        stdout.WriteLine();
        stdout.WriteLine($"{"column".PadRight(width)}  {"mae",10}  {"rmse",10}  {"r2",10}");
        foreach (var (name, e) in rows)
            stdout.WriteLine($"{name.PadRight(width)}  {Num(e.MeanAbsoluteError),10}  {Num(e.RootMeanSquaredError),10}  {Num(e.RSquared),10}");
    }

    private static string Num(double v) => double.IsNaN(v) ? "-" : v.ToString("0.0000", CultureInfo.InvariantCulture);
}
