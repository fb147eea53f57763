using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// A training run of a <see cref="Trainer{T}"/> over x (n, in) and y (n, out): the epoch and the position in it, the
/// epoch's order and running totals, the history, and the weights it goes back to (the last finished epoch's, and the
/// best kept). Each batch is forward, loss, backpropagation and update (<see cref="Trainer{T}.Step(Matrix{T}, Matrix{T})"/>);
/// each epoch ends with the validation data measured, the history extended and the observers told. It makes a
/// <see cref="TrainingCheckpoint"/> of itself and starts from one, so that a resumed run is bit for bit the one that
/// never stopped.
/// </summary>
internal sealed class TrainingSession<T> : TrainingSession where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Trainer<T> _trainer;
    private readonly IRowSource<T> _x;
    private readonly Matrix<T> _y;
    private readonly (IRowSource<T> X, Matrix<T> Y)? _validation;
    private readonly IReadOnlyList<NumpyRandom> _randoms;
    private readonly ITrainingObserver[] _observers;
    // Those that may act after a batch (the built-in schedule and early stopping act on epochs only): none on a plain run.
    private readonly ITrainingObserver[] _batchObservers;
    private readonly ScheduleObserver _schedule;
    private readonly EarlyStopping? _stopping;
    private readonly ParameterSnapshot<T> _lastGood;
    private readonly BatchGatherer<T> _xGather, _yGather;
    private readonly Compute _compute;
    private int[] _order;
    private double _total, _rate;
    private int _correct;
    private bool _inEpoch;
    private int? _divergedAt;

    internal TrainingSession(Trainer<T> trainer, IRowSource<T> x, Matrix<T> y, int epochs, (IRowSource<T> X, Matrix<T> Y)? validation,
        TrainingCheckpoint? resume, IEnumerable<ITrainingObserver> observers, Checkpointing? checkpointing)
        : base(x.Rows, epochs, trainer.Batching.SizeFor(x.Rows))
    {
        (_trainer, _x, _y, _validation) = (trainer, x, y, validation);
        _randoms = trainer.RandomStreams();
        (_xGather, _yGather, _compute) = (trainer.XBatch, trainer.YBatch, trainer.Network.Compute);
        _order = Enumerable.Range(0, Examples).ToArray();
        _lastGood = trainer.LastGoodSnapshot();
        // The schedule first, then the observers given (a user's own, an early stopping), then the checkpoint writer,
        // which writes what the others made of the epoch.
        // A constant schedule's observer has nothing to do (the rate stays as the optimizer has it): it is not called.
        _schedule = new ScheduleObserver(trainer.Schedule, trainer.Optimizer.LearningRate);
        var all = new List<ITrainingObserver>();
        if (!_schedule.Constant) all.Add(_schedule);
        all.AddRange(observers);
        if (trainer.EarlyStoppingPatience is int patience) all.Add(new EarlyStopping(patience));
        var stoppings = all.OfType<EarlyStopping>().ToArray();
        if (stoppings.Length > 1) throw new ArgumentException("A session takes one early stopping; give the patience once.");
        _stopping = stoppings.FirstOrDefault();
        bool writes = checkpointing?.Write is not null;
        if (writes) all.Add(new CheckpointObserver(checkpointing!));
        _observers = [.. all];
        _batchObservers = [.. all.Where(o => o is not (ScheduleObserver or EarlyStopping))];
        if ((writes || resume is not null) && trainer.Optimizer is not IResumableOptimizer<T>)
            throw new ArgumentException($"The optimizer {trainer.Optimizer.GetType().Name} cannot be checkpointed: it does not implement IResumableOptimizer.");
        if (resume is null) _lastGood.Take();
        else Restore(resume);
    }

    /// <summary>The trainer: its network, loss and optimizer.</summary>
    public Trainer<T> Trainer => _trainer;

    /// <inheritdoc/>
    public override double LearningRate
    {
        get => _trainer.Optimizer.LearningRate;
        set => _trainer.Optimizer.LearningRate = value;
    }

    /// <inheritdoc/>
    public override void KeepBestWeights()
    {
        _trainer.BestSnapshot().Take();
        BestEpoch = _history.Count;
    }

    /// <inheritdoc/>
    public override double? Step(CancellationToken cancellation = default)
    {
        if (Stopped is not null) return null;
        return StepCore(cancellation);
    }

    /// <inheritdoc/>
    public override EpochResult? RunEpoch(CancellationToken cancellation = default)
    {
        int epoch = Epoch;
        while (Stopped is null && Epoch == epoch) StepCore(cancellation);
        return _history.Count > 0 && _history[^1].Epoch == epoch ? _history[^1] : null;
    }

    /// <inheritdoc/>
    public override TrainingHistory Run(CancellationToken cancellation = default)
    {
        // The epochs' loop as a closed run has it (a step at a time costs the 3-4-1 network's 4-update epochs more).
        while (Stopped is null)
        {
            if (Epoch > Epochs)
            {
                Finish(StopReason.Completed);
                break;
            }
            if (!_inEpoch) EnterEpoch();
            while (Position < Examples && TrainBatch(cancellation, out _)) { }
            if (Stopped is null) EndEpoch();
        }
        return Result;
    }

    /// <inheritdoc/>
    public override TrainingHistory Result => new(_history, Stopped ?? StopReason.Completed,
        Stopped is StopReason.Cancelled or StopReason.Diverged ? _history.Count : BestEpoch ?? _history.Count, _divergedAt);

    // One batch, with the epoch's start before it and its end after it when they fall there.
    private double? StepCore(CancellationToken cancellation)
    {
        if (Epoch > Epochs)
        {
            Finish(StopReason.Completed);
            return null;
        }
        if (!_inEpoch) EnterEpoch();
        TrainBatch(cancellation, out double loss);
        if (Stopped is null && Position == Examples) EndEpoch();
        return loss;
    }

    // Forward, loss, backpropagation and update on the epoch's next batch, then the batch's bookkeeping: divergence,
    // progress, cancellation, the observers. False when the session stopped (diverged, cancelled, or an observer's
    // doing). A 3-4-1 network's update is a few dozen multiply-adds, so the loop's own work shows: what it reads is
    // read once into locals, and what a plain run never needs is in AfterBatch, so that this part inlines into Run.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool TrainBatch(CancellationToken cancellation, out double loss)
    {
        var trainer = _trainer;
        int position = Position;
        int rows = Math.Min(BatchSize, Examples - position);
        var compute = _compute;
        var xb = _xGather.Gather(_x, _order, position, rows, compute);
        var yb = _yGather.Gather(_y, _order, position, rows, compute);
        loss = double.CreateChecked(trainer.Step(xb, yb, out int batchCorrect));
        _correct += batchCorrect;
        if (!double.IsFinite(_total += loss))
        {
            _divergedAt = Epoch;
            Finish(StopReason.Diverged);
            return false;
        }
        Position = position + rows;
        return _batchObservers.Length == 0 && !trainer.HasBatchListeners && !cancellation.IsCancellationRequested
            || AfterBatch(cancellation);
    }

    // A batch's progress to the trainer's listeners and the observers, and cancellation.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool AfterBatch(CancellationToken cancellation)
    {
        int position = Position;
        var progress = new BatchProgress(Epoch, position, Examples, _total / position, _trainer.CountClasses ? (double)_correct / position : null);
        _trainer.RaiseBatchCompleted(progress);
        if (cancellation.IsCancellationRequested)
        {
            Finish(StopReason.Cancelled);
            return false;
        }
        foreach (var observer in _batchObservers) observer.BatchEnded(this, progress);
        return Stopped is null;
    }

    // An epoch starts (its order drawn, its totals zeroed), or a resumed session goes on within one: the observers set
    // the epoch's rate, which the epoch's result reports.
    private void EnterEpoch()
    {
        if (Position == 0)
        {
            if (_trainer.ShuffleWith is { } random) _order = random.Permutation(Examples);
            (_total, _correct) = (0, 0);
            _trainer.DeadLayers.StartEpoch();
        }
        foreach (var observer in _observers) observer.EpochStarting(this);
        _rate = LearningRate;
        _inEpoch = true;
    }

    private void EndEpoch()
    {
        var result = new EpochResult(Epoch, _total, Examples)
        {
            TrainAccuracy = _trainer.CountClasses ? (double)_correct / Examples : null, LearningRate = _rate, DeadLayers = _trainer.DeadLayers.NotSeenOn(),
        };
        if (_validation is { } v)
        {
            // Validation measures the loss without class weights (as Keras does): the data as it is, not as trained.
            var measured = Evaluation.Run(_trainer.Network, _trainer.Loss.Unweighted, v.X, v.Y);
            result = result with
            {
                ValidationLoss = measured.MeanLoss,
                ValidationAccuracy = _trainer.CountClasses ? measured.Accuracy : null,
                ValidationMae = _trainer.CountClasses ? null : measured.Overall.MeanAbsoluteError,
            };
        }
        _history.Add(result);
        _trainer.RaiseEpochCompleted(result);
        _lastGood.Take();
        (Epoch, Position, _total, _correct, _inEpoch) = (Epoch + 1, 0, 0, 0, false);
        foreach (var observer in _observers) observer.EpochEnded(this, result);
        if (StopRequested) Finish(StopReason.EarlyStopping);
        else if (Epoch > Epochs) Finish(StopReason.Completed);
    }

    // The observers hear why, then the weights go back: to the last finished epoch's when the run was cut short, to the
    // best kept epoch's otherwise.
    private void Finish(StopReason reason)
    {
        foreach (var observer in _observers) observer.Stopping(this, reason);
        if (reason is StopReason.Cancelled or StopReason.Diverged) _lastGood.Restore();
        else if (BestEpoch is > 0) _trainer.BestSnapshot().Restore();
        Stopped = reason;
    }

    /// <inheritdoc/>
    internal override TrainingCheckpoint Capture()
    {
        var network = _trainer.Network;
        var optimizer = _trainer.Optimizer as IResumableOptimizer<T>
            ?? throw new InvalidOperationException($"The optimizer {_trainer.Optimizer.GetType().Name} cannot be checkpointed: it does not implement IResumableOptimizer.");
        return new(
            Epoch, Position, Position > 0 && _trainer.ShuffleWith is not null ? (int[])_order.Clone() : null, _total, _correct,
            ParameterSnapshot<T>.Read(network.Parameters), Position > 0 ? _lastGood.ToArrays() : null,
            optimizer.SaveState(network.Parameters),
            _randoms.Select(r => r.GetState()).ToArray(),
            _stopping is null ? null : new EarlyStoppingState(_stopping.BestLoss, _stopping.BestEpoch, _stopping.BestEpoch > 0 ? _trainer.BestSnapshot().ToArrays() : null),
            _history.ToArray(), _schedule.State, Position > 0 ? _trainer.DeadLayers.NotSeenOn() : null);
    }

    // Everything back as the checkpoint has it; the checkpoint is checked against this trainer and data first.
    private void Restore(TrainingCheckpoint c)
    {
        var parameters = _trainer.Network.Parameters;
        if (c.Epoch < 1) throw new ArgumentException($"The checkpoint's epoch is {c.Epoch}; epochs count from 1.");
        if (c.Position < 0 || c.Position > Examples)
            throw new ArgumentException($"The checkpoint is at example {c.Position} of an epoch; the data has {Examples} examples.");
        if (c.History.Count != c.Epoch - 1)
            throw new ArgumentException($"The checkpoint is in epoch {c.Epoch} but has {c.History.Count} epochs of history.");
        if (c.History.Any(e => e.Examples != Examples))
            throw new ArgumentException($"The checkpoint's history counts epochs of other than {Examples} examples: it was made on other data.");
        if (c.Randoms.Count != _randoms.Count)
            throw new ArgumentException($"The checkpoint has {c.Randoms.Count} random streams; this trainer draws from {_randoms.Count} (shuffling and dropout must be as they were).");
        _schedule.Restore(c.LearningRate);
        if ((c.EarlyStopping is null) != (_stopping is null))
            throw new ArgumentException($"The checkpoint was made {(c.EarlyStopping is null ? "without" : "with")} early stopping; this trainer has {(_stopping is null ? "none" : "it")}.");
        bool midEpoch = c.Position > 0;
        if (midEpoch && _trainer.ShuffleWith is not null) _order = CheckedOrder(c.Order);
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
        if (midEpoch) _lastGood.Load(c.LastGood!);
        else _lastGood.Take();
        if (c.EarlyStopping is { } s)
        {
            _stopping!.Restore(s.BestLoss, s.BestEpoch);
            if (s.BestEpoch > 0)
            {
                _trainer.BestSnapshot().Load(s.BestParameters!);
                BestEpoch = s.BestEpoch;
            }
        }
        _history.AddRange(c.History);
        (Epoch, Position, _total, _correct) = (c.Epoch, c.Position, c.TotalLoss, c.Correct);
    }

    // A checkpoint's order must be a permutation of the examples: anything else would read outside the data.
    private int[] CheckedOrder(int[]? order)
    {
        if (order is null || order.Length != Examples)
            throw new ArgumentException($"The checkpoint's order of examples has {order?.Length ?? 0} entries; the data has {Examples} examples.");
        var seen = new bool[Examples];
        foreach (int i in order)
        {
            if ((uint)i >= (uint)Examples || seen[i]) throw new ArgumentException($"The checkpoint's order of examples is not a permutation of the {Examples} examples.");
            seen[i] = true;
        }
        return (int[])order.Clone();
    }
}
