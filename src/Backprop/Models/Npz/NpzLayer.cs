namespace Backprop.Models;

/// <summary>One dense layer read from an .npz archive: its arrays as the file holds them, and its weights as a model holds them.</summary>
/// <param name="Weights">The weights' array, as in the file.</param>
/// <param name="Bias">The bias's array, or null when the layer has none.</param>
/// <param name="Inputs">The layer's inputs.</param>
/// <param name="Outputs">The layer's outputs.</param>
/// <param name="WeightValues">The weights (inputs × outputs), row-major: PyTorch's (outputs, inputs) transposed.</param>
internal sealed record NpzLayer(NpyArray Weights, NpyArray? Bias, int Inputs, int Outputs, double[] WeightValues);
