using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>
/// Products of a few rows of A (one example predicted, m ≤ <see cref="MaxRows"/>) by a large B, neither transposed:
/// B is read in place, row after row, never packed (packing a 784×128 B to use it once costs as much as the product),
/// and eight vectors of a row of C are summed side by side, so that the multiply-add latency is hidden where the plain
/// loop (<see cref="SmallGemm"/>, one vector at a time) waits on it.
/// </summary>
/// <remarks>
/// The same sums in the same order as <see cref="SmallGemm"/> and <see cref="PackedGemm"/>: each c[i,j] starts from
/// +0 and adds a(i,p)·b(p,j) for p ascending, each step rounded as TMulAdd says.
/// </remarks>
internal static class FewRowsGemm
{
    /// <summary>The most rows of A this kernel takes.</summary>
    public const int MaxRows = 4;

    /// <summary>True when this kernel takes c (m,n) = a (m,k) · b (k,n) (no transposes) on this processor.</summary>
    /// <remarks>Results narrower than two vectors go to the narrow kernel, whose rows of C are one register each.</remarks>
    public static bool Takes<T>(bool transA, bool transB, int m, int n) where T : unmanaged =>
        !transA && !transB && m <= MaxRows && (typeof(T) == typeof(float) || typeof(T) == typeof(double))
        && (Vector512.IsHardwareAccelerated ? n >= 2 * Vector512<T>.Count : Vector256.IsHardwareAccelerated && n >= 2 * Vector256<T>.Count);

    public static void Run<T, TMulAdd>(ref T a, ref T b, ref T c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        for (nint i = 0; i < m; i++)
        {
            ref T aI = ref Unsafe.Add(ref a, i * k);
            ref T cRow = ref Unsafe.Add(ref c, i * n);
            nint j = Vector512.IsHardwareAccelerated ? Row512<T, TMulAdd>(ref aI, ref b, ref cRow, k, n) : Row256<T, TMulAdd>(ref aI, ref b, ref cRow, k, n);
            for (; j < n; j++)
            {
                T sum = T.Zero;
                for (nint p = 0; p < k; p++) sum = TMulAdd.Apply(Unsafe.Add(ref aI, p), Unsafe.Add(ref b, p * n + j), sum);
                Unsafe.Add(ref cRow, j) = sum;
            }
        }
    }

    // The whole vectors of one row of C: eight at a time, then one at a time; returns the first column left.
    private static nint Row512<T, TMulAdd>(ref T aI, ref T b, ref T cRow, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        nint w = Vector512<T>.Count, j = 0;
        for (; j <= n - 8 * w; j += 8 * w)
        {
            Vector512<T> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (nint p = 0; p < k; p++)
            {
                var av = Vector512.Create(Unsafe.Add(ref aI, p));
                ref T row = ref Unsafe.Add(ref b, p * n + j);
                s0 = TMulAdd.Apply(av, Vector512.LoadUnsafe(ref row, 0), s0);
                s1 = TMulAdd.Apply(av, Vector512.LoadUnsafe(ref row, (nuint)w), s1);
                s2 = TMulAdd.Apply(av, Vector512.LoadUnsafe(ref row, (nuint)(2 * w)), s2);
                s3 = TMulAdd.Apply(av, Vector512.LoadUnsafe(ref row, (nuint)(3 * w)), s3);
                s4 = TMulAdd.Apply(av, Vector512.LoadUnsafe(ref row, (nuint)(4 * w)), s4);
                s5 = TMulAdd.Apply(av, Vector512.LoadUnsafe(ref row, (nuint)(5 * w)), s5);
                s6 = TMulAdd.Apply(av, Vector512.LoadUnsafe(ref row, (nuint)(6 * w)), s6);
                s7 = TMulAdd.Apply(av, Vector512.LoadUnsafe(ref row, (nuint)(7 * w)), s7);
            }
            ref T to = ref Unsafe.Add(ref cRow, j);
            s0.StoreUnsafe(ref to, 0); s1.StoreUnsafe(ref to, (nuint)w); s2.StoreUnsafe(ref to, (nuint)(2 * w)); s3.StoreUnsafe(ref to, (nuint)(3 * w));
            s4.StoreUnsafe(ref to, (nuint)(4 * w)); s5.StoreUnsafe(ref to, (nuint)(5 * w)); s6.StoreUnsafe(ref to, (nuint)(6 * w)); s7.StoreUnsafe(ref to, (nuint)(7 * w));
        }
        for (; j <= n - 2 * w; j += 2 * w)
        {
            Vector512<T> s0 = default, s1 = default;
            for (nint p = 0; p < k; p++)
            {
                var av = Vector512.Create(Unsafe.Add(ref aI, p));
                ref T row = ref Unsafe.Add(ref b, p * n + j);
                s0 = TMulAdd.Apply(av, Vector512.LoadUnsafe(ref row, 0), s0);
                s1 = TMulAdd.Apply(av, Vector512.LoadUnsafe(ref row, (nuint)w), s1);
            }
            s0.StoreUnsafe(ref cRow, (nuint)j);
            s1.StoreUnsafe(ref cRow, (nuint)(j + w));
        }
        for (; j <= n - w; j += w)
        {
            Vector512<T> s0 = default;
            for (nint p = 0; p < k; p++)
                s0 = TMulAdd.Apply(Vector512.Create(Unsafe.Add(ref aI, p)), Vector512.LoadUnsafe(ref b, (nuint)(p * n + j)), s0);
            s0.StoreUnsafe(ref cRow, (nuint)j);
        }
        return j;
    }

    private static nint Row256<T, TMulAdd>(ref T aI, ref T b, ref T cRow, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        nint w = Vector256<T>.Count, j = 0;
        for (; j <= n - 4 * w; j += 4 * w)
        {
            Vector256<T> s0 = default, s1 = default, s2 = default, s3 = default;
            for (nint p = 0; p < k; p++)
            {
                var av = Vector256.Create(Unsafe.Add(ref aI, p));
                ref T row = ref Unsafe.Add(ref b, p * n + j);
                s0 = TMulAdd.Apply(av, Vector256.LoadUnsafe(ref row, 0), s0);
                s1 = TMulAdd.Apply(av, Vector256.LoadUnsafe(ref row, (nuint)w), s1);
                s2 = TMulAdd.Apply(av, Vector256.LoadUnsafe(ref row, (nuint)(2 * w)), s2);
                s3 = TMulAdd.Apply(av, Vector256.LoadUnsafe(ref row, (nuint)(3 * w)), s3);
            }
            ref T to = ref Unsafe.Add(ref cRow, j);
            s0.StoreUnsafe(ref to, 0); s1.StoreUnsafe(ref to, (nuint)w); s2.StoreUnsafe(ref to, (nuint)(2 * w)); s3.StoreUnsafe(ref to, (nuint)(3 * w));
        }
        for (; j <= n - w; j += w)
        {
            Vector256<T> s0 = default;
            for (nint p = 0; p < k; p++)
                s0 = TMulAdd.Apply(Vector256.Create(Unsafe.Add(ref aI, p)), Vector256.LoadUnsafe(ref b, (nuint)(p * n + j)), s0);
            s0.StoreUnsafe(ref cRow, (nuint)j);
        }
        return j;
    }
}
