using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop;

/// <summary>
/// Softmax over each row: e^(x - max) / sum. Backward applies the full Jacobian, y ⊙ (d - (d·y)); with
/// cross-entropy the network skips it and starts from prediction - target instead (see <see cref="Network{T}"/>).
/// </summary>
public sealed class Softmax<T> : ILayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private BatchBuffer<T> _output, _inputDelta;

    /// <inheritdoc/>
    public string Name => "softmax";

    /// <inheritdoc/>
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <inheritdoc/>
    public Matrix<T> Forward(Matrix<T> input, bool training)
    {
        var output = _output.Get(input.Rows, input.Columns);
        for (int r = 0; r < input.Rows; r++)
        {
            ReadOnlySpan<T> x = input.RowSpan(r);
            Span<T> y = output.RowSpan(r);
            // Subtracting the row's maximum keeps exp from overflowing; it does not change the result.
            TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), y);
            TensorPrimitives.Exp<T>(y, y);
            TensorPrimitives.Divide(y, TensorPrimitives.Sum<T>(y), y);
        }
        return output;
    }

    /// <inheritdoc/>
    public Matrix<T>? Backward(Matrix<T> outputDelta, bool needInputDelta)
    {
        if (!needInputDelta) return null;
        var output = _output.Current ?? throw new InvalidOperationException("Backward called before Forward.");
        var inputDelta = _inputDelta.Get(output.Rows, output.Columns);
        for (int r = 0; r < output.Rows; r++)
        {
            ReadOnlySpan<T> y = output.RowSpan(r), d = outputDelta.RowSpan(r);
            Span<T> dx = inputDelta.RowSpan(r);
            T dot = T.Zero;
            for (int i = 0; i < y.Length; i++) dot += d[i] * y[i];
            for (int i = 0; i < y.Length; i++) dx[i] = y[i] * (d[i] - dot);
        }
        return inputDelta;
    }
}
