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
}
