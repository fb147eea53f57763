using System.Numerics;

namespace Backprop;

/// <summary>
/// One step of a network: Forward maps a batch of rows to a batch of rows, Backward maps the delta at its
/// output to the delta at its input (and fills its parameters' gradients). Shapes: B rows a batch.
/// </summary>
/// <remarks>
/// Returned matrices are the layer's own buffers, reused by the next call with the same batch size, so a
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

internal static class Buffers
{
    // A (rows, columns) buffer, reused while the shape stays the same (the last batch of an epoch may be smaller).
    public static Matrix<T> Ensure<T>(ref Matrix<T>? buffer, int rows, int columns) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (buffer is null || buffer.Rows != rows || buffer.Columns != columns) buffer = Allocate<T>(rows, columns);
        return buffer;
    }

    // Off the hot path, so that a layer's step does not carry the constructor inlined.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Matrix<T> Allocate<T>(int rows, int columns) where T : unmanaged, IFloatingPointIeee754<T> => new(rows, columns);
}
