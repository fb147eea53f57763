using System.Numerics;

namespace Backprop.Training;

/// <summary>
/// Sums, row by row, what <see cref="RegressionErrors"/> needs for each column: absolute and squared errors, and the
/// targets' mean and spread by Welford's method (one pass, no cancellation when the targets are large and close).
/// </summary>
internal sealed class RegressionAccumulator(int columns)
{
    private readonly double[] _absolute = new double[columns], _squared = new double[columns];
    private readonly double[] _mean = new double[columns], _spread = new double[columns];
    private long _rows;

    public void Add<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        _rows++;
        for (int c = 0; c < _absolute.Length; c++)
        {
            double y = double.CreateChecked(target[c]), error = double.CreateChecked(prediction[c]) - y;
            _absolute[c] += Math.Abs(error);
            _squared[c] += error * error;
            double before = y - _mean[c];
            _mean[c] += before / _rows;
            _spread[c] += before * (y - _mean[c]);
        }
    }

    /// <summary>Each column's errors (empty when no row was added).</summary>
    public RegressionErrors[] Result()
    {
        if (_rows == 0) return [];
        var result = new RegressionErrors[_absolute.Length];
        for (int c = 0; c < result.Length; c++)
        {
            double r2 = _spread[c] > 0 ? 1 - _squared[c] / _spread[c] : _squared[c] == 0 ? 1 : 0;
            result[c] = new RegressionErrors(_absolute[c] / _rows, Math.Sqrt(_squared[c] / _rows), r2);
        }
        return result;
    }
}
