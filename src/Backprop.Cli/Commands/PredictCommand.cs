using System.CommandLine;
using System.Globalization;
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
            var predictions = loaded.Predict(loaded.ReadData(result.GetValue(data)!, withTargets: false, csvFlags.Read(result, new CsvOptions())));
            var csv = new StringWriter();
            predictions.WriteCsv(csv);
            if (path is null or "-") stdout.Write(csv.ToString());
            else
            {
                // Written in place (/dev/stdout, a pipe), the CSV may be what standard output is: no line is added to it.
                bool inPlace = AtomicFile.WritesInPlace(path);
                OutputFile.WriteText(path, csv.ToString());
                if (!inPlace) stdout.WriteLine($"wrote {predictions.Count} predictions to {path}");
            }
            return 0;
        });
        return command;
    }
}
