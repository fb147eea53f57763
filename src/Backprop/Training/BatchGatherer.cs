using System.Numerics;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// Copies the rows of each batch, in the epoch's order, into one reused buffer: the trainer's inputs (or targets)
/// for a step. A smaller last batch is a view of the same storage (see <see cref="BatchBuffer{T}"/>).
/// </summary>
internal sealed class BatchGatherer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // A batch of at least twice this many values is copied by the product threads, each at least this many; a smaller
    // one by one thread. The copies of shuffled rows mostly wait on memory, and two cores keep more reads in flight:
    // 64 Fashion-MNIST images (50,176 values) took 24 ms an epoch on 2 threads against 33 ms on one read from their
    // bytes, and 27-36 ms against 44-47 ms from a float32 matrix (bench epoch --parts 1 [--rows matrix]).
    private const int ParallelGather = 1 << 14;

    private BatchBuffer<T> _buffer;

    /// <summary>
    /// Rows order[start..start+rows] of <paramref name="source"/>, as a (rows, columns) matrix reused by the next call;
    /// a large batch is copied on up to <paramref name="compute"/>'s threads.
    /// </summary>
    public Matrix<T> Gather(IRowSource<T> source, int[] order, int start, int rows, Compute compute)
    {
        // A matrix's rows, one thread: straight copies, no interface call (the one-example step pays for every call here).
        if (source is Matrix<T> matrix)
        {
            var batch = _buffer.Get(rows, matrix.Columns);
            if (batch.Length < 2 * ParallelGather || rows == 1 || compute.Threads == 1)
            {
                CopyRows(matrix.Span, matrix.Columns, order.AsSpan(start, rows), batch.Span);
                return batch;
            }
        }
        return GatherAnyRows(source, order, start, rows, compute);
    }

    // Any row source, and large batches on up to the compute's threads.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private Matrix<T> GatherAnyRows(IRowSource<T> source, int[] order, int start, int rows, Compute compute)
    {
        var batch = _buffer.Get(rows, source.Columns);
        if (batch.Length >= 2 * ParallelGather && rows > 1 && compute.Threads > 1)
        {
            int parts = Math.Min(compute.Threads, Math.Min(rows, batch.Length / ParallelGather));
            var job = new Job(source, order, start, batch);
            if (WorkerPool.Shared.TryRun(parts, ref job)) return batch;
        }
        CopyRows(source, order, start, batch, 0, rows);
        return batch;
    }

    // to's rows = from's rows at the given indices.
    private static void CopyRows(ReadOnlySpan<T> from, int columns, ReadOnlySpan<int> rows, Span<T> to)
    {
        for (int r = 0; r < rows.Length; r++) from.Slice(rows[r] * columns, columns).CopyTo(to.Slice(r * columns, columns));
    }

    // A batch as a job for the worker pool: each part copies a band of its rows.
    private readonly struct Job(IRowSource<T> source, int[] order, int start, Matrix<T> batch) : IParallelJob
    {
        public void Run(int part, int parts)
        {
            int rows = batch.Rows;
            CopyRows(source, order, start, batch, rows * part / parts, rows * (part + 1) / parts);
        }
    }

    // Rows first..end of batch = rows order[start + first..start + end] of source.
    private static void CopyRows(IRowSource<T> rowSource, int[] order, int start, Matrix<T> batch, int first, int end)
    {
        if (rowSource is not Matrix<T> source)
        {
            if (rowSource is PixelRows<T> pixels)
            {
                // Images: the next row's bytes are fetched while this row converts (shuffled rows are far apart in
                // memory, and the wait for each was most of the gather's time). Values are untouched.
                for (int r = first; r < end; r++)
                {
                    if (r + 1 < end) pixels.Prefetch(order[start + r + 1]);
                    pixels.CopyRow(order[start + r], batch.RowSpan(r));
                }
                return;
            }
            for (int r = first; r < end; r++) rowSource.CopyRow(order[start + r], batch.RowSpan(r));
            return;
        }
        int columns = source.Columns;
        CopyRows(source.Span, columns, order.AsSpan(start + first, end - first), batch.Span[(first * columns)..(end * columns)]);
    }
}
