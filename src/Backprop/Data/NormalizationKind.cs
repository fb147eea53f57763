namespace Backprop.Data;

/// <summary>How inputs are scaled before the network sees them, fitted on the training data (<see cref="Normalization"/>).</summary>
public enum NormalizationKind
{
    /// <summary>none: the inputs as they are (the notes' choice; images, already 0..1).</summary>
    None,

    /// <summary>minmax: each column to 0..1 over the training rows.</summary>
    Minmax,

    /// <summary>standard: each column to mean 0 and standard deviation 1 over the training rows (scikit-learn's StandardScaler).</summary>
    Standard,
}
