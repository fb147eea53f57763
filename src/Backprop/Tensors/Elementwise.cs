using System.Numerics;

namespace Backprop;

/// <summary>Element-wise kernels on spans that numpy's results depend on to the last digit.</summary>
public static class Elementwise
{
    /// <summary>
    /// numpy's float summation: +0 plus numpy's pairwise sum (8 running partial sums in blocks of up to 128,
    /// halves above that), so a loss summed here prints the same digits as <c>np.sum</c>.
    /// </summary>
    public static T PairwiseSum<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
        => T.Zero + Pairwise(values);

    private static T Pairwise<T>(ReadOnlySpan<T> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Length;
        if (n < 8)
        {
            T res = T.Zero;
            for (int i = 0; i < n; i++) res += a[i];
            return res;
        }
        if (n <= 128)
        {
            T r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            int i = 8;
            for (; i < n - n % 8; i += 8)
            {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3];
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7];
            }
            T res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) res += a[i];
            return res;
        }
        int half = n / 2;
        half -= half % 8;
        return Pairwise(a[..half]) + Pairwise(a[half..]);
    }

    /// <summary>destination[i] += x[i].</summary>
    public static void Add<T>(Span<T> destination, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.Length != x.Length)
            throw new ShapeMismatchException($"Cannot add {x.Length} values to {destination.Length}.");
        for (int i = 0; i < destination.Length; i++) destination[i] += x[i];
    }

    /// <summary>destination[i] = a[i] - b[i].</summary>
    public static void Subtract<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Length != b.Length || a.Length != destination.Length)
            throw new ShapeMismatchException($"Cannot subtract {b.Length} values from {a.Length} into {destination.Length}.");
        for (int i = 0; i < destination.Length; i++) destination[i] = a[i] - b[i];
    }

    /// <summary>values[i] /= divisor (a division, not a multiplication by the reciprocal, as numpy's <c>/</c>).</summary>
    public static void Divide<T>(Span<T> values, T divisor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++) values[i] /= divisor;
    }
}
