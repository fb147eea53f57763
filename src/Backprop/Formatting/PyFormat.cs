namespace Backprop.Formatting;

/// <summary>Python/numpy scalar float formatting: <c>repr(float)</c> and <c>str(np.float32(x))</c>.</summary>
internal static class PyFormat
{
    /// <summary>Python's <c>repr(float)</c> (same as <c>str(np.float64(x))</c>), e.g. "2.0", "0.1", "1.5055622665134859e-05".</summary>
    public static string Repr(double value) => Scalar(value, single: false);

    /// <summary>numpy's <c>str(np.float32(x))</c>: shortest float32 digits, e.g. 0.1f gives "0.1".</summary>
    public static string Repr(float value) => Scalar(value, single: true);

    private static string Scalar(double value, bool single)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        bool negative = double.IsNegative(value);
        double abs = Math.Abs(value);
        var digits = FloatDigits.Shortest(abs, single);
        // numpy decides on the value (Python on the digits' exponent; for doubles the two agree).
        // For float32 the comparison happens in higher precision, so float32(1e-4) < 1e-4 prints '1e-04'.
        return abs == 0 || (abs >= 1e-4 && abs < 1e16)
            ? FloatDigits.Positional(digits, negative, Trim.LeaveOneZero)
            : FloatDigits.Scientific(digits, negative, Trim.DotAndZeros);
    }
}
