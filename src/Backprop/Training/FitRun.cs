using System.Numerics;

namespace Backprop.Training;

/// <summary>
/// What <see cref="Trainer{T}.Fit"/> keeps while it runs: the epoch and the position in it, the epoch's order and
/// running totals, the history, early stopping's bookkeeping, the learning-rate schedule's state and the weights it goes back to. It makes a
/// <see cref="TrainingCheckpoint"/> of itself (with the network, optimizer and random streams) and starts from one.
/// </summary>
internal sealed class FitRun<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Trainer<T> _trainer;
    private readonly IReadOnlyList<NumpyRandom> _randoms;
    private readonly int _examples;

    public int Epoch = 1, Position, Correct;
    public double Total;
    public int[] Order;
    public readonly List<EpochResult> History;
    public readonly EarlyStopping? Stopping;
    public readonly ParameterSnapshot<T> LastGood;
    /// <summary>The schedule's state: its Rate is this epoch's.</summary>
    public LearningRateState Rate;

    /// <summary>A run of <paramref name="trainer"/> over <paramref name="examples"/> examples: afresh, or from <paramref name="resume"/>.</summary>
    /// <exception cref="ArgumentException">The checkpoint does not fit this trainer, network or data.</exception>
    public FitRun(Trainer<T> trainer, int examples, int epochs, ParameterSnapshot<T> lastGood, TrainingCheckpoint? resume, bool checkpointing)
    {
        _trainer = trainer;
        _examples = examples;
        _randoms = trainer.RandomStreams();
        LastGood = lastGood;
        Order = Enumerable.Range(0, examples).ToArray();
        History = new List<EpochResult>(Math.Min(epochs, 1024)); // grows past that: epochs may be a huge "until stopped"
        Stopping = trainer.EarlyStoppingPatience is int patience ? new EarlyStopping(patience) : null;
        if ((checkpointing || resume is not null) && trainer.Optimizer is not IResumableOptimizer<T>)
            throw new ArgumentException($"The optimizer {trainer.Optimizer.GetType().Name} cannot be checkpointed: it does not implement IResumableOptimizer.");
        Rate = trainer.Schedule.Start(trainer.Optimizer.LearningRate);
        if (resume is null) LastGood.Take();
        else Restore(resume);
    }

    private Network<T> Network => _trainer.Network;

    /// <summary>Draws the epoch's order (when shuffling) and zeroes its totals.</summary>
    public void StartEpoch()
    {
        if (_trainer.ShuffleWith is { } random) Order = random.Permutation(_examples);
        (Total, Correct) = (0, 0);
        _trainer.DeadLayers.StartEpoch();
    }

    /// <summary>Moves to the next epoch's start.</summary>
    public void EndEpoch() => (Epoch, Position, Total, Correct) = (Epoch + 1, 0, 0, 0);

    /// <summary>The whole training state now, as copies.</summary>
    public TrainingCheckpoint Capture(ParameterSnapshot<T>? best) => new(
        Epoch, Position, Position > 0 && _trainer.ShuffleWith is not null ? (int[])Order.Clone() : null, Total, Correct,
        ParameterSnapshot<T>.Read(Network.Parameters), Position > 0 ? LastGood.ToArrays() : null,
        ((IResumableOptimizer<T>)_trainer.Optimizer).SaveState(Network.Parameters),
        _randoms.Select(r => r.GetState()).ToArray(),
        Stopping is null ? null : new EarlyStoppingState(Stopping.BestLoss, Stopping.BestEpoch, Stopping.BestEpoch > 0 ? best!.ToArrays() : null),
        History.ToArray(), Rate, Position > 0 ? _trainer.DeadLayers.NotSeenOn() : null);

    // Everything back as the checkpoint has it; the checkpoint is checked against this trainer and data first.
    private void Restore(TrainingCheckpoint c)
    {
        var parameters = Network.Parameters;
        if (c.Epoch < 1) throw new ArgumentException($"The checkpoint's epoch is {c.Epoch}; epochs count from 1.");
        if (c.Position < 0 || c.Position > _examples)
            throw new ArgumentException($"The checkpoint is at example {c.Position} of an epoch; the data has {_examples} examples.");
        if (c.History.Count != c.Epoch - 1)
            throw new ArgumentException($"The checkpoint is in epoch {c.Epoch} but has {c.History.Count} epochs of history.");
        if (c.History.Any(e => e.Examples != _examples))
            throw new ArgumentException($"The checkpoint's history counts epochs of other than {_examples} examples: it was made on other data.");
        if (c.Randoms.Count != _randoms.Count)
            throw new ArgumentException($"The checkpoint has {c.Randoms.Count} random streams; this trainer draws from {_randoms.Count} (shuffling and dropout must be as they were).");
        // A constant schedule has nothing to go on from (and a checkpoint made before schedules has no state): it starts afresh.
        bool scheduled = _trainer.Schedule is not ConstantSchedule;
        if (scheduled && c.LearningRate is null)
            throw new ArgumentException($"The checkpoint has no learning-rate schedule state (its rate was constant); this trainer's schedule is {_trainer.Schedule.Name}.");
        if (scheduled && c.LearningRate is { } state)
        {
            if (state.Schedule != _trainer.Schedule.Name)
                throw new ArgumentException($"The checkpoint's learning-rate schedule is {state.Schedule}; this trainer's is {_trainer.Schedule.Name}.");
            if (state.Initial != Rate.Initial)
                throw new ArgumentException($"The checkpoint's learning-rate schedule started from {state.Initial:R}; this trainer's starts from {Rate.Initial:R}.");
            if (!(state.Rate >= 0 && double.IsFinite(state.Rate)) || state.BadEpochs < 0 || double.IsNaN(state.Best))
                throw new ArgumentException($"The checkpoint's learning-rate state is not one a schedule makes (rate {state.Rate:R}, best {state.Best:R}, {state.BadEpochs} bad epochs).");
        }
        if ((c.EarlyStopping is null) != (Stopping is null))
            throw new ArgumentException($"The checkpoint was made {(c.EarlyStopping is null ? "without" : "with")} early stopping; this trainer has {(Stopping is null ? "none" : "it")}.");
        bool midEpoch = c.Position > 0;
        if (midEpoch && _trainer.ShuffleWith is not null) Order = CheckedOrder(c.Order);
        else if (c.Order is not null) throw new ArgumentException("The checkpoint has an order of examples where it needs none (no shuffling, or at an epoch's start).");
        ParameterSnapshot<T>.Check(parameters, c.Parameters, "checkpoint's parameters");
        if (midEpoch) ParameterSnapshot<T>.Check(parameters, c.LastGood ?? throw new ArgumentException("The checkpoint is within an epoch but has no last-good parameters."), "checkpoint's last-good parameters");
        if (c.EarlyStopping is { BestEpoch: > 0, BestParameters: var bestValues })
            ParameterSnapshot<T>.Check(parameters, bestValues ?? throw new ArgumentException("The checkpoint has a best epoch but not its parameters."), "checkpoint's best parameters");
        // Within an epoch, the relu layers not yet seen on go on unseen (none when the checkpoint did not record them:
        // that epoch then reports none dead).
        if (midEpoch) _trainer.DeadLayers.Resume(c.DeadSoFar);
        else if (c.DeadSoFar is not null) throw new ArgumentException("The checkpoint has layers not seen on where it needs none (at an epoch's start).");

        ((IResumableOptimizer<T>)_trainer.Optimizer).RestoreState(c.Optimizer, parameters);
        for (int i = 0; i < _randoms.Count; i++) _randoms[i].SetState(c.Randoms[i]);
        ParameterSnapshot<T>.Set(parameters, c.Parameters, "checkpoint's parameters");
        if (midEpoch) LastGood.Load(c.LastGood!);
        else LastGood.Take();
        if (c.EarlyStopping is { } s)
        {
            Stopping!.Restore(s.BestLoss, s.BestEpoch);
            if (s.BestEpoch > 0) _trainer.BestSnapshot().Load(s.BestParameters!);
        }
        History.AddRange(c.History);
        if (scheduled) Rate = c.LearningRate!;
        (Epoch, Position, Total, Correct) = (c.Epoch, c.Position, c.TotalLoss, c.Correct);
    }

    // A checkpoint's order must be a permutation of the examples: anything else would read outside the data.
    private int[] CheckedOrder(int[]? order)
    {
        if (order is null || order.Length != _examples)
            throw new ArgumentException($"The checkpoint's order of examples has {order?.Length ?? 0} entries; the data has {_examples} examples.");
        var seen = new bool[_examples];
        foreach (int i in order)
        {
            if ((uint)i >= (uint)_examples || seen[i]) throw new ArgumentException($"The checkpoint's order of examples is not a permutation of the {_examples} examples.");
            seen[i] = true;
        }
        return (int[])order.Clone();
    }
}
