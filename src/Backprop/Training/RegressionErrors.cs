namespace Backprop.Training;

/// <summary>
/// How far a regression's predictions are from its targets, for one output column or for all of them, as
/// scikit-learn's <c>mean_absolute_error</c>, <c>root_mean_squared_error</c> and <c>r2_score</c> define them.
/// </summary>
/// <param name="MeanAbsoluteError">Mean of |prediction − target|.</param>
/// <param name="RootMeanSquaredError">Square root of the mean of (prediction − target)².</param>
/// <param name="RSquared">1 − Σ(prediction − target)² ÷ Σ(target − mean target)²: 1 is perfect, 0 is no better than
/// predicting the mean. For a constant target column, 1 when every prediction is exact and 0 otherwise (scikit-learn's rule).</param>
public sealed record RegressionErrors(double MeanAbsoluteError, double RootMeanSquaredError, double RSquared)
{
    /// <summary>The uniform average of each figure over <paramref name="columns"/> (scikit-learn's default for several outputs).</summary>
    public static RegressionErrors Average(IReadOnlyList<RegressionErrors> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) return new RegressionErrors(double.NaN, double.NaN, double.NaN);
        return new RegressionErrors(columns.Average(c => c.MeanAbsoluteError), columns.Average(c => c.RootMeanSquaredError),
            columns.Average(c => c.RSquared));
    }
}
