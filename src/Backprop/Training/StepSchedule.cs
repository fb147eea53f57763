using System.Globalization;

namespace Backprop.Training;

/// <summary>
/// The rate times <see cref="Factor"/> after every <see cref="Every"/> epochs, as PyTorch's
/// <c>StepLR(step_size=EVERY, gamma=FACTOR)</c>: epoch e's rate is the initial rate multiplied by FACTOR once for each
/// multiple of EVERY below e, one multiplication at a time (PyTorch's digits, not a power's).
/// </summary>
internal sealed record StepSchedule : LearningRateSchedule
{
    /// <summary>A step schedule: every <paramref name="every"/> epochs (1 or more) the rate is multiplied by <paramref name="factor"/> (above 0, below 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">EVERY below 1, or FACTOR not above 0 and below 1.</exception>
    public StepSchedule(int every, double factor)
    {
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), $"step's EVERY must be a whole number of epochs, at least 1, not {every}.");
        LearningRateSchedule.CheckFactor("step", factor);
        Every = every;
        Factor = factor;
    }

    /// <summary>Epochs between reductions.</summary>
    public int Every { get; }

    /// <summary>What each reduction multiplies the rate by.</summary>
    public double Factor { get; }

    /// <inheritdoc/>
    public override string Name => $"step:{Every.ToString(CultureInfo.InvariantCulture)},{LearningRateSchedule.Num(Factor)}";

    /// <inheritdoc/>
    internal override LearningRateState Next(LearningRateState state, int epoch, int epochs, double monitored) =>
        epoch % Every == 0 ? state with { Rate = state.Rate * Factor } : state;
}
