using System.Text.Json;

namespace Backprop.Pages;

/// <summary>
/// Writing a page's data: arrays of the strings the terminal prints, numbers for drawing only, and heat-map levels
/// (values rounded to one of 61 steps, packed one character a value, read by <c>Page.levels</c> in common.js).
/// </summary>
internal static class PageJson
{
    /// <summary>The number of steps on each side of 0 in <see cref="Levels"/>: a level runs from -Steps to +Steps.</summary>
    public const int Steps = 30;

    // One character a level, from -Steps ('0') to +Steps ('y'); none needs escaping in JSON or HTML.
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>An array of strings named <paramref name="name"/> (an element of an array when null).</summary>
    public static void Strings(this Utf8JsonWriter w, string? name, IEnumerable<string> values)
    {
        if (name is null) w.WriteStartArray(); else w.WriteStartArray(name);
        foreach (string v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>An array of numbers (for drawing: a chart's points); null where a value is missing or not finite.</summary>
    public static void Numbers(this Utf8JsonWriter w, string name, IEnumerable<double?> values)
    {
        w.WriteStartArray(name);
        foreach (double? v in values)
            if (v is double d && double.IsFinite(d)) w.WriteNumberValue(d); else w.WriteNullValue();
        w.WriteEndArray();
    }

    /// <summary>An array of whole numbers (an element of an array when <paramref name="name"/> is null).</summary>
    public static void Integers(this Utf8JsonWriter w, string? name, IEnumerable<int> values)
    {
        if (name is null) w.WriteStartArray(); else w.WriteStartArray(name);
        foreach (int v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    /// <summary>A table: { caption, headers, rows } with every cell a string as the terminal prints it.</summary>
    public static void Table(this Utf8JsonWriter w, string name, string caption, IEnumerable<string> headers, IEnumerable<IEnumerable<string>> rows)
    {
        w.WriteStartObject(name);
        w.WriteString("caption", caption);
        w.Strings("headers", headers);
        w.WriteStartArray("rows");
        foreach (var row in rows)
        {
            w.WriteStartArray();
            foreach (string cell in row) w.WriteStringValue(cell);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// Each value as a level from -<see cref="Steps"/> to +<see cref="Steps"/> of <paramref name="max"/> (its size rounded,
    /// for drawing only), one character a value. A value that is not 0 keeps its sign: its level is at least 1 in size.
    /// </summary>
    public static string Levels(IEnumerable<double> values, double max)
    {
        var text = new System.Text.StringBuilder();
        foreach (double v in values)
        {
            int level = v == 0 || !double.IsFinite(v) || !(max > 0) ? 0
                : Math.Sign(v) * Math.Clamp((int)Math.Round(Steps * Math.Abs(v) / max, MidpointRounding.AwayFromZero), 1, Steps);
            text.Append(Alphabet[level + Steps]);
        }
        return text.ToString();
    }
}
