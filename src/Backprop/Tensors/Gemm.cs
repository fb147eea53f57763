using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Tensors;

/// <summary>
/// Matrix products on row-major spans, in the three forms backpropagation needs: A·B, Aᵀ·B (weight gradients)
/// and A·Bᵀ (deltas through the weights), the transposes read in place, never copied out.
/// </summary>
/// <remarks>
/// Every element of the result is summed over k in ascending order, starting from +0, each step rounded as the
/// <see cref="Compute"/>'s <see cref="Summation"/> for the element type says. The small-matrix loop, the narrow kernel
/// (results one vector wide) and the packed, cache-blocked SIMD kernel compute exactly that sequence, for any
/// blocking and any thread count (up to <see cref="Compute.Threads"/>), so a result does not depend on the size of
/// the product, the processor's vector width or the number of threads.
/// </remarks>
internal static class Gemm
{
    /// <summary>c (m,n) = a (m,k) · b (k,n).</summary>
    public static void Multiply<T>(Compute compute, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Run(a, false, b, false, c, m, k, n, compute.SummationOf<T>(), compute.Threads);
    }

    /// <summary>c (m,n) = aᵀ · b, where a is (k,m) and b is (k,n): the weight gradient inputᵀ · delta, without a transpose.</summary>
    public static void MultiplyTransposeA<T>(Compute compute, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Run(a, true, b, false, c, m, k, n, compute.SummationOf<T>(), compute.Threads);
    }

    /// <summary>c (m,n) = a · bᵀ, where a is (m,k) and b is (n,k): the backward delta · Wᵀ, without a transpose.</summary>
    public static void MultiplyTransposeB<T>(Compute compute, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Run(a, false, b, true, c, m, k, n, compute.SummationOf<T>(), compute.Threads);
    }

    // Below this many multiply-adds the packing costs more than it saves: the plain loop, same order, runs instead.
    // Above it, a few rows of A by B (no transposes, one example predicted) go to FewRowsGemm, results at most one
    // vector wide (10 classes) to NarrowGemm, the rest to PackedGemm.
    private const long SmallProduct = 32 * 32 * 32;

    /// <summary>c (m,n) = op(a) · op(b), rounded as <paramref name="mode"/> says, on up to <paramref name="threads"/> threads.</summary>
    internal static void Run<T>(ReadOnlySpan<T> a, bool transA, ReadOnlySpan<T> b, bool transB, Span<T> c, int m, int k, int n, Summation mode, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // (k, m) and (n, k) hold as many elements as (m, k) and (k, n): one check serves every form.
        if (a.Length != (long)m * k || b.Length != (long)k * n || c.Length != (long)m * n)
            ThrowLengths(a.Length, (long)m * k, b.Length, (long)k * n, c.Length, (long)m * n);
        if (m == 0 || n == 0) return;
        long work = (long)m * n * k;
        if (work < SmallProduct || !PackedGemm.Supported)
        {
            // Small products (a one-example step) go straight to the loop, operands in registers, nothing pinned.
            ref T ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b), rc = ref MemoryMarshal.GetReference(c);
            if (mode == Summation.Fused) SmallGemm.Run<T, Fused>(ref ra, transA, ref rb, transB, ref rc, m, k, n);
            else SmallGemm.Run<T, Separate>(ref ra, transA, ref rb, transB, ref rc, m, k, n);
            return;
        }
        if (FewRowsGemm.Takes<T>(transA, transB, m, n))
        {
            // One example (or a few) by a large B, as predicting one row: B read in place, not packed.
            ref T ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b), rc = ref MemoryMarshal.GetReference(c);
            if (mode == Summation.Fused) FewRowsGemm.Run<T, Fused>(ref ra, ref rb, ref rc, m, k, n);
            else FewRowsGemm.Run<T, Separate>(ref ra, ref rb, ref rc, m, k, n);
            return;
        }
        RunLarge(a, transA, b, transB, c, m, k, n, work, mode, threads);
    }

    // The packed kernels, on pinned operands: out of line, so that the small products' callers keep lean frames.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static unsafe void RunLarge<T>(ReadOnlySpan<T> a, bool transA, ReadOnlySpan<T> b, bool transB, Span<T> c, int m, int k, int n, long work, Summation mode, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* pa = a, pb = b, pc = c)
        {
            var operands = new Operands<T>(pa, transA, pb, transB, pc, m, k, n);
            bool narrow = NarrowGemm.Takes<T>(n);
            if (mode == Summation.Fused)
            {
                if (narrow) NarrowGemm.Run<T, Fused>(operands);
                else PackedGemm.Run<T, Fused>(operands, work, threads);
            }
            else if (narrow) NarrowGemm.Run<T, Separate>(operands);
            else PackedGemm.Run<T, Separate>(operands, work, threads);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn, System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ThrowLengths(int a, long aWanted, int b, long bWanted, int c, long cWanted) =>
        throw new ShapeMismatchException(
            $"Matrix product buffers have lengths {a}, {b}, {c}; the shapes need {aWanted}, {bWanted}, {cWanted}.");
}
