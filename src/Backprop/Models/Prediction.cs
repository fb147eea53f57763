namespace Backprop.Models;

/// <summary>
/// What a model predicts for one row: for a classifier, the class (<see cref="Label"/>) and each class's probability
/// (<see cref="Values"/>, in <see cref="Predictions.Columns"/> order); for numbers, the value of each target column.
/// </summary>
/// <param name="Label">The predicted class (the most probable; a yes/no model's "yes" from 0.5 on), or null for numbers.</param>
/// <param name="Values">Each class's probability (a yes/no model's two, which add up to 1), or each target column's value.</param>
public readonly record struct Prediction(string? Label, IReadOnlyList<double> Values)
{
    /// <summary>The probability of <see cref="Label"/> (NaN for numbers).</summary>
    public double Probability { get; init; } = double.NaN;
}
