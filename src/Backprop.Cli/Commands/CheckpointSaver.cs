using System.Numerics;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Cli;

/// <summary>
/// train's side of checkpointing: each checkpoint the trainer hands out becomes the --checkpoint file, written aside
/// and renamed (a kill while it is written leaves the previous one).
/// </summary>
internal sealed class CheckpointSaver<T>(Workbench<T> w, CheckpointFlags.Start start, Dataset? validation) where T : unmanaged, IFloatingPointIeee754<T>
{
    // A test hook: milliseconds to wait after a checkpoint's bytes are written and before the file is renamed into
    // place, so that a test can kill the process in the middle of a write.
    private static readonly int PauseMs = int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_TEST_CHECKPOINT_PAUSE_MS"), out int ms) ? ms : 0;

    /// <summary>The last checkpoint written, or null.</summary>
    public TrainingCheckpoint? Last { get; private set; }

    /// <summary>What the trainer is given: where to resume from and where checkpoints go, or null for neither.</summary>
    public Checkpointing? Checkpointing => start.CheckpointPath is null && start.Resume is null ? null : new Checkpointing
    {
        Write = start.CheckpointPath is null ? null : Write,
        EveryBatches = start.Every,
        ResumeFrom = start.Resume?.State,
    };

    private void Write(TrainingCheckpoint state)
    {
        byte[] bytes = CheckpointFile.Serialize(w.Learner.Checkpoint(state, validation));
        try
        {
            AtomicFile.Write(start.CheckpointPath!, (Stream file) =>
            {
                file.Write(bytes);
                if (PauseMs > 0) Thread.Sleep(PauseMs);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--checkpoint {start.CheckpointPath}: cannot write the checkpoint: {e.Message}");
        }
        Last = state;
    }
}
