using System.Numerics;

namespace Backprop.Tensors;

/// <summary>An activation function, for hidden layers (relu, sigmoid, tanh) or the output (identity, sigmoid, softmax).</summary>
public enum Activation
{
    /// <summary>No activation: the output is the weighted sum, as in the notes.</summary>
    Identity,
    /// <summary>max(0, x), as the notes' relu.</summary>
    Relu,
    /// <summary>1 / (1 + e^-x).</summary>
    Sigmoid,
    /// <summary>tanh(x).</summary>
    Tanh,
    /// <summary>e^x / Σ e^x over the row; for classes, with cross-entropy.</summary>
    Softmax,
}
