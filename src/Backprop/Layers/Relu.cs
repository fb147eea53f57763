using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>The notes' relu: <c>(x &gt; 0) * x</c> forward, <c>delta * relu2deriv(output)</c> backward.</summary>
/// <remarks>Both multiply by a 0/1 mask rather than select, so negative inputs give -0, as numpy prints them.</remarks>
internal sealed class Relu<T> : ActivationLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override Activation Kind => Activation.Relu;

    /// <inheritdoc/>
    protected override void Apply(Matrix<T> input, Matrix<T> output) =>
        Elementwise.MultiplyByPositive<T>(input.Span, input.Span, output.Span); // (x > 0) * x

    /// <inheritdoc/>
    protected override void Derivative(Matrix<T> output, Matrix<T> outputDelta, Matrix<T> inputDelta) =>
        Elementwise.MultiplyByPositive<T>(outputDelta.Span, output.Span, inputDelta.Span); // delta * (output > 0)
}
