namespace Backprop.Training;

/// <summary>
/// A training run that is open: <see cref="Step"/> trains on one batch, <see cref="RunEpoch"/> to the end of the epoch,
/// <see cref="Run"/> to the end, and <see cref="ITrainingObserver"/>s watch and act as it goes (early stopping, the
/// learning-rate schedule, checkpoints). <see cref="Trainer{T}"/>'s Start makes one; <see cref="Trainer{T}"/>'s Fit runs
/// one to its end. The learning rate lives in the optimizer: <see cref="LearningRate"/> reads and sets it there.
/// </summary>
public abstract class TrainingSession
{
    private protected readonly List<EpochResult> _history;

    private protected TrainingSession(int examples, int epochs, int batchSize)
    {
        (Examples, Epochs, BatchSize) = (examples, epochs, batchSize);
        _history = new List<EpochResult>(Math.Min(epochs, 1024)); // grows past that: epochs may be a huge "until stopped"
    }

    /// <summary>The epoch in progress, or the next to start, from 1; <see cref="Epochs"/> + 1 once every epoch has run.</summary>
    public int Epoch { get; private protected set; } = 1;

    /// <summary>Examples of <see cref="Epoch"/> already trained on.</summary>
    public int Position { get; private protected set; }

    /// <summary>The epochs asked for.</summary>
    public int Epochs { get; }

    /// <summary>The training examples an epoch goes through.</summary>
    public int Examples { get; }

    /// <summary>Examples per update (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; }

    /// <summary>Every finished epoch's results (a resumed session's include those before it stopped).</summary>
    public IReadOnlyList<EpochResult> History => _history;

    /// <summary>Why training ended, or null while it can go on.</summary>
    public StopReason? Stopped { get; private protected set; }

    /// <summary>True once an observer has asked to stop (<see cref="StopEarly"/>): training ends after the epoch.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>The epoch whose weights <see cref="KeepBestWeights"/> kept last, or null when none were kept.</summary>
    public int? BestEpoch { get; private protected set; }

    /// <summary>The optimizer's learning rate, in float64: the one place the rate lives. A schedule sets it each epoch.</summary>
    public abstract double LearningRate { get; set; }

    /// <summary>Asks training to end after the current epoch (early stopping), keeping the best weights if any were kept.</summary>
    public void StopEarly() => StopRequested = true;

    /// <summary>Keeps a copy of the weights as they are now, as the best so far (of the epoch just ended): training ends with them.</summary>
    public abstract void KeepBestWeights();

    /// <summary>The whole training state now (weights, optimizer, random streams, position, observers' bookkeeping), to go on from later.</summary>
    /// <exception cref="InvalidOperationException">The optimizer cannot be checkpointed.</exception>
    internal abstract TrainingCheckpoint Capture();

    /// <summary>Trains on the next batch (starting an epoch when at one's start, ending it when it is the last); returns the batch's loss, or null once training has ended.</summary>
    /// <param name="cancellation">When cancelled, training stops after this batch with <see cref="StopReason.Cancelled"/>.</param>
    public abstract double? Step(CancellationToken cancellation = default);

    /// <summary>Trains to the end of the current epoch; returns its result, or null when training ended first (or had ended).</summary>
    public abstract EpochResult? RunEpoch(CancellationToken cancellation = default);

    /// <summary>Trains until every epoch has run or training stops; returns the history and why it stopped.</summary>
    public abstract TrainingHistory Run(CancellationToken cancellation = default);

    /// <summary>The history so far and why training ended (Completed while it has not).</summary>
    public abstract TrainingHistory Result { get; }
}
