namespace Backprop.Training;

/// <summary>
/// Watches a <see cref="TrainingSession"/> and may act on it, as Keras's callbacks do: early stopping, the learning-rate
/// schedule, checkpoints, progress on screen and history files are observers. Every method does nothing unless implemented.
/// </summary>
public interface ITrainingObserver
{
    /// <summary>An epoch starts (or a session resumed within one goes on): a schedule sets its rate here.</summary>
    void EpochStarting(TrainingSession session) { }

    /// <summary>A batch has been trained on: <paramref name="progress"/> is the epoch's so far.</summary>
    void BatchEnded(TrainingSession session, BatchProgress progress) { }

    /// <summary>
    /// An epoch has ended, measured (<paramref name="result"/>, validation included) and added to the history; the session
    /// is already at the next epoch's start. <see cref="TrainingSession.StopEarly"/> ends training here.
    /// </summary>
    void EpochEnded(TrainingSession session, EpochResult result) { }

    /// <summary>
    /// Training stops, for <paramref name="reason"/>, with the weights still as they are; the session then puts back
    /// the weights it keeps (the last finished epoch's when cancelled or diverged, the best kept epoch's otherwise).
    /// </summary>
    void Stopping(TrainingSession session, StopReason reason) { }
}
