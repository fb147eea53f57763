using System.Numerics;
using Backprop.Data;
using Backprop.Tensors;

namespace Backprop;

/// <summary>
/// One iteration of backpropagation on some rows of a learner's training data, step by step as the notes show it:
/// alpha, layer_0, goal, the weights, each layer's output, the error, each delta before and after the activation's
/// derivative, each weight (and bias) delta, each update, named as the notes name them. <see cref="Run"/> runs the
/// learner's own forward, backward and update, and each step carries numpy's repr of the value the library computed:
/// on the notes' data, the notes' numbers. <c>backprop trace</c> prints it; Backprop.Pages' <c>TracePage</c> draws it.
/// </summary>
/// <example>
/// <code>
/// var learner = (Recipe.Notes with { Hidden = [3], Alpha = 0.2, Epochs = 0 }).Prepare(lights);
/// IterationTrace.Run(learner, 0, 1).WriteTo(Console.Out);   // the notes' "One iteration of backprop"
/// </code>
/// </example>
public sealed class IterationTrace
{
    private IterationTrace(Learner learner, int start, int end, IReadOnlyList<TraceStep> steps, IReadOnlyList<Matrix<double>> before, IReadOnlyList<Matrix<double>> after)
    {
        (Recipe, Data, Start, End, Steps, WeightsBefore, WeightsAfter) = (learner.Recipe, learner.Train, start, end, steps, before, after);
    }

    /// <summary>The recipe the network was built with, every setting set (alpha, the optimizer, the precision).</summary>
    public Recipe Recipe { get; }

    /// <summary>The training data the traced rows are of (as the task reads it); its column, target and class names name the units.</summary>
    public Dataset Data { get; }

    /// <summary>The first row traced (as Python's <c>data[Start:End]</c>).</summary>
    public int Start { get; }

    /// <summary>The row after the last one traced.</summary>
    public int End { get; }

    /// <summary>Every step, in the order the iteration takes them.</summary>
    public IReadOnlyList<TraceStep> Steps { get; }

    /// <summary>Each dense layer's weights before the iteration's update (weights_0_1 first), widened to float64 exactly.</summary>
    public IReadOnlyList<Matrix<double>> WeightsBefore { get; }

    /// <summary>Each dense layer's weights after the update, widened to float64 exactly.</summary>
    public IReadOnlyList<Matrix<double>> WeightsAfter { get; }

    /// <summary>Writes every step as a Python session shows it (<see cref="TraceStep.WriteTo"/>): what <c>backprop trace</c> prints.</summary>
    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var step in Steps) step.WriteTo(writer);
    }

    /// <summary>
    /// Runs one iteration of backpropagation on rows <paramref name="start"/> to <paramref name="end"/>-1 of
    /// <paramref name="learner"/>'s training data (one example, or a mini-batch averaged as training averages it) at the
    /// network's current weights, and records each step. The weights change as one training step changes them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rows are not a range within the training data.</exception>
    public static IterationTrace Run(Learner learner, int start, int end)
    {
        ArgumentNullException.ThrowIfNull(learner);
        int rows = learner.Train.Count;
        if (start < 0 || start >= rows) throw new ArgumentOutOfRangeException(nameof(start), start, $"The training data has rows 0 to {rows - 1}.");
        if (end <= start || end > rows) throw new ArgumentOutOfRangeException(nameof(end), end, $"The rows traced end after {start} and at {rows} at most.");
        return learner switch
        {
            Learner<double> d => Run(d, start, end),
            Learner<float> f => Run(f, start, end),
            _ => throw new NotSupportedException($"A trace runs in float64 or float32, not {learner.GetType().Name}."),
        };
    }

    private static IterationTrace Run<T>(Learner<T> learner, int start, int end) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Matrix<double>[] Weights() => [.. learner.Network.DenseLayers.Select(d => d.Weights.Value.Cast<double>())];
        var before = Weights();
        var steps = new List<TraceStep>();
        new IterationTracer<T>(learner, start, end).Run(steps.Add);
        return new IterationTrace(learner, start, end, steps, before, Weights());
    }
}
