using System.Numerics;

namespace Backprop.Training;

/// <summary>How a network does on a dataset: its mean loss, and for classes, which class it picked for each row.</summary>
/// <param name="MeanLoss">The loss divided by the number of rows.</param>
/// <param name="Accuracy">Share of rows whose predicted class is the target's (meaningful for classes only).</param>
/// <param name="Predicted">The predicted class of each row (see <see cref="Metrics.ClassOf{T}"/>).</param>
/// <param name="Actual">The target's class of each row.</param>
public sealed record EvaluationResult(double MeanLoss, double Accuracy, int[] Predicted, int[] Actual)
{
    /// <summary>Each output column's regression errors (MAE, RMSE, R²) against its target column; meaningful when the network is not a classifier.</summary>
    public IReadOnlyList<RegressionErrors> Columns { get; init; } = [];

    /// <summary>The uniform average of <see cref="Columns"/> (scikit-learn's default for several outputs).</summary>
    public RegressionErrors Overall => RegressionErrors.Average(Columns);

    /// <summary>What the classes are, in output order, when the network predicts classes (set by <see cref="Models.Model.Evaluate(Data.Dataset)"/>); null for numbers.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>
    /// counts[actual, predicted] of the rows, kept instead of <see cref="Predicted"/> and <see cref="Actual"/> (then
    /// empty) by an evaluation that streams a file with bounded memory; null when those hold every row.
    /// </summary>
    internal int[,]? Counts { get; init; }

    /// <summary>counts[actual, predicted] over the rows, for <see cref="Classes"/>.</summary>
    /// <exception cref="InvalidOperationException">The result is not of classes.</exception>
    public int[,] Confusion()
    {
        int classes = (Classes ?? throw new InvalidOperationException("A confusion matrix needs classes.")).Count;
        if (Counts is null) return Metrics.ConfusionMatrix(Actual, Predicted, classes);
        var counts = new int[classes, classes];
        for (int a = 0; a < classes; a++)
            for (int p = 0; p < classes; p++) counts[a, p] = Counts[a, p];
        return counts;
    }

    /// <summary>Per class of <see cref="Classes"/>: precision (right among those predicted as it) and recall (found among those that are it); NaN where undefined.</summary>
    public (double Precision, double Recall)[] PrecisionRecall() => Metrics.PrecisionRecall(Confusion());

    /// <summary>The rows whose predicted class is the actual one.</summary>
    public int CorrectCount => Counts is { } counts
        ? Enumerable.Range(0, counts.GetLength(0)).Sum(c => counts[c, c])
        : Predicted.Zip(Actual).Count(p => p.First == p.Second);
}
