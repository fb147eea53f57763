using System.Numerics;

namespace Backprop;

/// <summary>
/// Matrix products on row-major spans, in the three forms backpropagation needs. Every element of the result
/// is summed over k in ascending order, starting from +0 (as BLAS does with beta = 0), with a separate multiply
/// and add: that order is what reproduces numpy's printed digits (and its -0 / +0) in the notes.
/// </summary>
public static class Gemm
{
    private static int _maxThreads = Environment.ProcessorCount;

    /// <summary>
    /// Threads a large product may use (default: all cores). Each thread computes whole rows of the result with
    /// the same summation order, so results are identical for every thread count.
    /// </summary>
    public static int MaxThreads
    {
        get => _maxThreads;
        set => _maxThreads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), "At least one thread.");
    }

    // Below this many multiply-adds a product runs on the calling thread: starting threads would cost more.
    private const long ParallelThreshold = 1L << 18;

    // Runs body(rowStart, rowEnd) over [0, rows), split across threads when the work is large enough.
    private static void ForRows(int rows, long work, Action<int, int> body)
    {
        int threads = (int)Math.Min(Math.Min(MaxThreads, rows), Math.Max(1, work / ParallelThreshold));
        if (threads <= 1) { body(0, rows); return; }
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            body((int)((long)rows * t / threads), (int)((long)rows * (t + 1) / threads)));
    }

    /// <summary>c (m,n) = a (m,k) · b (k,n).</summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(a.Length, m * k, b.Length, k * n, c.Length, m * n);
        if (m * n == 0) return;
        unsafe
        {
            fixed (T* pa = a, pb = b, pc = c)
            {
                T* aPtr = pa, bPtr = pb, cPtr = pc;
                ForRows(m, (long)m * n * k, (start, end) =>
                {
                    for (int i = start; i < end; i++)
                    {
                        var cRow = new Span<T>(cPtr + (long)i * n, n);
                        cRow.Clear();
                        for (int p = 0; p < k; p++)
                            AddScaled(cRow, aPtr[(long)i * k + p], new ReadOnlySpan<T>(bPtr + (long)p * n, n));
                    }
                });
            }
        }
    }

    /// <summary>c (m,n) = aᵀ · b, where a is (k,m) and b is (k,n): the weight gradient inputᵀ · delta, without a transpose.</summary>
    public static void MultiplyTransposeA<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(a.Length, k * m, b.Length, k * n, c.Length, m * n);
        if (m * n == 0) return;
        unsafe
        {
            fixed (T* pa = a, pb = b, pc = c)
            {
                T* aPtr = pa, bPtr = pb, cPtr = pc;
                ForRows(m, (long)m * n * k, (start, end) =>
                {
                    new Span<T>(cPtr + (long)start * n, (end - start) * n).Clear();
                    for (int p = 0; p < k; p++)
                    {
                        var bRow = new ReadOnlySpan<T>(bPtr + (long)p * n, n);
                        for (int i = start; i < end; i++)
                            AddScaled(new Span<T>(cPtr + (long)i * n, n), aPtr[(long)p * m + i], bRow);
                    }
                });
            }
        }
    }

    /// <summary>c (m,n) = a · bᵀ, where a is (m,k) and b is (n,k): the backward delta · Wᵀ, without a transpose.</summary>
    public static void MultiplyTransposeB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(a.Length, m * k, b.Length, n * k, c.Length, m * n);
        if (m * n == 0) return;
        unsafe
        {
            fixed (T* pa = a, pb = b, pc = c)
            {
                T* aPtr = pa, bPtr = pb, cPtr = pc;
                ForRows(m, (long)m * n * k, (start, end) =>
                {
                    for (int i = start; i < end; i++)
                    {
                        T* aRow = aPtr + (long)i * k;
                        for (int j = 0; j < n; j++)
                        {
                            T* bRow = bPtr + (long)j * k;
                            T sum = T.Zero;
                            for (int p = 0; p < k; p++) sum += aRow[p] * bRow[p];
                            cPtr[(long)i * n + j] = sum;
                        }
                    }
                });
            }
        }
    }

    // row += s * x, element by element (a multiply, then an add: no fused multiply-add, so results are exact to numpy).
    private static void AddScaled<T>(Span<T> row, T s, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated && row.Length >= Vector<T>.Count)
        {
            var vs = new Vector<T>(s);
            for (; j <= row.Length - Vector<T>.Count; j += Vector<T>.Count)
            {
                var r = new Vector<T>(row.Slice(j));
                (r + vs * new Vector<T>(x.Slice(j))).CopyTo(row.Slice(j));
            }
        }
        for (; j < row.Length; j++) row[j] += s * x[j];
    }

    private static void CheckLengths(int a, int aWanted, int b, int bWanted, int c, int cWanted)
    {
        if (a != aWanted || b != bWanted || c != cWanted)
            throw new ShapeMismatchException(
                $"Matrix product buffers have lengths {a}, {b}, {c}; the shapes need {aWanted}, {bWanted}, {cWanted}.");
    }
}
