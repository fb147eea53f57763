using System.Numerics;

namespace Backprop.Training;

/// <summary>
/// Gradient descent: for each batch, forward, loss, backpropagation, update; once an epoch, report the loss.
/// </summary>
public sealed class Trainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly BatchGatherer<T> _xBatch = new(), _yBatch = new();
    // The last good epoch's parameters and the best epoch's, kept across Fit calls so that calling Fit again, as a
    // warm-up loop or a notebook does, does not allocate them again.
    private ParameterSnapshot<T>? _lastGood, _best;
    // The network's parameters (fixed when it was built), as the optimizer takes them: no interface calls per step.
    private readonly Parameter<T>[] _parameters;
    // Which relu layers have had a unit on in this epoch's training forwards (each epoch's DeadLayers).
    private readonly DeadLayerWatch<T> _deadLayers;

    /// <summary>A trainer of <paramref name="network"/> that minimises <paramref name="loss"/> with <paramref name="optimizer"/>.</summary>
    /// <exception cref="ArgumentException">The loss cannot train this network's output (cross-entropy needs a softmax output, binary cross-entropy a sigmoid one).</exception>
    public Trainer(Network<T> network, ILoss<T> loss, IOptimizer<T> optimizer)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _parameters = [.. network.Parameters];
        _deadLayers = new DeadLayerWatch<T>(network);
        // Cross-entropy on outputs that are not probabilities "trains" to a negative loss: refuse it here.
        if (LossCatalog.OutputProblem(loss.Kind, network.OutputActivation) is string problem) throw new ArgumentException(problem, nameof(loss));
    }

    /// <summary>The network being trained.</summary>
    public Network<T> Network { get; }

    /// <summary>The loss minimised.</summary>
    public ILoss<T> Loss { get; }

    /// <summary>How parameters move.</summary>
    public IOptimizer<T> Optimizer { get; }

    /// <summary>Examples per update (default stochastic, as the notes).</summary>
    public Batching Batching { get; init; } = Batching.Stochastic;

    /// <summary>When set, each epoch visits the examples in the order of <c>random.permutation(n)</c>; otherwise in dataset order.</summary>
    public NumpyRandom? ShuffleWith { get; init; }

    /// <summary>L2 weight decay λ: each weight's gradient gains λ · weight (biases are not decayed). 0 for none.</summary>
    public double L2 { get; init; }

    /// <summary>Count right and wrong classes (targets are one-hot rows, or 0/1 in one column) and report accuracy.</summary>
    public bool CountClasses { get; init; }

    /// <summary>Stop after this many epochs without a better monitored loss (validation loss if given, else training loss) and keep the best weights; null for no early stopping.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>
    /// How the learning rate changes from epoch to epoch (default <see cref="LearningRateSchedules.Constant"/>, which
    /// leaves the optimizer's rate alone): each <see cref="Fit"/> starts the schedule from the optimizer's
    /// <see cref="IOptimizer{T}.LearningRate"/>, sets that rate at the start of every epoch to the schedule's, and after it gives the schedule the monitored loss
    /// (validation loss if given, else training loss). Each epoch's rate is in its <see cref="EpochResult.LearningRate"/>.
    /// </summary>
    public LearningRateSchedule Schedule { get; init => field = value ?? throw new ArgumentNullException(nameof(Schedule)); } = LearningRateSchedules.Constant;


    /// <summary>Raised after each epoch with its results, so a caller can watch learning happen.</summary>
    public event Action<EpochResult>? EpochCompleted;

    /// <summary>Raised after each batch with the epoch's progress so far.</summary>
    public event Action<BatchProgress>? BatchCompleted;

    /// <summary>One update on one batch, x (B, in) and y (B, out); returns the batch's loss (summed over rows, each weighed by its class weight when the loss has them) before the update.</summary>
    public T Step(Matrix<T> x, Matrix<T> y) => Step(x, y, out _);

    // Not inlined into Fit: with the whole step inlined, Fit's loop ran out of registers (3-4-1 Fit 98 -> 94 ns an update).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private T Step(Matrix<T> x, Matrix<T> y, out int correct)
    {
        var prediction = Network.Forward(x, training: true);
        _deadLayers.Observe();   // a look at the relu outputs only until each has shown a unit on this epoch
        T loss = Loss.Loss(prediction, y);
        correct = CountClasses ? Metrics.CountCorrect(prediction, y) : 0;
        Network.Backward(Loss, prediction, y);
        Update();
        return loss;
    }

    /// <summary>Moves the weights by the gradients of the last <see cref="Network{T}.Backward"/>: weight decay (when <see cref="L2"/> is set), then the optimizer.</summary>
    public void Update()
    {
        if (L2 > 0) AddWeightDecay();
        Optimizer.Update(_parameters, Network.Compute);
    }

    private void AddWeightDecay()
    {
        T lambda = T.CreateChecked(L2);
        for (int k = 0; k < Network.DenseLayers.Count; k++)
        {
            var weights = Network.DenseLayers[k].Weights;
            Elementwise.AddScaled(weights.Gradient.Span, lambda, weights.Value.Span, Network.Compute);
        }
    }

    /// <summary>
    /// Trains for up to <paramref name="epochs"/> passes over x (n, in) and y (n, out), measuring the validation
    /// data after each epoch when given; returns each epoch's results and why training stopped. When
    /// <paramref name="cancellation"/> is cancelled, training stops after the current batch and returns with
    /// <see cref="StopReason.Cancelled"/> and the weights of the last completed epoch (or the initial weights).
    /// <paramref name="checkpointing"/> hands out the whole training state as it goes (and at the batch where
    /// cancellation stops it), or continues from such a state: the rest of the run is then bit for bit the same as
    /// the run that made it would have been, and the history returned includes that run's epochs.
    /// </summary>
    /// <exception cref="ArgumentException">The data is empty or the batch larger than it; or the checkpoint does not fit this trainer and data, or the optimizer cannot be checkpointed.</exception>
    public TrainingHistory Fit(IRowSource<T> x, Matrix<T> y, int epochs, (IRowSource<T> X, Matrix<T> Y)? validation = null,
        CancellationToken cancellation = default, Checkpointing? checkpointing = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        Examples.CheckSameRows(x, y);
        if (x.Rows == 0) throw new ArgumentException("There are no examples to train on.");
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), $"Epochs cannot be negative ({epochs}).");
        if (EarlyStoppingPatience is < 1) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), "Early-stopping patience must be at least 1.");
        if (checkpointing is { EveryBatches: < 0 }) throw new ArgumentOutOfRangeException(nameof(checkpointing), "Checkpoints every fewer than 0 batches.");
        int n = x.Rows, batchSize = Batching.SizeFor(n);
        if (batchSize > n) throw new ArgumentException($"Batch size {batchSize} is larger than the {n} examples.");

        var write = checkpointing?.Write;
        int every = checkpointing?.EveryBatches ?? 0;
        var run = new FitRun<T>(this, n, epochs, _lastGood ??= new ParameterSnapshot<T>(Network), checkpointing?.ResumeFrom, write is not null);
        var stopping = run.Stopping;
        while (run.Epoch <= epochs)
        {
            if (run.Position == 0) run.StartEpoch();
            double rate = EpochRate(run.Rate.Rate);
            while (run.Position < n)
            {
                int rows = Math.Min(batchSize, n - run.Position);
                var xb = _xBatch.Gather(x, run.Order, run.Position, rows, Network.Compute);
                var yb = _yBatch.Gather(y, run.Order, run.Position, rows, Network.Compute);
                run.Total += double.CreateChecked(Step(xb, yb, out int batchCorrect));
                run.Correct += batchCorrect;
                if (!double.IsFinite(run.Total))
                {
                    run.LastGood.Restore();
                    return new TrainingHistory(run.History, StopReason.Diverged, run.History.Count, run.Epoch);
                }
                run.Position += rows;
                BatchCompleted?.Invoke(new BatchProgress(run.Epoch, run.Position, n, run.Total / run.Position, CountClasses ? (double)run.Correct / run.Position : null));
                if (cancellation.IsCancellationRequested)
                {
                    // Stopped mid-epoch: the checkpoint keeps this batch; the weights go back to the last finished epoch.
                    write?.Invoke(run.Capture(_best));
                    run.LastGood.Restore();
                    return new TrainingHistory(run.History, StopReason.Cancelled, run.History.Count);
                }
                if (every > 0 && run.Position < n && run.Position / batchSize % every == 0) write?.Invoke(run.Capture(_best));
            }

            var result = new EpochResult(run.Epoch, run.Total, n)
            {
                TrainAccuracy = CountClasses ? (double)run.Correct / n : null, LearningRate = rate, DeadLayers = _deadLayers.NotSeenOn(),
            };
            if (validation is { } v)
            {
                // Validation measures the loss without class weights (as Keras does): the data as it is, not as trained.
                var measured = Evaluation.Run(Network, Loss.Unweighted, v.X, v.Y);
                result = result with
                {
                    ValidationLoss = measured.MeanLoss,
                    ValidationAccuracy = CountClasses ? measured.Accuracy : null,
                    ValidationMae = CountClasses ? null : measured.Overall.MeanAbsoluteError,
                };
            }
            run.History.Add(result);
            EpochCompleted?.Invoke(result);
            run.LastGood.Take();

            double monitored = result.ValidationLoss ?? result.MeanLoss;
            run.Rate = Schedule.Next(run.Rate, run.Epoch, epochs, monitored);
            if (stopping?.Observe(run.Epoch, monitored) is var (improved, stop))
            {
                if (improved) BestSnapshot().Take();
                if (stop)
                {
                    _best!.Restore();
                    return new TrainingHistory(run.History, StopReason.EarlyStopping, stopping.BestEpoch);
                }
            }
            run.EndEpoch();
            write?.Invoke(run.Capture(_best));   // after the last epoch too: the checkpoint of a finished run is at the epoch past the last
        }
        if (stopping is { BestEpoch: > 0 }) _best!.Restore();
        return new TrainingHistory(run.History, StopReason.Completed, stopping is { BestEpoch: > 0 } ? stopping.BestEpoch : run.History.Count);
    }

    // Sets the optimizer's rate for the epoch from a schedule and returns it; a constant schedule leaves the optimizer
    // alone (code may change its rate between epochs, as before schedules).
    private double EpochRate(double scheduled)
    {
        if (Schedule is not ConstantSchedule) Optimizer.LearningRate = scheduled;
        return Optimizer.LearningRate;
    }

    // The best epoch's parameters (early stopping), allocated on first use and reused across Fit calls.
    internal ParameterSnapshot<T> BestSnapshot() => _best ??= new ParameterSnapshot<T>(Network);

    // The relu layers seen on so far this epoch: Fit starts it at each epoch's start (FitRun), and checkpoints carry it within one.
    internal DeadLayerWatch<T> DeadLayers => _deadLayers;

    /// <summary>The random streams training draws from, each once: the shuffling stream, then each dropout layer's.</summary>
    internal IReadOnlyList<NumpyRandom> RandomStreams()
    {
        var streams = new List<NumpyRandom>();
        if (ShuffleWith is not null) streams.Add(ShuffleWith);
        foreach (var layer in Network.Layers)
            if (layer is Dropout<T> dropout && !streams.Contains(dropout.Random)) streams.Add(dropout.Random);
        return streams;
    }

    /// <summary>Mean loss an example (without class weights) and share of rows whose class is right, on x and y, in evaluation mode (no dropout, no updates).</summary>
    public (double MeanLoss, double Accuracy) Evaluate(IRowSource<T> x, Matrix<T> y)
    {
        var result = Evaluation.Run(Network, Loss.Unweighted, x, y);
        return (result.MeanLoss, result.Accuracy);
    }
}
