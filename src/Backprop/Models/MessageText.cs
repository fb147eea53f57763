using System.Globalization;
using System.Text;

namespace Backprop.Models;

/// <summary>
/// Text read from a model file, made fit for a one-line error message: control characters escaped (a name may hold
/// a line break), long text shortened.
/// </summary>
internal static class MessageText
{
    /// <summary>Longest piece of a file's text a message quotes.</summary>
    public const int MaxQuoted = 40;

    /// <summary><paramref name="text"/> in single quotes, control characters escaped, cut after <see cref="MaxQuoted"/> characters.</summary>
    public static string Quote(string? text) => "'" + Shorten(text ?? "") + "'";

    /// <summary><paramref name="text"/> with control characters escaped, cut after <paramref name="max"/> characters ("..." marks the cut).</summary>
    public static string Shorten(string text, int max = MaxQuoted)
    {
        if (text.Length <= max) return OneLine(text);
        int cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;   // never half a character
        return OneLine(text[..cut]) + "...";
    }

    /// <summary><paramref name="text"/> on one line: line breaks, tabs and other control characters (and U+2028, U+2029) escaped as JSON escapes them.</summary>
    public static string OneLine(string text)
    {
        if (!text.Any(NeedsEscape)) return text;
        var result = new StringBuilder(text.Length + 8);
        foreach (char c in text)
            result.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when NeedsEscape(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        return result.ToString();
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
