namespace Backprop.Training;

/// <summary>
/// Early stopping, as an observer of a training session: after each epoch it compares the monitored loss (validation
/// loss when the session measures validation data, else training loss) with the best so far; a better one keeps the
/// weights (<see cref="TrainingSession.KeepBestWeights"/>), and <see cref="Patience"/> epochs without one end training
/// with the best weights (Keras's <c>EarlyStopping(restore_best_weights=True)</c>).
/// </summary>
public sealed class EarlyStopping : ITrainingObserver
{
    private double _best = double.PositiveInfinity;

    /// <summary>Stops after <paramref name="patience"/> epochs (at least 1) without a better monitored loss.</summary>
    public EarlyStopping(int patience) => Patience = patience >= 1 ? patience
        : throw new ArgumentOutOfRangeException(nameof(patience), "Early-stopping patience must be at least 1.");

    /// <summary>Epochs without a better loss before stopping.</summary>
    public int Patience { get; }

    /// <summary>The epoch of the best loss so far (0 before any).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The best loss so far (+∞ before any).</summary>
    public double BestLoss => _best;

    /// <summary>Goes back to a checkpoint's bookkeeping: best loss <paramref name="best"/> at epoch <paramref name="bestEpoch"/>.</summary>
    internal void Restore(double best, int bestEpoch) => (_best, BestEpoch) = (best, bestEpoch);

    /// <inheritdoc/>
    public void EpochEnded(TrainingSession session, EpochResult result)
    {
        double monitored = result.ValidationLoss ?? result.MeanLoss;
        if (monitored < _best)
        {
            (_best, BestEpoch) = (monitored, result.Epoch);
            session.KeepBestWeights();
        }
        else if (result.Epoch - BestEpoch >= Patience) session.StopEarly();
    }
}
