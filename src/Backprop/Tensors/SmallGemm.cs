using System.Numerics;

namespace Backprop.Tensors;

/// <summary>The plain triple loop, for products too small to be worth packing: each element summed over k from +0, each step rounded as TMulAdd says.</summary>
internal static class SmallGemm
{
    public static unsafe void Run<T, TMulAdd>(in Operands<T> o) where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
        => Run<T, TMulAdd>(o.PA, o.TransA, o.PB, o.TransB, o.PC, o.M, o.K, o.N);

    public static unsafe void Run<T, TMulAdd>(T* a, bool transA, T* b, bool transB, T* c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        // A transpose only changes the layout when both sides are longer than 1: a (1,k) row read as (k,1) is the
        // same memory. Each case reads its operands in memory order where it can; all sum c[i,j] over p ascending from +0.
        transA = transA && m > 1 && k > 1;
        transB = transB && k > 1 && n > 1;
        long aRow = transA ? 1 : k, aCol = transA ? m : 1;
        if (k == 1)
        {
            // An outer product (a weight gradient of one example): c[i,j] = +0 + a[i]·b[j], whatever the layout.
            for (int i = 0; i < m; i++)
            {
                T ai = a[i];
                T* cRow = c + (long)i * n;
                int j = 0;
                if (Vector.IsHardwareAccelerated)
                    for (var s = new Vector<T>(ai); j <= n - Vector<T>.Count; j += Vector<T>.Count)
                        TMulAdd.Apply(s, Vector.Load(b + j), Vector<T>.Zero).Store(cRow + j);
                for (; j < n; j++) cRow[j] = TMulAdd.Apply(ai, b[j], T.Zero);
            }
            return;
        }
        if (!transB)
        {
            // c[i, j..j+W] = sum over p of a(i,p) * b[p, j..j+W]: rows of b are contiguous, W sums at a time in a register.
            for (int i = 0; i < m; i++)
            {
                T* aI = a + i * aRow, cRow = c + (long)i * n;
                int j = 0;
                if (Vector.IsHardwareAccelerated)
                    for (; j <= n - Vector<T>.Count; j += Vector<T>.Count)
                    {
                        var sum = Vector<T>.Zero;
                        T* bColumn = b + j;
                        for (int p = 0; p < k; p++, bColumn += n) sum = TMulAdd.Apply(new Vector<T>(aI[p * aCol]), Vector.Load(bColumn), sum);
                        sum.Store(cRow + j);
                    }
                for (; j < n; j++)
                {
                    T sum = T.Zero;
                    for (int p = 0; p < k; p++) sum = TMulAdd.Apply(aI[p * aCol], b[(long)p * n + j], sum);
                    cRow[j] = sum;
                }
            }
            return;
        }
        // c[i,j] = a(i,:) · b[j,:]: rows of b (columns of op(b)) are contiguous.
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T* bRow = b + (long)j * k;
                T sum = T.Zero;
                if (transA) for (int p = 0; p < k; p++) sum = TMulAdd.Apply(a[(long)p * m + i], bRow[p], sum);
                else
                {
                    T* aRowStart = a + (long)i * k;
                    for (int p = 0; p < k; p++) sum = TMulAdd.Apply(aRowStart[p], bRow[p], sum);
                }
                c[(long)i * n + j] = sum;
            }
    }
}
