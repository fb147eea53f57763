using System.Numerics;
using Backprop.Layers;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>The notes' plain gradient descent: <c>weights -= alpha * weight_delta</c>.</summary>
internal sealed class Sgd<T> : IResumableOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T _alpha;

    /// <summary>Gradient descent with learning rate <paramref name="alpha"/> (above zero).</summary>
    public Sgd(double alpha)
    {
        CheckAlpha(alpha);
        LearningRate = alpha;
    }

    internal static void CheckAlpha(double alpha)
    {
        if (!(alpha > 0) || !double.IsFinite(alpha) || T.CreateChecked(alpha) == T.Zero || !T.IsFinite(T.CreateChecked(alpha)))
            throw new ArgumentOutOfRangeException(nameof(alpha), $"Alpha must be a finite number above zero in {typeof(T).Name}, not {alpha}.");
    }

    // A rate set after construction (by a schedule) may also be 0: a rate too small for T rounds to it.
    internal static T CheckedRate(double alpha) => alpha >= 0 && double.IsFinite(alpha) ? T.CreateChecked(alpha)
        : throw new ArgumentOutOfRangeException(nameof(alpha), $"The learning rate must be a finite number, 0 or more, not {alpha}.");

    /// <inheritdoc/>
    public double LearningRate { get; set { _alpha = CheckedRate(value); field = value; } }

    /// <inheritdoc/>
    public void Update(ReadOnlySpan<Parameter<T>> parameters, Compute? compute = null)
    {
        foreach (var p in parameters)
        {
            // w - (alpha * g), in that order: numpy's weights -= alpha * weight_delta, to the last digit.
            Elementwise.SubtractScaled(p.Value.Span, _alpha, p.Gradient.Span, compute);
        }
    }

    /// <inheritdoc/>
    public OptimizerState SaveState(IReadOnlyList<Parameter<T>> parameters) => new("sgd", 0, []);

    /// <inheritdoc/>
    public void RestoreState(OptimizerState state, IReadOnlyList<Parameter<T>> parameters) => OptimizerStates.Check(state, "sgd", 0, parameters);
}
