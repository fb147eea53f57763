using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

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
