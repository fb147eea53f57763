using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>
/// e^x, the logistic function and tanh, element by element, with the same bits at every vector width (Vector512,
/// Vector256, Vector128, one element at a time, no SIMD at all), float32 and float64: a network trains to the same
/// weights whichever instruction sets the processor has (x64 with or without AVX-512, ARM64's 128-bit vectors).
/// </summary>
/// <remarks>
/// <para>
/// One kernel, written once over <see cref="ILanes{TV, T}"/>, runs the vector loops and the scalar tail. It uses only
/// operations IEEE 754 rounds exactly (+, -, *, / and the fused multiply-add, which the runtime emulates with one
/// rounding where the hardware lacks it), comparisons and selects, and integer arithmetic on the bit patterns for 2^k.
/// <see cref="System.Numerics.Tensors.TensorPrimitives"/>' Exp, Sigmoid and Tanh differ in the last bit between their
/// vector and scalar paths and between vector widths, so training without SIMD gave other weights.
/// </para>
/// <para>
/// e^x: x = k ln2 + r with k = round(x log2 e) and |r| ≤ ln2/2 (Cody-Waite: ln2 in two parts, the first product exact
/// under the fused multiply-add); e^r = 1 + r + r² g(r), g a minimax polynomial of degree 4 (float32) or 9 (float64),
/// relative error 3.8e-9 and 1.1e-17 with its coefficients rounded (tools/exp_minimax.py computes them), evaluated by
/// Horner's rule with fused multiply-adds; then times 2^k: one power of two where every lane's result is a normal
/// number, two (2^floor(k/2) · 2^(k - floor(k/2))) otherwise, so that k = 128 (or 1024) and subnormal results need
/// no other path; both give the same bits for a normal result. Results overflow to +∞, underflow to subnormals and then
/// 0 (rounded once from the scaled value), NaN stays NaN, e^+∞ = +∞, e^-∞ = +0, e^±0 = 1.
/// </para>
/// <para>
/// The logistic function is 1 / (1 + e^-x) with this e^x (0 below x = -88.7 in float32, -709.8 in float64, where the
/// exact value is subnormal). tanh is copysign(t / (-2 - t), x) with t = e^(-2|x|) - 1 computed as
/// 2^k (1 + q) - 1 = fma(2^k, q, 2^k - 1), q = r + r² g(r), and the rounding error of -2 - t folded back into the
/// quotient, which keeps the relative accuracy as x goes to 0 (tanh x = x for tiny x, tanh(±0) = ±0).
/// </para>
/// <para>
/// Accuracy measured (ElementMathTests checks these bounds on random and edge inputs): e^x within 1 ulp of
/// <see cref="MathF.Exp"/> for every float32 in [-104, 89] (all 2.24e9 of them, subnormal results included; 99.2% the
/// same) and within 1 ulp of <see cref="Math.Exp"/> and of the correctly rounded value (mpmath) in float64. The logistic
/// function (where its value is a normal number) and tanh within 2 ulps of the correctly rounded value: float32 over
/// every float (tanh: 2 ulps for 0.0035% of them), float64 on random inputs.
/// </para>
/// </remarks>
internal static class ElementMath
{
    /// <summary>destination[i] = e^x[i]. The spans have one length; they may be the same span, but not overlap otherwise.</summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => Apply<T, ExpFunction>(x, destination, 512);

    /// <summary>destination[i] = 1 / (1 + e^-x[i]), the logistic function.</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => Apply<T, SigmoidFunction>(x, destination, 512);

    /// <summary>destination[i] = tanh x[i].</summary>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => Apply<T, TanhFunction>(x, destination, 512);

    /// <summary>e^x, the same bits as the span form gives for x.</summary>
    public static T Exp<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => One<T, ExpFunction>(x);

    /// <summary>1 / (1 + e^-x), the same bits as the span form gives for x.</summary>
    public static T Sigmoid<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => One<T, SigmoidFunction>(x);

    /// <summary>tanh x, the same bits as the span form gives for x.</summary>
    public static T Tanh<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => One<T, TanhFunction>(x);

    // The span forms with vectors no wider than widestBits (512, 256, 128; 0 for the scalar loop alone), for the tests
    // that compare every width with every other.
    internal static void Exp<T>(ReadOnlySpan<T> x, Span<T> destination, int widestBits) where T : unmanaged, IFloatingPointIeee754<T>
        => Apply<T, ExpFunction>(x, destination, widestBits);

    internal static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> destination, int widestBits) where T : unmanaged, IFloatingPointIeee754<T>
        => Apply<T, SigmoidFunction>(x, destination, widestBits);

    internal static void Tanh<T>(ReadOnlySpan<T> x, Span<T> destination, int widestBits) where T : unmanaged, IFloatingPointIeee754<T>
        => Apply<T, TanhFunction>(x, destination, widestBits);

    private static T One<T, TFunction>(T x) where T : unmanaged, IFloatingPointIeee754<T> where TFunction : IFunction
    {
        if (typeof(T) == typeof(float))
            return Unsafe.BitCast<float, T>(TFunction.Apply<float, float, Lanes1<float>, SingleConstants>(Unsafe.BitCast<T, float>(x)));
        if (typeof(T) == typeof(double))
            return Unsafe.BitCast<double, T>(TFunction.Apply<double, double, Lanes1<double>, DoubleConstants>(Unsafe.BitCast<T, double>(x)));
        throw new NotSupportedException($"ElementMath works on float and double, not {typeof(T).Name}.");
    }

    private static void Apply<T, TFunction>(ReadOnlySpan<T> x, Span<T> destination, int widestBits)
        where T : unmanaged, IFloatingPointIeee754<T> where TFunction : IFunction
    {
        if (x.Length != destination.Length)
            throw new ArgumentException($"{x.Length} inputs and room for {destination.Length} results: the lengths must be the same.", nameof(destination));
        if (x.Overlaps(destination, out int offset) && offset != 0)
            throw new ArgumentException("The input and the destination overlap without being the same span.", nameof(destination));
        if (typeof(T) == typeof(float))
            Run<float, TFunction, SingleConstants>(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(destination), widestBits);
        else if (typeof(T) == typeof(double))
            Run<double, TFunction, DoubleConstants>(MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(destination), widestBits);
        else
            throw new NotSupportedException($"ElementMath works on float and double, not {typeof(T).Name}.");
    }

    // The widest vectors first, then each narrower width once, then the scalar tail: every element gets the same
    // operations whichever loop takes it. Each block is loaded before it is stored, so x and destination may be one span.
    // Not inlined: inlined into a caller the four loops and their kernels exceed the JIT's inlining budget, and a kernel
    // left as a call per vector runs 4 times slower.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Run<T, TFunction, TConstants>(ReadOnlySpan<T> x, Span<T> destination, int widestBits)
        where T : unmanaged, IFloatingPointIeee754<T> where TFunction : IFunction where TConstants : IConstants<T>
    {
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)x.Length, i = 0;
        if (widestBits >= 512 && Vector512.IsHardwareAccelerated) Loop<T, Vector512<T>, Lanes512<T>, TFunction, TConstants>(ref xs, ref ys, ref i, n);
        if (widestBits >= 256 && Vector256.IsHardwareAccelerated) Loop<T, Vector256<T>, Lanes256<T>, TFunction, TConstants>(ref xs, ref ys, ref i, n);
        if (widestBits >= 128 && Vector128.IsHardwareAccelerated) Loop<T, Vector128<T>, Lanes128<T>, TFunction, TConstants>(ref xs, ref ys, ref i, n);
        Loop<T, T, Lanes1<T>, TFunction, TConstants>(ref xs, ref ys, ref i, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Loop<T, TV, TLanes, TFunction, TConstants>(ref T x, ref T y, ref nuint i, nuint n)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : ILanes<TV, T> where TFunction : IFunction where TConstants : IConstants<T>
    {
        nuint count = (nuint)TLanes.Count;
        for (; i + count <= n; i += count)
            TLanes.Store(TFunction.Apply<T, TV, TLanes, TConstants>(TLanes.Load(ref x, i)), ref y, i);
    }

    // ---- the kernels ----

    // k and r with x = k ln2 + r: t = S + k (S = 1.5 · 2^mantissa bits, so t's bit pattern is S's plus k), r reduced
    // with ln2 = hi + lo, hi = ln2 rounded: k · hi is exact inside the fma and x - k · hi is a float (|r| < 1/2, on the
    // grid of x's and hi's last bits), so only the lo step rounds.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Reduce<T, TV, TLanes, TConstants>(TV x, out TV r)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : ILanes<TV, T> where TConstants : IConstants<T>
    {
        TV t = TLanes.FusedMultiplyAdd(x, TLanes.Create(TConstants.Log2E), TLanes.Create(TConstants.Shifter));
        TV k = TLanes.Subtract(t, TLanes.Create(TConstants.Shifter));
        r = TLanes.FusedMultiplyAdd(k, TLanes.Create(TConstants.MinusLn2Hi), x);
        r = TLanes.FusedMultiplyAdd(k, TLanes.Create(TConstants.MinusLn2Lo), r);
        return t;
    }

    // e^r - 1 = r + r² g(r), g by Horner's rule.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpMinusOne<T, TV, TLanes, TConstants>(TV r)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : ILanes<TV, T> where TConstants : IConstants<T>
        => TLanes.FusedMultiplyAdd(TConstants.G<TV, TLanes>(r), TLanes.Multiply(r, r), r);

    // e^x. When every lane's e^x is a normal number (|x| < 87 or 708: nearly always) 2^k is one normal number and
    // p · 2^k is exact; otherwise ExpOfAny, which gives the same bits for those lanes and handles the rest. Which path
    // a vector takes changes no lane's result.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpOf<T, TV, TLanes, TConstants>(TV x)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : ILanes<TV, T> where TConstants : IConstants<T>
    {
        TV sign = TLanes.FromBits(TConstants.SignBit);
        if (TLanes.LessThanAll(TLanes.Xor(TLanes.Or(x, sign), sign), TLanes.Create(TConstants.ExpNormal))) // |x| < limit; NaN fails
        {
            // 2^k: t's bits are S + k, plus ScaleBias = the biased exponent k + bias, moved into place.
            TV t = Reduce<T, TV, TLanes, TConstants>(x, out TV r);
            TV p = TLanes.Add(TLanes.Create(T.One), ExpMinusOne<T, TV, TLanes, TConstants>(r));
            TV s = TLanes.ShiftLeftBits(TLanes.AddBits(t, TLanes.FromBits(TConstants.ScaleBias)), TConstants.MantissaBits);
            return TLanes.Multiply(p, s);
        }
        return ExpOfAny<T, TV, TLanes, TConstants>(x);
    }

    // e^x for any x, the same bits as ExpOf gives where e^x is normal.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpOfAny<T, TV, TLanes, TConstants>(TV x)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : ILanes<TV, T> where TConstants : IConstants<T>
    {
        // Clamped (a compare and a select: NaN passes untouched) to where e^x is 0 after rounding, below, and +∞, above.
        TV low = TLanes.Create(TConstants.ExpLow), high = TLanes.Create(TConstants.ExpHigh);
        x = TLanes.ConditionalSelect(TLanes.LessThan(x, low), low, x);
        x = TLanes.ConditionalSelect(TLanes.LessThan(high, x), high, x);
        TV t = Reduce<T, TV, TLanes, TConstants>(x, out TV r);
        TV p = TLanes.Add(TLanes.Create(T.One), ExpMinusOne<T, TV, TLanes, TConstants>(r));
        // 2^k = 2^floor(k/2) · 2^(k - floor(k/2)), both normal numbers for every k the clamp allows; t's bits are S + k,
        // S even, so (S + k) >> 1 = S/2 + floor(k/2). p · 2^floor(k/2) is exact; the second product rounds once (and
        // is exact, as above, where the result is normal).
        TV half = TLanes.ShiftRightLogicalBits(t, 1);
        TV bias = TLanes.FromBits(TConstants.HalfScaleBias);
        TV s1 = TLanes.ShiftLeftBits(TLanes.AddBits(half, bias), TConstants.MantissaBits);
        TV s2 = TLanes.ShiftLeftBits(TLanes.AddBits(TLanes.SubtractBits(t, half), bias), TConstants.MantissaBits);
        return TLanes.Multiply(TLanes.Multiply(p, s1), s2);
    }

    private interface IFunction
    {
        static abstract TV Apply<T, TV, TLanes, TConstants>(TV x)
            where T : unmanaged, IFloatingPointIeee754<T> where TLanes : ILanes<TV, T> where TConstants : IConstants<T>;
    }

    private readonly struct ExpFunction : IFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<T, TV, TLanes, TConstants>(TV x)
            where T : unmanaged, IFloatingPointIeee754<T> where TLanes : ILanes<TV, T> where TConstants : IConstants<T>
            => ExpOf<T, TV, TLanes, TConstants>(x);
    }

    private readonly struct SigmoidFunction : IFunction
    {
        // 1 / (1 + e^-x): -x flips the sign bit. x = -∞ gives 1/∞ = 0, x = +∞ gives 1, NaN gives NaN.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<T, TV, TLanes, TConstants>(TV x)
            where T : unmanaged, IFloatingPointIeee754<T> where TLanes : ILanes<TV, T> where TConstants : IConstants<T>
        {
            TV one = TLanes.Create(T.One);
            TV e = ExpOf<T, TV, TLanes, TConstants>(TLanes.Xor(x, TLanes.FromBits(TConstants.SignBit)));
            return TLanes.Divide(one, TLanes.Add(one, e));
        }
    }

    private readonly struct TanhFunction : IFunction
    {
        // tanh |x| = -t / (t + 2) = t / (-2 - t), t = e^(-2|x|) - 1 in (-1, 0]; then x's sign. Past |x| = 20 tanh
        // rounds to 1 in float64 as in float32 (1 - tanh x < 2e^-40 < 2^-54), so |x| is clamped there: 2^k stays normal.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<T, TV, TLanes, TConstants>(TV x)
            where T : unmanaged, IFloatingPointIeee754<T> where TLanes : ILanes<TV, T> where TConstants : IConstants<T>
        {
            TV sign = TLanes.FromBits(TConstants.SignBit);
            TV a = TLanes.Xor(TLanes.Or(x, sign), sign);                   // |x|
            TV high = TLanes.Create(T.CreateTruncating(20));
            a = TLanes.ConditionalSelect(TLanes.LessThan(high, a), high, a);  // NaN passes
            TV y = TLanes.Multiply(a, TLanes.Create(-T.CreateTruncating(2))); // -2|x|, exact
            TV t = Reduce<T, TV, TLanes, TConstants>(y, out TV r);
            TV q = ExpMinusOne<T, TV, TLanes, TConstants>(r);
            // e^y - 1 = 2^k (1 + q) - 1 = fma(2^k, q, 2^k - 1): 2^k - 1 is exact for the k that matter (k > -25 in
            // float32), and the fma rounds once, so t keeps its relative accuracy as y goes to 0 (k = 0: t = q).
            TV s = TLanes.ShiftLeftBits(TLanes.AddBits(t, TLanes.FromBits(TConstants.ScaleBias)), TConstants.MantissaBits);
            TV em1 = TLanes.FusedMultiplyAdd(s, q, TLanes.Subtract(s, TLanes.Create(T.One)));
            // m = t / D, D = -2 - t. D rounded to d loses t's last bits (tanh x would lose x's last bit for small x),
            // so d's error E = t + (d + 2) is kept (exact: Fast2Sum, |t| ≤ 1 < 2) and the quotient corrected once:
            // D = d - E, m = m0 + (t - m0 D) / D with t - m0 D = fma(-m0, d, t) + m0 E (the first term exact) and 1/D
            // taken from a line through [-2, -1] (1/d ≈ -24/17 - 8d/17, within 6%: the correction is under an ulp).
            TV two = TLanes.Create(T.CreateTruncating(2));
            TV d = TLanes.Subtract(TLanes.Create(-T.CreateTruncating(2)), em1);
            TV error = TLanes.Add(em1, TLanes.Add(d, two));
            TV m0 = TLanes.Divide(em1, d);
            TV residual = TLanes.FusedMultiplyAdd(m0, error, TLanes.FusedMultiplyAdd(TLanes.Subtract(TLanes.Create(T.Zero), m0), d, em1));
            TV reciprocal = TLanes.FusedMultiplyAdd(d, TLanes.Create(T.CreateTruncating(-8.0 / 17)), TLanes.Create(T.CreateTruncating(-24.0 / 17)));
            TV m = TLanes.FusedMultiplyAdd(residual, reciprocal, m0);
            // m ≥ 0 but -0 for x = ±0; copysign(m, x) = (m without its sign) | (x's sign)
            return TLanes.Or(TLanes.Xor(TLanes.Or(m, sign), sign), TLanes.And(x, sign));
        }
    }

    // The format's constants and polynomial.
    private interface IConstants<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        static abstract T Log2E { get; }
        static abstract T Shifter { get; }          // S = 1.5 · 2^MantissaBits
        static abstract T MinusLn2Hi { get; }       // -ln2 rounded
        static abstract T MinusLn2Lo { get; }       // -(ln2 - hi) rounded
        static abstract T ExpLow { get; }           // e^x rounds to 0 at and below
        static abstract T ExpHigh { get; }          // e^x overflows at and above
        static abstract T ExpNormal { get; }        // e^x is a normal number for |x| below
        static abstract int MantissaBits { get; }
        static abstract long SignBit { get; }
        static abstract long ScaleBias { get; }     // exponent bias - bits(S): bits(t) + this = the biased exponent of 2^k
        static abstract long HalfScaleBias { get; } // exponent bias - bits(S)/2

        // g(r) = (e^r - 1 - r) / r², minimax on |r| ≤ 0.3466 for the relative error of e^r.
        static abstract TV G<TV, TLanes>(TV r) where TLanes : ILanes<TV, T>;
    }

    private readonly struct SingleConstants : IConstants<float>
    {
        public static float Log2E => 1.44269502f;               // 0x3FB8AA3B
        public static float Shifter => 12582912f;               // 0x4B400000
        public static float MinusLn2Hi => -0.693147182f;        // 0xBF317218
        public static float MinusLn2Lo => 1.90465421e-09f;
        public static float ExpLow => -104f;                    // e^-104 < 2^-150, half the least subnormal
        public static float ExpHigh => 89f;                     // e^89 > float.MaxValue
        public static float ExpNormal => 87f;                   // e^-87 > 2^-126
        public static int MantissaBits => 23;
        public static long SignBit => unchecked((int)0x80000000);
        public static long ScaleBias => 127 - 0x4B400000;
        public static long HalfScaleBias => 127 - 0x25A00000;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV G<TV, TLanes>(TV r) where TLanes : ILanes<TV, float>
        {
            TV g = TLanes.FusedMultiplyAdd(TLanes.Create(0.0013814602280035615f), r, TLanes.Create(0.008368715643882751f));
            g = TLanes.FusedMultiplyAdd(g, r, TLanes.Create(0.04166838899254799f));
            g = TLanes.FusedMultiplyAdd(g, r, TLanes.Create(0.1666652113199234f));
            return TLanes.FusedMultiplyAdd(g, r, TLanes.Create(0.4999999403953552f));
        }
    }

    private readonly struct DoubleConstants : IConstants<double>
    {
        public static double Log2E => 1.4426950408889634;
        public static double Shifter => 6755399441055744.0;    // 0x4338000000000000
        public static double MinusLn2Hi => -0.6931471805599453;
        public static double MinusLn2Lo => -2.3190468138462996e-17;
        public static double ExpLow => -746.0;                 // e^-746 < 2^-1075, half the least subnormal
        public static double ExpHigh => 710.0;                 // e^710 > double.MaxValue
        public static double ExpNormal => 708.0;               // e^-708 > 2^-1022
        public static int MantissaBits => 52;
        public static long SignBit => long.MinValue;
        public static long ScaleBias => 1023 - 0x4338000000000000;
        public static long HalfScaleBias => 1023 - 0x219C000000000000;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV G<TV, TLanes>(TV r) where TLanes : ILanes<TV, double>
        {
            TV g = TLanes.FusedMultiplyAdd(TLanes.Create(2.5000064146754493e-08), r, TLanes.Create(2.763024493693077e-07));
            g = TLanes.FusedMultiplyAdd(g, r, TLanes.Create(2.7557586348270968e-06));
            g = TLanes.FusedMultiplyAdd(g, r, TLanes.Create(2.480149310778186e-05));
            g = TLanes.FusedMultiplyAdd(g, r, TLanes.Create(0.00019841269506626526));
            g = TLanes.FusedMultiplyAdd(g, r, TLanes.Create(0.0013888888943622394));
            g = TLanes.FusedMultiplyAdd(g, r, TLanes.Create(0.008333333333494432));
            g = TLanes.FusedMultiplyAdd(g, r, TLanes.Create(0.04166666666653018));
            g = TLanes.FusedMultiplyAdd(g, r, TLanes.Create(0.16666666666666413));
            return TLanes.FusedMultiplyAdd(g, r, TLanes.Create(0.5000000000000011));
        }
    }
}
