namespace Backprop.Training;

/// <summary>
/// How <see cref="Trainer{T}"/>'s Fit checkpoints: <see cref="Write"/> is given the whole training state at the end of
/// every epoch (after the last, that of the finished run: at the epoch past the last, where resuming has nothing
/// left to do unless more epochs are asked for), after every <see cref="EveryBatches"/> batches when set, and at the
/// batch where cancellation stops it; <see cref="ResumeFrom"/> continues from such a state.
/// </summary>
/// <example>
/// <code>
/// TrainingCheckpoint? last = null;
/// trainer.Fit(x, y, 10, checkpointing: new Checkpointing { Write = c => last = c, EveryBatches = 100 });
/// // later, on a trainer built the same way:
/// trainer.Fit(x, y, 10, checkpointing: new Checkpointing { ResumeFrom = last });
/// </code>
/// </example>
internal sealed record Checkpointing
{
    /// <summary>Receives each checkpoint (a copy: the caller may keep it); null to write none.</summary>
    public Action<TrainingCheckpoint>? Write { get; init; }

    /// <summary>Also checkpoint after every this many batches (counted within the epoch); 0 for epoch ends only.</summary>
    public int EveryBatches { get; init; }

    /// <summary>
    /// At an epoch's end, skip the checkpoint when less than this time has passed since the last one (or since the
    /// start), but for the last epoch's, which is always given (default zero: every epoch). Short runs, such as a
    /// sweep's trials, then write a few checkpoints instead of one every few milliseconds; a kill loses at most this
    /// much training. Checkpoints after <see cref="EveryBatches"/> batches and at cancellation are not skipped.
    /// </summary>
    public TimeSpan MinInterval { get; init; }

    /// <summary>A checkpoint to go on from (of a trainer built the same way, on the same data); null to start afresh.</summary>
    public TrainingCheckpoint? ResumeFrom { get; init; }
}
