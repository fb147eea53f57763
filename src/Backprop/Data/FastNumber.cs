using System.Globalization;

namespace Backprop.Data;

/// <summary>
/// Parses the plain decimals that fill most numeric CSV files (<c>0</c>, <c>255</c>, <c>-2.5</c>, <c>1e-3</c>) without
/// the general parser, and gives exactly <c>double.Parse</c>'s value for them: anything else is left to it.
/// </summary>
/// <remarks>
/// The fast path is Clinger's: a decimal of at most 19 digits whose digits make an integer m of at most 2^53 and whose
/// power of ten e is within ±22 is m × 10^e or m ÷ 10^-e, where m and 10^|e| are exact doubles, so the one IEEE
/// operation rounds the exact result correctly, as double.Parse does. The tests compare the two on millions of strings.
/// </remarks>
internal static class FastNumber
{
    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// The value of <paramref name="text"/> (spaces around it allowed) as <c>double.TryParse(text, NumberStyles.Float,
    /// CultureInfo.InvariantCulture)</c> gives it; false when that fails.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out double value) =>
        TryParseFast(text, out value) || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>The fast path alone: false (value 0) for text it does not take, which the general parser then reads.</summary>
    public static bool TryParseFast(ReadOnlySpan<char> text, out double value)
    {
        // Whole numbers of up to 8 digits (counts, codes, pixels: most cells of many files), exact as they stand.
        if ((uint)(text.Length - 1) < 8)
        {
            uint whole = 0;
            int k = 0;
            for (; k < text.Length; k++)
            {
                uint digit = (uint)(text[k] - '0');
                if (digit > 9) break;
                whole = whole * 10 + digit;
            }
            if (k == text.Length)
            {
                value = whole;
                return true;
            }
        }
        return TryParseDecimal(text, out value);
    }

    private static bool TryParseDecimal(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        int i = 0, n = text.Length;
        if (n == 0) return false;
        bool negative = false;
        char c = text[0];
        if (c == '-' || c == '+')
        {
            negative = c == '-';
            i = 1;
        }
        ulong mantissa = 0;
        int digits = 0, fraction = 0;
        int start = i;
        for (; i < n && (uint)(text[i] - '0') <= 9; i++)
        {
            mantissa = mantissa * 10 + (uint)(text[i] - '0');
            digits++;
        }
        bool any = i > start;
        if (i < n && text[i] == '.')
        {
            i++;
            int fractionStart = i;
            for (; i < n && (uint)(text[i] - '0') <= 9; i++)
            {
                mantissa = mantissa * 10 + (uint)(text[i] - '0');
                digits++;
            }
            fraction = i - fractionStart;
            any |= fraction > 0;
        }
        if (!any || digits > 19) return false;
        int exponent = 0;
        if (i < n && (text[i] | 0x20) == 'e')
        {
            i++;
            bool negativeExponent = false;
            if (i < n && (text[i] == '-' || text[i] == '+'))
            {
                negativeExponent = text[i] == '-';
                i++;
            }
            int exponentStart = i;
            for (; i < n && (uint)(text[i] - '0') <= 9; i++)
            {
                if (i - exponentStart >= 4) return false;
                exponent = exponent * 10 + (text[i] - '0');
            }
            if (i == exponentStart) return false;
            if (negativeExponent) exponent = -exponent;
        }
        if (i != n) return false;   // spaces, other characters: the general parser decides
        if (mantissa > 1UL << 53) return false;
        int power = exponent - fraction;
        double m = mantissa;
        if (mantissa == 0) value = 0;
        else if (power == 0) value = m;
        else if (power > 0 && power <= 22) value = m * PowersOfTen[power];
        else if (power < 0 && power >= -22) value = m / PowersOfTen[-power];
        else return false;
        if (negative) value = -value;
        return true;
    }
}
