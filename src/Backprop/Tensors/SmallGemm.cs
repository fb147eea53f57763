using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Tensors;

/// <summary>The plain triple loop, for products too small to be worth packing: each element summed over k from +0, each step rounded as TMulAdd says.</summary>
/// <remarks>
/// It reads through references rather than pinned pointers, so that a caller that inlines it (a one-example step
/// inlines it into the dense layer) needs no pinned locals in its frame.
/// </remarks>
internal static class SmallGemm
{
    public static unsafe void Run<T, TMulAdd>(in Operands<T> o) where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
        => Run<T, TMulAdd>(ref Unsafe.AsRef<T>(o.PA), o.TransA, ref Unsafe.AsRef<T>(o.PB), o.TransB, ref Unsafe.AsRef<T>(o.PC), o.M, o.K, o.N);

    public static void Run<T, TMulAdd>(ref T a, bool transA, ref T b, bool transB, ref T c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        // A transpose only changes the layout when both sides are longer than 1: a (1,k) row read as (k,1) is the
        // same memory. Each case reads its operands in memory order where it can; all sum c[i,j] over p ascending from +0.
        transA = transA && m > 1 && k > 1;
        transB = transB && k > 1 && n > 1;
        nint aRow = transA ? 1 : k, aCol = transA ? m : 1;
        if (k == 1)
        {
            // An outer product (a weight gradient of one example): c[i,j] = +0 + a[i]·b[j], whatever the layout.
            for (nint i = 0; i < m; i++)
            {
                T ai = Unsafe.Add(ref a, i);
                ref T cRow = ref Unsafe.Add(ref c, i * n);
                nint j = 0;
                if (Vector.IsHardwareAccelerated)
                    for (var s = new Vector<T>(ai); j <= n - Vector<T>.Count; j += Vector<T>.Count)
                        TMulAdd.Apply(s, Vector.LoadUnsafe(ref b, (nuint)j), Vector<T>.Zero).StoreUnsafe(ref cRow, (nuint)j);
                for (; j < n; j++) Unsafe.Add(ref cRow, j) = TMulAdd.Apply(ai, Unsafe.Add(ref b, j), T.Zero);
            }
            return;
        }
        if (!transB)
        {
            // c[i, j..j+W] = sum over p of a(i,p) * b[p, j..j+W]: rows of b are contiguous, W sums at a time in a register.
            for (nint i = 0; i < m; i++)
            {
                ref T aI = ref Unsafe.Add(ref a, i * aRow);
                ref T cRow = ref Unsafe.Add(ref c, i * n);
                nint j = 0;
                if (Vector.IsHardwareAccelerated)
                    for (; j <= n - Vector<T>.Count; j += Vector<T>.Count)
                    {
                        var sum = Vector<T>.Zero;
                        for (nint p = 0; p < k; p++)
                            sum = TMulAdd.Apply(new Vector<T>(Unsafe.Add(ref aI, p * aCol)), Vector.LoadUnsafe(ref b, (nuint)(p * n + j)), sum);
                        sum.StoreUnsafe(ref cRow, (nuint)j);
                    }
                for (; j < n; j++)
                {
                    T sum = T.Zero;
                    for (nint p = 0; p < k; p++) sum = TMulAdd.Apply(Unsafe.Add(ref aI, p * aCol), Unsafe.Add(ref b, p * n + j), sum);
                    Unsafe.Add(ref cRow, j) = sum;
                }
            }
            return;
        }
        // c[i,j] = a(i,:) · b[j,:]: rows of b (columns of op(b)) are contiguous.
        for (nint i = 0; i < m; i++)
            for (nint j = 0; j < n; j++)
            {
                ref T bRow = ref Unsafe.Add(ref b, j * k);
                T sum = T.Zero;
                if (transA) for (nint p = 0; p < k; p++) sum = TMulAdd.Apply(Unsafe.Add(ref a, p * m + i), Unsafe.Add(ref bRow, p), sum);
                else
                {
                    ref T aRowStart = ref Unsafe.Add(ref a, i * k);
                    for (nint p = 0; p < k; p++) sum = TMulAdd.Apply(Unsafe.Add(ref aRowStart, p), Unsafe.Add(ref bRow, p), sum);
                }
                Unsafe.Add(ref c, i * n + j) = sum;
            }
    }
}
