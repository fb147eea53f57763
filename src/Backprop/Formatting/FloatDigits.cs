using System.Numerics;
using System.Text;

namespace Backprop.Formatting;

/// <summary>
/// Exact (BigInteger) decimal conversion of binary floats with the semantics of numpy's Dragon4:
/// shortest round-trip digits, optionally cut at a precision (then the exact binary value is
/// rounded half-even), optionally extended to a minimum number of digits (exact value again).
/// </summary>
internal static class FloatDigits
{
    /// <summary>Splits |value| into mantissa * 2^exponent; unequalMargins when the gap below is half the gap above.</summary>
    private static (ulong Mantissa, int Exponent, bool UnequalMargins) Decompose(double value, bool single)
    {
        if (single)
        {
            uint bits = BitConverter.SingleToUInt32Bits((float)value);
            int biased = (int)((bits >> 23) & 0xFF);
            uint fraction = bits & 0x7FFFFF;
            return biased == 0
                ? (fraction, -149, false)
                : (fraction | (1u << 23), biased - 150, fraction == 0 && biased > 1);
        }
        else
        {
            ulong bits = BitConverter.DoubleToUInt64Bits(value);
            int biased = (int)((bits >> 52) & 0x7FF);
            ulong fraction = bits & 0xFFFFFFFFFFFFFUL;
            return biased == 0
                ? (fraction, -1074, false)
                : (fraction | (1UL << 52), biased - 1075, fraction == 0 && biased > 1);
        }
    }

    /// <summary>|value| as an exact fraction num/den.</summary>
    private static (BigInteger Num, BigInteger Den) Exact(double value, bool single)
    {
        var (m, e, _) = Decompose(value, single);
        return e >= 0 ? ((BigInteger)m << e, BigInteger.One) : (m, BigInteger.One << -e);
    }

    /// <summary>floor(log10(num/den)) for a positive fraction, exactly.</summary>
    private static int FloorLog10(BigInteger num, BigInteger den)
    {
        // Estimate from bit lengths, then correct; the estimate is off by at most one or two.
        long bits = (long)num.GetBitLength() - (long)den.GetBitLength();
        int k = (int)Math.Floor(bits * 0.30102999566398119521);
        while (Compare(num, den, k) < 0) k--;          // value < 10^k
        while (Compare(num, den, k + 1) >= 0) k++;     // value >= 10^(k+1)
        return k;
    }

    /// <summary>Sign of num/den - 10^k.</summary>
    private static int Compare(BigInteger num, BigInteger den, int k) =>
        k >= 0 ? num.CompareTo(den * BigInteger.Pow(10, k)) : (num * BigInteger.Pow(10, -k)).CompareTo(den);

    /// <summary>Shortest digits that read back as the same float (round-half-even reader), closest to the value when several qualify.</summary>
    public static DecimalDigits Shortest(double value, bool single)
    {
        if (value == 0) return new DecimalDigits("0", 0);
        var (m, e, unequal) = Decompose(value, single);
        // Everything is scaled by 4 so half-gaps to the neighbours are integers:
        // value = r/s, half-gap below = low/s, half-gap above = high/s.
        BigInteger r, s, low, high;
        if (e >= 0)
        {
            r = (BigInteger)m << (e + 2);
            s = 4;
            low = BigInteger.One << (unequal ? e : e + 1);
            high = BigInteger.One << (e + 1);
        }
        else
        {
            r = (BigInteger)m << 2;
            s = BigInteger.One << (2 - e);
            low = unequal ? 1 : 2;
            high = 2;
        }
        // A decimal exactly on a half-way point reads back as this float only when the mantissa is even.
        bool even = (m & 1) == 0;

        int k = FloorLog10(r, s);
        if (k >= 0) s *= BigInteger.Pow(10, k);
        else
        {
            var p = BigInteger.Pow(10, -k);
            r *= p; low *= p; high *= p;
        }

        var digits = new StringBuilder(20);
        int digit;
        bool tooLow, tooHigh;
        while (true)
        {
            digit = (int)BigInteger.DivRem(r, s, out r);
            int cLow = r.CompareTo(low), cHigh = (r + high).CompareTo(s);
            tooLow = even ? cLow <= 0 : cLow < 0;      // truncating here still reads back
            tooHigh = even ? cHigh >= 0 : cHigh > 0;   // rounding up here still reads back
            if (tooLow || tooHigh) break;
            digits.Append((char)('0' + digit));
            r *= 10; low *= 10; high *= 10;
        }

        bool roundDown = tooLow;
        if (tooLow == tooHigh)
        {
            // Both candidates read back: take the closer, ties to the even digit.
            int c = (r * 2).CompareTo(s);
            roundDown = c < 0 || (c == 0 && digit % 2 == 0);
        }
        if (roundDown)
        {
            digits.Append((char)('0' + digit));
            return new DecimalDigits(digits.ToString(), k);
        }
        return RoundUp(digits, digit, k);
    }

    /// <summary>Appends digit+1, carrying through nines (which are dropped, as Dragon4 does).</summary>
    private static DecimalDigits RoundUp(StringBuilder digits, int digit, int k)
    {
        if (digit < 9)
        {
            digits.Append((char)('0' + digit + 1));
            return new DecimalDigits(digits.ToString(), k);
        }
        while (digits.Length > 0 && digits[^1] == '9') digits.Length--;
        if (digits.Length == 0) return new DecimalDigits("1", k + 1);
        digits[^1]++;
        return new DecimalDigits(digits.ToString(), k);
    }

    /// <summary>The exact value rounded half-even to a multiple of 10^lastExp.</summary>
    public static DecimalDigits RoundExact(double value, bool single, int lastExp)
    {
        var (num, den) = Exact(value, single);
        if (lastExp >= 0) den *= BigInteger.Pow(10, lastExp);
        else num *= BigInteger.Pow(10, -lastExp);
        var q = BigInteger.DivRem(num, den, out var rem);
        int c = (rem * 2).CompareTo(den);
        if (c > 0 || (c == 0 && !q.IsEven)) q += 1;
        if (q.IsZero) return new DecimalDigits("0", 0);
        string d = q.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new DecimalDigits(d, lastExp + d.Length - 1);
    }

    /// <summary>
    /// numpy's Dragon4 in unique mode: shortest digits, but cut at <paramref name="precision"/> and extended to
    /// <paramref name="minDigits"/> (both counted after the decimal point, or after the first digit when
    /// <paramref name="scientific"/>; -1 for none). Cuts and extensions round the exact binary value.
    /// </summary>
    public static DecimalDigits Generate(double value, bool single, bool scientific, int precision = -1, int minDigits = -1)
    {
        if (value == 0) return new DecimalDigits("0", 0);
        var shortest = Shortest(value, single);
        int last = shortest.Exp - shortest.Digits.Length + 1;   // exponent of the last shortest digit

        // Positions are exponents of the last digit allowed / required.
        int firstExp = scientific ? FloorLog10Abs(value, single) : 0;
        int Position(int count) => scientific ? firstExp - count : -count;

        if (precision >= 0 && last < Position(precision)) return RoundExact(value, single, Position(precision));
        if (minDigits >= 0 && last > Position(minDigits)) return RoundExact(value, single, Position(minDigits));
        return shortest;
    }

    private static int FloorLog10Abs(double value, bool single)
    {
        var (num, den) = Exact(value, single);
        return FloorLog10(num, den);
    }

    /// <summary>Positional text like numpy's FormatPositional: sign, digits, trimming, then space padding.</summary>
    public static string Positional(DecimalDigits d, bool negative, Trim trim, int padLeft = -1, int padRight = -1)
    {
        string digits = d.Digits, intPart, frac;
        if (d.Exp >= 0)
        {
            intPart = digits.Length > d.Exp + 1 ? digits[..(d.Exp + 1)] : digits.PadRight(d.Exp + 1, '0');
            frac = digits.Length > d.Exp + 1 ? digits[(d.Exp + 1)..] : "";
        }
        else
        {
            intPart = "0";
            frac = new string('0', -d.Exp - 1) + digits;
        }
        if (trim != Trim.Keep) frac = frac.TrimEnd('0');
        if (trim == Trim.LeaveOneZero && frac.Length == 0) frac = "0";

        var sb = new StringBuilder();
        int whole = intPart.Length + (negative ? 1 : 0);
        if (padLeft > whole) sb.Append(' ', padLeft - whole);
        if (negative) sb.Append('-');
        sb.Append(intPart);
        if (trim != Trim.DotAndZeros || frac.Length > 0) sb.Append('.').Append(frac);
        if (padRight >= frac.Length) sb.Append(' ', padRight - frac.Length);
        return sb.ToString();
    }

    /// <summary>Scientific text like numpy's FormatScientific; with <see cref="Trim.Keep"/> the fraction has exactly <paramref name="fracDigits"/> digits.</summary>
    public static string Scientific(DecimalDigits d, bool negative, Trim trim, int fracDigits = 0, int padLeft = -1, int expDigits = -1)
    {
        string frac = d.Digits[1..];
        if (trim == Trim.Keep) frac = frac.Length >= fracDigits ? frac[..fracDigits] : frac.PadRight(fracDigits, '0');
        else frac = frac.TrimEnd('0');
        if (trim == Trim.LeaveOneZero && frac.Length == 0) frac = "0";

        var sb = new StringBuilder();
        int lead = negative ? 2 : 1;
        if (padLeft > lead) sb.Append(' ', padLeft - lead);
        if (negative) sb.Append('-');
        sb.Append(d.Digits[0]);
        if (trim != Trim.DotAndZeros || frac.Length > 0) sb.Append('.').Append(frac);
        sb.Append('e').Append(d.Exp < 0 ? '-' : '+');
        sb.Append(Math.Abs(d.Exp).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(expDigits < 0 ? 2 : expDigits, '0'));
        return sb.ToString();
    }
}
