using System.Numerics;

namespace Backprop;

/// <summary>
/// Copies the rows of each batch, in the epoch's order, into one reused buffer: the trainer's inputs (or targets)
/// for a step. A smaller last batch is a view of the same storage (see <see cref="BatchBuffer{T}"/>).
/// </summary>
internal sealed class BatchGatherer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Below this many values a batch is copied by one thread; above it (a batch of images), by all the product
    // threads: the copies of shuffled rows mostly wait on memory, and two cores keep more reads in flight.
    private const int ParallelGather = 1 << 15;

    private BatchBuffer<T> _buffer;

    // The batch being gathered, for the threads that copy its rows.
    private IRowSource<T>? _from;
    private Matrix<T>? _into;
    private int[]? _order;
    private int _start, _parts;
    private readonly Action<int> _part;

    public BatchGatherer()
    {
        _part = part =>
        {
            int rows = _into!.Rows, from = rows * part / _parts, to = rows * (part + 1) / _parts;
            CopyRows(_from!, _order!, _start, _into, from, to);
        };
    }

    /// <summary>Rows order[start..start+rows] of <paramref name="source"/>, as a (rows, columns) matrix reused by the next call.</summary>
    public Matrix<T> Gather(IRowSource<T> source, int[] order, int start, int rows)
    {
        var batch = _buffer.Get(rows, source.Columns);
        if (batch.Length >= 2 * ParallelGather && rows > 1 && Gemm.MaxThreads > 1)
        {
            int parts = Math.Min(Gemm.MaxThreads, Math.Min(rows, batch.Length / ParallelGather));
            (_from, _order, _start, _into, _parts) = (source, order, start, batch, parts);
            bool ran = WorkerPool.TryRun(parts, _part);
            (_from, _order, _into) = (null, null, null);
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
        for (int r = first; r < end; r++) from.Slice(order[start + r] * columns, columns).CopyTo(to.Slice(r * columns, columns));
    }
}
