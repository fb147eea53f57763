namespace Backprop.Data;

/// <summary>How cross-validation deals the rows into its folds.</summary>
public enum FoldKind
{
    /// <summary>
    /// Rows dealt at random after the seed: for classes stratified, each fold getting its share of every class, as
    /// scikit-learn's <c>StratifiedKFold(n_splits, shuffle=True, random_state=seed)</c>; for numbers as
    /// <c>KFold(n_splits, shuffle=True, random_state=seed)</c>. The same folds as scikit-learn's, row for row.
    /// </summary>
    Shuffled,

    /// <summary>
    /// The file's rows in order, cut into consecutive blocks (the first <c>n % k</c> one row longer), as
    /// <c>KFold(n_splits)</c> without shuffling: for time-ordered data. Not stratified.
    /// </summary>
    Contiguous,
}
