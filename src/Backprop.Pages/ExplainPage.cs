using System.Globalization;
using System.Text.Json;

namespace Backprop.Pages;

/// <summary>
/// The page of an <see cref="Explanation"/> (the notes' error attribution): the correlation table and, for each dense
/// layer, the pressure on every weight as a heat map whose weights show their up, down and net pressure and the step
/// each example asks of them, with the numbers <c>backprop explain</c> prints. One self-contained HTML file: it opens from
/// disk and fetches nothing. Large networks keep the page under 2 MB: per-example steps only while examples × weights
/// stays within 100,000, and each weight's numbers only while the network has at most 10,000 weights (beyond, the heat
/// map's colours and each layer's largest pressures); the page says what it left out.
/// </summary>
/// <example>
/// <code>
/// var learner = new Recipe { Hidden = [4], Epochs = 20 }.Prepare(data);
/// learner.Run();
/// ExplainPage.Write("explain.html", Explanation.Of(learner));
/// </code>
/// </example>
public static class ExplainPage
{
    /// <summary>At most this many per-example steps (examples × weights) are on a page.</summary>
    internal const int ExampleBudget = 100_000;

    /// <summary>Networks of at most this many weights have each weight's numbers on the page.</summary>
    internal const int DetailBudget = 10_000;

    /// <summary>A layer of at most this many weights is drawn as cells that take the focus one by one; larger ones on a canvas.</summary>
    internal const int CellLimit = 1_024;

    /// <summary>Each layer's table lists at most this many weights (the largest pressure first when it has more).</summary>
    internal const int TableRows = 200;

    /// <summary>The correlation table holds at most this many correlations (inputs × targets); beyond, the inputs most correlated with a target.</summary>
    internal const int CorrelationBudget = 20_000;

    /// <summary>A layer of more weights than this has no heat map (its table lists its largest pressures); so has any layer once the page holds this many heat-map cells.</summary>
    internal const int DrawBudget = 1_000_000;

    /// <summary>How many examples (the first ones) get their per-example steps on the page.</summary>
    internal static int ExamplesKept(int examples, int weights) => weights > DetailBudget ? 0 : Math.Min(examples, ExampleBudget / weights);

    /// <summary>The page of <paramref name="explanation"/>, as HTML text.</summary>
    /// <param name="explanation">The measures, as <see cref="Explanation.Of"/> took them.</param>
    /// <param name="lines">
    /// The page's lines of text, as <c>backprop explain</c> prints them: the network at the top, then the heading of the
    /// pressure and its legend above the heat maps (more lines follow as notes). A line not given is the page's own: a
    /// description of the network, "pressure on each weight: the sum over the N examples of -weight_delta ...", the legend.
    /// </param>
    public static string Render(Explanation explanation, IReadOnlyList<string>? lines = null)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var (train, correlation, pressure) = (explanation.Data, explanation.Correlations, explanation.Pressure);
        IReadOnlyList<string> own = [PageText.Network(explanation.Recipe, train), PressureText.Heading(null, train.Count), PressureText.Legend];
        lines = lines is null ? own : [.. lines, .. own.Skip(lines.Count)];
        var targetNames = train.ClassNames ?? train.TargetNames;
        int weights = pressure.Sum(p => p.Weights.Length);
        int kept = Math.Min(ExamplesKept(train.Count, weights), explanation.ExamplesWithSteps);
        var steps = kept == 0 ? null : explanation.Steps;
        return HtmlPage.Render($"explain: {PageText.Source(train)}", "explain.js", json =>
        {
            json.WriteStartObject();
            json.Strings("lines", lines);
            var inputs = PressureText.MostCorrelated(correlation, Math.Max(1, CorrelationBudget / targetNames.Count));
            json.Table("correlation", $"correlation of each input with each target over {train.Count} examples (before training)"
                    + (inputs.Count < train.FeatureNames.Count ? $"; the {inputs.Count} inputs most correlated with a target, of {train.FeatureNames.Count} (the page holds at most {Count(CorrelationBudget)} correlations)" : ""),
                ["input", .. targetNames],
                inputs.Select(i => (IEnumerable<string>)[train.FeatureNames[i], .. targetNames.Select((_, j) => PressureText.Num(correlation[i, j], "0.000"))]));
            if (train.ImageShape is (int height, int width) && height * width == train.FeatureNames.Count)
                WriteCorrelationPictures(json, correlation, targetNames, height, width);
            json.WriteString("examplesNote", ExamplesNote(train.Count, weights, kept));
            json.Strings("examples", Enumerable.Range(0, kept).Select(e => ExampleName(train, e)));
            json.WriteNumber("levelSteps", PageJson.Steps);
            json.WriteStartArray("layers");
            int drawn = 0;
            for (int d = 0; d < pressure.Count; d++)
            {
                bool draw = drawn + pressure[d].Weights.Length <= DrawBudget;
                if (draw) drawn += pressure[d].Weights.Length;
                WriteLayer(json, pressure, d, train.FeatureNames, targetNames, weights <= DetailBudget, draw, steps?[d], kept);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    /// <summary>Writes <see cref="Render"/>'s page to <paramref name="path"/> (UTF-8).</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, Explanation explanation, IReadOnlyList<string>? lines = null) => HtmlPage.Write(path, Render(explanation, lines));

    private static void WriteLayer(Utf8JsonWriter json, IReadOnlyList<LayerPressure> pressure, int d, IReadOnlyList<string> inputNames,
        IReadOnlyList<string> targetNames, bool detail, bool draw, LayerSteps? steps, int kept)
    {
        var p = pressure[d];
        var rows = PressureText.RowNames(pressure, d, inputNames);
        var columns = PressureText.ColumnNames(pressure, d, targetNames);
        var all = Enumerable.Range(0, p.Weights.Length).Select(k => (I: k / p.Weights.Columns, O: k % p.Weights.Columns)).ToArray();
        string[] Cells(int i, int o) => [PressureText.Num(p.Weights[i, o]), PressureText.Num(p.Up[i, o]), PressureText.Num(p.Down[i, o]),
            PressureText.Num(p.Net(i, o)), p.ZeroInput[i, o].ToString(CultureInfo.InvariantCulture), PressureText.Notes(p, i, o)];

        json.WriteStartObject();
        json.WriteString("name", p.Layer);
        json.Strings("rows", rows);
        json.Strings("columns", columns);
        json.WriteBoolean("cells", p.Weights.Length <= CellLimit);
        double max = all.Max(x => Math.Abs(p.Net(x.I, x.O)));
        json.WriteString("maxNet", PressureText.Num(max));
        if (draw) json.WriteString("levels", PageJson.Levels(all.Select(x => p.Net(x.I, x.O)), max));
        else json.WriteString("notDrawn", $"{p.Layer} has {Count(p.Weights.Length)} weights: too many to draw on a page under 2 MB (at most {Count(DrawBudget)} heat-map cells a page); its table lists its largest pressures, and --plot draws every layer as a PNG.");
        if (detail)
        {
            // Row-major, one entry a weight: [weight, up, down, net, zero input, notes].
            json.WriteStartArray("weights");
            foreach (var (i, o) in all)
            {
                json.WriteStartArray();
                foreach (string cell in Cells(i, o)) json.WriteStringValue(cell);
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        var listed = p.Weights.Length <= TableRows ? [.. all.Select(x => (Input: x.I, Output: x.O))] : PressureText.Listed([p], TableRows)[0];
        json.Table("table", listed.Count < p.Weights.Length
                ? $"{p.Layer}: the {listed.Count} weights with the largest pressure (up + |down|) of {p.Weights.Length}, largest first"
                : $"{p.Layer}: every weight",
            ["from", "to", "weight", "up", "down", "net", "zero input", "notes"],
            listed.Select(x => (IEnumerable<string>)[rows[x.Input], columns[x.Output], .. Cells(x.Input, x.Output)]));
        if (steps is not null)
        {
            // Per weight (row-major), the step each kept example asks of it; per example, the inputs that were 0 (no blame).
            json.WriteStartArray("steps");
            foreach (var (i, o) in all) json.Strings(null, Enumerable.Range(0, kept).Select(e => PressureText.Num(steps.Step(e, i, o))));
            json.WriteEndArray();
            json.WriteStartArray("noBlame");
            foreach (int e in Enumerable.Range(0, kept))
            {
                json.WriteStartArray();
                for (int i = 0; i < p.Weights.Rows; i++) if (steps.NoBlame(e, i)) json.WriteNumberValue(i);
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    // For images: each target's correlation with every pixel as a picture (levels of the largest |correlation|; a constant pixel is white).
    private static void WriteCorrelationPictures(Utf8JsonWriter json, double[,] correlation, IReadOnlyList<string> targetNames, int height, int width)
    {
        double max = 0;
        foreach (double c in correlation) if (!double.IsNaN(c)) max = Math.Max(max, Math.Abs(c));
        json.WriteStartObject("correlationPictures");
        json.WriteNumber("height", height);
        json.WriteNumber("width", width);
        json.WriteString("note", $"Each target's correlation with every pixel, as a {width} x {height} picture: blue where a lit pixel goes with the target, vermillion where it goes against it, "
            + $"white where it does not correlate or never changes; to the largest |correlation|, {PressureText.Num(max, "0.000")}, rounded to {2 * PageJson.Steps + 1} levels for drawing only.");
        json.WriteStartArray("targets");
        for (int j = 0; j < targetNames.Count; j++)
        {
            json.WriteStartObject();
            json.WriteString("name", targetNames[j]);
            json.WriteString("levels", PageJson.Levels(Enumerable.Range(0, height * width).Select(i => double.IsNaN(correlation[i, j]) ? 0 : correlation[i, j]), max));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string ExamplesNote(int examples, int weights, int kept) =>
        kept == examples ? $"The step each example asks for is given for all {examples} examples."
        : kept > 0 ? $"The step each example asks for is given for the first {kept} of the {examples} examples only: examples × weights ({weights} weights) is kept under {Count(ExampleBudget)} numbers so that the page stays under 2 MB. The up, down and net pressure are over all {examples}."
        : $"The step each example asks for, and each weight's own numbers, are left out: this network has {Count(weights)} weights, more than the {Count(DetailBudget)} whose numbers fit a page under 2 MB. The heat maps show the net pressure of every weight; each layer's table lists its {TableRows} largest pressures.";

    private static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    // "left 1, middle 0, right 1 → walk 0": the file's values (before scaling) of a few inputs, or only the target.
    private static string ExampleName(Backprop.Data.Dataset train, int e)
    {
        string target = train.ClassNames is { } classes
            ? $"{train.TargetNames[0]} {classes[Enumerable.Range(0, classes.Count).MaxBy(c => train.Targets[e, c])]}"
            : string.Join(", ", train.TargetNames.Select((t, j) => $"{t} {PageText.Num(train.Targets[e, j])}"));
        string inputs = !train.IsImages && train.FeatureNames.Count <= 8
            ? string.Join(", ", train.FeatureNames.Select((f, i) => $"{f} {PageText.Num(train.Features[e, i])}")) + " "
            : "";
        return $"{e + 1}: {inputs}→ {target}";
    }
}
