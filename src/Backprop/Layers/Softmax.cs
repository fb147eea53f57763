using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// Softmax over each row: e^(x - max) / sum. Backward applies the full Jacobian, y ⊙ (d - (d·y)); with
/// cross-entropy the network skips it and starts from prediction - target instead (<see cref="BackwardStart"/>).
/// </summary>
internal sealed class Softmax<T> : ActivationLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override Activation Kind => Activation.Softmax;

    /// <inheritdoc/>
    protected override void Apply(Matrix<T> input, Matrix<T> output)
    {
        for (int r = 0; r < input.Rows; r++)
        {
            ReadOnlySpan<T> x = input.RowSpan(r);
            Span<T> y = output.RowSpan(r);
            // Subtracting the row's maximum keeps exp from overflowing; it does not change the result. The exponential
            // and the sum give the same bits at every vector width (TensorPrimitives' Exp and Sum do not: the sum's
            // order follows the width), so the probabilities do too; the sum is numpy's order, as np.sum's.
            TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), y);
            ElementMath.Exp<T>(y, y);
            TensorPrimitives.Divide(y, Elementwise.PairwiseSum<T>(y), y);
            FlushTiny(y);
        }
    }

    // Probabilities below 2^-100 become 0. A confident network's wrong classes get e^-90 and less, subnormal numbers in
    // float32, and every vector operation that touches one (here, in the delta p - y, and in the products that carry
    // it back) takes a microcode assist on x64: epochs slowed by a fifth as training went on. Such a probability moves
    // nothing: its delta is 30 orders of magnitude below the rest of its row's, and Adam's ε swamps its gradient.
    private static void FlushTiny(Span<T> p)
    {
        T tiny = T.CreateTruncating(Math.ScaleB(1.0, -100));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var t = new Vector<T>(tiny);
            for (; i + Vector<T>.Count <= p.Length; i += Vector<T>.Count)
            {
                var v = new Vector<T>(p[i..]);
                Vector.AndNot(v, Vector.LessThan(v, t)).CopyTo(p[i..]);
            }
        }
        for (; i < p.Length; i++) if (p[i] < tiny) p[i] = T.Zero;
    }

    /// <inheritdoc/>
    protected override void Derivative(Matrix<T> output, Matrix<T> outputDelta, Matrix<T> inputDelta)
    {
        for (int r = 0; r < output.Rows; r++)
        {
            ReadOnlySpan<T> y = output.RowSpan(r), d = outputDelta.RowSpan(r);
            Span<T> dx = inputDelta.RowSpan(r);
            T dot = T.Zero;
            for (int i = 0; i < y.Length; i++) dot += d[i] * y[i];
            for (int i = 0; i < y.Length; i++) dx[i] = y[i] * (d[i] - dot);
        }
    }
}
