using System.Numerics;

namespace Backprop.Losses;

/// <summary>Categorical cross-entropy, -Σ target · log(prediction), for probabilities from a softmax and one-hot targets.</summary>
public sealed class CrossEntropy<T> : ILoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // log(0) is -inf; a prediction is held at least this far from 0 so that one confident mistake gives a large, finite loss.
    private static readonly T Floor = T.CreateChecked(1e-12);

    /// <inheritdoc/>
    public string Name => "cross-entropy";

    /// <inheritdoc/>
    public T Loss(Matrix<T> prediction, Matrix<T> target)
    {
        LossChecks.SameShape(prediction, target);
        ReadOnlySpan<T> p = prediction.Span, y = target.Span;
        T total = T.Zero;
        for (int i = 0; i < p.Length; i++)
            if (y[i] != T.Zero) total -= y[i] * T.Log(T.Max(p[i], Floor));
        return total;
    }

    /// <inheritdoc/>
    public void Delta(Matrix<T> prediction, Matrix<T> target, Matrix<T> delta)
    {
        LossChecks.SameShape(prediction, target);
        ReadOnlySpan<T> p = prediction.Span, y = target.Span;
        Span<T> d = delta.Span;
        for (int i = 0; i < d.Length; i++) d[i] = -y[i] / T.Max(p[i], Floor);
    }

    /// <inheritdoc/>
    public Activation? FusedOutput => Activation.Softmax;
}
