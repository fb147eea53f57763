using System.Numerics;

namespace Backprop;

/// <summary>The logistic function 1 / (1 + e^-x); its derivative, written in terms of the output y, is y (1 - y).</summary>
public sealed class Sigmoid<T> : ILayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private BatchBuffer<T> _output, _inputDelta;

    /// <inheritdoc/>
    public string Name => "sigmoid";

    /// <inheritdoc/>
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <inheritdoc/>
    public Matrix<T> Forward(Matrix<T> input, bool training)
    {
        var output = _output.Get(input.Rows, input.Columns);
        System.Numerics.Tensors.TensorPrimitives.Sigmoid<T>(input.Span, output.Span); // 1 / (1 + e^-x), vectorised
        return output;
    }

    /// <inheritdoc/>
    public Matrix<T>? Backward(Matrix<T> outputDelta, bool needInputDelta)
    {
        if (!needInputDelta) return null;
        var output = _output.Current ?? throw new InvalidOperationException("Backward called before Forward.");
        var inputDelta = _inputDelta.Get(output.Rows, output.Columns);
        ReadOnlySpan<T> y = output.Span, d = outputDelta.Span;
        Span<T> dx = inputDelta.Span;
        for (int i = 0; i < dx.Length; i++) dx[i] = d[i] * (y[i] * (T.One - y[i]));
        return inputDelta;
    }
}
