using System.CommandLine;
using System.Globalization;
using System.Numerics;
using Backprop.Pages;

namespace Backprop.Cli;

/// <summary>
/// <c>backprop trace DATA</c>: one iteration of backpropagation, step by step, for any network the flags
/// describe: every weight matrix, each layer's output, the error, each delta before and after the activation's
/// derivative, each weight delta and each updated weight matrix, named as the notes name them. With <c>--html FILE</c>, the
/// same steps as a page that walks through them on a drawing of the network.
/// </summary>
internal static class TraceCommand
{
    public static Command Create(TextWriter stdout)
    {
        var data = new Argument<string>("data") { Description = "A CSV file with a header row, IDX images, or a folder of IDX pairs." };
        var row = new Option<string?>("--row") { Description = "The example to trace (0 is the first row). Default 0." };
        var rows = new Option<string?>("--batch-rows") { Description = "A:B traces one mini-batch update on rows A to B-1, as Python's data[A:B]." };
        var flags = new NetworkFlags(NetworkFlags.LookInside, inferClasses: false);
        var command = new Command("trace", "Shows one iteration of backpropagation step by step: every matrix, delta and update, named as in the notes.");
        command.Arguments.Add(data);
        command.Options.Add(row);
        command.Options.Add(rows);
        flags.Html.Description = "Also write the iteration as a self-contained HTML page: the network drawn, one step at a time (Next/Previous, arrow keys), the values involved highlighted." + NetworkFlags.WrittenAs;
        flags.AddTo(command, flags.TrainOnly);
        command.SetAction(result =>
        {
            var (start, end) = Rows(result.GetValue(row), result.GetValue(rows));
            var loaded = LoadedData.Load(result.GetValue(data)!, result, flags);
            if (end > loaded.Train.Count)
                throw new UsageException($"{(result.GetValue(rows) is null ? "--row" : "--batch-rows")}: the data has {loaded.Train.Count} training rows (0 to {loaded.Train.Count - 1})");
            return Workbench<double>.ByPrecision(loaded, w => Trace(w, start, end, stdout), w => Trace(w, start, end, stdout));
        });
        return command;
    }

    private static (int Start, int End) Rows(string? row, string? rows)
    {
        if (row is not null && rows is not null) throw new UsageException("--row and --batch-rows both choose rows; give one");
        if (rows is not null)
        {
            string[] parts = rows.Split(':');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int a)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int b) && a < b)
                return (a, b);
            throw new UsageException($"--batch-rows: '{rows}' is not A:B with A below B (e.g. 0:4)");
        }
        if (row is null) return (0, 1);
        return int.TryParse(row, NumberStyles.None, CultureInfo.InvariantCulture, out int r)
            ? (r, r + 1) : throw new UsageException($"--row: '{row}' is not a row number (0 or more)");
    }

    private static int Trace<T>(Workbench<T> w, int start, int end, TextWriter stdout) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = w.Settings;
        string[] lines = [w.NetworkLine(), .. w.DefaultsLine() is string d ? [d] : Array.Empty<string>(), .. s.Notes];
        if (!s.Quiet)
            foreach (string line in lines) stdout.WriteLine(line);
        if (w.Epochs > 0) w.Learner.Run(); // look inside a network that has already learned a while
        var trace = IterationTrace.Run(w.Learner, start, end);
        trace.WriteTo(stdout);
        if (s.Html is string html)
        {
            OutputFile.WriteText(html, TracePage.Render(trace, lines));
            if (!s.Quiet) stdout.WriteLine($"wrote {html}");
        }
        return 0;
    }
}
