using System.Numerics;
using Backprop.Data;
using Backprop.Training;

namespace Backprop;

/// <summary>
/// The notes' error attribution for a learner's network on its training data, at the network's current weights:
/// each input's correlation with each target, each weight's up and down pressure over every example
/// (<see cref="ErrorAttribution.Pressure{T}"/>), and the step each of the first examples asks of each weight
/// (<see cref="ErrorAttribution.StepsByExample{T}"/>). <c>backprop explain</c> prints it; Backprop.Pages' <c>ExplainPage</c> draws it.
/// </summary>
/// <example>
/// <code>
/// var learner = new Recipe { Hidden = [4], Epochs = 20 }.Prepare(data);
/// learner.Run();                                   // or look at the initial weights
/// var explanation = Explanation.Of(learner);
/// </code>
/// </example>
public sealed class Explanation
{
    /// <summary>At most this many per-example steps (examples × weights) unless <see cref="Of"/> is told otherwise.</summary>
    public const int DefaultMaxSteps = 100_000;

    private Explanation(Learner learner, double[,] correlations, IReadOnlyList<LayerPressure> pressure, IReadOnlyList<LayerSteps> steps)
    {
        (Recipe, Data, Correlations, Pressure, Steps) = (learner.Recipe, learner.Train, correlations, pressure, steps);
    }

    /// <summary>The recipe the network was built with, every setting set.</summary>
    public Recipe Recipe { get; }

    /// <summary>The training data measured (as the task reads it): its inputs, targets and their names.</summary>
    public Dataset Data { get; }

    /// <summary>Pearson correlation of each input column (rows) with each target column, on the data as the file holds it (before scaling); NaN for a constant column.</summary>
    public double[,] Correlations { get; }

    /// <summary>Each dense layer's up and down pressure on its weights over every example, weights_0_1 first.</summary>
    public IReadOnlyList<LayerPressure> Pressure { get; }

    /// <summary>Each dense layer's per-example steps, for the first <see cref="ExamplesWithSteps"/> examples.</summary>
    public IReadOnlyList<LayerSteps> Steps { get; }

    /// <summary>How many examples (the first ones) have their steps in <see cref="Steps"/>.</summary>
    public int ExamplesWithSteps => Steps.Count == 0 ? 0 : Steps[0].Examples;

    /// <summary>
    /// Measures <paramref name="learner"/>'s network as it stands (train it first, with <see cref="Learner.Run"/>, to look
    /// at learned weights): correlations, pressure, and the per-example steps of as many of the first examples as keep
    /// examples × weights within <paramref name="maxSteps"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSteps"/> is negative.</exception>
    public static Explanation Of(Learner learner, int maxSteps = DefaultMaxSteps)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentOutOfRangeException.ThrowIfNegative(maxSteps);
        return learner switch
        {
            Learner<double> d => Of(d, maxSteps),
            Learner<float> f => Of(f, maxSteps),
            _ => throw new NotSupportedException($"An explanation runs in float64 or float32, not {learner.GetType().Name}."),
        };
    }

    private static Explanation Of<T>(Learner<T> learner, int maxSteps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var train = learner.Train;
        var correlations = ErrorAttribution.Correlations(train.Features, train.Targets);
        var pressure = ErrorAttribution.Pressure(learner.Network, learner.Loss, learner.X, learner.Y);
        int weights = pressure.Sum(p => p.Weights.Length);
        int kept = Math.Min(train.Count, maxSteps / Math.Max(1, weights));
        IReadOnlyList<LayerSteps> steps = kept == 0
            ? [.. pressure.Select(p => new LayerSteps(p.Layer, [], new bool[0, p.Weights.Rows]))]
            : ErrorAttribution.StepsByExample(learner.Network, learner.Loss, learner.X[0..kept], learner.Y[0..kept]);
        return new Explanation(learner, correlations, pressure, steps);
    }
}
