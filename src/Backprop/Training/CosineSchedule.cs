namespace Backprop.Training;

/// <summary>
/// Half a cosine from the initial rate towards 0 over the run's epochs, as PyTorch's <c>CosineAnnealingLR(T_max=epochs)</c>
/// with eta_min 0: epoch e's rate is about initial · (1 + cos(π (e-1) / epochs)) / 2, computed as PyTorch's
/// <c>get_last_lr()</c> gives it, each epoch's from the one before:
/// rate · (1 + cos(π e / T)) / (1 + cos(π (e-1) / T)) after epoch e. The last epoch's rate is small but above 0.
/// </summary>
/// <remarks>The rates depend on the number of epochs: a run resumed from a checkpoint must keep it.</remarks>
internal sealed record CosineSchedule : LearningRateSchedule
{
    /// <inheritdoc/>
    public override string Name => "cosine";

    /// <inheritdoc/>
    internal override LearningRateState Next(LearningRateState state, int epoch, int epochs, double monitored)
    {
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), $"A cosine schedule needs at least 1 epoch, not {epochs}.");
        // PyTorch's three cases, with T_max = epochs and eta_min = 0, in its order of operations.
        double t = epochs;
        if ((epoch - 1 - epochs) % (2L * epochs) == 0)   // past the end: the cosine turns back up (not met within a run)
            return state with { Rate = state.Rate + state.Initial * (1 - Math.Cos(Math.PI / t)) / 2 };
        return state with { Rate = (1 + Math.Cos(Math.PI * epoch / t)) / (1 + Math.Cos(Math.PI * (epoch - 1) / t)) * state.Rate };
    }
}
