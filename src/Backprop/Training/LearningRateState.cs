namespace Backprop.Training;

/// <summary>
/// Where a <see cref="LearningRateSchedule"/> stands between epochs: the rate of the next epoch and what the schedule
/// remembers to choose the ones after. A <see cref="TrainingCheckpoint"/> keeps it, so that a resumed run goes on with
/// the same rates.
/// </summary>
/// <param name="Schedule">The schedule's <see cref="LearningRateSchedule.Name"/>.</param>
/// <param name="Initial">The rate the run started from (the optimizer's alpha).</param>
/// <param name="Rate">The rate of the next epoch.</param>
/// <param name="Best">Plateau: the best monitored loss so far (+∞ before any); the other schedules leave it +∞.</param>
/// <param name="BadEpochs">Plateau: epochs since the last better loss or the last reduction; the others leave it 0.</param>
internal sealed record LearningRateState(string Schedule, double Initial, double Rate, double Best, int BadEpochs);
