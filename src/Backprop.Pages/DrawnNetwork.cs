using System.Globalization;
using System.Text.Json;

namespace Backprop.Pages;

/// <summary>
/// What a page needs to draw a network with <c>Page.drawNetwork</c> (Assets/network.js), for the units it draws only:
/// a layer wider than <see cref="MaxUnits"/> is drawn as that many evenly spaced units (network.js picks the same ones), so a
/// page of a 784-input network holds 24 input names and 24 rows of weights, not 784.
/// </summary>
internal sealed class DrawnNetwork
{
    /// <summary>The most units a layer is drawn with (network.js's maxUnits, passed to it as the page's data).</summary>
    public const int MaxUnits = 24;

    /// <summary>The number of units of each layer, layer_0 first.</summary>
    public IReadOnlyList<int> Sizes { get; }

    /// <summary>The units of each layer that are drawn, by index.</summary>
    public IReadOnlyList<int[]> Shown { get; }

    /// <summary>The drawing of a network whose dense layers hold <paramref name="weights"/> (weights_0_1 first).</summary>
    public DrawnNetwork(IReadOnlyList<(int Rows, int Columns)> weights)
    {
        Sizes = [weights[0].Rows, .. weights.Select(m => m.Columns)];
        Shown = Sizes.Select(Sample).ToArray();
    }

    /// <summary>The units network.js draws of a layer of <paramref name="n"/>: all, or MaxUnits evenly spaced (JavaScript's Math.round).</summary>
    public static int[] Sample(int n) => n <= MaxUnits
        ? Enumerable.Range(0, n).ToArray()
        : Enumerable.Range(0, MaxUnits).Select(s => (int)Math.Floor((double)s * (n - 1) / (MaxUnits - 1) + 0.5)).ToArray();

    /// <summary>Whether some layer is drawn with fewer units than it has.</summary>
    public bool IsSampled => Sizes.Where((n, k) => Shown[k].Length < n).Any();

    /// <summary>
    /// The layers as <c>[{ name: "layer_0", size, shown: [i...], units: [label of each shown unit] }]</c>; a unit is labelled by
    /// <paramref name="label"/>(layer, unit).
    /// </summary>
    public void WriteLayers(Utf8JsonWriter writer, Func<int, int, string> label)
    {
        writer.WriteStartArray();
        for (int k = 0; k < Sizes.Count; k++)
        {
            writer.WriteStartObject();
            writer.WriteString("name", $"layer_{k}");
            writer.WriteNumber("size", Sizes[k]);
            writer.WritePropertyName("shown");
            writer.WriteStartArray();
            foreach (int i in Shown[k]) writer.WriteNumberValue(i);
            writer.WriteEndArray();
            WriteShown(writer, "units", k, Shown[k].Select(i => label(k, i)).ToArray());
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>Writes <paramref name="name"/>: the strings of layer k's shown units, given one a unit of the layer or one a shown unit.</summary>
    public void WriteShown(Utf8JsonWriter writer, string name, int k, IReadOnlyList<string> strings)
    {
        writer.WritePropertyName(name);
        writer.WriteStartArray();
        bool all = strings.Count == Sizes[k];
        for (int s = 0; s < Shown[k].Length; s++) writer.WriteStringValue(strings[all ? Shown[k][s] : s]);
        writer.WriteEndArray();
    }

    /// <summary>
    /// The weight matrices as <c>[{ name: "weights_0_1", values: [[w]] }]</c>, values[a][b] joining the a-th shown unit of
    /// layer k to the b-th shown unit of layer k+1 (null for a value that is not finite); with <paramref name="f32"/>, the
    /// values (float32 widened) are written as float32's shortest digits (0.1, not 0.10000000149011612).
    /// </summary>
    public void WriteWeights(Utf8JsonWriter writer, IReadOnlyList<Matrix<double>> weights, bool f32)
    {
        writer.WriteStartArray();
        for (int k = 0; k < weights.Count; k++)
        {
            writer.WriteStartObject();
            writer.WriteString("name", $"weights_{k}_{k + 1}");
            writer.WritePropertyName("values");
            writer.WriteStartArray();
            foreach (int i in Shown[k])
            {
                writer.WriteStartArray();
                foreach (int j in Shown[k + 1]) WriteNumber(writer, weights[k][i, j], f32);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>How many weights the page holds of how many the network has.</summary>
    public (long Kept, long Total) WeightCounts()
    {
        long kept = 0, total = 0;
        for (int k = 0; k + 1 < Sizes.Count; k++)
        {
            kept += (long)Shown[k].Length * Shown[k + 1].Length;
            total += (long)Sizes[k] * Sizes[k + 1];
        }
        return (kept, total);
    }

    /// <summary>What the drawing leaves out, in words, or null when it draws everything.</summary>
    public string? LeftOut()
    {
        if (!IsSampled) return null;
        var layers = Enumerable.Range(0, Sizes.Count).Where(k => Shown[k].Length < Sizes[k])
            .Select(k => $"layer_{k}: {Shown[k].Length} of {Sizes[k]} units");
        var (kept, total) = WeightCounts();
        return $"This page holds the drawn units only ({string.Join("; ", layers)}): their names, values and weights "
            + $"({kept.ToString(CultureInfo.InvariantCulture)} of {total.ToString(CultureInfo.InvariantCulture)} weights). "
            + "The steps' texts are the terminal's, where numpy prints an array of more than 1000 numbers summarised, with '...'.";
    }

    // float32 as float32's shortest digits (0.1, not 0.10000000149011612); a value that is not finite as null.
    private static void WriteNumber(Utf8JsonWriter writer, double value, bool f32)
    {
        if (!double.IsFinite(value)) writer.WriteNullValue();
        else if (f32) writer.WriteNumberValue((float)value);
        else writer.WriteNumberValue(value);
    }
}
