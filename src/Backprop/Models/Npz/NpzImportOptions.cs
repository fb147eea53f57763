using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;

namespace Backprop.Models;

/// <summary>
/// What an .npz archive does not say about a network, for <see cref="NpzModel.Import"/>: its activations, loss,
/// precision and the names of its columns. The defaults are those of <c>backprop train</c>.
/// </summary>
public sealed record NpzImportOptions
{
    /// <summary>Activation after each hidden layer: relu (default), sigmoid or tanh.</summary>
    public Activation HiddenActivation { get; init; } = Activation.Relu;

    /// <summary>Activation of the output layer: identity (default), sigmoid or softmax.</summary>
    public Activation OutputActivation { get; init; } = Activation.Identity;

    /// <summary>The loss the model evaluates with; null (default) for the output's: cross-entropy after softmax, binary-cross-entropy after sigmoid, mse otherwise.</summary>
    public LossKind? Loss { get; init; }

    /// <summary>f32 or f64; null (default) for f32 when every weight and bias array is float32, else f64. f32 rounds float64 values to the nearest float32.</summary>
    public Precision? Precision { get; init; }

    /// <summary>The input columns' names, one an input; empty (default) for none.</summary>
    public IReadOnlyList<string> FeatureNames { get; init; } = [];

    /// <summary>The target columns' names (one an output, or with classes the label column); empty (default) for none.</summary>
    public IReadOnlyList<string> TargetNames { get; init; } = [];

    /// <summary>Class labels, one an output (two for one sigmoid output), or null (default) for a model of numbers.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
}
