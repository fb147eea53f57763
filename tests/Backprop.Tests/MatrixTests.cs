using System.Text.Json;

namespace Backprop.Tests;

/// <summary>Matrix against numpy (Data/matrix/generate.py) and against the notes' own examples.</summary>
public class MatrixTests
{
    private static JsonElement Ops()
    {
        using var doc = TestData.Json("matrix", "cases.json");
        return doc.RootElement.GetProperty("ops").Clone();
    }

    [Fact]
    public void Sum_matches_numpy_to_the_last_bit()
    {
        using var doc = TestData.Json("matrix", "cases.json");
        foreach (var c in doc.RootElement.GetProperty("sums").EnumerateArray())
        {
            double[] values = c.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var m = new Matrix<double>(1, values.Length, values);
            Assert.True(c.GetProperty("sum").GetDouble() == m.Sum(), $"sum of {values.Length} values: {TestData.Num(m.Sum())}, numpy {c.GetProperty("sum").GetDouble()}");
        }
    }

    [Fact]
    public void Sum_of_negative_zero_is_positive_zero_as_in_numpy()
    {
        var m = Matrix.Vector(-0.0);
        Assert.False(double.IsNegative(m.Sum())); // np.sum(np.array([-0.0])) is 0.0
    }

    [Theory]
    [InlineData("dot")]
    [InlineData("a_plus_row")]
    [InlineData("a_minus_col")]
    [InlineData("a_times_row")]
    [InlineData("a_div_col")]
    [InlineData("scalar")]
    [InlineData("atb")]
    [InlineData("abt")]
    public void Operations_match_numpy(string name)
    {
        var ops = Ops();
        var a = TestData.Matrix(ops.GetProperty("a"));
        var b = TestData.Matrix(ops.GetProperty("b"));
        var row = TestData.Matrix(ops.GetProperty("row"));
        var col = TestData.Matrix(ops.GetProperty("col"));
        var actual = name switch
        {
            "dot" => a.Dot(b),
            "a_plus_row" => a + row,
            "a_minus_col" => a - col,
            "a_times_row" => a * row,
            "a_div_col" => a / col,
            "scalar" => 2 * a - 1,
            "atb" => a.T.Dot(a),
            _ => a.Dot(a.T),
        };
        var expected = TestData.Matrix(ops.GetProperty(name));
        Assert.Equal((expected.Rows, expected.Columns), (actual.Rows, actual.Columns));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected.Span[i] - actual.Span[i]) <= 1e-15 * Math.Max(1, Math.Abs(expected.Span[i])),
                $"{name}[{i}]: {TestData.Num(actual.Span[i])}, numpy {TestData.Num(expected.Span[i])}");
    }

    [Fact]
    public void Transposed_products_equal_the_product_of_the_transpose()
    {
        var ops = Ops();
        var a = TestData.Matrix(ops.GetProperty("a")); // (3, 4)
        var b = TestData.Matrix(ops.GetProperty("b")); // (4, 2)
        var c = new double[4 * 4];
        Gemm.MultiplyTransposeA<double>(Compute.Numpy, a.Span, a.Span, c, 4, 3, 4);
        Assert.Equal(a.T.Dot(a).Span.ToArray(), c);
        var d = new double[3 * 3];
        Gemm.MultiplyTransposeB<double>(Compute.Numpy, a.Span, a.Span, d, 3, 4, 3);
        Assert.Equal(a.Dot(a.T).Span.ToArray(), d);
        Assert.Equal(b.T.T.Span.ToArray(), b.Span.ToArray());
    }

    [Fact]
    public void Shape_mismatch_names_both_shapes()
    {
        var a = new Matrix<double>(1, 3);
        var b = new Matrix<double>(4, 1);
        var dot = Assert.Throws<ShapeMismatchException>(() => a.Dot(b));
        Assert.Contains("(1, 3)", dot.Message);
        Assert.Contains("(4, 1)", dot.Message);
        var add = Assert.Throws<ShapeMismatchException>(() => new Matrix<double>(2, 3) + new Matrix<double>(3, 2));
        Assert.Contains("(2, 3)", add.Message);
        Assert.Contains("(3, 2)", add.Message);
        var vector = Assert.Throws<ShapeMismatchException>(() => Matrix.Vector(1.0, 2.0).Dot(Matrix.Vector(1.0, 2.0, 3.0)));
        Assert.Contains("(2,)", vector.Message);
        Assert.Contains("(3,)", vector.Message);
    }

    [Fact]
    public void Indexing_and_slicing_follow_numpy()
    {
        var streetlights = Matrix.Array(new[,] { { 1, 0, 1 }, { 0, 1, 1 }, { 0, 0, 1 }, { 1, 1, 1 } });
        var row = streetlights[0]; // streetlights[0] -> shape (3,)
        Assert.Equal(1, row.Rank);
        Assert.Equal("(3,)", row.Shape);
        var slice = streetlights[1..3]; // streetlights[1:3] -> shape (2, 3)
        Assert.Equal("(2, 3)", slice.Shape);
        Assert.Equal([0.0, 1, 1, 0, 0, 1], slice.Span.ToArray());
        Assert.Equal("(0, 3)", streetlights[4..9].Shape); // numpy clips slice ends: streetlights[4:9] is empty
        Assert.Equal("(1, 3)", streetlights[^1..].Shape);
        Assert.Equal(1.0, row[2].Item()); // streetlights[0][2]
        Assert.Equal(0, row[2].Rank);
        Assert.Throws<IndexOutOfRangeException>(() => streetlights[4]);
        Assert.Equal(ElementKind.Integer, slice.Kind);
    }

    [Fact]
    public void Dot_follows_numpy_rank_rules()
    {
        var v = Matrix.Vector(1, 0, 1); // (3,)
        var w = Matrix.Array(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 }, { 5.0, 6.0 } }); // (3, 2)
        Assert.Equal("(2,)", v.Dot(w).Shape); // (3,)·(3,2) -> (2,)
        Assert.Equal([6.0, 8.0], v.Dot(w).Span.ToArray()); // by hand: 1+5, 2+6
        Assert.Equal("()", v.Dot(v).Shape); // (3,)·(3,) -> scalar
        Assert.Equal(2.0, v.Dot(v).Item());
        Assert.Equal("(3,)", w.Dot(Matrix.Vector(1.0, -1.0)).Shape); // (3,2)·(2,) -> (3,)
        Assert.Equal([-1.0, -1.0, -1.0], w.Dot(Matrix.Vector(1.0, -1.0)).Span.ToArray());
    }

    [Fact]
    public void Relu_from_a_mask_keeps_negative_zero_as_numpy_does()
    {
        // The notes print relu((x > 0) * x) of negatives as "-0.": False * -0.5 is -0.0 in numpy.
        var x = Matrix.Vector(-0.5, 0.25, 0.0);
        var mask = x > 0;
        Assert.Equal(ElementKind.Boolean, mask.Kind);
        Assert.Equal([0.0, 1.0, 0.0], mask.Span.ToArray());
        var relu = mask * x;
        Assert.True(double.IsNegative(relu.Span[0]));
        Assert.Equal(0.25, relu.Span[1]);
        Assert.Equal(ElementKind.Float, relu.Kind);
    }

    [Fact]
    public void Integer_matrices_stay_integer_until_mixed_with_floats()
    {
        var i = Matrix.Array(new[,] { { 1, 2 } });
        Assert.Equal(ElementKind.Integer, (i + i).Kind);
        Assert.Equal(ElementKind.Integer, i.T.Kind);
        Assert.Equal(ElementKind.Float, (i / i).Kind); // numpy's true division gives floats
        Assert.Equal(ElementKind.Float, (i * 0.5).Kind);
        Assert.Equal(ElementKind.Float, (i + Matrix.Array(new[,] { { 0.5, 0.5 } })).Kind);
    }

    [Fact]
    public void Float32_matrices_compute_in_float32()
    {
        var a = Matrix.Array(new[,] { { 0.1, 0.2 } }).Cast<float>();
        var sum = (a + a).Span.ToArray();
        Assert.Equal([0.2f, 0.4f], sum);
        // float32 products fuse each multiply-add (Compute.Numpy.Float32, as numpy's BLAS sgemm): fma(0.2, 0.2, fma(0.1, 0.1, 0))
        Assert.Equal(MathF.FusedMultiplyAdd(0.2f, 0.2f, MathF.FusedMultiplyAdd(0.1f, 0.1f, 0f)), a.Dot(a.T).Item());
    }
}

/// <summary>Large products split across threads; each element's summation order must not depend on the split.</summary>
public class GemmThreadingTests
{
    // Without SIMD (DOTNET_EnableHWIntrinsic=0, as tests/isa-fallbacks.sh runs) every product is the one-thread loop.
    private static readonly bool ProductsSplit = PackedGemm.Supported;

    // Runs f with 1, 2 and 3 threads and returns what each gave. For 2 and 3 it retries until a worker thread really ran
    // part of the work (another test can hold the pool, or the caller can take every part before a worker wakes: the
    // product then runs on one thread, correctly but proving nothing about threads), unless products are never split:
    // then the first result stands.
    private static T[][] ByThreads<T>(Func<Compute, T[]> f)
    {
        var results = new T[3][];
        for (int threads = 1; threads <= 3; threads++)
        {
            var compute = new Compute { Threads = threads };
            for (int attempt = 0; ; attempt++)
            {
                int before = WorkerPool.JobsSplitOnThisThread;
                results[threads - 1] = f(compute);
                if (threads == 1 || !ProductsSplit || WorkerPool.JobsSplitOnThisThread > before) break;
                Assert.True(attempt < 200, $"no worker thread ran a part in any of 200 attempts with {threads} threads");
            }
        }
        return results;
    }

    private static void SameBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}[{i}]: {expected[i]:R} on one thread, {actual[i]:R} on several");
    }

    [Theory]
    [InlineData(Summation.Fused)]
    [InlineData(Summation.NumpySeparate)]
    public void Products_are_identical_for_every_thread_count(Summation mode)
    {
        // 150x300x170: 7.6 million multiply-adds, enough for up to 7 parts, so 2 and 3 threads really split it.
        var random = new NumpyRandom(9);
        var a = Matrix.Random<float>(random, 150, 300);
        var b = Matrix.Random<float>(random, 300, 170);
        var ab = a.Dot(b);
        var results = ByThreads(compute =>
        {
            compute = compute with { Float32 = mode };
            var c = new float[150 * 170];
            Gemm.Multiply<float>(compute, a.Span, b.Span, c, 150, 300, 170);
            var ct = new float[300 * 170];
            Gemm.MultiplyTransposeA<float>(compute, a.Span, ab.Span, ct, 300, 150, 170);
            var cb = new float[150 * 150];
            Gemm.MultiplyTransposeB<float>(compute, a.Span, a.Span, cb, 150, 300, 150);
            return (float[])[.. c, .. ct, .. cb];
        });
        SameBits(results[0], results[1], "2 threads");
        SameBits(results[0], results[2], "3 threads");
        // and the one-thread result is the plain triple loop's, summed in k order from +0
        float expected = 0;
        for (int p = 0; p < 300; p++) expected = mode == Summation.Fused ? MathF.FusedMultiplyAdd(a[7, p], b[p, 11], expected) : expected + a[7, p] * b[p, 11];
        Assert.Equal(expected, results[0][7 * 170 + 11]);
    }

    [Fact]
    public void Training_is_identical_for_every_thread_count()
    {
        // Batches of 100 images: the rows are gathered, and the products run, on as many threads as allowed.
        var weights = ByThreads(compute =>
        {
            var random = new NumpyRandom(5);
            var network = new NetworkSpec(784, [64], 10) { OutputActivation = Activation.Softmax, Bias = true, Compute = compute }.Build<float>(random);
            var x = Matrix.Random<float>(random, 500, 784);
            var y = new Matrix<float>(500, 10);
            for (int r = 0; r < 500; r++) y[r, (r * 7) % 10] = 1;
            new Trainer<float>(network, new CrossEntropy<float>(), new Sgd<float>(0.05f))
            {
                Batching = Batching.MiniBatch(100),
                ShuffleWith = new NumpyRandom(6),
            }.Fit(x, y, 2);
            return network.Parameters.SelectMany(p => p.Value.Span.ToArray()).ToArray();
        });
        SameBits(weights[0], weights[1], "weights after 2 threads");
        SameBits(weights[0], weights[2], "weights after 3 threads");
    }

    [Fact]
    public void Two_networks_in_one_process_keep_their_own_rounding()
    {
        // A float64 network with numpy's rounding and one with fused multiply-adds, trained side by side on two threads:
        // each gives what it gives alone. The inputs are chosen so that the two roundings differ.
        double[] Train(Compute compute)
        {
            var random = new NumpyRandom(3);
            var network = (NetworkSpec.Notes(40, [30], 5) with { Compute = compute }).Build<double>(random);
            var x = Matrix.Random(random, 64, 40);
            var y = Matrix.Random(random, 64, 5);
            new Trainer<double>(network, new SquaredError<double>(), new Sgd<double>(0.001)) { Batching = Batching.MiniBatch(16) }.Fit(x, y, 3);
            return network.Parameters.SelectMany(p => p.Value.Span.ToArray()).ToArray();
        }
        var numpyAlone = Train(Compute.Numpy);
        var fusedAlone = Train(Compute.Default);
        Assert.NotEqual(numpyAlone, fusedAlone); // the two modes do differ here, so the check below means something
        double[]? numpy = null, fused = null;
        Parallel.Invoke(() => numpy = Train(Compute.Numpy), () => fused = Train(Compute.Default));
        Assert.Equal(numpyAlone, numpy);
        Assert.Equal(fusedAlone, fused);
    }
}

/// <summary>The packed, blocked SIMD product against the plain triple loop: the same sums in the same order, bit for bit, in both summation modes.</summary>
public class PackedGemmTests
{
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 37, 300, 45 },   // edge tiles in both directions, two k blocks
        { 8, 513, 64 },    // exactly one tile row, three k blocks
        { 130, 257, 33 },  // more rows than one MC block
        { 5, 700, 3100 },  // more columns than one NC block
        { 100, 784, 128 }, // Fashion-MNIST's first layer, forward
        { 100, 128, 10 },  // narrow result (NarrowGemm): the 10-class layer forward, 8-row groups and 4 rows left over
        { 128, 100, 10 },  // its weight gradient hᵀ·δ (transposed A)
        { 61, 600, 16 },   // exactly one float32 vector wide, three k blocks, 5 rows left over
        { 300, 130, 3 },   // a very narrow result
        { 63, 300, 192 },  // few rows against whole panels: B read in place (no packing), an edge row tile, two k blocks
        { 20, 70, 1088 },  // B read in place across two column blocks (1024 and 64)
    };

    private static T[] Reference<T>(T[] a, bool transA, T[] b, bool transB, int m, int k, int n, Summation mode) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var c = new T[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    T x = transA ? a[p * m + i] : a[i * k + p], y = transB ? b[j * k + p] : b[p * n + j];
                    sum = mode == Summation.Fused ? T.FusedMultiplyAdd(x, y, sum) : sum + x * y;
                }
                c[i * n + j] = sum;
            }
        return c;
    }

    private static void Check<T>(int m, int k, int n) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Check<T>(m, k, n, Summation.NumpySeparate);
        Check<T>(m, k, n, Summation.Fused);
    }

    private static void Check<T>(int m, int k, int n, Summation mode) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new NumpyRandom(17);
        T[] Draw(int count) => Enumerable.Range(0, count).Select(_ => T.CreateTruncating(random.Uniform(-1, 1))).ToArray();
        T[] a = Draw(m * k), b = Draw(k * n);
        var c = new T[m * n];
        Gemm.Run<T>(a, false, b, false, c, m, k, n, mode, threads: 2);
        Assert.True(Reference(a, false, b, false, m, k, n, mode).SequenceEqual(c), $"A·B {typeof(T).Name} {m}x{k}x{n} {mode}");
        Gemm.Run<T>(a, true, b, false, c, m, k, n, mode, threads: 2); // a read as (k, m)
        Assert.True(Reference(a, true, b, false, m, k, n, mode).SequenceEqual(c), $"Aᵀ·B {typeof(T).Name} {m}x{k}x{n} {mode}");
        Gemm.Run<T>(a, false, b, true, c, m, k, n, mode, threads: 2); // b read as (n, k)
        Assert.True(Reference(a, false, b, true, m, k, n, mode).SequenceEqual(c), $"A·Bᵀ {typeof(T).Name} {m}x{k}x{n} {mode}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float32_packed_products_equal_the_plain_loop(int m, int k, int n) => Check<float>(m, k, n);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float64_packed_products_equal_the_plain_loop(int m, int k, int n) => Check<double>(m, k, n);

    // Below the packing threshold: rows, columns and inner sizes of 1 (where a transpose is the same memory), sizes
    // around the vector width, and the notes' 3-4-1 network's five products (one example a batch).
    public static TheoryData<int, int, int> SmallShapes() => new()
    {
        { 1, 3, 4 }, { 1, 4, 1 }, { 4, 1, 1 }, { 3, 1, 4 }, { 1, 1, 4 },
        { 1, 1, 1 }, { 2, 5, 3 }, { 5, 7, 9 }, { 3, 2, 17 }, { 31, 31, 31 }, { 4, 16, 1 }, { 1, 16, 33 },
    };

    [Theory]
    [MemberData(nameof(SmallShapes))]
    public void Float32_small_products_equal_the_plain_loop(int m, int k, int n) => Check<float>(m, k, n);

    [Theory]
    [MemberData(nameof(SmallShapes))]
    public void Float64_small_products_equal_the_plain_loop(int m, int k, int n) => Check<double>(m, k, n);

    [Fact]
    public void Negative_zero_products_sum_to_positive_zero_as_numpy()
    {
        // 1 * -0.0 summed from +0 is +0: the notes print weight_delta_0_1 as "0." for a -0 delta.
        int m = 40, k = 40, n = 40;
        var a = new double[m * k];
        var b = new double[k * n];
        Array.Fill(a, 1.0);
        Array.Fill(b, -0.0);
        var c = new double[m * n];
        Gemm.Multiply<double>(Compute.Numpy, a, b, c, m, k, n);
        Assert.All(c, v => Assert.False(double.IsNegative(v)));
    }
}
