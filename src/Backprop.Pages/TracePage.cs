using System.Globalization;
using System.Text.Json;
using Backprop.Data;

namespace Backprop.Pages;

/// <summary>
/// The page of one iteration of backpropagation (<see cref="IterationTrace"/>) that a learner walks one step at a time:
/// each step's expression and value as numpy prints them (the very records <c>backprop trace</c> prints), on a drawing
/// of the network whose units and weights the step involves are highlighted. One self-contained HTML file: it opens from
/// disk and fetches nothing.
/// </summary>
/// <example>
/// <code>
/// var learner = (Recipe.Notes with { Hidden = [3], Alpha = 0.2, Epochs = 0 }).Prepare(lights);
/// TracePage.Write("trace.html", IterationTrace.Run(learner, 0, 1));
/// </code>
/// </example>
public static class TracePage
{
    /// <summary>The page of <paramref name="trace"/>, as HTML text.</summary>
    /// <param name="trace">The iteration, as <see cref="IterationTrace.Run"/> recorded it.</param>
    /// <param name="lines">The lines shown above the steps (the network and its settings, as <c>backprop trace</c> prints them; a line starting "note: " or "warning: " is shown as a note); default: one line describing the network.</param>
    public static string Render(IterationTrace trace, IReadOnlyList<string>? lines = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        lines ??= [PageText.Network(trace.Recipe, trace.Data)];
        var (before, after, f32) = (trace.WeightsBefore, trace.WeightsAfter, trace.Recipe.Precision == Precision.F32);
        var drawn = new DrawnNetwork(after.Select(m => (m.Rows, m.Columns)).ToArray());
        var labels = UnitLabels(trace.Data, drawn.Sizes);
        return HtmlPage.Render($"One iteration of backpropagation: {PageText.Source(trace.Data)}", "trace.js", writer =>
        {
            writer.WriteStartObject();
            writer.Strings("lines", lines);
            writer.WriteNumber("maxUnits", DrawnNetwork.MaxUnits);
            writer.WriteString("leftOut", drawn.LeftOut());
            writer.WritePropertyName("layers");
            // Hidden units go unlabelled: the values a step writes beside them take that room.
            drawn.WriteLayers(writer, (k, i) => labels[k]?[i] ?? (k == 0 || k == drawn.Sizes.Count - 1 ? i.ToString(CultureInfo.InvariantCulture) : ""));
            writer.WritePropertyName("before");
            drawn.WriteWeights(writer, before, f32);
            writer.WritePropertyName("after");
            drawn.WriteWeights(writer, after, f32);
            writer.WritePropertyName("steps");
            writer.WriteStartArray();
            foreach (var step in trace.Steps) WriteStep(writer, step, drawn);
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>Writes <see cref="Render"/>'s page to <paramref name="path"/> (UTF-8).</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, IterationTrace trace, IReadOnlyList<string>? lines = null) => HtmlPage.Write(path, Render(trace, lines));

    private static void WriteStep(Utf8JsonWriter writer, TraceStep step, DrawnNetwork drawn)
    {
        writer.WriteStartObject();
        writer.WriteString("phase", step.Phase);
        writer.WriteString("expression", step.Expression);
        writer.WriteString("text", step.Text);
        writer.Integers("layers", step.Layers);
        writer.Integers("weights", step.Weights);
        writer.Integers("updated", step.Updated);
        writer.WritePropertyName("values");
        writer.WriteStartArray();
        foreach (var (layer, strings) in step.Values.OrderBy(v => v.Key))
        {
            writer.WriteStartObject();
            writer.WriteNumber("layer", layer);
            drawn.WriteShown(writer, "values", layer, strings);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    // The names of the inputs (the file's columns, one-hot ones as colour=red; pixelN for images) and of the outputs
    // (the classes, or the target columns); null for the hidden layers.
    private static IReadOnlyList<string>?[] UnitLabels(Dataset data, IReadOnlyList<int> sizes)
    {
        IReadOnlyList<string>? Fit(IReadOnlyList<string>? names, int size) => names is not null && names.Count == size ? names : null;
        var labels = new IReadOnlyList<string>?[sizes.Count];
        labels[0] = Fit(data.Schema?.InputNames, sizes[0]) ?? Fit(data.FeatureNames, sizes[0]);
        labels[^1] = Fit(data.ClassNames, sizes[^1]) ?? Fit(data.TargetNames, sizes[^1]);
        return labels;
    }
}
