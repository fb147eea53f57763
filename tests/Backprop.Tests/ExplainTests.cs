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
