using System.Numerics;

namespace Backprop;

/// <summary>
/// One step of a network: Forward maps a batch of rows to a batch of rows, Backward maps the delta at its
/// output to the delta at its input (and fills its parameters' gradients). Shapes: B rows a batch.
/// </summary>
/// <remarks>
/// Returned matrices are the layer's own buffers, reused (overwritten) by the next call, so a
/// training loop allocates nothing; copy one (<see cref="Matrix{TFloat}.Copy"/>) to keep it.
/// </remarks>
public interface ILayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A short name: dense, relu, sigmoid, tanh, softmax.</summary>
    string Name { get; }

    /// <summary>input is (B, in); returns the output (B, out). <paramref name="training"/> is false at evaluation.</summary>
    Matrix<T> Forward(Matrix<T> input, bool training);

    /// <summary>outputDelta is (B, out), the loss's derivative at this layer's output; returns the delta at its input (B, in), or null when not <paramref name="needInputDelta"/>.</summary>
    Matrix<T>? Backward(Matrix<T> outputDelta, bool needInputDelta);

    /// <summary>The learnable values and their gradients from the last Backward (empty for activations).</summary>
    IReadOnlyList<Parameter<T>> Parameters { get; }
}

/// <summary>A learnable matrix and the gradient of the loss with respect to it.</summary>
public sealed class Parameter<T>(string name, Matrix<T> value) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Its name, e.g. weights_0_1.</summary>
    public string Name { get; set; } = name;

    /// <summary>The current values.</summary>
    public Matrix<T> Value { get; } = value;

    /// <summary>d loss / d value from the last backward pass (same shape as Value).</summary>
    public Matrix<T> Gradient { get; } = new(value.Rows, value.Columns);
}

/// <summary>
/// A layer's reused output (or delta) matrix for the current batch. A smaller batch (an epoch's last) is a view of
/// the largest batch's storage, and the last two shapes are kept, so that alternating full and partial batches, epoch
/// after epoch, allocates nothing.
/// </summary>
internal struct BatchBuffer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[]? _storage;
    private Matrix<T>? _other;

    /// <summary>The matrix last handed out by <see cref="Get"/>, or null before the first call.</summary>
    public Matrix<T>? Current { get; private set; }

    /// <summary>A (rows, columns) matrix over this buffer's storage; its contents are whatever was there before.</summary>
    public Matrix<T> Get(int rows, int columns)
    {
        var current = Current;
        if (current is not null && current.Rows == rows && current.Columns == columns) return current;
        return Switch(rows, columns);
    }

    // Off the hot path, so that a layer's step does not carry it inlined.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private Matrix<T> Switch(int rows, int columns)
    {
        var other = _other;
        _other = Current;
        if (other is not null && other.Rows == rows && other.Columns == columns) return Current = other;
        int length = checked(rows * columns);
        if (_storage is null || _storage.Length < length)
        {
            _storage = new T[length];
            _other = null; // views of the old storage are dropped with it
        }
        return Current = new Matrix<T>(rows, columns, 2, _storage, view: true);
    }
}
