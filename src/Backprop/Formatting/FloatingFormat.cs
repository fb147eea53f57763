using System.Globalization;

namespace Backprop.Formatting;

/// <summary>
/// numpy 1.24's FloatingFormat with the default options (precision 8, floatmode 'maxprec', suppress False, sign '-').
/// A first pass over the shown values fixes the notation and the padding so that columns line up.
/// </summary>
internal sealed class FloatingFormat
{
    private const int DefaultPrecision = 8;
    private readonly bool _single;
    private readonly bool _expFormat;
    private readonly int _precision = DefaultPrecision;
    private readonly int _minDigits;
    private readonly int _padLeft;
    private readonly int _padRight;
    private readonly int _expSize = -1;

    public FloatingFormat(IReadOnlyList<double> data, bool single)
    {
        _single = single;
        var finite = data.Where(double.IsFinite).ToList();
        var absNonZero = finite.Where(v => v != 0).Select(Math.Abs).ToList();
        if (absNonZero.Count > 0)
        {
            double max = absNonZero.Max(), min = absNonZero.Min();
            // numpy divides in the array's own precision (the quotient can round onto 1000, or overflow).
            double ratio = single ? (float)((float)max / (float)min) : max / min;
            _expFormat = max >= 1e8 || min < 0.0001 || ratio > 1000.0;
        }

        if (finite.Count == 0)
        {
            _padLeft = _padRight = 0;
        }
        else if (_expFormat)
        {
            // Shortest digits cut at 8 significant fraction digits, trailing zeros trimmed; then every
            // element is printed with the longest such fraction and exponent, zero padded.
            var strs = finite.Select(x => FloatDigits.Scientific(
                FloatDigits.Generate(Math.Abs(x), single, scientific: true, DefaultPrecision),
                double.IsNegative(x), Trim.Zeros)).ToList();
            _expSize = strs.Max(s => s.Length - s.IndexOf('e') - 2);
            _precision = _minDigits = strs.Max(s => s.IndexOf('e') - s.IndexOf('.') - 1);
            _padLeft = strs.Max(s => s.IndexOf('.'));
            _padRight = _expSize + 2 + _precision;   // only used to size nan/inf
        }
        else
        {
            var strs = finite.Select(x => FloatDigits.Positional(
                FloatDigits.Generate(Math.Abs(x), single, scientific: false, DefaultPrecision),
                double.IsNegative(x), Trim.Zeros)).ToList();
            _padLeft = strs.Max(s => s.IndexOf('.'));
            _padRight = strs.Max(s => s.Length - s.IndexOf('.') - 1);
            _minDigits = 0;
        }

        if (finite.Count != data.Count)
        {
            // Widen so "nan", "inf" and "-inf" fit in the same column width as the numbers.
            bool negInf = data.Any(v => double.IsNegativeInfinity(v));
            int offset = _padRight + 1;
            _padLeft = Math.Max(_padLeft, Math.Max(3 - offset, 3 + (negInf ? 1 : 0) - offset));
        }
    }

    public string Format(double x)
    {
        if (!double.IsFinite(x))
        {
            string ret = double.IsNaN(x) ? "nan" : x < 0 ? "-inf" : "inf";
            return ret.PadLeft(_padLeft + _padRight + 1);
        }
        bool negative = double.IsNegative(x);
        double abs = Math.Abs(x);
        if (_expFormat)
        {
            var d = FloatDigits.Generate(abs, _single, scientific: true, _precision, _minDigits);
            return FloatDigits.Scientific(d, negative, Trim.Keep, _precision, _padLeft, _expSize);
        }
        var p = FloatDigits.Generate(abs, _single, scientific: false, _precision, _minDigits);
        return FloatDigits.Positional(p, negative, Trim.Zeros, _padLeft, _padRight);
    }
}
