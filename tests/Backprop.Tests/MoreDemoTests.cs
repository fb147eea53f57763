using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.Tests;

/// <summary>
/// The demos beyond the notes' printed output: each is run as a user runs it, and the learning fact it exists to
/// show is checked from the numbers it prints, against a hand calculation where one is short.
/// </summary>
public class MoreDemoTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static double D(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string RunDemo(params string[] args)
    {
        var (code, output, err) = CliTests.Run(["demo", .. args]);
        Assert.True(code == 0, $"demo {string.Join(' ', args)} failed ({code}): {err}");
        Assert.Equal("", err);
        return output;
    }

    private static void AssertUsageError(string[] args, params string[] expected)
    {
        var (code, output, err) = CliTests.Run(["demo", .. args]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("backprop: ", err);
        foreach (string text in expected) Assert.Contains(text, err);
    }

    private static string[] Lines(string output) => output.Split('\n');

    [Fact]
    public void Demo_lists_all_twelve_examples()
    {
        string output = RunDemo();
        string[] names =
        [
            "streetlights", "learn-one", "learn-all", "first-deep", "backprop", "one-iteration",
            "dimmer", "modes", "overfit-weights", "conflicting-pressure", "indirect-correlation", "overfitting",
        ];
        var listed = Lines(output).Skip(1).Where(l => l.Length > 0).Select(l => l.Trim().Split(' ')[0]).ToArray();
        Assert.Equal(names, listed);
    }

    // ---- dimmer ----

    // A row of the dimmer table: alpha*|x|^2, the errors after 1, 10, 20 and 40 iterations (NaN for "overflow"), the final weights.
    private static (double Step, double[] Errors, string Weights) DimmerRow(string output, string dataset)
    {
        string line = Lines(output).Single(l => Regex.IsMatch(l, $@"^{Regex.Escape(dataset)}\s+\d") && l.Contains('['));
        string[] fields = line[dataset.Length..line.IndexOf('[')].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, fields.Length);
        return (D(fields[0]), fields[1..].Select(f => f == "overflow" ? double.NaN : D(f)).ToArray(), line[line.IndexOf('[')..]);
    }

    [Fact]
    public void Dimmer_raw_multiples_diverge_at_the_alpha_the_dimmer_values_learn_with()
    {
        string output = RunDemo("dimmer");
        var dimmer = DimmerRow(output, "streetlights_dimmer");
        var times10 = DimmerRow(output, "streetlights_dimmer * 10");
        var times20 = DimmerRow(output, "streetlights_dimmer * 20");

        // alpha * the largest squared row length, by hand: the row [.8, .9, 1] has .64 + .81 + 1 = 2.45.
        Assert.Equal(0.245, dimmer.Step, 12);
        Assert.Equal(24.5, times10.Step, 10);
        Assert.Equal(98, times20.Step, 10);

        Assert.True(dimmer.Errors[^1] < 0.05 && dimmer.Errors[^1] < dimmer.Errors[0], $"the dimmer values learn: {string.Join(", ", dimmer.Errors)}");
        Assert.True(times10.Errors[^1] > 1e100 * times10.Errors[0], $"x10 grows: {string.Join(", ", times10.Errors)}");
        Assert.True(double.IsNaN(times20.Errors[^1]) || times20.Errors[^1] > times20.Errors[0], $"x20 grows or overflows: {string.Join(", ", times20.Errors)}");
        Assert.True(double.IsNaN(times20.Errors[^1]));
        Assert.Contains("streetlights_dimmer * 20: the error overflowed", output);
    }

    [Theory]
    [InlineData("--normalize")]
    [InlineData("--normalize", "minmax")]
    public void Dimmer_scaled_to_0_1_all_three_learn_the_same_weights(params string[] flags)
    {
        string output = RunDemo(["dimmer", .. flags]);
        Assert.Contains("minmax", output);
        var rows = new[] { "streetlights_dimmer", "streetlights_dimmer * 10", "streetlights_dimmer * 20" }.Select(d => DimmerRow(output, d)).ToArray();
        foreach (var row in rows)
        {
            Assert.True(row.Step < 2, $"alpha*|x|^2 {row.Step}");
            Assert.True(row.Errors[^1] < 0.05 && row.Errors[^1] < row.Errors[0] / 100, string.Join(", ", row.Errors));
            Assert.Equal(rows[0].Weights, row.Weights);
        }
    }

    [Fact]
    public void Dimmer_standard_scaling_makes_the_three_datasets_behave_identically()
    {
        string output = RunDemo("dimmer", "--normalize", "standard");
        var rows = new[] { "streetlights_dimmer", "streetlights_dimmer * 10", "streetlights_dimmer * 20" }.Select(d => DimmerRow(output, d)).ToArray();
        foreach (var row in rows)
        {
            Assert.True(double.IsFinite(row.Errors[^1]) && row.Errors[^1] < row.Errors[0]);
            Assert.Equal(rows[0].Errors[^1], row.Errors[^1], 1e-9);
            Assert.Equal(rows[0].Weights, row.Weights);
        }
    }

    [Fact]
    public void Demo_flags_are_checked()
    {
        AssertUsageError(["dimmer", "--normalize", "bogus"], "--normalize", "bogus", "minmax");
        AssertUsageError(["learn-one", "--normalize"], "learn-one", "--normalize", "backprop demo dimmer");
        AssertUsageError(["dimmer", "--data", _temp.Path], "dimmer", "--data", "backprop demo overfitting");
        AssertUsageError(["--data", _temp.Path], "--data", "overfitting");
    }

    // ---- modes ----

    [Fact]
    public void Modes_all_three_learn_and_stochastic_is_the_notes_loop()
    {
        string output = RunDemo("modes");
        var rows = Lines(output).Where(l => Regex.IsMatch(l, @"^\s+\d+\s+\S+\s+\S+\s+\S+$"))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.Equal(40, rows.Length);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => i.ToString()), rows.Select(r => r[0]));
        double[][] columns = [.. Enumerable.Range(1, 3).Select(c => rows.Select(r => D(r[c])).ToArray())];
        foreach (var column in columns)
            for (int i = 1; i < column.Length; i++)
                Assert.True(column[i] < column[i - 1], $"epoch {i + 1}: {column[i]} after {column[i - 1]}");

        // Stochastic is the notes' "Learning the whole dataset": its Error For All values, digit for digit.
        var notes = Regex.Matches(TestData.Notes, @"^Error For All: (\S+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(4, notes.Length); // the first two iterations and the last two
        Assert.Equal([notes[0], notes[1]], rows[..2].Select(r => r[1]));
        Assert.Equal([notes[2], notes[3]], rows[^2..].Select(r => r[1]));

        // Full: one update an epoch, so epoch 1 is the error of the starting weights on all six rows, by hand:
        // predictions -0.2, -0.22, -0.7, 0.28, -0.22, -0.2 against goals 0, 1, 0, 1, 1, 0.
        double byHand = 0.04 + 1.4884 + 0.49 + 0.5184 + 1.4884 + 0.04;
        Assert.Equal(byHand, columns[1][0], 12);
        // More updates an epoch, more learned an epoch: stochastic (6) < mini-batch (3) < full (1) after 40.
        Assert.True(columns[0][^1] < columns[2][^1] && columns[2][^1] < columns[1][^1]);
    }

    // ---- overfit-weights ----

    [Fact]
    public void Overfit_weights_are_perfect_on_1_0_1_and_wrong_elsewhere_then_move_to_the_middle_light()
    {
        string output = RunDemo("overfit-weights");
        var rows = Lines(output).Select(l => Regex.Match(l, @"^  \[(\d) (\d) (\d)\]  goal (\d)  prediction (\S+)  error (\S+)$"))
            .Where(m => m.Success).ToArray();
        Assert.Equal(6, rows.Length);
        double[] weights = [0.5, 0, -0.5];
        bool wrongSomewhere = false;
        foreach (var m in rows)
        {
            double[] input = [D(m.Groups[1].Value), D(m.Groups[2].Value), D(m.Groups[3].Value)];
            double goal = D(m.Groups[4].Value);
            double prediction = input[0] * weights[0] + input[1] * weights[1] + input[2] * weights[2];
            Assert.Equal(prediction, D(m.Groups[5].Value));
            Assert.Equal((goal - prediction) * (goal - prediction), D(m.Groups[6].Value));
            if (input is [1, 0, 1]) Assert.Equal(0.0, D(m.Groups[6].Value));
            else wrongSomewhere |= D(m.Groups[6].Value) > 0;
        }
        Assert.True(wrongSomewhere);
        Assert.Equal(2, rows.Count(m => m.Groups[6].Value == "0.0"));
        Assert.Contains("weight_delta = [0. 0. 0.]: the weights stay [ 0.5  0.  -0.5]", output);

        // Training on all rows: the middle weight rises every printed iteration, to 1; the outer weights go to 0.
        var trained = Lines(output).Select(l => Regex.Match(l, @"^\s+(\d+)\s+(\S+)\s+\[\s*(\S+)\s+(\S+)\s+(\S+?)\s*\]$"))
            .Where(m => m.Success).ToArray();
        Assert.True(trained.Length >= 5);
        var middle = trained.Select(m => D(m.Groups[4].Value)).ToArray();
        Assert.True(middle[^1] > 0.99 && middle[^1] < 1.01, $"middle weight {middle[^1]}");
        Assert.True(middle[0] > 0 && middle[1] > middle[0] && middle[2] > middle[1]);
        Assert.True(Math.Abs(D(trained[^1].Groups[3].Value)) < 0.01 && Math.Abs(D(trained[^1].Groups[5].Value)) < 0.01);
        Assert.True(D(trained[^1].Groups[2].Value) < 1e-4, "error for all lights at the end");
    }

    // ---- conflicting-pressure ----

    [Fact]
    public void Conflicting_pressure_balances_every_weight_and_L2_turns_them_down()
    {
        string output = RunDemo("conflicting-pressure");
        string correlations = Lines(output).Single(l => l.StartsWith("Correlation of each light", StringComparison.Ordinal));
        var values = correlations[(correlations.IndexOf(':') + 1)..].Split(',').Select(s => D(s.Trim())).ToArray();
        Assert.Equal(3, values.Length);
        Assert.All(values, v => Assert.True(Math.Abs(v) < 1e-12, $"correlation {v}"));

        // Errors every 20 iterations, without and with L2: neither learns (predicting 0 everywhere scores 4).
        var errors = Lines(output).Select(l => Regex.Match(l, @"^\s+(\d+)\s+(\S+)\s+(\S+)$")).Where(m => m.Success)
            .Select(m => (Plain: D(m.Groups[2].Value), Decayed: D(m.Groups[3].Value))).ToArray();
        Assert.Equal(5, errors.Length);
        Assert.True(errors[^1].Plain > 2.5 && errors[^1].Decayed > 2.5, $"{errors[^1]}");

        var table = Lines(output).Select(l => Regex.Match(l, @"^\s+([123])\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$")).Where(m => m.Success)
            .Select(m => Enumerable.Range(2, 5).Select(g => D(m.Groups[g].Value)).ToArray()).ToArray();
        Assert.Equal(3, table.Length);
        // The start is 2 * np.random.random((3, 1)) - 1 with seed 1, the notes' first three weights.
        Assert.Equal([-0.165956, 0.440649, -0.999771], table.Select(r => r[0]));
        foreach (var (start, plain, decayed, up, down) in table.Select(r => (r[0], r[1], r[2], r[3], r[4])))
        {
            Assert.True(Math.Abs(decayed) < Math.Abs(plain), $"L2 {decayed} vs {plain}");
            Assert.True(up > 0.5 && down > 0.5, $"pushed both ways: up {up}, down {down}");
            Assert.Equal(up, down, 1e-5);
        }
        Assert.True(table.Sum(r => Math.Abs(r[2])) < 0.8 * table.Sum(r => Math.Abs(r[1])));
    }

    // ---- indirect-correlation ----

    [Fact]
    public void Indirect_correlation_needs_the_hidden_layer_which_prints_the_notes_errors()
    {
        string output = RunDemo("indirect-correlation");
        var errors = Regex.Matches(output, @"^Error:(\S+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(12, errors.Length);
        var notes = Regex.Matches(TestData.Notes, @"^Error:(\S+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(6, notes.Length);
        Assert.Equal(notes, errors[6..]);
        Assert.True(D(errors[5]) > 0.1, $"without a hidden layer the error stays high: {errors[5]}");
        Assert.True(D(errors[11]) < 0.01);
        Assert.True(output.IndexOf("Without a hidden layer", StringComparison.Ordinal) < output.IndexOf("With a relu hidden layer", StringComparison.Ordinal));
    }

    // ---- overfitting ----

    private static byte[] BigEndian(params int[] values) =>
        values.SelectMany(v => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v }).ToArray();

    // n 4x4 images of 10 classes: class c lights up pixel c brightly, the other pixels dimly at random.
    private void WriteIdx(string prefix, int n, uint seed)
    {
        var random = new NumpyRandom(seed);
        var pixels = new byte[n * 16];
        var labels = new byte[n];
        for (int i = 0; i < n; i++)
        {
            int c = (int)random.RandInt(10);
            labels[i] = (byte)c;
            for (int p = 0; p < 16; p++)
                pixels[i * 16 + p] = (byte)(p == c ? 150 + random.RandInt(100) : random.RandInt(120));
        }
        _temp.Write($"{prefix}-images-idx3-ubyte", [.. BigEndian(0x803, n, 4, 4), .. pixels]);
        _temp.Write($"{prefix}-labels-idx1-ubyte", [.. BigEndian(0x801, n), .. labels]);
    }

    [Fact]
    public void Overfitting_reaches_training_accuracy_1_and_tests_every_10_iterations()
    {
        WriteIdx("train", 100, seed: 2);
        WriteIdx("t10k", 50, seed: 3);
        string output = RunDemo("overfitting", "--data", _temp.Path);
        Assert.Contains("100 training images, 50 test images, 16 pixels, 10 classes", output);
        var lines = Regex.Matches(output, @"^I:(\d+) Train-Err:(\S+) Train-Acc:(\S+) Test-Err:(\S+) Test-Acc:(\S+)$", RegexOptions.Multiline).ToArray();
        int[] expected = [.. Enumerable.Range(0, 35).Select(i => i * 10), 349];
        Assert.Equal(expected, lines.Select(m => int.Parse(m.Groups[1].Value)));
        var trainAccuracy = lines.Select(m => D(m.Groups[3].Value)).ToArray();
        var testAccuracy = lines.Select(m => D(m.Groups[5].Value)).ToArray();
        Assert.Equal(1.0, trainAccuracy[^1]);
        Assert.True(trainAccuracy[0] < 1.0);
        Assert.All(testAccuracy, a => Assert.InRange(a, 0.0, 1.0));
        // Train-Err is str(error)[0:5], as the book prints it
        Assert.All(lines, m => Assert.True(m.Groups[2].Value.Length <= 5));
        int first = Array.IndexOf(trainAccuracy, 1.0);
        Assert.Contains($"Training accuracy reached 1.0 by iteration {lines[first].Groups[1].Value};", output);
        Assert.Contains($"Test accuracy peaked at {lines.Select(m => m.Groups[5].Value).MaxBy(D)}", output);
    }

    [Fact]
    public void Overfitting_without_the_data_is_a_one_line_error_that_says_how_to_get_it()
    {
        AssertUsageError(["overfitting", "--data", _temp.Path], "dataset-fashion-mnist", "--data FOLDER", _temp.Path);
        AssertUsageError(["overfitting", "--data", _temp.File("missing")], "dataset-fashion-mnist");
    }
}
