using System.Numerics;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>Runs a network over a dataset in evaluation mode (no dropout, no updates), in chunks to bound memory: loss, classes, and regression errors.</summary>
internal static class Evaluation
{
    /// <summary>Evaluates <paramref name="network"/> on inputs x (n, in) and targets y (n, out).</summary>
    public static EvaluationResult Run<T>(Network<T> network, ILoss<T> loss, IRowSource<T> x, Matrix<T> y, int chunkRows = 1000)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Examples.CheckSameRows(x, y);
        // The accumulator measures in blocks of chunkRows, as a file read in chunks is measured: the same numbers.
        var accumulator = new EvaluationAccumulator<T>(network, loss, x.Columns, y.Columns, keepRows: true, expectedRows: x.Rows, chunkRows);
        accumulator.Add(x, y);
        return accumulator.Finish();
    }

    /// <summary>The network's outputs for x, chunk by chunk: (first row of the chunk, its predictions, valid until the next chunk).</summary>
    public static IEnumerable<(int Start, Matrix<T> Prediction)> Predictions<T>(Network<T> network, IRowSource<T> x, int chunkRows = 1000)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Matrix<T>? chunk = null;
        for (int start = 0; start < x.Rows; start += chunkRows)
        {
            chunk = CopyRows(x, start, Math.Min(chunkRows, x.Rows - start), chunk);
            yield return (start, network.Forward(chunk, training: false));
        }
    }

    // Rows start..start+count of source, in a buffer reused while the count stays the same.
    private static Matrix<T> CopyRows<T>(IRowSource<T> source, int start, int count, Matrix<T>? buffer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (buffer is null || buffer.Rows != count) buffer = new Matrix<T>(count, source.Columns);
        if (source is Matrix<T> matrix) matrix.Span.Slice(start * matrix.Columns, count * matrix.Columns).CopyTo(buffer.Span);
        else for (int r = 0; r < count; r++) source.CopyRow(start + r, buffer.RowSpan(r));
        return buffer;
    }
}
