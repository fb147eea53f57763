namespace Backprop;

/// <summary>How <see cref="Sweep.Run"/> runs: where results go, how many trials at a time, which trials, and when to stop.</summary>
public sealed record SweepOptions
{
    /// <summary>
    /// The folder that keeps each trial's result file, model and checkpoints (<see cref="Sweep"/>, "Files"), so that the
    /// same sweep run again keeps finished trials and continues unfinished ones; null to keep nothing on disk.
    /// </summary>
    public string? Folder { get; init; }

    /// <summary>
    /// Trials run at a time (default 1), at most the machine's cores; each gets the cores divided by the jobs as its
    /// threads (at least one, and no more than its recipe's), so that the total never exceeds the cores.
    /// </summary>
    public int Jobs { get; init; } = 1;

    /// <summary>
    /// With a folder, a trial's checkpoint is written at an epoch's end once this much time has passed since its last
    /// one (and after its last epoch, and when cancelled): a kill loses at most this much of each running trial's
    /// training (default 10 seconds; zero: every epoch, which costs a file write an epoch).
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The numbers of the trials to run (a cluster task's share); null for every trial.</summary>
    public IReadOnlyCollection<int>? Only { get; init; }

    /// <summary>Stops every running trial after the batch it is in (each writes its checkpoint first); unstarted trials do not start.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Called as each trial ends (or is found finished in <see cref="Folder"/>), from the thread that ran it.</summary>
    public Action<TrialResult>? TrialEnded { get; init; }
}
