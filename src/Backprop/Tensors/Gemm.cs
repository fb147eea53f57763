using System.Numerics;

namespace Backprop;

/// <summary>
/// Matrix products on row-major spans, in the three forms backpropagation needs: A·B, Aᵀ·B (weight gradients)
/// and A·Bᵀ (deltas through the weights), the transposes read in place, never copied out.
/// </summary>
/// <remarks>
/// Every element of the result is summed over k in ascending order, starting from +0, with a multiply and then an
/// add (no fused multiply-add). That order reproduces numpy's printed digits in the notes, and it is the same for
/// the small-matrix loop and the packed, cache-blocked SIMD kernel, for any blocking and any thread count: the
/// fast path and the exact path are one computation. On processors that issue multiplies and adds on separate
/// pipes (AMD Zen, Intel since Haswell) the separate add costs no throughput against a fused one.
/// </remarks>
public static class Gemm
{
    private static int _maxThreads = Environment.ProcessorCount;

    /// <summary>
    /// Threads a large product may use (default: all cores). Each thread computes whole blocks of the result in
    /// the same order, so results are identical for every thread count.
    /// </summary>
    public static int MaxThreads
    {
        get => _maxThreads;
        set => _maxThreads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), "At least one thread.");
    }

    /// <summary>c (m,n) = a (m,k) · b (k,n).</summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(a.Length, (long)m * k, b.Length, (long)k * n, c.Length, (long)m * n);
        Run(a, false, b, false, c, m, k, n);
    }

    /// <summary>c (m,n) = aᵀ · b, where a is (k,m) and b is (k,n): the weight gradient inputᵀ · delta, without a transpose.</summary>
    public static void MultiplyTransposeA<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(a.Length, (long)k * m, b.Length, (long)k * n, c.Length, (long)m * n);
        Run(a, true, b, false, c, m, k, n);
    }

    /// <summary>c (m,n) = a · bᵀ, where a is (m,k) and b is (n,k): the backward delta · Wᵀ, without a transpose.</summary>
    public static void MultiplyTransposeB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(a.Length, (long)m * k, b.Length, (long)n * k, c.Length, (long)m * n);
        Run(a, false, b, true, c, m, k, n);
    }

    // Below this many multiply-adds the packing costs more than it saves: the plain loop, same order, runs instead.
    private const long SmallProduct = 32 * 32 * 32;

    private static unsafe void Run<T>(ReadOnlySpan<T> a, bool transA, ReadOnlySpan<T> b, bool transB, Span<T> c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0) return;
        long work = (long)m * n * k;
        fixed (T* pa = a, pb = b, pc = c)
        {
            var operands = new Operands<T>(pa, transA, pb, transB, pc, m, k, n);
            if (work < SmallProduct || !PackedGemm.Supported) SmallGemm.Run(operands);
            else PackedGemm.Run(operands, work);
        }
    }

    private static void CheckLengths(int a, long aWanted, int b, long bWanted, int c, long cWanted)
    {
        if (a != aWanted || b != bWanted || c != cWanted)
            throw new ShapeMismatchException(
                $"Matrix product buffers have lengths {a}, {b}, {c}; the shapes need {aWanted}, {bWanted}, {cWanted}.");
    }
}

/// <summary>
/// The operands of c (m,n) = op(a) · op(b), op a transpose or not, as raw pointers: element (i,p) of op(a) and
/// (p,j) of op(b) are read through <see cref="A"/> and <see cref="B"/>, whatever the layout.
/// </summary>
internal readonly unsafe struct Operands<T>(T* a, bool transA, T* b, bool transB, T* c, int m, int k, int n)
    where T : unmanaged
{
    public readonly T* PA = a, PB = b, PC = c;
    public readonly bool TransA = transA, TransB = transB;
    public readonly int M = m, K = k, N = n;

    /// <summary>op(a)[i, p]: a is (m,k), or (k,m) when transposed.</summary>
    public T A(int i, int p) => TransA ? PA[(long)p * M + i] : PA[(long)i * K + p];

    /// <summary>op(b)[p, j]: b is (k,n), or (n,k) when transposed.</summary>
    public T B(int p, int j) => TransB ? PB[(long)j * K + p] : PB[(long)p * N + j];
}

/// <summary>The plain triple loop, for products too small to be worth packing: each element summed over k from +0.</summary>
internal static class SmallGemm
{
    public static unsafe void Run<T>(in Operands<T> o) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = o.M, k = o.K, n = o.N;
        T* c = o.PC;
        if (!o.TransB)
        {
            // c[i,:] += a[i,p] * b[p,:] for p ascending: rows of b are contiguous, so this runs along memory.
            for (int i = 0; i < m; i++)
            {
                var row = new Span<T>(c + (long)i * n, n);
                row.Clear();
                for (int p = 0; p < k; p++) AddScaled(row, o.A(i, p), new ReadOnlySpan<T>(o.PB + (long)p * n, n));
            }
            return;
        }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++) sum += o.A(i, p) * o.PB[(long)j * k + p];
                c[(long)i * n + j] = sum;
            }
    }

    // row += s * x, element by element: a multiply, then an add.
    private static void AddScaled<T>(Span<T> row, T s, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated && row.Length >= Vector<T>.Count)
        {
            var vs = new Vector<T>(s);
            for (; j <= row.Length - Vector<T>.Count; j += Vector<T>.Count)
                (new Vector<T>(row.Slice(j)) + vs * new Vector<T>(x.Slice(j))).CopyTo(row.Slice(j));
        }
        for (; j < row.Length; j++) row[j] += s * x[j];
    }
}
