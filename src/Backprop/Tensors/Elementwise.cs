using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Tensors;

/// <summary>Element-wise kernels on spans that numpy's results depend on to the last digit.</summary>
internal static class Elementwise
{
    /// <summary>
    /// numpy's float summation: +0 plus numpy's pairwise sum (8 running partial sums in blocks of up to 128,
    /// halves above that), so a loss summed here prints the same digits as <c>np.sum</c>.
    /// </summary>
    public static T PairwiseSum<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
        => T.Zero + Pairwise<T, Identity<T>>(values, values);

    /// <summary>
    /// <c>np.sum((a - b) ** 2)</c> to the last digit: each square is what numpy's temporary array would hold, summed in
    /// numpy's pairwise order, without the temporary.
    /// </summary>
    public static T PairwiseSumOfSquaredDifferences<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Length != b.Length) Throw("Cannot subtract {0} values from {1}.", b.Length, a.Length);
        return T.Zero + Pairwise<T, SquaredDifference<T>>(a, b);
    }

    // The value summed at index i: a[i] (a plain sum) or (a[i] - b[i])² (squared error).
    private interface ITerm<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        static abstract T At(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int i);
    }

    private readonly struct Identity<T> : ITerm<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static T At(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int i) => a[i];
    }

    private readonly struct SquaredDifference<T> : ITerm<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static T At(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int i)
        {
            T e = a[i] - b[i];
            return e * e;
        }
    }

    private static T Pairwise<T, TTerm>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T> where TTerm : ITerm<T>
    {
        int n = a.Length;
        if (n < 8)
        {
            T res = T.Zero;
            for (int i = 0; i < n; i++) res += TTerm.At(a, b, i);
            return res;
        }
        if (n <= 128)
        {
            T r0 = TTerm.At(a, b, 0), r1 = TTerm.At(a, b, 1), r2 = TTerm.At(a, b, 2), r3 = TTerm.At(a, b, 3);
            T r4 = TTerm.At(a, b, 4), r5 = TTerm.At(a, b, 5), r6 = TTerm.At(a, b, 6), r7 = TTerm.At(a, b, 7);
            int i = 8;
            for (; i < n - n % 8; i += 8)
            {
                r0 += TTerm.At(a, b, i); r1 += TTerm.At(a, b, i + 1); r2 += TTerm.At(a, b, i + 2); r3 += TTerm.At(a, b, i + 3);
                r4 += TTerm.At(a, b, i + 4); r5 += TTerm.At(a, b, i + 5); r6 += TTerm.At(a, b, i + 6); r7 += TTerm.At(a, b, i + 7);
            }
            T res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) res += TTerm.At(a, b, i);
            return res;
        }
        int half = n / 2;
        half -= half % 8;
        return Pairwise<T, TTerm>(a[..half], b[..half]) + Pairwise<T, TTerm>(a[half..], b[half..]);
    }

    // Each kernel below runs whole Vector<T> blocks, then the scalar tail, with the same operation in both, in the
    // same order (a multiply and an add stay two operations): the result is the scalar loop's, bit for bit.
    // Lengths are checked once up front, so the loops load and store without further checks.

    /// <summary>values[i] -= scale * x[i]: the notes' <c>weights -= alpha * weight_delta</c>.</summary>
    /// <remarks>The same as adding (-scale) * x[i], bit for bit: negation is exact, and v - p is v + (-p) in IEEE arithmetic.</remarks>
    public static void SubtractScaled<T>(Span<T> values, T scale, ReadOnlySpan<T> x, Compute? compute = null) where T : unmanaged, IFloatingPointIeee754<T>
        => AddScaled(values, -scale, x, compute);

    /// <summary>values[i] += scale * x[i].</summary>
    /// <remarks>
    /// Long spans (a layer's weights) are split between two threads when <paramref name="compute"/> allows more than
    /// one (without it, one thread); each element's result is the same.
    /// </remarks>
    public static void AddScaled<T>(Span<T> values, T scale, ReadOnlySpan<T> x, Compute? compute = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.Length != x.Length) Throw("Cannot update {0} values from {1}.", values.Length, x.Length);
        if (values.Length >= ParallelAddScaled<T>.MinLength && compute is { Threads: > 1 } && ParallelAddScaled<T>.TryRun(values, scale, x)) return;
        AddScaledPart(values, scale, x);
    }

    private static void AddScaledPart<T>(Span<T> values, T scale, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T v = ref MemoryMarshal.GetReference(values);
        ref T g = ref MemoryMarshal.GetReference(x);
        var sv = new Vector<T>(scale);
        nuint n = (nuint)values.Length, i = 0;
        for (; i + (nuint)Vector<T>.Count <= n; i += (nuint)Vector<T>.Count)
            (Vector.LoadUnsafe(ref v, i) + sv * Vector.LoadUnsafe(ref g, i)).StoreUnsafe(ref v, i);
        for (; i < n; i++) Unsafe.Add(ref v, i) += scale * Unsafe.Add(ref g, i);
    }

    /// <summary>
    /// destination[i] = x[i] * (mask[i] &gt; 0 ? 1 : 0): relu as the notes write it, <c>(x &gt; 0) * x</c> (pass x as the
    /// mask), and its backward step <c>delta * relu2deriv(output)</c>. A multiply, not a select, so -0 stays as numpy has it.
    /// </summary>
    public static void MultiplyByPositive<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> mask, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length != mask.Length || x.Length != destination.Length)
            Throw("Cannot mask {0} values by {1} into {2}.", x.Length, mask.Length, destination.Length);
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ms = ref MemoryMarshal.GetReference(mask);
        ref T d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)destination.Length, i = 0;
        var one = Vector<T>.One;
        for (; i + (nuint)Vector<T>.Count <= n; i += (nuint)Vector<T>.Count)
        {
            var positive = Vector.ConditionalSelect(Vector.GreaterThan(Vector.LoadUnsafe(ref ms, i), Vector<T>.Zero), one, Vector<T>.Zero);
            (positive * Vector.LoadUnsafe(ref xs, i)).StoreUnsafe(ref d, i);
        }
        for (; i < n; i++) Unsafe.Add(ref d, i) = (Unsafe.Add(ref ms, i) > T.Zero ? T.One : T.Zero) * Unsafe.Add(ref xs, i);
    }

    /// <summary>
    /// True when some value is above 0 (-0, NaN and negative values are not): whether a relu layer's output has a unit
    /// on. Stops at the first such value.
    /// </summary>
    public static bool AnyPositive<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T v = ref MemoryMarshal.GetReference(values);
        nuint n = (nuint)values.Length, i = 0;
        for (; i + (nuint)Vector<T>.Count <= n; i += (nuint)Vector<T>.Count)
            if (Vector.GreaterThanAny(Vector.LoadUnsafe(ref v, i), Vector<T>.Zero)) return true;
        for (; i < n; i++)
            if (Unsafe.Add(ref v, i) > T.Zero) return true;
        return false;
    }

    // values += scale * x on two threads, as a job for the worker pool (pinned pointers: a call allocates nothing).
    private readonly unsafe struct ParallelAddScaled<T>(T* values, T scale, T* x, int length) : IParallelJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public const int MinLength = 1 << 16;

        public void Run(int part, int parts)
        {
            int from = (int)((long)length * part / parts), to = (int)((long)length * (part + 1) / parts);
            AddScaledPart(new Span<T>(values + from, to - from), scale, new ReadOnlySpan<T>(x + from, to - from));
        }

        public static bool TryRun(Span<T> values, T scale, ReadOnlySpan<T> x)
        {
            fixed (T* v = values, g = x)
            {
                var job = new ParallelAddScaled<T>(v, scale, g, values.Length);
                return WorkerPool.Shared.TryRun(2, ref job);
            }
        }
    }

    // The message is built here, not at the call: an interpolated string at each check would be inlined into every
    // caller, and its frame and locals cost a one-example training step more than the arithmetic does.
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(string format, int a, int b, int c = 0) =>
        throw new ShapeMismatchException(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, a, b, c));
}
