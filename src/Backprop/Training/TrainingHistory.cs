namespace Backprop.Training;

/// <summary>Every epoch's results, and how training ended.</summary>
/// <param name="Epochs">One result an epoch that completed.</param>
/// <param name="Stop">Why it stopped.</param>
/// <param name="BestEpoch">With early stopping, the epoch whose weights were kept; otherwise the last epoch.</param>
/// <param name="DivergedAt">The epoch whose loss became NaN or infinite, when <paramref name="Stop"/> is Diverged.</param>
public sealed record TrainingHistory(IReadOnlyList<EpochResult> Epochs, StopReason Stop, int BestEpoch, int? DivergedAt = null);
