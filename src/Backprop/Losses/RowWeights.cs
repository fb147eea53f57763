using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Losses;

/// <summary>Class weights in a loss's precision: each target row's weight, and deltas scaled by it.</summary>
internal sealed class RowWeights<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _weights;

    public RowWeights(ClassWeights weights) => _weights = weights.Values<T>();

    /// <summary>Σ_c weight_c · target_c; for one column, weight_1 · y + weight_0 · (1 - y).</summary>
    public T Of(ReadOnlySpan<T> target)
    {
        if (target.Length == 1 && _weights.Length == 2) return _weights[1] * target[0] + _weights[0] * (T.One - target[0]);
        if (target.Length != _weights.Length)
            throw new ShapeMismatchException($"{_weights.Length} class weights for targets of {target.Length} columns.");
        T sum = T.Zero;
        for (int c = 0; c < target.Length; c++) sum += _weights[c] * target[c];
        return sum;
    }

    /// <summary>Multiplies each row of <paramref name="delta"/> by the weight of the same row of <paramref name="target"/>.</summary>
    public void Scale(Matrix<T> target, Matrix<T> delta)
    {
        for (int r = 0; r < delta.Rows; r++)
        {
            T w = Of(target.RowSpan(r));
            var row = delta.RowSpan(r);
            for (int c = 0; c < row.Length; c++) row[c] *= w;
        }
    }
}
