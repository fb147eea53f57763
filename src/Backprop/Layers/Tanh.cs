using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>The hyperbolic tangent; its derivative, written in terms of the output y, is 1 - y².</summary>
internal sealed class Tanh<T> : ActivationLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override Activation Kind => Activation.Tanh;

    /// <inheritdoc/>
    protected override void Apply(Matrix<T> input, Matrix<T> output) =>
        ElementMath.Tanh<T>(input.Span, output.Span); // vectorised, the same bits at every width

    /// <inheritdoc/>
    protected override void Derivative(Matrix<T> output, Matrix<T> outputDelta, Matrix<T> inputDelta)
    {
        ReadOnlySpan<T> y = output.Span, d = outputDelta.Span;
        Span<T> dx = inputDelta.Span;
        for (int i = 0; i < dx.Length; i++) dx[i] = d[i] * (T.One - y[i] * y[i]);
    }
}
