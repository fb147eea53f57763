using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>The logistic function 1 / (1 + e^-x); its derivative, written in terms of the output y, is y (1 - y).</summary>
internal sealed class Sigmoid<T> : ActivationLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override Activation Kind => Activation.Sigmoid;

    /// <inheritdoc/>
    protected override void Apply(Matrix<T> input, Matrix<T> output) =>
        ElementMath.Sigmoid<T>(input.Span, output.Span); // 1 / (1 + e^-x), vectorised, the same bits at every width

    /// <inheritdoc/>
    protected override void Derivative(Matrix<T> output, Matrix<T> outputDelta, Matrix<T> inputDelta)
    {
        ReadOnlySpan<T> y = output.Span, d = outputDelta.Span;
        Span<T> dx = inputDelta.Span;
        for (int i = 0; i < dx.Length; i++) dx[i] = d[i] * (y[i] * (T.One - y[i]));
    }
}
