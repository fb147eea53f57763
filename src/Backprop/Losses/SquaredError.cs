using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Losses;

/// <summary>
/// The notes' error: sum of (prediction - goal)² over a row's outputs; delta = prediction - goal, which is the
/// derivative of half that error (<see cref="DeltaScale"/> = ½), as in the notes.
/// </summary>
internal sealed class SquaredError<T> : ILoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public LossKind Kind => LossKind.Sse;

    /// <inheritdoc/>
    public double DeltaScale => 0.5;

    /// <inheritdoc/>
    public T Loss(Matrix<T> prediction, Matrix<T> target)
    {
        LossChecks.SameShape(prediction, target);
        // np.sum((layer_2 - goal) ** 2): numpy's pairwise sum of the squares, so the digits match.
        return Elementwise.PairwiseSumOfSquaredDifferences<T>(prediction.Span, target.Span);
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
