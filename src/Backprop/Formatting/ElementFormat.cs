using System.Globalization;

namespace Backprop.Formatting;

/// <summary>Builds the per-element formatter numpy picks for a dtype, sized from the values that will be shown.</summary>
internal static class ElementFormat
{
    public static Func<double, string> For(NumpyDtype dtype, IReadOnlyList<double> shown, bool zeroDim) => dtype switch
    {
        NumpyDtype.Float64 => new FloatingFormat(shown, single: false).Format,
        NumpyDtype.Float32 => new FloatingFormat(shown, single: true).Format,
        NumpyDtype.Int64 => IntegerFormat(shown),
        NumpyDtype.Bool => BoolFormat(zeroDim),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>numpy's IntegerFormat: '%{w}d' with w the longer of str(max) and str(min).</summary>
    private static Func<double, string> IntegerFormat(IReadOnlyList<double> shown)
    {
        int width = shown.Count == 0 ? 0 : Math.Max(Int(shown.Max()).Length, Int(shown.Min()).Length);
        return x => Int(x).PadLeft(width);
    }

    public static string Int(double x) => ((long)x).ToString(CultureInfo.InvariantCulture);

    /// <summary>numpy's BoolFormat: " True" so it lines up with "False", except in 0-d arrays.</summary>
    private static Func<double, string> BoolFormat(bool zeroDim)
    {
        string trueStr = zeroDim ? "True" : " True";
        return x => x != 0 ? trueStr : "False";
    }
}
