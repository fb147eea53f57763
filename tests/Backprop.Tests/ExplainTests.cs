namespace Backprop.Tests;

/// <summary>Error attribution: correlations before training, up and down pressure on each weight.</summary>
public sealed class ExplainTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // The notes' six streetlight patterns with walk_vs_stop = [0, 1, 0, 1, 1, 0].
    private static readonly Matrix<double> Lights = Matrix.Array(new[,] { { 1, 0, 1 }, { 0, 1, 1 }, { 0, 0, 1 }, { 1, 1, 1 }, { 0, 1, 1 }, { 1, 0, 1 } });
    private static readonly Matrix<double> Walk = Matrix.Array(new[,] { { 0 }, { 1 }, { 0 }, { 1 }, { 1 }, { 0 } });

    [Fact]
    public void Correlations_show_the_middle_light_predicts_walk()
    {
        var c = ErrorAttribution.Correlations(Lights, Walk);
        Assert.Equal(1.0, c[1, 0], 12);        // middle == walk exactly
        Assert.Equal(-1.0 / 3, c[0, 0], 12);    // by hand: Σ(dx·dy) = -0.5, Σdx² = Σdy² = 1.5
        Assert.True(double.IsNaN(c[2, 0]));    // the right light is always on: no correlation is defined
    }

    [Fact]
    public void Pressure_is_the_sum_of_each_examples_step_split_by_sign()
    {
        // The notes' weights (0.5, 0.48, -0.7), no hidden layer, squared error: each example asks for the step
        // -input * (prediction - goal). Expected values by that formula, computed here in plain loops.
        var dense = new Dense<double>(3, 1);
        double[] w = [0.5, 0.48, -0.7];
        w.CopyTo(dense.Weights.Value.Span);
        dense.Weights.Name = "weights_0_1";
        var network = new Network<double>(dense);

        var p = ErrorAttribution.Pressure(network, new SquaredError<double>(), Lights, Walk).Single();

        for (int i = 0; i < 3; i++)
        {
            double up = 0, down = 0;
            int zero = 0;
            for (int r = 0; r < 6; r++)
            {
                double prediction = Lights[r, 0] * w[0] + Lights[r, 1] * w[1] + Lights[r, 2] * w[2];
                double step = -Lights[r, i] * (prediction - Walk[r, 0]);
                if (step > 0) up += step; else down += step;
                if (Lights[r, i] == 0) zero++;
            }
            Assert.Equal(up, p.Up[i, 0], 12);
            Assert.Equal(down, p.Down[i, 0], 12);
            Assert.Equal(zero, p.ZeroInput[i, 0]);
        }
        Assert.Equal(3, p.ZeroInput[1, 0]); // the middle light is off in three patterns: no blame there
        Assert.Equal(w, p.Weights.Span.ToArray());
        Assert.Equal(w, dense.Weights.Value.Span.ToArray()); // measuring moved nothing
    }

    // The notes' "Backpropagation in code" network: 3-4-1, relu hidden, weights 2·random - 1 from np.random.seed(1), in numpy's order.
    private static (Network<double> Network, double[,] W01, double[,] W12) NotesNetwork()
    {
        var random = new NumpyRandom(1);
        var w01 = new double[3, 4];
        var w12 = new double[4, 1];
        for (int i = 0; i < 3; i++) for (int o = 0; o < 4; o++) w01[i, o] = 2 * random.RandomSample() - 1;
        for (int i = 0; i < 4; i++) w12[i, 0] = 2 * random.RandomSample() - 1;
        var first = new Dense<double>(3, 4);
        var second = new Dense<double>(4, 1);
        for (int i = 0; i < 3; i++) for (int o = 0; o < 4; o++) first.Weights.Value[i, o] = w01[i, o];
        for (int i = 0; i < 4; i++) second.Weights.Value[i, 0] = w12[i, 0];
        return (new Network<double>(first, new Relu<double>(), second), w01, w12);
    }

    [Fact]
    public void Each_examples_step_is_the_notes_minus_layer_in_times_delta_computed_by_hand()
    {
        // Expected: the notes' loop body written out in plain loops (numpy's layer_1 = relu(layer_0 · w01), layer_2 = layer_1 · w12,
        // layer_2_delta = layer_2 - goal, layer_1_delta = layer_2_delta · w12ᵀ · relu2deriv(layer_1)); each example's step on a
        // weight is -(layer_in[i] · delta[o]), the notes' weight_delta with its sign turned, as the notes' error attribution reads it.
        var (network, w01, w12) = NotesNetwork();
        var steps = ErrorAttribution.StepsByExample(network, new SquaredError<double>(), Lights, Walk);
        Assert.Equal(2, steps.Count);
        Assert.All(steps, s => Assert.Equal(6, s.Examples));
        for (int e = 0; e < 6; e++)
        {
            var layer1 = new double[4];
            for (int o = 0; o < 4; o++)
            {
                double sum = 0;
                for (int i = 0; i < 3; i++) sum += Lights[e, i] * w01[i, o];
                layer1[o] = sum > 0 ? sum : 0;
            }
            double layer2 = 0;
            for (int i = 0; i < 4; i++) layer2 += layer1[i] * w12[i, 0];
            double delta2 = layer2 - Walk[e, 0];
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(-(layer1[i] * delta2), steps[1].Step(e, i, 0), 1e-14);
                Assert.Equal(layer1[i] == 0, steps[1].NoBlame(e, i));
            }
            for (int o = 0; o < 4; o++)
            {
                double delta1 = delta2 * w12[o, 0] * (layer1[o] > 0 ? 1 : 0);
                for (int i = 0; i < 3; i++) Assert.Equal(-(Lights[e, i] * delta1), steps[0].Step(e, i, o), 1e-14);
            }
            for (int i = 0; i < 3; i++) Assert.Equal(Lights[e, i] == 0, steps[0].NoBlame(e, i));
        }
        // Some hidden unit is off for some example (relu), so the second layer has "no blame" examples too.
        Assert.Contains(true, steps[1].ZeroInput.Cast<bool>());
    }

    [Fact]
    public void Each_examples_steps_add_up_to_the_pressure_exactly()
    {
        // Up is the sum of the positive steps, down of the negative ones, zero input the examples that blame nothing:
        // the same numbers, to the last bit, as Pressure's sums (added in the order of the examples).
        var (network, _, _) = NotesNetwork();
        var loss = new SquaredError<double>();
        var trainer = new Trainer<double>(network, loss, new Sgd<double>(0.2));
        trainer.Fit(Lights, Walk, 3);
        var pressure = ErrorAttribution.Pressure(network, loss, Lights, Walk);
        var steps = ErrorAttribution.StepsByExample(network, loss, Lights, Walk);
        for (int d = 0; d < 2; d++)
        {
            Assert.Equal(pressure[d].Layer, steps[d].Layer);
            for (int i = 0; i < pressure[d].Weights.Rows; i++)
                for (int o = 0; o < pressure[d].Weights.Columns; o++)
                {
                    double up = 0, down = 0;
                    int zero = 0;
                    for (int e = 0; e < 6; e++)
                    {
                        double step = steps[d].Step(e, i, o);
                        if (step > 0) up += step; else down += step;
                        if (steps[d].NoBlame(e, i)) zero++;
                    }
                    Assert.Equal(pressure[d].Up[i, o], up);
                    Assert.Equal(pressure[d].Down[i, o], down);
                    Assert.Equal(pressure[d].ZeroInput[i, o], zero);
                }
        }
        Assert.True(pressure[1].Up.Span.ToArray().Any(v => v > 0) && pressure[1].Down.Span.ToArray().Any(v => v < 0)); // both signs occur
    }

    [Fact]
    public void Conflicting_pressure_is_flagged_when_both_directions_are_comparable()
    {
        var up = Matrix.Array(new[,] { { 1.0, 1.0, 0.0 } });
        var down = Matrix.Array(new[,] { { -0.8, -0.2, -1.0 } });
        var p = new LayerPressure("w", new Matrix<double>(1, 3), up, down, new int[1, 3], 4);
        Assert.True(p.Conflicting(0, 0));
        Assert.False(p.Conflicting(0, 1));
        Assert.False(p.Conflicting(0, 2));
        Assert.Equal(0.2, p.Net(0, 0), 12);
    }

    [Fact]
    public void Explain_command_prints_correlations_and_pressure_and_plots()
    {
        string plot = _temp.File("pressure.png");
        var (code, output, err) = CliTests.Run("explain", TestData.Path("csv", "streetlights6.csv"), "--target", "walk",
            "--normalize", "none", "--loss", "sse", "--epochs", "3", "--layers", "2", "--plot", plot);
        Assert.True(code == 0, err);
        Assert.Matches(@"middle\s+1\.000", output);
        Assert.Matches(@"right\s+-\n", output);
        Assert.Contains("after 3 epochs", output);
        Assert.Contains("weights_0_1:", output);
        Assert.Contains("weights_1_2:", output);
        Assert.Contains("no blame in 3 examples", output);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(plot)[..4]);
    }

    // The weight rows of explain's output: (layer, from, to, up, down), parsed from the tables.
    private static List<(string Layer, string From, string To, double Up, double Down)> WeightRows(string output)
    {
        var rows = new List<(string, string, string, double, double)>();
        string layer = "";
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("weights_", StringComparison.Ordinal) && line.EndsWith(':')) layer = line[..^1];
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (layer != "" && cells.Length >= 7 && double.TryParse(cells[3], System.Globalization.CultureInfo.InvariantCulture, out double up))
                rows.Add((layer, cells[0], cells[1], up, double.Parse(cells[4], System.Globalization.CultureInfo.InvariantCulture)));
        }
        return rows;
    }

    [Fact]
    public void Top_lists_the_weights_with_the_largest_pressure_and_says_how_many_were_left_out()
    {
        string[] command = ["explain", TestData.Path("csv", "streetlights6.csv"), "--target", "walk", "--normalize", "none",
            "--loss", "sse", "--epochs", "2", "--layers", "3"];
        var (code, all, err) = CliTests.Run([.. command, "--top", "0"]);
        Assert.True(code == 0, err);
        var every = WeightRows(all);
        Assert.Equal(3 * 3 + 3 * 1, every.Count); // --top 0: all 12 weights
        Assert.DoesNotContain("left out", all);

        (code, var five, err) = CliTests.Run([.. command, "--top", "5"]);
        Assert.True(code == 0, err);
        // Expected: the five largest up + |down| of the full listing (ties broken by listing order), each layer's largest first.
        var expected = every.Select((r, k) => (r, k)).OrderByDescending(x => x.r.Up - x.r.Down).ThenBy(x => x.k).Take(5)
            .Select(x => x.r).OrderBy(r => r.Layer, StringComparer.Ordinal).ThenByDescending(r => r.Up - r.Down).ToList();
        Assert.Equal(expected.Select(r => (r.Layer, r.From, r.To)), WeightRows(five).Select(r => (r.Layer, r.From, r.To)));
        Assert.Contains("the 5 weights with the largest pressure (up + |down|) of 12, each layer's largest first; 7 left out (--top 0 lists all)", five);
    }

    [Fact]
    public void A_large_network_lists_twenty_weights_and_inputs_by_default_and_a_small_one_all()
    {
        // 30 inputs and 8 hidden units: 30·8 + 8·1 = 248 weights, more than the 200 that are listed in full.
        var random = new NumpyRandom(3);
        var lines = new List<string> { string.Join(",", Enumerable.Range(1, 30).Select(i => $"x{i}")) + ",y" };
        for (int r = 0; r < 40; r++)
            lines.Add(string.Join(",", Enumerable.Range(0, 31).Select(_ => random.Uniform(0, 1).ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
        string data = _temp.Write("wide.csv", string.Join("\n", lines) + "\n");
        var (code, output, err) = CliTests.Run("explain", data, "--target", "y", "--layers", "8");
        Assert.True(code == 0, err);
        Assert.Equal(20, WeightRows(output).Count);
        Assert.Contains("228 left out (--top 0 lists all)", output);
        Assert.Contains("(the 20 inputs most correlated with a target; 10 of 30 left out: --top 0 lists all)", output);

        (code, output, err) = CliTests.Run("explain", TestData.Path("csv", "streetlights6.csv"), "--target", "walk", "--layers", "2");
        Assert.True(code == 0, err);
        Assert.Equal(3 * 2 + 2, WeightRows(output).Count);
        Assert.DoesNotContain("left out", output);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("many")]
    public void Top_must_be_a_whole_number(string top)
    {
        var (code, output, err) = CliTests.Run("explain", TestData.Path("csv", "streetlights6.csv"), "--target", "walk", "--top", top);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"backprop: --top: '{top}' must be a whole number (0 lists everything)\n", err.Replace("\r", ""));
    }
}
