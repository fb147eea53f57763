using System.Numerics;
using System.Text.Json;

namespace Backprop.Tests;

/// <summary>
/// Adam and momentum against updates computed independently in numpy (Data/optimizers/generate.py, which also checks
/// them against torch.optim to 1e-12), in float64 and float32; and their treatment of values that would become
/// subnormal (dead units, whose gradients are exactly zero for hundreds of steps).
/// </summary>
public class OptimizerTests
{
    public static TheoryData<string> CaseNames()
    {
        using var doc = TestData.Json("optimizers", "cases.json");
        var data = new TheoryData<string>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private sealed record Case(string Name, string Optimizer, double Alpha, double Beta, int Rows, int Columns, int Every,
        double[] W0, double[][] Gradients, double[][] Weights);

    private static Case Load(string name)
    {
        using var doc = TestData.Json("optimizers", "cases.json");
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        int rows = c.GetProperty("rows").GetInt32(), columns = c.GetProperty("columns").GetInt32(), n = rows * columns;
        int steps = c.GetProperty("steps").GetInt32();
        int? deadAfter = c.GetProperty("dead_after").ValueKind == JsonValueKind.Null ? null : c.GetProperty("dead_after").GetInt32();

        // The draws of generate.py, in its order, from Backprop's numpy-compatible stream.
        var random = new NumpyRandom(c.GetProperty("seed").GetUInt32());
        double[] w0 = random.Uniform(-1, 1, n);
        bool[] dead = random.RandomSample(n).Select(u => u < 0.3).ToArray();
        var gradients = new double[steps][];
        for (int t = 0; t < steps; t++)
        {
            gradients[t] = random.Normal(0, 0.1, n);
            if (deadAfter is int d && t >= d)
                for (int i = 0; i < n; i++) if (dead[i]) gradients[t][i] = 0;
        }
        Assert.Equal(Doubles(c.GetProperty("w0")), w0);        // the same draws, bit for bit
        Assert.Equal(Doubles(c.GetProperty("g1")), gradients[0]);
        return new Case(name, c.GetProperty("optimizer").GetString()!, c.GetProperty("alpha").GetDouble(),
            c.TryGetProperty("beta", out var b) ? b.GetDouble() : 0, rows, columns, c.GetProperty("every").GetInt32(),
            w0, gradients, c.GetProperty("weights").EnumerateArray().Select(Doubles).ToArray());
    }

    private static IOptimizer<T> Create<T>(Case c) where T : unmanaged, IFloatingPointIeee754<T> => c.Optimizer == "adam"
        ? new Adam<T>(c.Alpha)
        : new Momentum<T>(c.Alpha, T.CreateChecked(c.Beta));

    // Runs the case's updates in T; calls check(step, weights) at every recorded step.
    private static (IOptimizer<T>, Parameter<T>) Run<T>(Case c, Action<int, Matrix<T>> check) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var p = new Parameter<T>("w", new Matrix<double>(c.Rows, c.Columns, (double[])c.W0.Clone()).Cast<T>());
        var optimizer = Create<T>(c);
        for (int t = 0; t < c.Gradients.Length; t++)
        {
            var g = p.Gradient.Span;
            for (int i = 0; i < g.Length; i++) g[i] = T.CreateChecked(c.Gradients[t][i]);
            optimizer.Update([p]);
            if ((t + 1) % c.Every == 0) check(t + 1, p.Value);
        }
        return (optimizer, p);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Float64_updates_match_numpy(string name)
    {
        var c = Load(name);
        Run<double>(c, (step, w) =>
        {
            var expected = c.Weights[step / c.Every - 1];
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(w.Span[i] - expected[i]) <= 1e-12, $"{name} step {step} [{i}]: {w.Span[i]:R} vs numpy {expected[i]:R}");
        });
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Float32_updates_match_numpy_within_float32_rounding(string name)
    {
        // Each step rounds the weight, m and v to float32 (relative 2^-24 each): the difference from the float64
        // reference may grow by a few of those a step, and no more.
        var c = Load(name);
        Run<float>(c, (step, w) =>
        {
            var expected = c.Weights[step / c.Every - 1];
            for (int i = 0; i < expected.Length; i++)
            {
                double tolerance = 4 * step * Math.ScaleB(1.0, -24) * Math.Max(1, Math.Abs(expected[i]));
                Assert.True(Math.Abs(w.Span[i] - expected[i]) <= tolerance,
                    $"{name} step {step} [{i}]: {w.Span[i]:R} vs numpy {expected[i]:R} (tolerance {tolerance:G3})");
            }
        });
    }

    [Theory]
    [InlineData("adam-long-decay")]
    [InlineData("momentum-long-decay")]
    public void Moments_of_dead_weights_become_zero_not_subnormal(string name)
    {
        // 899 steps of zero gradient: float32's m (0.9^899 · ~0.01 ≈ 1e-43) and momentum's velocity would be subnormal.
        var c = Load(name);
        var (optimizer, p) = Run<float>(c, (_, _) => { });
        float[][] state = optimizer is Adam<float> adam ? [adam.MomentsOf(p).M, adam.MomentsOf(p).V] : [((Momentum<float>)optimizer).VelocityOf(p)];
        bool[] dead = c.Gradients[^1].Select(g => g == 0).ToArray();
        Assert.Contains(true, dead);
        foreach (var values in state)
        {
            Assert.DoesNotContain(values, float.IsSubnormal);
        }
        for (int i = 0; i < dead.Length; i++)
            if (dead[i]) Assert.Equal(0f, state[0][i]); // m (or the velocity) of a dead weight has gone to zero
    }

    [Fact]
    public void A_subnormal_gradient_counts_as_zero()
    {
        // 1e-40 is subnormal in float32: arithmetic on it would take a microcode assist on x64. Treated as 0, it leaves the
        // weights and moments as a zero gradient does (every other element carries a normal gradient, and moves).
        float[] gradients = [1e-40f, -3e-39f, 0.25f, 0, 1e-40f, 0.5f, -0.125f, 2e-39f, 1e-40f];
        foreach (bool adam in new[] { true, false })
        {
            var p = new Parameter<float>("w", new Matrix<float>(1, gradients.Length, Enumerable.Repeat(0.5f, gradients.Length).ToArray()));
            gradients.CopyTo(p.Gradient.Span);
            IOptimizer<float> o = adam ? new Adam<float>(0.001f) : new Momentum<float>(0.01f, 0.9f);
            o.Update([p]);
            for (int i = 0; i < gradients.Length; i++)
                Assert.Equal(float.IsSubnormal(gradients[i]) || gradients[i] == 0, p.Value.Span[i] == 0.5f);
            float[][] state = o is Adam<float> a ? [a.MomentsOf(p).M, a.MomentsOf(p).V] : [((Momentum<float>)o).VelocityOf(p)];
            foreach (var values in state)
                for (int i = 0; i < gradients.Length; i++)
                    if (float.IsSubnormal(gradients[i])) Assert.Equal(0f, values[i]);
        }
    }

    [Fact]
    public void A_gradient_whose_square_term_is_subnormal_adds_nothing_to_v()
    {
        // Step 1, g = 4.5e-18 everywhere: v = (1-β2)·g² = 2.0e-38, just above the smallest normal float32 (1.18e-38).
        // Step 2, g = 2e-18 in some elements: (1-β2)·g² = 4e-39 is subnormal, so Adam leaves v at β2·v there (2.0e-38,
        // where adding the subnormal term would give 2.4e-38; expected values computed here by hand in float32), and
        // other elements (g = 1e-10) add (1-β2)·g² as usual. m takes g as always.
        const int n = 37;   // whole vectors and a scalar tail
        float[] second = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 2e-18f : 1e-10f).ToArray();
        var p = new Parameter<float>("w", new Matrix<float>(1, n, Enumerable.Repeat(0.5f, n).ToArray()));
        var adam = new Adam<float>(0.001f);
        p.Gradient.Span.Fill(4.5e-18f);
        adam.Update([p]);
        float[] v1 = [.. adam.MomentsOf(p).V], m1 = [.. adam.MomentsOf(p).M];
        Assert.All(v1, v => Assert.True(float.IsNormal(v), v.ToString()));
        second.CopyTo(p.Gradient.Span);
        adam.Update([p]);
        var (m2, v2) = adam.MomentsOf(p);
        float beta2 = 0.999f, oneMinusBeta2 = (float)(1 - 0.999), oneMinusBeta1 = (float)(1 - 0.9);
        for (int i = 0; i < n; i++)
        {
            float g = second[i];
            float expectedV = g == 2e-18f ? v1[i] * beta2 : v1[i] * beta2 + oneMinusBeta2 * g * g;
            Assert.Equal(expectedV, v2[i]);
            Assert.Equal(m1[i] + oneMinusBeta1 * (g - m1[i]), m2[i]);
            Assert.False(float.IsSubnormal(v2[i]));
        }
        Assert.NotEqual(v1[0] * beta2 + oneMinusBeta2 * second[0] * second[0], v2[0]);   // the subnormal term would have shown
    }

    [Theory]
    [InlineData("adam-vector-length")]
    [InlineData("momentum-dead-units")]
    public void Vector_and_scalar_paths_give_the_same_bits(string name)
    {
        // The whole matrix (vectors and a scalar tail) against one optimizer a weight (each one a scalar tail).
        var c = Load(name);
        var (_, whole) = Run<float>(c, (_, _) => { });
        for (int i = 0; i < c.W0.Length; i++)
        {
            var single = c with { Rows = 1, Columns = 1, W0 = [c.W0[i]], Gradients = c.Gradients.Select(g => new[] { g[i] }).ToArray() };
            var (_, one) = Run<float>(single, (_, _) => { });
            Assert.Equal(BitConverter.SingleToInt32Bits(whole.Value.Span[i]), BitConverter.SingleToInt32Bits(one.Value.Span[0]));
        }
    }

    [Theory]
    [InlineData(27)]   // float32: one 512-bit vector, one Vector<T> of 256 bits, a tail of 3 (AVX-512; other widths as they come)
    [InlineData(61)]
    [InlineData(13)]   // float64: one 512-bit vector, a 256-bit one, a tail of 1
    public void Adam_gives_each_weight_the_bits_of_the_scalar_loop_at_every_vector_width(int length)
    {
        Check<float>();
        Check<double>();

        // The whole parameter (the widest vectors, then Vector<T>, then the scalar tail) against one parameter a
        // weight (each only the scalar tail), over steps whose gradients include zeros and values tiny enough for the
        // subnormal rules.
        static long Bits<T>(T value) where T : unmanaged, IFloatingPointIeee754<T> => BitConverter.DoubleToInt64Bits(double.CreateChecked(value));

        void Check<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var random = new NumpyRandom(11);
            double[] w0 = random.Uniform(-1, 1, length);
            var gradients = Enumerable.Range(0, 30).Select(t => random.Normal(0, 0.1, length).Select((g, i) =>
                (i + t) % 7 == 0 ? 0 : (i + t) % 5 == 0 ? g * 1e-17 : g).ToArray()).ToArray();
            var whole = new Parameter<T>("w", new Matrix<double>(1, length, (double[])w0.Clone()).Cast<T>());
            var singles = Enumerable.Range(0, length).Select(i => new Parameter<T>("w", new Matrix<double>(1, 1, [w0[i]]).Cast<T>())).ToArray();
            var adamWhole = new Adam<T>(0.01);
            var adamSingles = singles.Select(_ => new Adam<T>(0.01)).ToArray();
            foreach (var g in gradients)
            {
                for (int i = 0; i < length; i++) whole.Gradient.Span[i] = T.CreateChecked(g[i]);
                adamWhole.Update([whole]);
                for (int i = 0; i < length; i++)
                {
                    singles[i].Gradient.Span[0] = T.CreateChecked(g[i]);
                    adamSingles[i].Update([singles[i]]);
                }
            }
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(Bits(singles[i].Value.Span[0]), Bits(whole.Value.Span[i]));
                Assert.Equal(Bits(adamSingles[i].MomentsOf(singles[i]).M[0]), Bits(adamWhole.MomentsOf(whole).M[i]));
                Assert.Equal(Bits(adamSingles[i].MomentsOf(singles[i]).V[0]), Bits(adamWhole.MomentsOf(whole).V[i]));
            }
        }
    }

    [Fact]
    public void Long_parameters_updated_on_two_threads_equal_one_thread()
    {
        // 784 x 128 weights: long enough to be split between two threads.
        foreach (bool adam in new[] { true, false })
        {
            float[] Final(int threads)
            {
                var compute = new Compute { Threads = threads };
                var random = new NumpyRandom(9);
                var p = new Parameter<float>("w", Matrix.Random<float>(random, 784, 128));
                IOptimizer<float> o = adam ? new Adam<float>(0.001f) : new Momentum<float>(0.01f, 0.9f);
                for (int t = 0; t < 5; t++)
                {
                    random.Fill(p.Gradient.Span);
                    o.Update([p], compute);
                }
                return p.Value.Span.ToArray();
            }
            Assert.Equal(Final(1), Final(2));
        }
    }
}
