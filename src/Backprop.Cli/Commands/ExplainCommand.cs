using System.CommandLine;
using System.Globalization;
using System.Numerics;
using Backprop.Pages;
using ScottPlot;

namespace Backprop.Cli;

/// <summary>
/// <c>backprop explain DATA --target COL</c>: error attribution made visible. Before training, each input's
/// correlation with each target; at the weights after <c>--epochs N</c> (0 by default: the initial weights), each
/// weight's up and down pressure over the dataset, with the weights whose pressure conflicts and those whose
/// input is 0 for some examples (no blame possible) marked.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create(TextWriter stdout)
    {
        var data = new Argument<string>("data") { Description = "A CSV file with a header row, IDX images, or a folder of IDX pairs." };
        var flags = new NetworkFlags(NetworkFlags.LookInside with { Hidden = [] }, inferClasses: false);
        var top = new Option<string?>("--top") { Description = $"List only the N weights with the largest pressure (up + |down|), and the N inputs most correlated with a target; 0 lists all. Default {DefaultTop} for networks of more than {ListAllUpTo} weights, else all." };
        var command = new Command("explain", "Shows which inputs correlate with the targets and which weights take the blame for the error (up and down pressure).");
        command.Arguments.Add(data);
        command.Options.Add(top);
        flags.Plot.Description = "Write heat maps of each layer's net pressure and weights (PNG)." + NetworkFlags.WrittenAs;
        flags.Html.Description = "Write a self-contained HTML page (opens from disk, fetches nothing): the correlation table and every weight's pressure as a heat map; "
            + "focus or point at a weight for its up, down and net pressure and the step each example asks of it. --top does not limit the page; only its own size limits do (a large network's page says what it left out)." + NetworkFlags.WrittenAs;
        flags.AddTo(command, [.. flags.TrainOnly.Where(o => o != flags.Plot), flags.Quiet]);
        command.SetAction(result =>
        {
            int? topAsked = Top(result.GetValue(top));
            var loaded = LoadedData.Load(result.GetValue(data)!, result, flags);
            return Workbench<double>.ByPrecision(loaded, w => Explain(w, topAsked, stdout), w => Explain(w, topAsked, stdout));
        });
        return command;
    }

    /// <summary>Networks with at most this many weights list them all by default.</summary>
    internal const int ListAllUpTo = 200;

    /// <summary>How many weights (and inputs) a larger network lists by default.</summary>
    internal const int DefaultTop = 20;

    private static int? Top(string? text) =>
        text is null ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n
        : throw new UsageException($"--top: '{text}' must be a whole number (0 lists everything)");

    private static int Explain<T>(Workbench<T> w, int? topAsked, TextWriter stdout) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var train = w.Data.Train;
        var inputNames = train.FeatureNames;
        var targetNames = train.ClassNames ?? train.TargetNames;
        int weightCount = w.Network.DenseLayers.Sum(d => d.Weights.Value.Length);
        int top = topAsked ?? (weightCount > ListAllUpTo ? DefaultTop : 0);

        // The library's measures: correlations of the data, pressure at the weights after --epochs (the initial ones by default).
        if (w.Epochs > 0) w.Learner.Run();
        var explanation = Explanation.Of(w.Learner);
        var correlation = explanation.Correlations;
        stdout.WriteLine($"correlation of each input with each target over {train.Count} examples (before training):");
        int width = Math.Max(12, inputNames.Max(n => n.Length));
        var inputs = PressureText.MostCorrelated(correlation, top);
        stdout.WriteLine("input".PadRight(width) + string.Concat(targetNames.Select(t => "  " + t.PadLeft(Math.Max(8, t.Length)))));
        foreach (int i in inputs)
            stdout.WriteLine(inputNames[i].PadRight(width) + string.Concat(targetNames.Select((t, j) => "  " + Num(correlation[i, j], "0.000").PadLeft(Math.Max(8, t.Length)))));
        if (inputs.Count < inputNames.Count)
            stdout.WriteLine($"(the {inputs.Count} inputs most correlated with a target; {inputNames.Count - inputs.Count} of {inputNames.Count} left out: --top 0 lists all)");
        stdout.WriteLine("(1 or -1: the input alone predicts the target; near 0: no direct correlation, which a hidden layer may still find; - : a constant input)");
        stdout.WriteLine();

        string when = w.Epochs > 0 ? $"after {w.Epochs} epochs" : "at the initial weights";
        var pressure = explanation.Pressure;
        string[] lines = [w.NetworkLine(), PressureText.Heading(when, train.Count)];
        foreach (string line in lines) stdout.WriteLine(line);
        var listed = PressureText.Listed(pressure, top);
        for (int d = 0; d < pressure.Count; d++)
        {
            var p = pressure[d];
            var rowNames = PressureText.RowNames(pressure, d, inputNames);
            var columnNames = PressureText.ColumnNames(pressure, d, targetNames);
            stdout.WriteLine();
            stdout.WriteLine($"{p.Layer}:");
            int from = Math.Max(4, rowNames.Max(n => n.Length)), to = Math.Max(2, columnNames.Max(n => n.Length));
            stdout.WriteLine($"{"from".PadRight(from)}  {"to".PadRight(to)}  {"weight",10}  {"up",10}  {"down",10}  {"net",10}  zero input  notes");
            foreach (var (i, o) in listed[d])
                stdout.WriteLine($"{rowNames[i].PadRight(from)}  {columnNames[o].PadRight(to)}  {Num(p.Weights[i, o]),10}  {Num(p.Up[i, o]),10}  {Num(p.Down[i, o]),10}  {Num(p.Net(i, o)),10}  {p.ZeroInput[i, o],10}  {PressureText.Notes(p, i, o)}");
            if (listed[d].Count < p.Weights.Length) stdout.WriteLine($"({listed[d].Count} of this layer's {p.Weights.Length} weights listed)");
        }
        int shown = listed.Sum(l => l.Count);
        if (shown < weightCount)
        {
            stdout.WriteLine();
            stdout.WriteLine($"listed: the {shown} weights with the largest pressure (up + |down|) of {weightCount}, each layer's largest first; {weightCount - shown} left out (--top 0 lists all)");
        }
        stdout.WriteLine();
        stdout.WriteLine(PressureText.Legend);

        if (w.Settings.Plot is string plot)
        {
            SavePlot(plot, pressure);
            stdout.WriteLine($"wrote {plot}");
        }
        if (w.Settings.Html is string html)
        {
            OutputFile.WriteText(html, ExplainPage.Render(explanation, [.. lines, PressureText.Legend]));
            stdout.WriteLine($"wrote {html}");
        }
        return 0;
    }

    private static string Num(double v, string format = "0.0000") => PressureText.Num(v, format);

    // Two heat maps a dense layer: its net pressure and its weights (rows: inputs, columns: outputs).
    private static void SavePlot(string path, IReadOnlyList<LayerPressure> pressure)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(pressure.Count * 2);
        for (int d = 0; d < pressure.Count; d++)
        {
            var p = pressure[d];
            var net = new double[p.Weights.Rows, p.Weights.Columns];
            var weights = new double[p.Weights.Rows, p.Weights.Columns];
            for (int i = 0; i < p.Weights.Rows; i++)
                for (int o = 0; o < p.Weights.Columns; o++)
                {
                    // ScottPlot draws an array's first row at the top; flipped, input i sits at the y tick i.
                    int row = p.Weights.Rows - 1 - i;
                    net[row, o] = p.Net(i, o);
                    weights[row, o] = p.Weights[i, o];
                }
            Heat(multiplot.GetPlot(2 * d), net, $"{p.Layer}: net pressure");
            Heat(multiplot.GetPlot(2 * d + 1), weights, $"{p.Layer}: weights");
        }
        OutputFile.Write(path, temp => multiplot.SavePng(temp, 900, 380 * pressure.Count));
    }

    private static void Heat(Plot plot, double[,] values, string title)
    {
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.MellowRainbow();
        plot.Add.ColorBar(map);
        plot.Title(title);
        plot.XLabel("output");
        plot.YLabel("input");
    }
}
