namespace Backprop.Tests;

/// <summary>The vectorised element-wise kernels against their one-line scalar definitions, bit for bit (lengths cover whole vectors and tails).</summary>
public class ElementwiseTests
{
    private static double[] Values(int n, uint seed)
    {
        var random = new NumpyRandom(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = random.Uniform(-2, 2);
        if (n > 5) { v[1] = -0.0; v[2] = 0.0; v[5] = -1e-300; }
        return v;
    }

    private static void Same(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]), $"[{i}]: {expected[i]} vs {actual[i]}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Long_updates_split_between_threads_equal_the_scalar_definition(int threads)
    {
        // 100,003 values: above the length at which AddScaled and SubtractScaled share the work between two threads.
        const int n = 100_003;
        double[] x = Values(n, 3), g = Values(n, 4);
        double[] added = (double[])x.Clone(), subtracted = (double[])x.Clone();
        var compute = new Compute { Threads = threads };
        Elementwise.AddScaled<double>(added, 0.3, g, compute);
        Elementwise.SubtractScaled<double>(subtracted, 0.3, g, compute);
        Same(x.Select((v, i) => v + 0.3 * g[i]).ToArray(), added);
        Same(x.Select((v, i) => v - 0.3 * g[i]).ToArray(), subtracted);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(37)]
    [InlineData(64)]
    public void Kernels_equal_their_scalar_definitions(int n)
    {
        double[] x = Values(n, 1), y = Values(n, 2);

        var relu = new double[n];
        Elementwise.MultiplyByPositive<double>(x, x, relu);
        Same(x.Select(v => (v > 0 ? 1.0 : 0.0) * v).ToArray(), relu); // (x > 0) * x keeps -0 for negatives

        var masked = new double[n];
        Elementwise.MultiplyByPositive<double>(y, x, masked);
        Same(y.Select((v, i) => v * (x[i] > 0 ? 1.0 : 0.0)).ToArray(), masked);

        var w = (double[])x.Clone();
        Elementwise.SubtractScaled<double>(w, 0.2, y);
        Same(x.Select((v, i) => v - 0.2 * y[i]).ToArray(), w);

        w = (double[])x.Clone();
        Elementwise.AddScaled<double>(w, 0.3, y);
        Same(x.Select((v, i) => v + 0.3 * y[i]).ToArray(), w);

        // The layers' bias add, p - y and the division by the batch size are TensorPrimitives' single IEEE operations:
        // the same bits as numpy's +, - and / (checked here, on vector lengths and tails).
        w = (double[])x.Clone();
        System.Numerics.Tensors.TensorPrimitives.Add<double>(w, y, w);
        Same(x.Select((v, i) => v + y[i]).ToArray(), w);

        var d = new double[n];
        System.Numerics.Tensors.TensorPrimitives.Subtract<double>(x, y, d);
        Same(x.Select((v, i) => v - y[i]).ToArray(), d);

        w = (double[])x.Clone();
        System.Numerics.Tensors.TensorPrimitives.Divide<double>(w, 3.0, w);
        Same(x.Select(v => v / 3.0).ToArray(), w);
    }

    [Fact]
    public void Relu_layer_gives_negative_zero_for_negative_inputs_on_the_vector_path()
    {
        var x = new Matrix<double>(1, 16);
        for (int i = 0; i < 16; i++) x[0, i] = i % 2 == 0 ? -1.5 : 2.0;
        var y = new Relu<double>().Forward(x, training: true);
        for (int i = 0; i < 16; i++)
            if (i % 2 == 0) Assert.True(double.IsNegative(y[0, i]) && y[0, i] == 0);
            else Assert.Equal(2.0, y[0, i]);
    }
    [Fact]
    public void Length_mismatches_name_both_lengths()
    {
        // The messages are built in a throw helper (off the hot path); they must still say which lengths clashed.
        double[] three = new double[3], four = new double[4];
        Assert.Equal("Cannot update 4 values from 3.", Assert.Throws<ShapeMismatchException>(() => Elementwise.AddScaled<double>(four, 0.5, three)).Message);
        Assert.Equal("Cannot update 4 values from 3.", Assert.Throws<ShapeMismatchException>(() => Elementwise.SubtractScaled<double>(four, 0.5, three)).Message);
        Assert.Equal("Cannot mask 3 values by 4 into 3.", Assert.Throws<ShapeMismatchException>(() => Elementwise.MultiplyByPositive<double>(three, four, three)).Message);
        var dense = new Dense<double>(3, 2);
        Assert.Equal("Dense layer expects 3 inputs a row; got shape (1, 4).",
            Assert.Throws<ShapeMismatchException>(() => dense.Forward(new Matrix<double>(1, 4), training: false)).Message);
        var network = new Network<double>(dense);
        var prediction = network.Forward(new Matrix<double>(1, 3));
        Assert.Equal("Targets of shape (1, 3) do not match predictions of shape (1, 2).",
            Assert.Throws<ShapeMismatchException>(() => network.Backward(new SquaredError<double>(), prediction, new Matrix<double>(1, 3))).Message);
    }
}

/// <summary>The squared error's sum: numpy's np.sum((a - b) ** 2), without the temporary array of squares.</summary>
public class PairwiseSquaresTests
{
    [Fact]
    public void Sum_of_squared_differences_is_the_pairwise_sum_of_the_squares_bit_for_bit()
    {
        // PairwiseSum is checked against numpy's np.sum elsewhere; the squares are what numpy's (a - b) ** 2 holds.
        var random = new NumpyRandom(21);
        foreach (int n in new[] { 0, 1, 3, 7, 8, 9, 15, 16, 17, 127, 128, 129, 200, 255, 256, 1000 })
        {
            double[] a = random.Uniform(-3, 3, n), b = random.Uniform(-3, 3, n);
            double[] squares = a.Zip(b, (x, y) => (x - y) * (x - y)).ToArray();
            Assert.Equal(BitConverter.DoubleToInt64Bits(Elementwise.PairwiseSum<double>(squares)),
                         BitConverter.DoubleToInt64Bits(Elementwise.PairwiseSumOfSquaredDifferences<double>(a, b)));
        }
    }
}
