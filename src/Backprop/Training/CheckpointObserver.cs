namespace Backprop.Training;

/// <summary>
/// Hands out checkpoints as <see cref="Checkpointing"/> asks: at the end of every epoch that did not stop training
/// early (the last included: the checkpoint of a finished run is at the epoch past the last), after every
/// <see cref="Checkpointing.EveryBatches"/> batches within an epoch, and at the batch where cancellation stops it.
/// </summary>
internal sealed class CheckpointObserver(Checkpointing checkpointing) : ITrainingObserver
{
    private readonly Action<TrainingCheckpoint> _write = checkpointing.Write!;

    public void BatchEnded(TrainingSession session, BatchProgress progress)
    {
        int every = checkpointing.EveryBatches;
        if (every > 0 && session.Position < session.Examples && session.Position / session.BatchSize % every == 0) _write(session.Capture());
    }

    public void EpochEnded(TrainingSession session, EpochResult result)
    {
        if (!session.StopRequested) _write(session.Capture());
    }

    // Stopped mid-epoch: the checkpoint keeps this batch; the weights then go back to the last finished epoch.
    public void Stopping(TrainingSession session, StopReason reason)
    {
        if (reason == StopReason.Cancelled) _write(session.Capture());
    }
}
