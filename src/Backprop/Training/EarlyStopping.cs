namespace Backprop.Training;

/// <summary>
/// Early stopping's bookkeeping: the best monitored loss so far (validation loss, else training loss) and its epoch;
/// training stops once <see cref="Patience"/> epochs pass without a better one.
/// </summary>
internal sealed class EarlyStopping(int patience)
{
    /// <summary>Epochs without a better loss before stopping.</summary>
    public int Patience { get; } = patience >= 1 ? patience
        : throw new ArgumentOutOfRangeException(nameof(patience), "Early-stopping patience must be at least 1.");

    /// <summary>The epoch of the best loss so far (0 before any).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The best loss so far (+∞ before any).</summary>
    public double BestLoss => _best;

    private double _best = double.PositiveInfinity;

    /// <summary>Goes back to a checkpoint's bookkeeping: best loss <paramref name="best"/> at epoch <paramref name="bestEpoch"/>.</summary>
    public void Restore(double best, int bestEpoch) => (_best, BestEpoch) = (best, bestEpoch);

    /// <summary>Records an epoch's loss: Improved when it is the best so far (keep these weights), Stop when patience has run out.</summary>
    public (bool Improved, bool Stop) Observe(int epoch, double monitored)
    {
        if (monitored < _best)
        {
            (_best, BestEpoch) = (monitored, epoch);
            return (true, false);
        }
        return (false, epoch - BestEpoch >= Patience);
    }
}
