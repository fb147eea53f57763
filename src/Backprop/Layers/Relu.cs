using System.Numerics;

namespace Backprop;

/// <summary>The notes' relu: <c>(x &gt; 0) * x</c> forward, <c>delta * (output &gt; 0)</c> backward.</summary>
/// <remarks>Both multiply by a 0/1 mask rather than select, so negative inputs give -0, as numpy prints them.</remarks>
public sealed class Relu<T> : ILayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private BatchBuffer<T> _output, _inputDelta;

    /// <inheritdoc/>
    public string Name => "relu";

    /// <inheritdoc/>
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <inheritdoc/>
    public Matrix<T> Forward(Matrix<T> input, bool training)
    {
        var output = _output.Get(input.Rows, input.Columns);
        // (x > 0) * x
        Elementwise.MultiplyByPositive<T>(input.Span, input.Span, output.Span);
        return output;
    }

    /// <inheritdoc/>
    public Matrix<T>? Backward(Matrix<T> outputDelta, bool needInputDelta)
    {
        if (!needInputDelta) return null;
        var output = _output.Current ?? throw new InvalidOperationException("Backward called before Forward.");
        var inputDelta = _inputDelta.Get(output.Rows, output.Columns);
        // delta * relu2deriv(output), relu2deriv(output) = output > 0
        Elementwise.MultiplyByPositive<T>(outputDelta.Span, output.Span, inputDelta.Span);
        return inputDelta;
    }
}
