using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Losses;

/// <summary>Mean squared error: the mean of (prediction - target)² over a row's outputs; delta = 2 (prediction - target) / outputs.</summary>
internal sealed class MeanSquaredError<T> : ILoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public LossKind Kind => LossKind.Mse;

    /// <inheritdoc/>
    public T Loss(Matrix<T> prediction, Matrix<T> target)
    {
        LossChecks.SameShape(prediction, target);
        T total = T.Zero, outputs = T.CreateChecked(prediction.Columns);
        for (int r = 0; r < prediction.Rows; r++)
        {
            ReadOnlySpan<T> p = prediction.RowSpan(r), y = target.RowSpan(r);
            T row = T.Zero;
            for (int i = 0; i < p.Length; i++) { T e = p[i] - y[i]; row += e * e; }
            total += row / outputs;
        }
        return total;
    }

    /// <inheritdoc/>
    public void Delta(Matrix<T> prediction, Matrix<T> target, Matrix<T> delta)
    {
        LossChecks.SameShape(prediction, target);
        T scale = T.CreateChecked(2) / T.CreateChecked(prediction.Columns);
        ReadOnlySpan<T> p = prediction.Span, y = target.Span;
        Span<T> d = delta.Span;
        for (int i = 0; i < d.Length; i++) d[i] = scale * (p[i] - y[i]);
    }
}
