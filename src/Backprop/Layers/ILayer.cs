using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

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
