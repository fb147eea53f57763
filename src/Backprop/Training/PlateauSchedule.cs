using System.Globalization;

namespace Backprop.Training;

/// <summary>
/// The rate times <see cref="Factor"/> when the monitored loss has not improved for more than <see cref="Patience"/>
/// epochs, as PyTorch's <c>ReduceLROnPlateau(mode='min', patience=PATIENCE, factor=FACTOR)</c> with its other defaults:
/// a loss is better when below best · (1 - 1e-4); after a reduction the count of bad epochs starts again (no
/// cooldown); the rate has no floor but is not reduced when the change would be 1e-8 or less.
/// </summary>
internal sealed record PlateauSchedule : LearningRateSchedule
{
    /// <summary>PyTorch's relative threshold: a loss must be below best · (1 - Threshold) to count as better.</summary>
    public const double Threshold = 1e-4;

    /// <summary>PyTorch's eps: a reduction smaller than this is not made.</summary>
    public const double Epsilon = 1e-8;

    /// <summary>A plateau schedule: after more than <paramref name="patience"/> epochs (0 or more) without a better loss, the rate is multiplied by <paramref name="factor"/> (above 0, below 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">PATIENCE below 0, or FACTOR not above 0 and below 1.</exception>
    public PlateauSchedule(int patience, double factor)
    {
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"plateau's PATIENCE must be a whole number of epochs, 0 or more, not {patience}.");
        LearningRateSchedule.CheckFactor("plateau", factor);
        Patience = patience;
        Factor = factor;
    }

    /// <summary>Epochs without a better loss that are tolerated; one more reduces the rate.</summary>
    public int Patience { get; }

    /// <summary>What each reduction multiplies the rate by.</summary>
    public double Factor { get; }

    /// <inheritdoc/>
    public override string Name => $"plateau:{Patience.ToString(CultureInfo.InvariantCulture)},{LearningRateSchedule.Num(Factor)}";

    /// <inheritdoc/>
    internal override LearningRateState Next(LearningRateState state, int epoch, int epochs, double monitored)
    {
        var (best, bad, rate) = (state.Best, state.BadEpochs, state.Rate);
        if (monitored < best * (1 - Threshold)) (best, bad) = (monitored, 0);   // a NaN loss is never better
        else bad++;
        if (bad > Patience)
        {
            double reduced = Math.Max(rate * Factor, 0);
            if (rate - reduced > Epsilon) rate = reduced;
            bad = 0;
        }
        return state with { Best = best, BadEpochs = bad, Rate = rate };
    }
}
