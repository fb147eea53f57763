using System.Globalization;

namespace Backprop.Pages;

/// <summary>
/// How <c>explain</c> names and writes the pressure on each weight, shared by its terminal tables and its page: the rows
/// and columns of each layer, its numbers in four decimals, the notes on a weight, and which weights to list first.
/// </summary>
internal static class PressureText
{
    /// <summary>What up, down, conflicting and zero input mean, below the pressure tables.</summary>
    public const string Legend = "up/down: how hard the examples push a weight up or down; conflicting: pushed both ways about equally (regularisation, --l2, turns such weights down); zero input: examples where the weight's input was 0, so the error could not be its fault";

    /// <summary>The heading of the pressure tables: "pressure on each weight after 20 epochs: the sum over the 6 examples of -weight_delta, ...", <paramref name="when"/> left out when null.</summary>
    public static string Heading(string? when, int examples) =>
        $"pressure on each weight{(when is null ? "" : " " + when)}: the sum over the {examples} examples of -weight_delta, the step each example asks for, split into up and down";

    /// <summary>A number as explain prints it ("0.0000" by default; -0 as 0: the step of a weight whose input was 0); "-" for NaN (a constant input's correlation).</summary>
    public static string Num(double v, string format = "0.0000") => double.IsNaN(v) ? "-" : (v == 0 ? 0.0 : v).ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The names of layer <paramref name="d"/>'s inputs: the data's columns for the first, layer_d[i] after it.</summary>
    public static IReadOnlyList<string> RowNames(IReadOnlyList<LayerPressure> pressure, int d, IReadOnlyList<string> inputNames) =>
        d == 0 ? inputNames : Enumerable.Range(0, pressure[d].Weights.Rows).Select(i => $"layer_{d}[{i}]").ToArray();

    /// <summary>The names of layer <paramref name="d"/>'s outputs: the targets (or classes) for the last, layer_{d+1}[o] before it.</summary>
    public static IReadOnlyList<string> ColumnNames(IReadOnlyList<LayerPressure> pressure, int d, IReadOnlyList<string> targetNames) =>
        d == pressure.Count - 1 && targetNames.Count == pressure[d].Weights.Columns ? targetNames
            : Enumerable.Range(0, pressure[d].Weights.Columns).Select(o => $"layer_{d + 1}[{o}]").ToArray();

    /// <summary>What to say about a weight: conflicting pressure, and the examples that could not blame it.</summary>
    public static string Notes(LayerPressure p, int i, int o)
    {
        var notes = new List<string>();
        if (p.Conflicting(i, o)) notes.Add("conflicting pressure");
        if (p.ZeroInput[i, o] == p.Examples) notes.Add("input always 0: never blamed");
        else if (p.ZeroInput[i, o] > 0) notes.Add($"no blame in {p.ZeroInput[i, o]} example{(p.ZeroInput[i, o] == 1 ? "" : "s")}");
        return string.Join("; ", notes);
    }

    /// <summary>
    /// The inputs to list in the correlation table: all in order when <paramref name="top"/> is 0 or covers them, else the
    /// <paramref name="top"/> whose strongest correlation with any target is largest, in that order.
    /// </summary>
    public static List<int> MostCorrelated(double[,] correlation, int top)
    {
        var inputs = Enumerable.Range(0, correlation.GetLength(0)).ToList();
        if (top > 0 && inputs.Count > top)
            inputs = [.. inputs.OrderByDescending(i => Enumerable.Range(0, correlation.GetLength(1)).Max(j => double.IsNaN(correlation[i, j]) ? 0 : Math.Abs(correlation[i, j]))).Take(top)];
        return inputs;
    }

    /// <summary>
    /// The weights to list, layer by layer: all in order when top is 0 or covers them, else the top largest pressures (up +
    /// |down|) over all layers, largest first within each layer (ties in layer, input, output order).
    /// </summary>
    public static List<(int Input, int Output)>[] Listed(IReadOnlyList<LayerPressure> pressure, int top)
    {
        var all = pressure.SelectMany((p, d) => Enumerable.Range(0, p.Weights.Length).Select(k => (Layer: d, Input: k / p.Weights.Columns, Output: k % p.Weights.Columns))).ToList();
        double Total((int Layer, int Input, int Output) x) => pressure[x.Layer].Up[x.Input, x.Output] - pressure[x.Layer].Down[x.Input, x.Output];
        if (top > 0 && all.Count > top) all = [.. all.OrderByDescending(Total).Take(top)];
        return [.. pressure.Select((_, d) => all.Where(x => x.Layer == d).Select(x => (x.Input, x.Output)).ToList())];
    }
}
