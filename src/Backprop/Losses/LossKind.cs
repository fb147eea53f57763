namespace Backprop.Losses;

/// <summary>The losses a network can minimise; <see cref="Backprop.Tensors.Vocabulary.Name{TEnum}"/> gives the names flags and files use.</summary>
public enum LossKind
{
    /// <summary>sse: the notes' squared error, Σ(p - y)² over a row, with delta p - y.</summary>
    Sse,

    /// <summary>mse: the mean of the squared errors over a row's outputs.</summary>
    Mse,

    /// <summary>cross-entropy: -Σ y·log p after a softmax output (classes, or rows of probabilities); after a sigmoid output it is <see cref="BinaryCrossEntropy"/>.</summary>
    CrossEntropy,

    /// <summary>binary-cross-entropy: each output a yes/no probability after a sigmoid.</summary>
    BinaryCrossEntropy,
}
