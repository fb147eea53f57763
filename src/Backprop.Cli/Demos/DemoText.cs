using System.Globalization;

namespace Backprop.Cli.Demos;

/// <summary>Number formats the table-printing demos share: short, plain, the same on every machine.</summary>
internal static class DemoText
{
    /// <summary><paramref name="value"/> to <paramref name="digits"/> significant digits, as Python's <c>'%.4g'</c> (e.g. 0.02945, 2.871e+09).</summary>
    public static string G(double value, int digits = 4)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        string text = value.ToString("G" + digits, CultureInfo.InvariantCulture);
        return text.Replace("E+", "e+", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal);
    }

    /// <summary>A layer's weights (n, 1) as numpy prints a vector: <c>[ 0.5   0.48 -0.7 ]</c>.</summary>
    public static string Weights(Matrix<double> weights) => Matrix.Vector(weights.Span.ToArray()).ToStr();
}
