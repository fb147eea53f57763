namespace Backprop.Training;

/// <summary>
/// Hands out checkpoints as <see cref="Checkpointing"/> asks: at the end of every epoch that did not stop training
/// early (the last included: the checkpoint of a finished run is at the epoch past the last; others skipped while
/// less than <see cref="Checkpointing.MinInterval"/> has passed since the last checkpoint), after every
/// <see cref="Checkpointing.EveryBatches"/> batches within an epoch, and at the batch where cancellation stops it.
/// </summary>
internal sealed class CheckpointObserver(Checkpointing checkpointing) : ITrainingObserver
{
    private readonly System.Diagnostics.Stopwatch _since = System.Diagnostics.Stopwatch.StartNew();

    private void Write(TrainingSession session)
    {
        checkpointing.Write!(session.Capture());
        _since.Restart();
    }

    public void BatchEnded(TrainingSession session, BatchProgress progress)
    {
        int every = checkpointing.EveryBatches;
        if (every > 0 && session.Position < session.Examples && session.Position / session.BatchSize % every == 0) Write(session);
    }

    // (The session is already at the next epoch: past the last one after the last epoch.)
    public void EpochEnded(TrainingSession session, EpochResult result)
    {
        if (!session.StopRequested && (session.Epoch > session.Epochs || _since.Elapsed >= checkpointing.MinInterval)) Write(session);
    }

    // Stopped mid-epoch: the checkpoint keeps this batch; the weights then go back to the last finished epoch.
    public void Stopping(TrainingSession session, StopReason reason)
    {
        if (reason == StopReason.Cancelled) Write(session);
    }
}
