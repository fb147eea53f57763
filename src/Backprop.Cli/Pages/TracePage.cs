using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Backprop.Cli;

/// <summary>
/// <c>backprop trace --html FILE</c>: the traced iteration as a page a learner walks one step at a time (Pages/Assets/trace.js).
/// The page's steps are the very records the terminal printed (<see cref="TraceStep"/>): the same expressions and digits.
/// </summary>
internal static class TracePage
{
    /// <summary>Writes the page of <paramref name="trace"/>, traced on <paramref name="w"/>'s network.</summary>
    public static void Write<T>(string path, Workbench<T> w, IterationTrace trace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (steps, before, after) = (trace.Steps, trace.WeightsBefore.Select(m => m.Cast<T>()).ToArray(), trace.WeightsAfter.Select(m => m.Cast<T>()).ToArray());
        var drawn = new DrawnNetwork(after.Select(m => (m.Rows, m.Columns)).ToArray());
        var labels = UnitLabels(w.Data.Train, drawn.Sizes);
        string source = Path.GetFileName(Path.TrimEndingDirectorySeparator(w.Data.Train.Source));
        HtmlPage.Write(path, $"One iteration of backpropagation: {source}", "trace.js", writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("network", w.NetworkLine());
            writer.WriteString("defaults", w.DefaultsLine());
            writer.WritePropertyName("notes");
            writer.WriteStartArray();
            foreach (string note in w.Settings.Notes) writer.WriteStringValue(note);
            writer.WriteEndArray();
            writer.WriteNumber("maxUnits", DrawnNetwork.MaxUnits);
            writer.WriteString("leftOut", drawn.LeftOut());
            writer.WritePropertyName("layers");
            // Hidden units go unlabelled: the values a step writes beside them take that room.
            drawn.WriteLayers(writer, (k, i) => labels[k]?[i] ?? (k == 0 || k == drawn.Sizes.Count - 1 ? i.ToString(CultureInfo.InvariantCulture) : ""));
            writer.WritePropertyName("before");
            drawn.WriteWeights(writer, before);
            writer.WritePropertyName("after");
            drawn.WriteWeights(writer, after);
            writer.WritePropertyName("steps");
            writer.WriteStartArray();
            foreach (var step in steps) WriteStep(writer, step, drawn);
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static void WriteStep(Utf8JsonWriter writer, TraceStep step, DrawnNetwork drawn)
    {
        writer.WriteStartObject();
        writer.WriteString("phase", step.Phase);
        writer.WriteString("expression", step.Expression);
        writer.WriteString("text", step.Text);
        WriteInts(writer, "layers", step.Layers);
        WriteInts(writer, "weights", step.Weights);
        WriteInts(writer, "updated", step.Updated);
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

    private static void WriteInts(Utf8JsonWriter writer, string name, IReadOnlyList<int> values)
    {
        writer.WritePropertyName(name);
        writer.WriteStartArray();
        foreach (int v in values) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }

    // The names of the inputs (the file's columns, one-hot ones as colour=red; pixelN for images) and of the outputs
    // (the classes, or the target columns); null for the hidden layers.
    private static IReadOnlyList<string>?[] UnitLabels(Backprop.Data.Dataset data, IReadOnlyList<int> sizes)
    {
        IReadOnlyList<string>? Fit(IReadOnlyList<string>? names, int size) => names is not null && names.Count == size ? names : null;
        var labels = new IReadOnlyList<string>?[sizes.Count];
        labels[0] = Fit(data.Schema?.InputNames, sizes[0]) ?? Fit(data.FeatureNames, sizes[0]);
        labels[^1] = Fit(data.ClassNames, sizes[^1]) ?? Fit(data.TargetNames, sizes[^1]);
        return labels;
    }
}
