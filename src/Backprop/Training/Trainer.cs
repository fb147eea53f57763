using System.Numerics;

namespace Backprop;

/// <summary>What one epoch of training measured.</summary>
/// <param name="Epoch">1 for the first epoch.</param>
/// <param name="TotalLoss">The loss summed over the epoch's examples as each was met, before its update (the notes' error_for_all_lights).</param>
/// <param name="Examples">How many examples the epoch went through.</param>
public sealed record EpochResult(int Epoch, double TotalLoss, int Examples)
{
    /// <summary>The total loss divided by the number of examples.</summary>
    public double MeanLoss => TotalLoss / Examples;

    /// <summary>Share of training examples whose class was predicted right as they were met; null unless classes are counted.</summary>
    public double? TrainAccuracy { get; init; }

    /// <summary>Mean loss an example on the validation data after the epoch; null without validation data.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>Share of validation examples predicted right after the epoch; null without validation data or classes.</summary>
    public double? ValidationAccuracy { get; init; }
}

/// <summary>Progress within an epoch, after each batch.</summary>
public readonly record struct BatchProgress(int Epoch, int ExamplesDone, int Examples, double MeanLoss, double? Accuracy);

/// <summary>Why training stopped.</summary>
public enum StopReason
{
    /// <summary>All the epochs asked for ran.</summary>
    Completed,
    /// <summary>The monitored loss did not improve for the patience asked for; the best weights were restored.</summary>
    EarlyStopping,
    /// <summary>The loss became NaN or infinite; the weights from before that epoch were restored.</summary>
    Diverged,
}

/// <summary>Every epoch's results, and how training ended.</summary>
/// <param name="Epochs">One result an epoch that completed.</param>
/// <param name="Stop">Why it stopped.</param>
/// <param name="BestEpoch">With early stopping, the epoch whose weights were kept; otherwise the last epoch.</param>
/// <param name="DivergedAt">The epoch whose loss became NaN or infinite, when <paramref name="Stop"/> is Diverged.</param>
public sealed record TrainingHistory(IReadOnlyList<EpochResult> Epochs, StopReason Stop, int BestEpoch, int? DivergedAt = null);

/// <summary>
/// Gradient descent: for each batch, forward, loss, backpropagation, update; once an epoch, report the loss.
/// </summary>
public sealed class Trainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private BatchBuffer<T> _xBatch, _yBatch;
    // Copies of the parameters (the last good epoch's, and the best epoch's for early stopping), kept across Fit
    // calls so that calling Fit again, as a warm-up loop or a notebook does, does not allocate them again.
    private Matrix<T>[]? _lastGood, _best;

    // The batch being gathered, for the threads that copy its rows (see Gather).
    private IRowSource<T>? _gatherFrom;
    private Matrix<T>? _gatherInto;
    private int[]? _gatherOrder;
    private int _gatherStart, _gatherParts;
    private readonly Action<int> _gatherPart;

    /// <summary>A trainer of <paramref name="network"/> that minimises <paramref name="loss"/> with <paramref name="optimizer"/>.</summary>
    /// <exception cref="ArgumentException">The loss cannot train this network's output (cross-entropy needs a softmax output, binary cross-entropy a sigmoid one).</exception>
    public Trainer(Network<T> network, ILoss<T> loss, IOptimizer<T> optimizer)
    {
        _gatherPart = part =>
        {
            int rows = _gatherInto!.Rows, from = rows * part / _gatherParts, to = rows * (part + 1) / _gatherParts;
            CopyRows(_gatherFrom!, _gatherOrder!, _gatherStart, _gatherInto, from, to);
        };
        Network = network ?? throw new ArgumentNullException(nameof(network));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        // Cross-entropy on outputs that are not probabilities "trains" to a negative loss: refuse it here.
        if (Losses.OutputProblem(loss.Name, network.OutputActivation) is string problem) throw new ArgumentException(problem, nameof(loss));
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
        Optimizer.Update(Network.ParameterSpan);
    }

    private void AddWeightDecay()
    {
        T lambda = T.CreateChecked(L2);
        for (int k = 0; k < Network.DenseLayers.Count; k++)
        {
            var weights = Network.DenseLayers[k].Weights;
            Elementwise.AddScaled(weights.Gradient.Span, lambda, weights.Value.Span);
        }
    }

    /// <summary>
    /// Trains for up to <paramref name="epochs"/> passes over x (n, in) and y (n, out), measuring the validation
    /// data after each epoch when given; returns each epoch's results and why training stopped.
    /// </summary>
    public TrainingHistory Fit(IRowSource<T> x, Matrix<T> y, int epochs, (IRowSource<T> X, Matrix<T> Y)? validation = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Rows != y.Rows)
            throw new ShapeMismatchException($"Inputs of shape ({x.Rows}, {x.Columns}) and targets of shape {y.Shape} have different numbers of rows.");
        if (x.Rows == 0) throw new ArgumentException("There are no examples to train on.");
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), $"Epochs cannot be negative ({epochs}).");
        if (EarlyStoppingPatience is < 1) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), "Early-stopping patience must be at least 1.");
        int n = x.Rows, batchSize = Batching.SizeFor(n);
        if (batchSize > n) throw new ArgumentException($"Batch size {batchSize} is larger than the {n} examples.");

        var history = new List<EpochResult>(epochs);
        int[] order = Enumerable.Range(0, n).ToArray();
        var lastGood = Snapshot(ref _lastGood);
        Matrix<T>[]? best = null;
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (ShuffleWith is not null) order = ShuffleWith.Permutation(n);
            double total = 0;
            int correct = 0;
            for (int start = 0; start < n; start += batchSize)
            {
                int rows = Math.Min(batchSize, n - start);
                var xb = Gather(x, order, start, rows, ref _xBatch);
                var yb = Gather(y, order, start, rows, ref _yBatch);
                total += double.CreateChecked(Step(xb, yb, out int batchCorrect));
                correct += batchCorrect;
                if (!double.IsFinite(total))
                {
                    Restore(lastGood);
                    return new TrainingHistory(history, StopReason.Diverged, history.Count, epoch);
                }
                int done = start + rows;
                BatchCompleted?.Invoke(new BatchProgress(epoch, done, n, total / done, CountClasses ? (double)correct / done : null));
            }

            var result = new EpochResult(epoch, total, n) { TrainAccuracy = CountClasses ? (double)correct / n : null };
            if (validation is { } v)
            {
                var (loss, accuracy) = Evaluate(v.X, v.Y);
                result = result with { ValidationLoss = loss, ValidationAccuracy = CountClasses ? accuracy : null };
            }
            history.Add(result);
            EpochCompleted?.Invoke(result);
            CopyInto(lastGood);

            if (EarlyStoppingPatience is int patience)
            {
                double monitored = result.ValidationLoss ?? result.MeanLoss;
                if (monitored < bestLoss)
                {
                    bestLoss = monitored;
                    bestEpoch = epoch;
                    best = Snapshot(ref _best);
                }
                else if (epoch - bestEpoch >= patience)
                {
                    Restore(best!);
                    return new TrainingHistory(history, StopReason.EarlyStopping, bestEpoch);
                }
            }
        }
        if (best is not null) Restore(best);
        return new TrainingHistory(history, StopReason.Completed, best is null ? history.Count : bestEpoch);
    }

    /// <summary>Mean loss an example and share of rows whose class is right, on x and y, in evaluation mode (no dropout, no updates).</summary>
    public (double MeanLoss, double Accuracy) Evaluate(IRowSource<T> x, Matrix<T> y)
    {
        var result = Evaluation.Run(Network, Loss, x, y);
        return (result.MeanLoss, result.Accuracy);
    }

    // The current parameters copied into saved (allocated on first use).
    private Matrix<T>[] Snapshot(ref Matrix<T>[]? saved)
    {
        saved ??= Network.Parameters.Select(p => new Matrix<T>(p.Value.Rows, p.Value.Columns)).ToArray();
        CopyInto(saved);
        return saved;
    }

    private void CopyInto(Matrix<T>[] saved)
    {
        var parameters = Network.ParameterSpan;
        for (int i = 0; i < saved.Length; i++) parameters[i].Value.Span.CopyTo(saved[i].Span);
    }

    private void Restore(Matrix<T>[] saved)
    {
        var parameters = Network.ParameterSpan;
        for (int i = 0; i < saved.Length; i++) saved[i].Span.CopyTo(parameters[i].Value.Span);
    }

    // Below this many values a batch is copied by one thread; above it (a batch of images), by all the product
    // threads: the copies of shuffled rows mostly wait on memory, and two cores keep more reads in flight.
    private const int ParallelGather = 1 << 15;

    // Copies the rows order[start..start+rows] of source into a reused (rows, columns) buffer.
    private Matrix<T> Gather(IRowSource<T> source, int[] order, int start, int rows, ref BatchBuffer<T> buffer)
    {
        var batch = buffer.Get(rows, source.Columns);
        if (batch.Length >= 2 * ParallelGather && rows > 1 && Gemm.MaxThreads > 1)
        {
            int parts = Math.Min(Gemm.MaxThreads, Math.Min(rows, batch.Length / ParallelGather));
            (_gatherFrom, _gatherOrder, _gatherStart, _gatherInto, _gatherParts) = (source, order, start, batch, parts);
            bool ran = WorkerPool.TryRun(parts, _gatherPart);
            (_gatherFrom, _gatherOrder, _gatherInto) = (null, null, null);
            if (ran) return batch;
        }
        CopyRows(source, order, start, batch, 0, rows);
        return batch;
    }

    // Rows first..end of batch = rows order[start + first..start + end] of source.
    private static void CopyRows(IRowSource<T> rowSource, int[] order, int start, Matrix<T> batch, int first, int end)
    {
        if (rowSource is not Matrix<T> source)
        {
            for (int r = first; r < end; r++) rowSource.CopyRow(order[start + r], batch.RowSpan(r));
            return;
        }
        int columns = source.Columns;
        ReadOnlySpan<T> from = source.Span;
        Span<T> to = batch.Span;
        for (int r = first; r < end; r++)
        {
            from.Slice(order[start + r] * columns, columns).CopyTo(to.Slice(r * columns, columns));
        }
    }
}
