using System.Numerics;

namespace Backprop;

/// <summary>
/// Matrix products on row-major spans, in the three forms backpropagation needs. Every element of the result
/// is summed over k in ascending order, starting from +0 (as BLAS does with beta = 0), with a separate multiply
/// and add: that order is what reproduces numpy's printed digits (and its -0 / +0) in the notes.
/// </summary>
public static class Gemm
{
    /// <summary>c (m,n) = a (m,k) · b (k,n).</summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(a.Length, m * k, b.Length, k * n, c.Length, m * n);
        c.Clear();
        for (int i = 0; i < m; i++)
        {
            var cRow = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
                AddScaled(cRow, a[i * k + p], b.Slice(p * n, n));
        }
    }

    /// <summary>c (m,n) = aᵀ · b, where a is (k,m) and b is (k,n): the weight gradient inputᵀ · delta, without a transpose.</summary>
    public static void MultiplyTransposeA<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(a.Length, k * m, b.Length, k * n, c.Length, m * n);
        c.Clear();
        for (int p = 0; p < k; p++)
        {
            var bRow = b.Slice(p * n, n);
            for (int i = 0; i < m; i++)
                AddScaled(c.Slice(i * n, n), a[p * m + i], bRow);
        }
    }

    /// <summary>c (m,n) = a · bᵀ, where a is (m,k) and b is (n,k): the backward delta · Wᵀ, without a transpose.</summary>
    public static void MultiplyTransposeB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(a.Length, m * k, b.Length, n * k, c.Length, m * n);
        for (int i = 0; i < m; i++)
        {
            var aRow = a.Slice(i * k, k);
            for (int j = 0; j < n; j++)
            {
                var bRow = b.Slice(j * k, k);
                T sum = T.Zero;
                for (int p = 0; p < k; p++) sum += aRow[p] * bRow[p];
                c[i * n + j] = sum;
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
