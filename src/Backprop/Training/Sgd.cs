using System.Numerics;

namespace Backprop.Training;

/// <summary>The notes' plain gradient descent: <c>weights -= alpha * weight_delta</c>.</summary>
public sealed class Sgd<T> : IResumableOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Gradient descent with learning rate <paramref name="alpha"/> (above zero).</summary>
    public Sgd(T alpha)
    {
        CheckAlpha(alpha);
        Alpha = alpha;
    }

    internal static void CheckAlpha(T alpha)
    {
        if (!(alpha > T.Zero) || !T.IsFinite(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), $"Alpha must be a finite number above zero, not {alpha}.");
    }

    // A rate set after construction (by a schedule) may also be 0: a rate too small for T rounds to it.
    internal static T CheckedRate(T alpha) => alpha >= T.Zero && T.IsFinite(alpha) ? alpha
        : throw new ArgumentOutOfRangeException(nameof(alpha), $"The learning rate must be a finite number, 0 or more, not {alpha}.");

    /// <inheritdoc/>
    public T Alpha { get; set => field = CheckedRate(value); }

    /// <inheritdoc/>
    public void Update(ReadOnlySpan<Parameter<T>> parameters, Compute? compute = null)
    {
        foreach (var p in parameters)
        {
            // w - (alpha * g), in that order: numpy's weights -= alpha * weight_delta, to the last digit.
            Elementwise.SubtractScaled(p.Value.Span, Alpha, p.Gradient.Span, compute);
        }
    }

    /// <inheritdoc/>
    public OptimizerState SaveState(IReadOnlyList<Parameter<T>> parameters) => new("sgd", 0, []);

    /// <inheritdoc/>
    public void RestoreState(OptimizerState state, IReadOnlyList<Parameter<T>> parameters) => OptimizerStates.Check(state, "sgd", 0, parameters);
}
