using System.Numerics;

namespace Backprop;

/// <summary>
/// The notes' error: sum of (prediction - goal)² over a row's outputs; delta = prediction - goal, which is the
/// derivative of half that error (<see cref="DeltaScale"/> = ½), as in the notes.
/// </summary>
public sealed class SquaredError<T> : ILoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _squares = [];

    /// <inheritdoc/>
    public string Name => "sse";

    /// <inheritdoc/>
    public double DeltaScale => 0.5;

    /// <inheritdoc/>
    public T Loss(Matrix<T> prediction, Matrix<T> target)
    {
        LossChecks.SameShape(prediction, target);
        // np.sum((layer_2 - goal) ** 2): squares first, then numpy's pairwise sum, so the digits match.
        ReadOnlySpan<T> p = prediction.Span, y = target.Span;
        if (p.Length < 8)
        {
            // np.sum adds fewer than 8 values one by one onto +0 (PairwiseSum does the same); no buffer needed.
            T sum = T.Zero;
            for (int i = 0; i < p.Length; i++) { T e = p[i] - y[i]; sum += e * e; }
            return T.Zero + sum;
        }
        if (_squares.Length != prediction.Length) _squares = new T[prediction.Length];
        for (int i = 0; i < p.Length; i++) { T e = p[i] - y[i]; _squares[i] = e * e; }
        return Elementwise.PairwiseSum<T>(_squares);
    }

    /// <inheritdoc/>
    public void Delta(Matrix<T> prediction, Matrix<T> target, Matrix<T> delta)
    {
        LossChecks.SameShape(prediction, target);
        ReadOnlySpan<T> p = prediction.Span, y = target.Span;
        Span<T> d = delta.Span;
        for (int i = 0; i < d.Length; i++) d[i] = p[i] - y[i];
    }
}
