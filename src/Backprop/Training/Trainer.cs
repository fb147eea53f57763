using System.Numerics;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;

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
    /// How the learning rate changes from epoch to epoch (default <see cref="LearningRateSchedule.Constant"/>, which
    /// leaves the optimizer's rate alone): each <see cref="Fit(IRowSource{T}, Matrix{T}, int, ValueTuple{IRowSource{T}, Matrix{T}}?, CancellationToken)"/> starts the schedule from the optimizer's
    /// <see cref="IOptimizer{T}.LearningRate"/>, sets that rate at the start of every epoch to the schedule's, and after it gives the schedule the monitored loss
    /// (validation loss if given, else training loss). Each epoch's rate is in its <see cref="EpochResult.LearningRate"/>.
    /// </summary>
    public LearningRateSchedule Schedule { get; init => field = value ?? throw new ArgumentNullException(nameof(Schedule)); } = LearningRateSchedule.Constant;


    /// <summary>Raised after each epoch with its results, so a caller can watch learning happen.</summary>
    public event Action<EpochResult>? EpochCompleted;

    /// <summary>Raised after each batch with the epoch's progress so far.</summary>
    public event Action<BatchProgress>? BatchCompleted;

    /// <summary>One update on one batch, x (B, in) and y (B, out); returns the batch's loss (summed over rows, each weighed by its class weight when the loss has them) before the update.</summary>
    public T Step(Matrix<T> x, Matrix<T> y) => Step(x, y, out _);

    // Not inlined into a session's step: with the whole step inlined, the loop ran out of registers (3-4-1 Fit 98 -> 94 ns an update).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal T Step(Matrix<T> x, Matrix<T> y, out int correct)
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
    /// It is <see cref="Start(IRowSource{T}, Matrix{T}, int, ValueTuple{IRowSource{T}, Matrix{T}}?, IEnumerable{ITrainingObserver}?)"/>, then <see cref="TrainingSession.Run"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The data is empty or the batch larger than it.</exception>
    public TrainingHistory Fit(IRowSource<T> x, Matrix<T> y, int epochs, (IRowSource<T> X, Matrix<T> Y)? validation = null,
        CancellationToken cancellation = default) =>
        Start(x, y, epochs, validation).Run(cancellation);

    /// <summary>
    /// <see cref="Fit(IRowSource{T}, Matrix{T}, int, ValueTuple{IRowSource{T}, Matrix{T}}?, CancellationToken)"/>, with
    /// <paramref name="checkpointing"/> handing out the whole training state as it goes (and at the batch where
    /// cancellation stops it), or continuing from such a state: the rest of the run is then bit for bit the same as
    /// the run that made it would have been, and the history returned includes that run's epochs.
    /// </summary>
    /// <exception cref="ArgumentException">The data is empty or the batch larger than it; or the checkpoint does not fit this trainer and data, or the optimizer cannot be checkpointed.</exception>
    internal TrainingHistory Fit(IRowSource<T> x, Matrix<T> y, int epochs, Checkpointing? checkpointing, (IRowSource<T> X, Matrix<T> Y)? validation = null,
        CancellationToken cancellation = default) =>
        Start(x, y, epochs, checkpointing, validation).Run(cancellation);

    /// <summary>
    /// A training session of up to <paramref name="epochs"/> passes over x (n, in) and y (n, out), not yet started:
    /// step it a batch at a time, an epoch at a time, or run it. <paramref name="observers"/> watch it (after the
    /// schedule, before the early stopping of <see cref="EarlyStoppingPatience"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The data is empty or the batch larger than it.</exception>
    public TrainingSession Start(IRowSource<T> x, Matrix<T> y, int epochs, (IRowSource<T> X, Matrix<T> Y)? validation = null,
        IEnumerable<ITrainingObserver>? observers = null) =>
        Start(x, y, epochs, checkpointing: null, validation, observers);

    /// <summary>
    /// <see cref="Start(IRowSource{T}, Matrix{T}, int, ValueTuple{IRowSource{T}, Matrix{T}}?, IEnumerable{ITrainingObserver}?)"/>,
    /// with the checkpoints of <paramref name="checkpointing"/> (after the observers and early stopping), which may also
    /// give a checkpoint to go on from.
    /// </summary>
    /// <exception cref="ArgumentException">The data is empty or the batch larger than it; or the checkpoint does not fit this trainer and data, or the optimizer cannot be checkpointed.</exception>
    internal TrainingSession<T> Start(IRowSource<T> x, Matrix<T> y, int epochs, Checkpointing? checkpointing, (IRowSource<T> X, Matrix<T> Y)? validation = null,
        IEnumerable<ITrainingObserver>? observers = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        Examples.CheckSameRows(x, y);
        if (x.Rows == 0) throw new ArgumentException("There are no examples to train on.");
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), $"Epochs cannot be negative ({epochs}).");
        if (EarlyStoppingPatience is < 1) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), "Early-stopping patience must be at least 1.");
        if (checkpointing is { EveryBatches: < 0 }) throw new ArgumentOutOfRangeException(nameof(checkpointing), "Checkpoints every fewer than 0 batches.");
        int batchSize = Batching.SizeFor(x.Rows);
        if (batchSize > x.Rows) throw new ArgumentException($"Batch size {batchSize} is larger than the {x.Rows} examples.");
        return new TrainingSession<T>(this, x, y, epochs, validation, checkpointing?.ResumeFrom, observers ?? [], checkpointing);
    }

    // The best epoch's parameters (early stopping) and the last finished epoch's, allocated on first use and reused across sessions.
    internal ParameterSnapshot<T> BestSnapshot() => _best ??= new ParameterSnapshot<T>(Network);
    internal ParameterSnapshot<T> LastGoodSnapshot() => _lastGood ??= new ParameterSnapshot<T>(Network);

    // The batch buffers a session gathers into, sized for the largest batch and reused.
    internal BatchGatherer<T> XBatch => _xBatch;
    internal BatchGatherer<T> YBatch => _yBatch;

    internal bool HasBatchListeners => BatchCompleted is not null;
    internal void RaiseBatchCompleted(BatchProgress progress) => BatchCompleted?.Invoke(progress);
    internal void RaiseEpochCompleted(EpochResult result) => EpochCompleted?.Invoke(result);

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
