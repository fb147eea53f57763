namespace Backprop.Tests;

/// <summary>
/// Every layer's and loss's backward pass against central finite differences, (f(v+h) - f(v-h)) / 2h: the
/// independent check of backpropagation's calculus.
/// </summary>
public class GradientTests
{
    private const double H = 1e-6;

    private static Matrix<double> RandomMatrix(NumpyRandom random, int rows, int columns, double low = -1, double high = 1)
    {
        var m = new Matrix<double>(rows, columns);
        for (int i = 0; i < m.Length; i++) m.Span[i] = random.Uniform(low, high);
        return m;
    }

    public static TheoryData<string> LayerNames() => new() { "dense", "dense+bias", "relu", "sigmoid", "tanh", "softmax" };

    private static ILayer<double> MakeLayer(string name, NumpyRandom random)
    {
        switch (name)
        {
            case "dense":
            case "dense+bias":
                var dense = new Dense<double>(4, 3, bias: name == "dense+bias");
                foreach (var p in dense.Parameters)
                    for (int i = 0; i < p.Value.Length; i++) p.Value.Span[i] = random.Uniform(-1, 1);
                return dense;
            case "relu": return new Relu<double>();
            case "sigmoid": return new Sigmoid<double>();
            case "tanh": return new Tanh<double>();
            case "softmax": return new Softmax<double>();
            default: throw new ArgumentException(name);
        }
    }

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Layer_backward_matches_finite_differences(string name)
    {
        var random = new NumpyRandom(11);
        var layer = MakeLayer(name, random);
        int inputs = name.StartsWith("dense") ? 4 : 3;
        var x = RandomMatrix(random, 5, inputs);
        if (name == "relu") // keep inputs away from the kink at 0, where relu has no derivative
            for (int i = 0; i < x.Length; i++) x.Span[i] += Math.Sign(x.Span[i]) * 0.1;
        var output = layer.Forward(x, training: true);
        var r = RandomMatrix(random, output.Rows, output.Columns); // f(x) = Σ output ⊙ r, so df/doutput = r

        double F() => (layer.Forward(x, training: true) * r).Sum();

        layer.Forward(x, training: true);
        var inputDelta = layer.Backward(r, needInputDelta: true)!.Copy();
        var parameterGradients = layer.Parameters.Select(p => p.Gradient.Copy()).ToArray();

        AssertMatchesNumeric(x, inputDelta, F, $"{name} input delta");
        for (int k = 0; k < layer.Parameters.Count; k++)
            AssertMatchesNumeric(layer.Parameters[k].Value, parameterGradients[k], F, $"{name} {layer.Parameters[k].Name} gradient");
    }

    public static TheoryData<string> LossNames() => new() { "sse", "mse", "cross-entropy", "binary-cross-entropy" };

    [Theory]
    [MemberData(nameof(LossNames))]
    public void Loss_delta_matches_finite_differences(string name)
    {
        var random = new NumpyRandom(5);
        ILoss<double> loss = name switch
        {
            "sse" => new SquaredError<double>(),
            "mse" => new MeanSquaredError<double>(),
            "cross-entropy" => new CrossEntropy<double>(),
            _ => new BinaryCrossEntropy<double>(),
        };
        var p = RandomMatrix(random, 4, 3, 0.05, 0.95); // probabilities, away from 0 and 1, fit every loss
        var y = name == "cross-entropy" ? Matrix.Array(new[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { 0, 1, 0 } }) : RandomMatrix(random, 4, 3, 0, 1);
        var delta = new Matrix<double>(4, 3);
        loss.Delta(p, y, delta);
        AssertMatchesNumeric(p, delta, () => loss.DeltaScale * loss.Loss(p, y), $"{name} delta");
    }

    [Fact]
    public void Squared_error_is_the_notes_formula()
    {
        // Hand calculation: prediction (0.5, -1), goal (1, 1): (0.5-1)² + (-1-1)² = 0.25 + 4 = 4.25; delta = prediction - goal.
        var p = Matrix.Array(new[,] { { 0.5, -1.0 } });
        var y = Matrix.Array(new[,] { { 1.0, 1.0 } });
        var loss = new SquaredError<double>();
        Assert.Equal(4.25, loss.Loss(p, y));
        var delta = new Matrix<double>(1, 2);
        loss.Delta(p, y, delta);
        Assert.Equal([-0.5, -2.0], delta.Span.ToArray());
        Assert.Equal(0.5, loss.DeltaScale); // delta is d/dp of ½ Σ (p - y)²
    }

    public static TheoryData<string, string, string> Networks() => new()
    {
        { "relu", "identity", "sse" },
        { "sigmoid", "sigmoid", "mse" },
        { "tanh", "identity", "mse" },
        { "relu", "softmax", "cross-entropy" },
        { "tanh", "sigmoid", "binary-cross-entropy" },
        { "sigmoid", "softmax", "sse" },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Whole_network_backpropagation_matches_finite_differences(string hidden, string output, string lossName)
    {
        var random = new NumpyRandom(3);
        var spec = new NetworkSpec(4, [5, 3], 3)
        {
            HiddenActivation = Enum.Parse<Activation>(hidden, true),
            OutputActivation = Enum.Parse<Activation>(output, true),
            Bias = true,
        };
        var network = spec.Build<double>(random);
        foreach (var b in network.Parameters.Where(p => p.Name.StartsWith("bias")))
            for (int i = 0; i < b.Value.Length; i++) b.Value.Span[i] = random.Uniform(-0.5, 0.5);
        var x = RandomMatrix(random, 6, 4);
        var y = lossName == "cross-entropy"
            ? Matrix.Array(new[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } })
            : RandomMatrix(random, 6, 3, 0, 1);
        ILoss<double> loss = lossName switch
        {
            "sse" => new SquaredError<double>(),
            "mse" => new MeanSquaredError<double>(),
            "cross-entropy" => new CrossEntropy<double>(),
            _ => new BinaryCrossEntropy<double>(),
        };
        var before = network.Parameters.Select(p => p.Value.Copy().Span.ToArray()).ToArray();

        var results = GradientCheck.Run(network, loss, x, y);

        Assert.Equal(network.Parameters.Count, results.Count);
        Assert.All(results, r => Assert.True(r.MaxRelativeError < 1e-5, $"{r.Parameter}: relative error {r.MaxRelativeError}"));
        for (int k = 0; k < before.Length; k++) Assert.Equal(before[k], network.Parameters[k].Value.Span.ToArray());
    }

    [Fact]
    public void Gradient_check_detects_a_wrong_gradient()
    {
        // A loss whose delta is deliberately twice the truth must fail the check: the check can fail.
        var network = NetworkSpec.Notes(3, [4], 1).Build<double>(new NumpyRandom(1));
        var x = Matrix.Array(new[,] { { 1, 0, 1 }, { 0, 1, 1 } });
        var y = Matrix.Array(new[,] { { 1 }, { 0 } });
        var results = GradientCheck.Run(network, new DoubledDelta(), x, y);
        Assert.Contains(results, r => r.MaxRelativeError > 0.1);
    }

    private sealed class DoubledDelta : ILoss<double>
    {
        private readonly SquaredError<double> _inner = new();
        public LossKind Kind => LossKind.Sse;   // a wrong delta for sse
        public double Loss(Matrix<double> prediction, Matrix<double> target) => _inner.Loss(prediction, target);
        public void Delta(Matrix<double> prediction, Matrix<double> target, Matrix<double> delta)
        {
            _inner.Delta(prediction, target, delta);
            for (int i = 0; i < delta.Length; i++) delta.Span[i] *= 4; // true derivative is 2(p - y); this gives 4(p - y)
        }
    }

    // Compares analytic with (f(v+h) - f(v-h)) / 2h for every element v of `values`.
    private static void AssertMatchesNumeric(Matrix<double> values, Matrix<double> analytic, Func<double> f, string what)
    {
        Assert.Equal(values.Length, analytic.Length);
        for (int i = 0; i < values.Length; i++)
        {
            double saved = values.Span[i];
            values.Span[i] = saved + H;
            double plus = f();
            values.Span[i] = saved - H;
            double minus = f();
            values.Span[i] = saved;
            double numeric = (plus - minus) / (2 * H);
            double a = analytic.Span[i];
            double error = Math.Abs(a - numeric) / Math.Max(Math.Abs(a) + Math.Abs(numeric), 1e-8);
            Assert.True(error < 1e-6 || Math.Abs(a - numeric) < 1e-9, $"{what}[{i}]: analytic {a}, numeric {numeric}");
        }
    }
}
