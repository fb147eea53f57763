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

    /// <summary>A trainer of <paramref name="network"/> that minimises <paramref name="loss"/> with <paramref name="optimizer"/>.</summary>
    /// <exception cref="ArgumentException">The loss cannot train this network's output (cross-entropy needs a softmax output, binary cross-entropy a sigmoid one).</exception>
    public Trainer(Network<T> network, ILoss<T> loss, IOptimizer<T> optimizer)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _parameters = [.. network.Parameters];
        // Cross-entropy on outputs that are not probabilities "trains" to a negative loss: refuse it here.
        if (LossCatalog.OutputProblem(loss.Name, network.OutputActivation) is string problem) throw new ArgumentException(problem, nameof(loss));
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

    /// <summary>Raised after each epoch with its results, so a caller can watch learning happen.</summary>
    public event Action<EpochResult>? EpochCompleted;

    /// <summary>Raised after each batch with the epoch's progress so far.</summary>
    public event Action<BatchProgress>? BatchCompleted;

    /// <summary>One update on one batch, x (B, in) and y (B, out); returns the batch's loss (summed over rows) before the update.</summary>
    public T Step(Matrix<T> x, Matrix<T> y) => Step(x, y, out _);

    // Not inlined into Fit: with the whole step inlined, Fit's loop ran out of registers (3-4-1 Fit 98 -> 94 ns an update).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private T Step(Matrix<T> x, Matrix<T> y, out int correct)
    {
        var prediction = Network.Forward(x, training: true);
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
    /// </summary>
    public TrainingHistory Fit(IRowSource<T> x, Matrix<T> y, int epochs, (IRowSource<T> X, Matrix<T> Y)? validation = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        Examples.CheckSameRows(x, y);
        if (x.Rows == 0) throw new ArgumentException("There are no examples to train on.");
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), $"Epochs cannot be negative ({epochs}).");
        if (EarlyStoppingPatience is < 1) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), "Early-stopping patience must be at least 1.");
        int n = x.Rows, batchSize = Batching.SizeFor(n);
        if (batchSize > n) throw new ArgumentException($"Batch size {batchSize} is larger than the {n} examples.");

        var history = new List<EpochResult>(Math.Min(epochs, 1024)); // grows past that: epochs may be a huge "until stopped"
        int[] order = Enumerable.Range(0, n).ToArray();
        var lastGood = _lastGood ??= new ParameterSnapshot<T>(Network);
        lastGood.Take(Network);
        var stopping = EarlyStoppingPatience is int patience ? new EarlyStopping(patience) : null;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            if (ShuffleWith is not null) order = ShuffleWith.Permutation(n);
            double total = 0;
            int correct = 0;
            for (int start = 0; start < n; start += batchSize)
            {
                int rows = Math.Min(batchSize, n - start);
                var xb = _xBatch.Gather(x, order, start, rows, Network.Compute);
                var yb = _yBatch.Gather(y, order, start, rows, Network.Compute);
                total += double.CreateChecked(Step(xb, yb, out int batchCorrect));
                correct += batchCorrect;
                if (!double.IsFinite(total))
                {
                    lastGood.Restore(Network);
                    return new TrainingHistory(history, StopReason.Diverged, history.Count, epoch);
                }
                int done = start + rows;
                BatchCompleted?.Invoke(new BatchProgress(epoch, done, n, total / done, CountClasses ? (double)correct / done : null));
                if (cancellation.IsCancellationRequested)
                {
                    // Stopped mid-epoch: the epoch is not finished, so its updates are dropped with it.
                    lastGood.Restore(Network);
                    return new TrainingHistory(history, StopReason.Cancelled, history.Count);
                }
            }

            var result = new EpochResult(epoch, total, n) { TrainAccuracy = CountClasses ? (double)correct / n : null };
            if (validation is { } v)
            {
                var measured = Evaluation.Run(Network, Loss, v.X, v.Y);
                result = result with
                {
                    ValidationLoss = measured.MeanLoss,
                    ValidationAccuracy = CountClasses ? measured.Accuracy : null,
                    ValidationMae = CountClasses ? null : measured.Overall.MeanAbsoluteError,
                };
            }
            history.Add(result);
            EpochCompleted?.Invoke(result);
            lastGood.Take(Network);

            if (stopping?.Observe(epoch, result.ValidationLoss ?? result.MeanLoss) is var (improved, stop))
            {
                if (improved) (_best ??= new ParameterSnapshot<T>(Network)).Take(Network);
                if (stop)
                {
                    _best!.Restore(Network);
                    return new TrainingHistory(history, StopReason.EarlyStopping, stopping.BestEpoch);
                }
            }
        }
        if (stopping is { BestEpoch: > 0 }) _best!.Restore(Network);
        return new TrainingHistory(history, StopReason.Completed, stopping is { BestEpoch: > 0 } ? stopping.BestEpoch : history.Count);
    }

    /// <summary>Mean loss an example and share of rows whose class is right, on x and y, in evaluation mode (no dropout, no updates).</summary>
    public (double MeanLoss, double Accuracy) Evaluate(IRowSource<T> x, Matrix<T> y)
    {
        var result = Evaluation.Run(Network, Loss, x, y);
        return (result.MeanLoss, result.Accuracy);
    }
}
