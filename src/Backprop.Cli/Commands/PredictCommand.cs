using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Cli;

/// <summary><c>backprop predict MODEL DATA [--out FILE.csv|-]</c>: the model's prediction for each row: class and probabilities, or output values.</summary>
internal static class PredictCommand
{
    public static Command Create(TextWriter stdout)
    {
        var model = new Argument<string>("model") { Description = "A model file written by 'backprop train --save'." };
        var data = new Argument<string>("data") { Description = "Data with the model's input columns (CSV; other columns are ignored), or IDX images." };
        var output = new Option<string?>("--out") { Description = "Write the predictions to this CSV file instead of the screen; - is standard output." + NetworkFlags.WrittenAs };
        var command = new Command("predict", "Uses a saved model: one row of predictions for each row of data.");
        command.Arguments.Add(model);
        command.Arguments.Add(data);
        var csvFlags = new CsvFlags();
        command.Options.Add(csvFlags.Delimiter);
        command.Options.Add(csvFlags.Unknown);
        command.Options.Add(output);
        command.SetAction(result =>
        {
            string? path = result.GetValue(output);
            if (path is not "-") LoadedData.CheckOutputPath(path, "--out");
            var loaded = ModelFile.Load(result.GetValue(model)!);
            var dataset = ModelData.Load(result.GetValue(data)!, loaded, withTargets: false, csvFlags.Read(result, new CsvOptions()));
            string csv = loaded.Precision == Precision.F64 ? Predict<double>(loaded, dataset) : Predict<float>(loaded, dataset);
            if (path is null or "-") stdout.Write(csv);
            else
            {
                // Written in place (/dev/stdout, a pipe), the CSV may be what standard output is: no line is added to it.
                bool inPlace = AtomicFile.WritesInPlace(path);
                OutputFile.WriteText(path, csv);
                if (!inPlace) stdout.WriteLine($"wrote {dataset.Count} predictions to {path}");
            }
            return 0;
        });
        return command;
    }

    private static string Predict<T>(Model model, Dataset data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var network = model.ToNetwork<T>();
        var text = new StringBuilder();
        var classes = model.ClassNames;
        text.AppendJoin(',', classes is null ? model.TargetNames.Select(Quote) : classes.Select(c => Quote("p_" + c)).Prepend("class")).Append('\n');
        foreach (var (_, prediction) in Evaluation.Predictions(network, data.RowsAs<T>(model.Normalization)))
            for (int r = 0; r < prediction.Rows; r++)
            {
                var row = prediction.RowSpan(r);
                if (classes is not null) text.Append(Quote(classes[Metrics.ClassOf<T>(row)])).Append(',');
                // A yes/no model's one output is the second class's probability; the first's is what is left.
                if (model.IsBinaryClassifier) text.Append((1 - double.CreateChecked(row[0])).ToString("R", CultureInfo.InvariantCulture)).Append(',');
                for (int c = 0; c < row.Length; c++)
                    text.Append(c > 0 ? "," : "").Append(double.CreateChecked(row[c]).ToString("R", CultureInfo.InvariantCulture));
                text.Append('\n');
            }
        return text.ToString();
    }

    // CSV quoting for names that hold a comma, quote or line break.
    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
