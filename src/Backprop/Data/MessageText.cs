using System.Globalization;
using System.Text;

namespace Backprop.Data;

/// <summary>
/// Text from a data file made safe for a one-line message: characters that do not print are escaped (\n, \r, \t,
/// \x01, \u202E), long text is cut short, and long lists show their first few names and how many more there are.
/// </summary>
internal static class MessageText
{
    /// <summary>Text longer than this many characters is cut and ends in "...".</summary>
    public const int MaxLength = 40;

    /// <summary>Lists show at most this many names.</summary>
    public const int MaxNames = 5;

    /// <summary><paramref name="text"/> in single quotes, escaped and cut short: <c>'x1'</c>, <c>'a\x00b'</c>.</summary>
    public static string Quote(ReadOnlySpan<char> text) => "'" + Escape(text) + "'";

    /// <summary><paramref name="text"/> with characters that do not print escaped, cut after <see cref="MaxLength"/> characters.</summary>
    public static string Escape(ReadOnlySpan<char> text)
    {
        bool cut = text.Length > MaxLength;
        if (cut) text = text[..(char.IsHighSurrogate(text[MaxLength - 1]) ? MaxLength - 1 : MaxLength)]; // never half a character
        var result = new StringBuilder(text.Length + 3);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Append(c).Append(text[++i]); // a pair: one character beyond U+FFFF, such as an emoji
                continue;
            }
            switch (c)
            {
                case '\n': result.Append("\\n"); break;
                case '\r': result.Append("\\r"); break;
                case '\t': result.Append("\\t"); break;
                default:
                    if (Prints(c)) result.Append(c);
                    else if (c <= 0xFF) result.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    else result.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
            }
        }
        if (cut) result.Append("...");
        return result.ToString();
    }

    /// <summary>
    /// The first <see cref="MaxNames"/> of <paramref name="names"/>, escaped, separated by commas, then "and N more"
    /// when there are more: <c>c0, c1, c2, c3, c4 and 1999995 more</c>.
    /// </summary>
    public static string List(IReadOnlyList<string> names)
    {
        int shown = Math.Min(names.Count, MaxNames);
        var result = new StringBuilder();
        for (int i = 0; i < shown; i++) result.Append(i == 0 ? "" : ", ").Append(Escape(names[i]));
        if (names.Count > shown) result.Append(" and ").Append(names.Count - shown).Append(" more");
        return result.ToString();
    }

    /// <summary>A number of bytes for a person: <c>9.3 GiB</c>, <c>95.4 MiB</c>, <c>512 bytes</c>.</summary>
    public static string Size(double bytes) => bytes switch
    {
        >= 1 << 30 => (bytes / (1 << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1 << 20 => (bytes / (1 << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (bytes / (1 << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString("0", CultureInfo.InvariantCulture) + " bytes",
    };

    /// <summary>"1 field", "2 fields".</summary>
    public static string Plural(long n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    // Control characters, format characters (such as right-to-left overrides), line and paragraph separators,
    // lone surrogates and unassigned code points are escaped; letters, digits, marks, symbols and spaces print.
    private static bool Prints(char c)
    {
        if (c is >= ' ' and < '\x7F') return true;
        return CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.PrivateUse => false,
            _ => true,
        };
    }
}
