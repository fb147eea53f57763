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
        var command = new Command("predict", "Uses a saved model: one row of predictions for each row of data, read and written a chunk of rows at a time.");
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
            string file = result.GetValue(data)!;
            var csv = csvFlags.Read(result, new CsvOptions());
            // The data streams a chunk at a time, each chunk's predictions written as they come: to a file aside, then
            // renamed, so that an error in a later chunk leaves none.
            if (path is null or "-") loaded.PredictFile(file, stdout, csv);
            else
            {
                // Written in place (/dev/stdout, a pipe), the CSV may be what standard output is: no line is added to it.
                bool inPlace = AtomicFile.WritesInPlace(path);
                long rows = 0;
                OutputFile.WriteStream(path, stream =>
                {
                    using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
                    rows = loaded.PredictFile(file, writer, csv);
                });
                if (!inPlace) stdout.WriteLine($"wrote {rows} predictions to {path}");
            }
            return 0;
        });
        return command;
    }
}
