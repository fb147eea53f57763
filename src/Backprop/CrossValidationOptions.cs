using Backprop.Data;

namespace Backprop;

/// <summary>How <see cref="Recipe.CrossValidate"/> runs: how many folds, how the rows are dealt, and how each fold's training runs.</summary>
/// <example>
/// <code>
/// var cv = new Recipe { Hidden = [16] }.CrossValidate(data, new CrossValidationOptions { Folds = 5 });
/// Console.WriteLine($"validation accuracy {cv.Mean("validation_accuracy"):0.000} ± {cv.Std("validation_accuracy"):0.000}");
/// </code>
/// </example>
public sealed record CrossValidationOptions
{
    /// <summary>The number of folds, k, at least 2 (default 5, as scikit-learn's).</summary>
    public int Folds { get; init; } = 5;

    /// <summary>How the rows are dealt into folds (default <see cref="FoldKind.Shuffled"/>: after the recipe's seed, stratified for classes).</summary>
    public FoldKind Split { get; init; }

    /// <summary>
    /// Each fold's <see cref="FitOptions"/>, by fold number from 1 (its checkpoint file, observers, cancellation);
    /// null for none. Their validation must be left unset: the fold's rows are its validation data.
    /// </summary>
    public Func<int, FitOptions>? FitFor { get; init; }

    /// <summary>Called as each fold ends, with its result (progress on screen, a file of your own).</summary>
    public Action<FoldResult>? FoldEnded { get; init; }
}
