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

    /// <summary>The numbers of the trials to run (a cluster task's share); null for every trial.</summary>
    public IReadOnlyCollection<int>? Only { get; init; }

    /// <summary>Stops every running trial after the batch it is in (each writes its checkpoint first); unstarted trials do not start.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Called as each trial ends (or is found finished in <see cref="Folder"/>), from the thread that ran it.</summary>
    public Action<TrialResult>? TrialEnded { get; init; }
}
