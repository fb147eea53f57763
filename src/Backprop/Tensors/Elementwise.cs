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

    // Each kernel below runs whole Vector<T> blocks, then the scalar tail, with the same operation in both, in the
    // same order (a multiply and an add stay two operations): the result is the scalar loop's, bit for bit.

    /// <summary>destination[i] += x[i].</summary>
    public static void Add<T>(Span<T> destination, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.Length != x.Length)
            throw new ShapeMismatchException($"Cannot add {x.Length} values to {destination.Length}.");
        int i = 0;
        for (; i <= destination.Length - Vector<T>.Count; i += Vector<T>.Count)
            (new Vector<T>(destination[i..]) + new Vector<T>(x[i..])).CopyTo(destination[i..]);
        for (; i < destination.Length; i++) destination[i] += x[i];
    }

    /// <summary>destination[i] = a[i] - b[i].</summary>
    public static void Subtract<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Length != b.Length || a.Length != destination.Length)
            throw new ShapeMismatchException($"Cannot subtract {b.Length} values from {a.Length} into {destination.Length}.");
        int i = 0;
        for (; i <= destination.Length - Vector<T>.Count; i += Vector<T>.Count)
            (new Vector<T>(a[i..]) - new Vector<T>(b[i..])).CopyTo(destination[i..]);
        for (; i < destination.Length; i++) destination[i] = a[i] - b[i];
    }

    /// <summary>values[i] /= divisor (a division, not a multiplication by the reciprocal, as numpy's <c>/</c>).</summary>
    public static void Divide<T>(Span<T> values, T divisor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        var d = new Vector<T>(divisor);
        for (; i <= values.Length - Vector<T>.Count; i += Vector<T>.Count)
            (new Vector<T>(values[i..]) / d).CopyTo(values[i..]);
        for (; i < values.Length; i++) values[i] /= divisor;
    }

    /// <summary>values[i] -= scale * x[i]: the notes' <c>weights -= alpha * weight_delta</c>.</summary>
    public static void SubtractScaled<T>(Span<T> values, T scale, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.Length != x.Length)
            throw new ShapeMismatchException($"Cannot update {values.Length} values from {x.Length}.");
        int i = 0;
        var s = new Vector<T>(scale);
        for (; i <= values.Length - Vector<T>.Count; i += Vector<T>.Count)
            (new Vector<T>(values[i..]) - s * new Vector<T>(x[i..])).CopyTo(values[i..]);
        for (; i < values.Length; i++) values[i] -= scale * x[i];
    }

    /// <summary>values[i] += scale * x[i].</summary>
    public static void AddScaled<T>(Span<T> values, T scale, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.Length != x.Length)
            throw new ShapeMismatchException($"Cannot update {values.Length} values from {x.Length}.");
        int i = 0;
        var s = new Vector<T>(scale);
        for (; i <= values.Length - Vector<T>.Count; i += Vector<T>.Count)
            (new Vector<T>(values[i..]) + s * new Vector<T>(x[i..])).CopyTo(values[i..]);
        for (; i < values.Length; i++) values[i] += scale * x[i];
    }

    /// <summary>
    /// destination[i] = x[i] * (mask[i] &gt; 0 ? 1 : 0): relu as the notes write it, <c>(x &gt; 0) * x</c> (pass x as the
    /// mask), and its backward step <c>delta * relu2deriv(output)</c>. A multiply, not a select, so -0 stays as numpy has it.
    /// </summary>
    public static void MultiplyByPositive<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> mask, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length != mask.Length || x.Length != destination.Length)
            throw new ShapeMismatchException($"Cannot mask {x.Length} values by {mask.Length} into {destination.Length}.");
        int i = 0;
        var one = Vector<T>.One;
        for (; i <= destination.Length - Vector<T>.Count; i += Vector<T>.Count)
        {
            var positive = Vector.ConditionalSelect(Vector.GreaterThan(new Vector<T>(mask[i..]), Vector<T>.Zero), one, Vector<T>.Zero);
            (positive * new Vector<T>(x[i..])).CopyTo(destination[i..]);
        }
        for (; i < destination.Length; i++) destination[i] = (mask[i] > T.Zero ? T.One : T.Zero) * x[i];
    }
}
