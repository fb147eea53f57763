namespace Backprop.Data;

/// <summary>How <see cref="Dataset.Split"/> chooses the rows it holds out.</summary>
public enum SplitKind
{
    /// <summary>
    /// Rows drawn at random (numpy's <c>permutation</c> after the seed, as scikit-learn's <c>train_test_split</c> draws
    /// them), stratified by class when the targets are classes: each class is held out in the same proportion, so a
    /// file sorted by class still gives both parts every class. Both parts are in the drawn order.
    /// </summary>
    Shuffled,

    /// <summary>The file's last rows, in file order: for time-ordered data, where the future must not train the model.</summary>
    Last,
}
