using System.Numerics;
using Xunit.Abstractions;

namespace Backprop.Tests;

/// <summary>
/// ElementMath's e^x, logistic function and tanh: their error in ulps against <see cref="MathF.Exp"/>,
/// <see cref="Math.Exp"/> and correctly rounded values (Data/elementmath/cases.json, from mpmath: generate.py there);
/// their special values; the same bits from every vector width and the scalar loop; and the activation layers built
/// on them, bit for bit against the scalar formulas.
/// </summary>
public class ElementMathTests(ITestOutputHelper output)
{
    // ---- accuracy ----

    [Fact]
    public void Float_exp_is_within_one_ulp_of_MathF_Exp_and_of_the_exact_value()
    {
        var random = new Random(5);
        var x = new float[300_000];
        for (int i = 0; i < x.Length; i++)
            x[i] = (i % 3) switch
            {
                0 => (float)(random.NextDouble() * (88.72 + 103.97) - 103.97),   // the whole range, subnormal results included
                1 => (float)(random.NextDouble() * 2 - 1),
                _ => (float)(Math.ScaleB(random.NextDouble(), -random.Next(40)) * (random.Next(2) * 2 - 1)), // small |x|
            };
        var y = new float[x.Length];
        ElementMath.Exp<float>(x, y);
        long worstLibm = 0, worstExact = 0;
        for (int i = 0; i < x.Length; i++)
        {
            // float(e^x computed in float64): the exact value rounded, but for a float64 error of 2^-29 float ulps
            float exact = (float)Math.Exp(x[i]);
            worstLibm = Math.Max(worstLibm, Check(y[i], MathF.Exp(x[i]), x[i], 1));
            worstExact = Math.Max(worstExact, Check(y[i], exact, x[i], 1));
        }
        output.WriteLine($"float32 exp: at most {worstLibm} ulp from MathF.Exp, {worstExact} from the exact value rounded, over {x.Length} inputs");
    }

    [Fact]
    public void Double_exp_is_within_one_ulp_of_Math_Exp()
    {
        var random = new Random(6);
        var x = new double[300_000];
        for (int i = 0; i < x.Length; i++)
            x[i] = (i % 3) switch
            {
                0 => random.NextDouble() * (709.78 + 745.13) - 745.13,
                1 => random.NextDouble() * 2 - 1,
                _ => Math.ScaleB(random.NextDouble(), -random.Next(60)) * (random.Next(2) * 2 - 1),
            };
        var y = new double[x.Length];
        ElementMath.Exp<double>(x, y);
        long worst = 0;
        for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Check(y[i], Math.Exp(x[i]), x[i], 1));
        output.WriteLine($"float64 exp: at most {worst} ulp from Math.Exp over {x.Length} inputs");
    }

    [Theory]
    [InlineData("exp", 1)]
    [InlineData("sigmoid", 2)]
    [InlineData("tanh", 2)]
    public void Double_results_are_within_a_few_ulps_of_the_correctly_rounded_values(string function, int ulps)
    {
        using var doc = TestData.Json("elementmath", "cases.json");
        var cases = TestData.Rows(doc.RootElement.GetProperty(function));
        (Func<double, double> one, SpanAction<double> all) = function switch
        {
            "exp" => ((Func<double, double>)ElementMath.Exp, (SpanAction<double>)ElementMath.Exp),
            "sigmoid" => (ElementMath.Sigmoid, ElementMath.Sigmoid),
            _ => (ElementMath.Tanh, ElementMath.Tanh),
        };
        long worst = 0;
        foreach (var c in cases) worst = Math.Max(worst, Check(one(c[0]), c[1], c[0], ulps));
        // The span form agrees with the single-element form (checked bit for bit below); check it here too.
        var x = cases.Select(c => c[0]).ToArray();
        var y = new double[x.Length];
        all(x, y);
        for (int i = 0; i < x.Length; i++) Check(y[i], cases[i][1], x[i], ulps);
        output.WriteLine($"float64 {function}: at most {worst} ulp from the correctly rounded value over {cases.Length} inputs");
    }

    [Fact]
    public void Float_sigmoid_and_tanh_are_within_two_ulps_of_the_exact_values()
    {
        var random = new Random(7);
        var x = new float[300_000];
        for (int i = 0; i < x.Length; i++)
            x[i] = (i % 3) switch
            {
                0 => (float)(random.NextDouble() * 176 - 88),    // sigmoid's results stay normal above -87.3
                1 => (float)(random.NextDouble() * 6 - 3),
                _ => (float)(Math.ScaleB(random.NextDouble(), -random.Next(40)) * (random.Next(2) * 2 - 1)),
            };
        var sigmoid = new float[x.Length];
        var tanh = new float[x.Length];
        ElementMath.Sigmoid<float>(x, sigmoid);
        ElementMath.Tanh<float>(x, tanh);
        long worstSigmoid = 0, worstTanh = 0;
        for (int i = 0; i < x.Length; i++)
        {
            // Computed in float64 and rounded: the exact value rounded, but for a float64 error far below a float ulp.
            float exactSigmoid = (float)(1 / (1 + Math.Exp(-(double)x[i])));
            if (float.IsNormal(exactSigmoid)) worstSigmoid = Math.Max(worstSigmoid, Check(sigmoid[i], exactSigmoid, x[i], 2));
            worstTanh = Math.Max(worstTanh, Check(tanh[i], (float)Math.Tanh(x[i]), x[i], 2));
        }
        output.WriteLine($"float32: sigmoid at most {worstSigmoid} ulp, tanh at most {worstTanh} ulp from the exact values rounded, over {x.Length} inputs");
    }

    // ---- special values ----

    [Fact]
    public void Exp_of_special_values()
    {
        // Expected by hand: e^0 = 1, e^+∞ = +∞, e^-∞ = +0; past ln(float.MaxValue) = 88.72284 the result is +∞, below
        // ln(2^-150) = -103.97208 (half the least subnormal) it is +0.
        (float x, float e)[] single =
        [
            (0f, 1f), (-0f, 1f), (float.PositiveInfinity, float.PositiveInfinity), (float.NegativeInfinity, 0f),
            (89f, float.PositiveInfinity), (88.7229f, float.PositiveInfinity), (float.MaxValue, float.PositiveInfinity),
            (-104f, 0f), (-1000f, 0f), (float.MinValue, 0f), (float.Epsilon, 1f), (-float.Epsilon, 1f),
        ];
        foreach (var (x, e) in single) Assert.Equal(Bits(e), Bits(ElementMath.Exp(x)));
        (double x, double e)[] @double =
        [
            (0, 1), (-0.0, 1), (double.PositiveInfinity, double.PositiveInfinity), (double.NegativeInfinity, 0),
            (710, double.PositiveInfinity), (709.79, double.PositiveInfinity), (double.MaxValue, double.PositiveInfinity),
            (-746, 0), (-1e5, 0), (double.MinValue, 0), (double.Epsilon, 1), (-double.Epsilon, 1),
        ];
        foreach (var (x, e) in @double) Assert.Equal(Bits(e), Bits(ElementMath.Exp(x)));
        Assert.True(float.IsNaN(ElementMath.Exp(float.NaN)));
        Assert.True(double.IsNaN(ElementMath.Exp(double.NaN)));

        // Near the ends of the range, within an ulp of the C library: the largest finite results, the smallest normal
        // ones, subnormal ones (rounded once from the scaled value) and the least subnormal.
        foreach (float x in new[] { 88.72283f, 88.7f, 88.4f, 1f, -1f, -87.33654f, -87.4f, -95f, -103.2789f, -103.972f })
            Check(ElementMath.Exp(x), MathF.Exp(x), x, 1);
        foreach (double x in new[] { 709.782712893384, 709.7, 709.1, 1, -1, -708.3964185322641, -708.5, -730, -744.4, -745.1332191019411 })
            Check(ElementMath.Exp(x), Math.Exp(x), x, 1);
        Assert.NotEqual(0f, ElementMath.Exp(-103.972f));                   // e^-103.972 rounds to the least subnormal, not 0
        Assert.NotEqual(0.0, ElementMath.Exp(-745.1332191019411));
        Assert.True(ElementMath.Exp(88.72283f) is > 3.4e38f and < float.PositiveInfinity);   // 3.4027977e38, not +∞
    }

    [Fact]
    public void Sigmoid_and_tanh_of_special_values()
    {
        // By hand: σ(0) = 1/2, σ(+∞) = 1, σ(-∞) = 0; tanh keeps ±0 and tiny values (tanh x = x - x³/3 rounds to x),
        // and is ±1 at ±∞ and from |x| = 9.01 (float32) or 19.1 (float64) on.
        foreach (float x in new[] { 0f, -0f }) Assert.Equal(0.5f, ElementMath.Sigmoid(x));
        Assert.Equal(1f, ElementMath.Sigmoid(float.PositiveInfinity));
        Assert.Equal(1f, ElementMath.Sigmoid(40f));
        Assert.Equal(Bits(0f), Bits(ElementMath.Sigmoid(float.NegativeInfinity)));
        Assert.Equal(Bits(0.0), Bits(ElementMath.Sigmoid(double.NegativeInfinity)));
        Assert.Equal(0.5, ElementMath.Sigmoid(0.0));
        Assert.Equal(1.0, ElementMath.Sigmoid(double.PositiveInfinity));
        Assert.True(float.IsNaN(ElementMath.Sigmoid(float.NaN)));
        Assert.True(double.IsNaN(ElementMath.Sigmoid(double.NaN)));
        // σ(-88) = 6.05e-39, a subnormal float32: 1 / (1 + e^88) gives it within an ulp
        Check(ElementMath.Sigmoid(-88f), (float)(1 / (1 + Math.Exp(88.0))), -88f, 1);

        foreach (float x in new[] { 0f, -0f, 1e-30f, -1e-30f, float.Epsilon, -float.Epsilon, 1e-20f, -3e-8f })
            Assert.Equal(Bits(x), Bits(ElementMath.Tanh(x)));
        foreach (double x in new[] { 0.0, -0.0, 1e-300, -1e-300, double.Epsilon, -double.Epsilon, 1e-17 })
            Assert.Equal(Bits(x), Bits(ElementMath.Tanh(x)));
        foreach (float x in new[] { 9.1f, 20f, 21f, 1e30f, float.MaxValue, float.PositiveInfinity })
        {
            Assert.Equal(1f, ElementMath.Tanh(x));
            Assert.Equal(-1f, ElementMath.Tanh(-x));
        }
        foreach (double x in new[] { 19.1, 20, 25, 1e300, double.PositiveInfinity })
        {
            Assert.Equal(1.0, ElementMath.Tanh(x));
            Assert.Equal(-1.0, ElementMath.Tanh(-x));
        }
        // Not yet 1: tanh 8 = 1 - 2.25e-7 (float32: 0.99999976), tanh 18 = 1 - 4.6e-16
        Assert.NotEqual(1f, ElementMath.Tanh(8f));
        Check(ElementMath.Tanh(8f), (float)Math.Tanh(8), 8f, 2);
        Assert.NotEqual(1.0, ElementMath.Tanh(18.0));
        Check(ElementMath.Tanh(18.0), Math.Tanh(18), 18, 2);
        Assert.True(float.IsNaN(ElementMath.Tanh(float.NaN)));
        Assert.True(double.IsNaN(ElementMath.Tanh(double.NaN)));
    }

    // ---- every width gives the scalar loop's bits ----

    public static TheoryData<int> Widths() => new() { 512, 256, 128, 0 };

    [Theory]
    [MemberData(nameof(Widths))]
    public void Every_vector_width_gives_the_single_element_results_bit_for_bit(int widestBits)
    {
        // 67 values: with 512-bit vectors, 4 x 16 floats then 2 + 1 in the narrower loops and the scalar tail
        // (float64: 8 x 8, then 2, then 1), so every loop runs; with a narrower limit the narrower loops take it all.
        // The edge values sit among ordinary ones, so a vector holding one takes e^x's general path for all its lanes,
        // where one element alone takes the fast path: the bits must not change.
        foreach (int n in new[] { 67, 13, 1 })
        {
            var xs = Inputs(n, 9);
            Same(xs, ElementMath.Exp, (x, y) => ElementMath.Exp<double>(x, y, widestBits));
            Same(xs, ElementMath.Sigmoid, (x, y) => ElementMath.Sigmoid<double>(x, y, widestBits));
            Same(xs, ElementMath.Tanh, (x, y) => ElementMath.Tanh<double>(x, y, widestBits));
            var xf = xs.Select(v => (float)v).ToArray();
            Same(xf, ElementMath.Exp, (x, y) => ElementMath.Exp<float>(x, y, widestBits));
            Same(xf, ElementMath.Sigmoid, (x, y) => ElementMath.Sigmoid<float>(x, y, widestBits));
            Same(xf, ElementMath.Tanh, (x, y) => ElementMath.Tanh<float>(x, y, widestBits));
        }
    }

    [Fact]
    public void In_place_gives_the_same_results_and_misfit_spans_are_refused()
    {
        var x = Inputs(40, 10);
        var y = new double[40];
        ElementMath.Exp<double>(x, y);
        var z = (double[])x.Clone();
        ElementMath.Exp<double>(z, z);
        Assert.Equal(y.Select(BitConverter.DoubleToInt64Bits), z.Select(BitConverter.DoubleToInt64Bits));
        Assert.Throws<ArgumentException>(() => ElementMath.Tanh<double>(x, new double[39]));
        Assert.Throws<ArgumentException>(() => ElementMath.Sigmoid<double>(z.AsSpan(0, 30), z.AsSpan(5, 30)));
    }

    // ---- the activation layers ----

    [Fact]
    public void Sigmoid_and_tanh_layers_give_the_scalar_formulas_bit_for_bit()
    {
        var x = Matrix.Array(Square(Inputs(63, 12), 7));   // 7 x 9
        var sigmoid = new Sigmoid<double>().Forward(x, training: false);
        var tanh = new Tanh<double>().Forward(x, training: false);
        var xf = x.Cast<float>();
        var sigmoidF = new Sigmoid<float>().Forward(xf, training: false);
        var tanhF = new Tanh<float>().Forward(xf, training: false);
        for (int i = 0; i < x.Length; i++)
        {
            double v = x.Span[i];
            float vf = xf.Span[i];
            SameBits(1 / (1 + ElementMath.Exp(-v)), sigmoid.Span[i], $"sigmoid({v})");
            SameBits(1 / (1 + ElementMath.Exp(-vf)), sigmoidF.Span[i], $"sigmoid({vf})");
            SameBits(ElementMath.Tanh(v), tanh.Span[i], $"tanh({v})");
            SameBits(ElementMath.Tanh(vf), tanhF.Span[i], $"tanh({vf})");
        }
    }

    [Fact]
    public void Softmax_layer_gives_the_scalar_formula_bit_for_bit()
    {
        // Rows of 10 (Fashion-MNIST's classes: an 8-wide vector and a tail) and 3 (the flowers): e^(x - max) summed in
        // numpy's order (fewer than 8: one after another; 8 to 128: eight running sums, paired, then the rest), each
        // divided by the sum, below 2^-100 flushed to 0.
        var random = new Random(13);
        foreach (int columns in new[] { 10, 3 })
        {
            var x = new double[6, columns];
            for (int r = 0; r < 6; r++)
                for (int c = 0; c < columns; c++) x[r, c] = r == 5 ? -80 * c : random.NextDouble() * 30 - 15;
            var input = Matrix.Array(x);
            var p = new Softmax<double>().Forward(input, training: false);
            var pf = new Softmax<float>().Forward(input.Cast<float>(), training: false);
            for (int r = 0; r < 6; r++)
            {
                var row = Enumerable.Range(0, columns).Select(c => x[r, c]).ToArray();
                var expected = SoftmaxByHand(row);
                var expectedF = SoftmaxByHand(row.Select(v => (float)v).ToArray());
                for (int c = 0; c < columns; c++)
                {
                    SameBits(expected[c], p[r, c], $"row {r}, column {c}");
                    SameBits(expectedF[c], pf[r, c], $"row {r}, column {c} (float32)");
                }
            }
            Assert.Equal(0.0, p[5, columns - 1]);   // e^-160 (10 columns: e^-720): below 2^-100
        }
    }

    private static T[] SoftmaxByHand<T>(T[] x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = x.Max()!;
        var e = x.Select(v => ElementMath.Exp(v - max)).ToArray();
        T sum = T.Zero;
        if (e.Length < 8)
            foreach (var v in e) sum += v;
        else
        {
            sum = ((e[0] + e[1]) + (e[2] + e[3])) + ((e[4] + e[5]) + (e[6] + e[7]));
            for (int i = 8; i < e.Length; i++) sum += e[i];
        }
        sum = T.Zero + sum;
        T tiny = T.CreateTruncating(Math.ScaleB(1.0, -100));
        return e.Select(v => v / sum < tiny ? T.Zero : v / sum).ToArray();
    }

    // ---- helpers ----

    // Random values over the whole useful range and the edges: ±0, ±∞, NaN, tiny, huge, the overflow and underflow ends.
    private static double[] Inputs(int n, int seed)
    {
        var random = new Random(seed);
        double[] edges = [0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1e-30, -1e-30, 88.72283, 89, -87.34,
            -103.972, -104, 709.78, -745.1, 1000, -1000, 1e-8, 20, -20, 0.34657359, -0.34657359];
        var v = new double[n];
        for (int i = 0; i < n; i++)
            v[i] = i % 3 == 1 && i / 3 < edges.Length ? edges[i / 3] : (random.NextDouble() - 0.5) * (i % 2 == 0 ? 30 : 240);
        return v;
    }

    private static double[,] Square(double[] v, int rows)
    {
        int columns = v.Length / rows;
        var m = new double[rows, columns];
        for (int i = 0; i < v.Length; i++) m[i / columns, i % columns] = v[i];
        return m;
    }

    private static void Same<T>(T[] x, Func<T, T> one, SpanAction<T> all) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = new T[x.Length];
        all(x, y);
        for (int i = 0; i < x.Length; i++) SameBits(one(x[i]), y[i], $"[{i}] {x[i]}");
    }

    // The same bits (every NaN counts as the same: NaN in, NaN out, whatever its sign and payload).
    private static void SameBits<T>(T expected, T actual, string what = "") where T : IFloatingPointIeee754<T>
    {
        if (T.IsNaN(expected)) Assert.True(T.IsNaN(actual), $"{what}: {actual}, expected NaN");
        else Assert.True(Bits(double.CreateTruncating(expected)) == Bits(double.CreateTruncating(actual)), $"{what}: {actual}, expected {expected}");
    }

    private delegate void SpanAction<T>(ReadOnlySpan<T> x, Span<T> y);

    private static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);

    private static long Bits(float v) => BitConverter.SingleToInt32Bits(v);

    // |a - b| in ulps (units in the last place), counting the representable values between them; fails above `most`.
    private static long Check(float actual, float expected, float x, int most)
    {
        long d = Math.Abs(Ordered(actual) - Ordered(expected));
        Assert.True(d <= most, $"x = {x:R}: {actual:R}, expected {expected:R} ({d} ulps apart)");
        return d;
    }

    private static long Check(double actual, double expected, double x, int most)
    {
        long d = (long)Int128.Min(long.MaxValue, Int128.Abs((Int128)Ordered(actual) - Ordered(expected)));
        Assert.True(d <= most, $"x = {x:R}: {actual:R}, expected {expected:R} ({d} ulps apart)");
        return d;
    }

    private static long Ordered(float f)
    {
        int i = BitConverter.SingleToInt32Bits(f);
        return i < 0 ? int.MinValue - (long)i : i;
    }

    private static long Ordered(double f)
    {
        long i = BitConverter.DoubleToInt64Bits(f);
        return i < 0 ? long.MinValue - i : i;
    }
}
