using System.CommandLine;
using System.Globalization;
using System.Numerics;
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
        var command = new Command("evaluate", "Measures a saved model on data: loss; for classes accuracy, confusion matrix, precision and recall; otherwise MAE, RMSE and R² of each target column.");
        command.Arguments.Add(model);
        command.Arguments.Add(data);
        var csvFlags = new CsvFlags();
        command.Options.Add(csvFlags.Delimiter);
        command.Options.Add(csvFlags.Unknown);
        command.SetAction(result =>
        {
            var loaded = ModelFile.Load(result.GetValue(model)!);
            var dataset = ModelData.Load(result.GetValue(data)!, loaded, withTargets: true, csvFlags.Read(result, new CsvOptions()));
            return loaded.Precision == Precision.F64 ? Evaluate<double>(loaded, dataset, stdout) : Evaluate<float>(loaded, dataset, stdout);
        });
        return command;
    }

    private static int Evaluate<T>(Model model, Dataset data, TextWriter stdout) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var network = model.ToNetwork<T>();
        var loss = LossCatalog.For<T>(model.Loss, model.Spec.OutputActivation);
        var result = Evaluation.Run(network, loss, data.RowsAs<T>(model.Normalization), model.OutputTargets(data).Cast<T>());
        stdout.WriteLine($"{data.Source}: {data.Count} examples" + (data.DroppedRows > 0 ? $" ({data.DroppedRows} rows with missing cells dropped)" : ""));
        stdout.WriteLine($"loss ({Vocabulary.Name(model.Loss)}, mean an example): {Num(result.MeanLoss)}");
        if (model.ClassWeights is { } weights) stdout.WriteLine($"trained with class weights {weights} (the loss above is not weighted)");
        // Classes are the class names, or for rows of probabilities (cross-entropy on several target columns) the columns.
        var classes = model.ClassNames
            ?? (LossCatalog.PredictsClasses(model.Loss, model.Spec.OutputActivation, model.Spec.Outputs) && model.TargetNames.Count == model.Spec.Outputs && model.Spec.Outputs > 1
                ? model.TargetNames : null);
        if (classes is null)
        {
            WriteRegressionErrors(model.TargetNames, result, stdout);
            return 0;
        }

        stdout.WriteLine($"accuracy: {Num(result.Accuracy)} ({result.Predicted.Zip(result.Actual).Count(p => p.First == p.Second)} of {data.Count})");
        var confusion = Metrics.ConfusionMatrix(result.Actual, result.Predicted, classes.Count);
        stdout.WriteLine();
        stdout.WriteLine("confusion matrix (rows: actual class, columns: predicted class)");
        int width = Math.Max(classes.Max(c => c.Length), data.Count.ToString(CultureInfo.InvariantCulture).Length);
        stdout.WriteLine(new string(' ', width) + "  " + string.Join("  ", classes.Select(c => c.PadLeft(width))));
        for (int a = 0; a < classes.Count; a++)
            stdout.WriteLine(classes[a].PadLeft(width) + "  " + string.Join("  ", Enumerable.Range(0, classes.Count).Select(p => confusion[a, p].ToString(CultureInfo.InvariantCulture).PadLeft(width))));
        stdout.WriteLine();
        stdout.WriteLine($"{"class".PadRight(width)}  precision  recall  examples");
        var pr = Metrics.PrecisionRecall(confusion);
        for (int c = 0; c < classes.Count; c++)
        {
            int support = Enumerable.Range(0, classes.Count).Sum(p => confusion[c, p]);
            stdout.WriteLine($"{classes[c].PadRight(width)}  {Num(pr[c].Precision),9}  {Num(pr[c].Recall),6}  {support,8}");
        }
        return 0;
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
