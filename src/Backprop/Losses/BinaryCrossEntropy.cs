using System.Numerics;

namespace Backprop.Losses;

/// <summary>Binary cross-entropy, -Σ y log p + (1 - y) log(1 - p), for independent probabilities from a sigmoid.</summary>
public sealed class BinaryCrossEntropy<T> : ILoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Floor = T.CreateChecked(1e-12);

    /// <inheritdoc/>
    public string Name => "binary-cross-entropy";

    /// <inheritdoc/>
    public T Loss(Matrix<T> prediction, Matrix<T> target)
    {
        LossChecks.SameShape(prediction, target);
        ReadOnlySpan<T> p = prediction.Span, y = target.Span;
        T total = T.Zero;
        for (int i = 0; i < p.Length; i++)
        {
            T q = T.Clamp(p[i], Floor, T.One - Floor);
            total -= y[i] * T.Log(q) + (T.One - y[i]) * T.Log(T.One - q);
        }
        return total;
    }

    /// <inheritdoc/>
    public void Delta(Matrix<T> prediction, Matrix<T> target, Matrix<T> delta)
    {
        LossChecks.SameShape(prediction, target);
        ReadOnlySpan<T> p = prediction.Span, y = target.Span;
        Span<T> d = delta.Span;
        for (int i = 0; i < d.Length; i++)
        {
            T q = T.Clamp(p[i], Floor, T.One - Floor);
            d[i] = (q - y[i]) / (q * (T.One - q));
        }
    }

    /// <inheritdoc/>
    public Activation? FusedOutput => Activation.Sigmoid;
}
