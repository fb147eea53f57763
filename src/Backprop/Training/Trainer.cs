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
}

/// <summary>
/// Gradient descent: for each batch, forward, loss, backpropagation, update; once an epoch, report the loss.
/// </summary>
public sealed class Trainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Matrix<T>? _xBatch, _yBatch;

    /// <summary>A trainer of <paramref name="network"/> that minimises <paramref name="loss"/> with <paramref name="optimizer"/>.</summary>
    public Trainer(Network<T> network, ILoss<T> loss, IOptimizer<T> optimizer)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
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

    /// <summary>Raised after each epoch with its loss, so a caller can watch learning happen.</summary>
    public event Action<EpochResult>? EpochCompleted;

    /// <summary>One update on one batch, x (B, in) and y (B, out); returns the batch's loss (summed over rows) before the update.</summary>
    public T Step(Matrix<T> x, Matrix<T> y)
    {
        var prediction = Network.Forward(x, training: true);
        T loss = Loss.Loss(prediction, y);
        Network.Backward(Loss, prediction, y);
        Optimizer.Update(Network.Parameters);
        return loss;
    }

    /// <summary>Trains for <paramref name="epochs"/> passes over x (n, in) and y (n, out); returns each epoch's result.</summary>
    public IReadOnlyList<EpochResult> Fit(Matrix<T> x, Matrix<T> y, int epochs, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Rows != y.Rows)
            throw new ShapeMismatchException($"Inputs of shape {x.Shape} and targets of shape {y.Shape} have different numbers of rows.");
        if (x.Rows == 0) throw new ArgumentException("There are no examples to train on.");
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), $"Epochs cannot be negative ({epochs}).");
        int n = x.Rows, batchSize = Batching.SizeFor(n);
        if (batchSize > n) throw new ArgumentException($"Batch size {batchSize} is larger than the {n} examples.");

        var history = new List<EpochResult>(epochs);
        int[] order = Enumerable.Range(0, n).ToArray();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (ShuffleWith is not null) order = ShuffleWith.Permutation(n);
            double total = 0;
            for (int start = 0; start < n; start += batchSize)
            {
                int rows = Math.Min(batchSize, n - start);
                var xb = Gather(x, order, start, rows, ref _xBatch);
                var yb = Gather(y, order, start, rows, ref _yBatch);
                total += double.CreateChecked(Step(xb, yb));
            }
            var result = new EpochResult(epoch, total, n);
            history.Add(result);
            EpochCompleted?.Invoke(result);
        }
        return history;
    }

    // Copies the rows order[start..start+rows] of source into a reused (rows, columns) buffer.
    private static Matrix<T> Gather(Matrix<T> source, int[] order, int start, int rows, ref Matrix<T>? buffer)
    {
        var batch = Buffers.Ensure(ref buffer, rows, source.Columns);
        for (int r = 0; r < rows; r++) source.RowSpan(order[start + r]).CopyTo(batch.RowSpan(r));
        return batch;
    }
}
