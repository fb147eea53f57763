namespace Backprop.Training;

/// <summary>Early stopping's bookkeeping in a <see cref="TrainingCheckpoint"/>.</summary>
/// <param name="BestLoss">The best monitored loss so far (+∞ before any epoch).</param>
/// <param name="BestEpoch">Its epoch (0 before any).</param>
/// <param name="BestParameters">That epoch's parameters, or null before any epoch.</param>
internal sealed record EarlyStoppingState(double BestLoss, int BestEpoch, IReadOnlyList<double[]>? BestParameters);
