namespace Backprop.Data;

/// <summary>
/// A value parsed from a short decimal (5.1, -0.125, 12345.67, 0.000123) in four bytes, from which the parsed float64
/// comes back to the last bit: the code is <c>m · 16 + d</c>, a whole number m of at most 27 bits and sign (up to
/// 134,217,727) and d digits after the point (0 to 14), and the value is <c>(double)m / 10^d</c>. Both m and 10^d are
/// exact in float64 and the division rounds once, so the result is the correctly rounded value of the decimal m·10^-d,
/// which is what the parser gave for its text. A missing cell (NaN) is its own code. A table of decimals is held so
/// at half the bytes of float64 (<see cref="TableRows"/>), where float32 would change the values.
/// </summary>
internal static class DecimalCode
{
    /// <summary>The code of a missing cell (NaN).</summary>
    public const int Missing = 15;

    /// <summary>Digits after the point a code can hold.</summary>
    public const int MaxDigits = 14;

    private const int Limit = 1 << 27;

    /// <summary>10^d for d = 0 to 14, then 0 at <see cref="Missing"/> (0 / 0 is NaN, so a missing cell decodes as NaN with no branch).</summary>
    internal static readonly double[] Divisors = CreateDivisors();

    private static double[] CreateDivisors()
    {
        var d = GC.AllocateArray<double>(16, pinned: true);   // pinned: the vector kernel reads it by address
        double p = 1;
        for (int i = 0; i <= MaxDigits; i++, p *= 10) d[i] = p;
        d[Missing] = 0;
        return d;
    }

    /// <summary>The value of <paramref name="code"/>.</summary>
    public static double Decode(int code) => (code & 15) == Missing ? double.NaN : (code >> 4) / Divisors[code & 15];

    /// <summary>
    /// The code of <paramref name="value"/> with the fewest digits after the point, when some code gives it back to the
    /// bit (NaN included, as the missing cell's code); false for -0, infinities, and values with more digits than fit.
    /// </summary>
    public static bool TryEncode(double value, out int code)
    {
        int digits = 0;
        return TryEncode(value, out code, ref digits);
    }

    /// <summary>
    /// As <see cref="TryEncode(double, out int)"/>, trying <paramref name="digits"/> digits first (a column's values
    /// mostly have as many as the one before): any code that gives the value back will do. <paramref name="digits"/>
    /// becomes the code's.
    /// </summary>
    public static bool TryEncode(double value, out int code, ref int digits)
    {
        if (double.IsNaN(value))
        {
            code = Missing;
            return true;
        }
        code = 0;
        if (!double.IsFinite(value)) return false;
        if ((uint)digits <= MaxDigits && TryDigits(value, digits, out code)) return true;
        for (int d = 0; d <= MaxDigits; d++)
        {
            if (!(Math.Abs(value * Divisors[d]) < Limit - 0.5)) return false;   // more digits only make it larger
            if (TryDigits(value, d, out code))
            {
                digits = d;
                return true;
            }
        }
        return false;
    }

    private static bool TryDigits(double value, int d, out int code)
    {
        double scaled = value * Divisors[d];
        code = 0;
        if (!(Math.Abs(scaled) < Limit - 0.5)) return false;
        int m = (int)Math.Round(scaled);
        // The test is the decoding itself (so -0, which comes back as +0, has no code).
        if (BitConverter.DoubleToInt64Bits(m / Divisors[d]) != BitConverter.DoubleToInt64Bits(value)) return false;
        code = (m << 4) | d;
        return true;
    }
}
