using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.Tests;

/// <summary><c>backprop trace</c>: one iteration of backpropagation step by step, for any network.</summary>
public sealed class TraceTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // The notes' "One iteration of backprop" data: lights and walk_stop.
    internal const string LightsCsv = "a,b,c,walk\n1,0,1,1\n0,1,1,1\n0,0,1,0\n1,1,1,1\n";

    private string Lights() => _temp.Write("lights.csv", LightsCsv);

    // The trace's output as (expression, value text) pairs.
    internal static List<(string Expression, string Value)> Steps(string output)
    {
        var steps = new List<(string, string)>();
        foreach (var chunk in output.Split(">>> ").Skip(1))
        {
            int newline = chunk.IndexOf('\n');
            steps.Add((chunk[..newline], chunk[(newline + 1)..].TrimEnd('\n')));
        }
        return steps;
    }

    private static double[] Numbers(string value) =>
        Regex.Matches(value, @"-?\d+\.?\d*(e[-+]\d+)?").Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void Trace_of_the_notes_network_prints_the_notes_numbers()
    {
        var (code, output, err) = CliTests.Run("trace", Lights(), "--target", "walk", "--layers", "3", "--init", "uniform:-1,1",
            "--seed", "1", "--alpha", "0.2", "--normalize", "none", "--loss", "sse", "--output", "identity");
        Assert.True(code == 0, err);
        var steps = Steps(output);
        string Value(string expression) => steps.Single(s => s.Expression == expression).Value;

        // Expected: the notes' printed arrays (Data/notes/chapter6.txt, "One iteration of backprop"), spaces collapsed.
        static string C(string s) => Regex.Replace(s.Replace("\n", " "), @"\s+", " ").Replace("[ ", "[");
        Assert.Equal(C("array([[-0. , 0.13177044, -0. ]])"), C(Value("layer_1 = relu(np.dot(layer_0, weights_0_1))")));
        Assert.Equal(C("array([[-0.02129555]])"), C(Value("layer_2 = np.dot(layer_1, weights_1_2)")));
        Assert.Equal("1.0430445982842722", Value("error = np.sum((layer_2 - goal) ** 2)"));
        Assert.Equal(C("array([[-1.02129555]])"), C(Value("layer_2_delta = (layer_2 - goal)")));
        Assert.Equal(C("array([[-0.07928672, 0.16505257, -0.3783277 ]])"), C(Value("layer_1_delta = layer_2_delta.dot(weights_1_2.T)")));
        Assert.Equal(C("array([[-0. , 0.16505257, -0. ]])"), C(Value("layer_1_delta *= relu2deriv(layer_1)")));
        Assert.Equal(C("array([[ 0. ], [-0.13457656], [ 0. ]])"), C(Value("weight_delta_1_2 = layer_1.T.dot(layer_2_delta)")));
        Assert.Equal(C("array([[0. , 0.16505257, 0. ], [0. , 0. , 0. ], [0. , 0.16505257, 0. ]])"), C(Value("weight_delta_0_1 = layer_0.T.dot(layer_1_delta)")));
        Assert.Equal(C("array([[ 0.07763347], [-0.13469566], [ 0.370439 ]])"), C(Value("weights_1_2 -= alpha * weight_delta_1_2")));
        Assert.Equal(C("array([[-0.16595599, 0.40763847, -0.99977125], [-0.39533485, -0.70648822, -0.81532281], [-0.62747958, -0.34188906, -0.20646505]])"),
            C(Value("weights_0_1 -= alpha * weight_delta_0_1")));
    }

    [Fact]
    public void Trace_of_a_mini_batch_through_sigmoid_and_softmax_shows_each_derivative()
    {
        var (code, output, err) = CliTests.Run("trace", TestData.Path("csv", "flowers.csv"), "--target", "species", "--layers", "4,3",
            "--activation", "sigmoid", "--bias", "--batch-rows", "0:5", "--seed", "3");
        Assert.True(code == 0, err);
        var steps = Steps(output);
        string Value(string expression) => steps.Single(s => s.Expression == expression).Value;

        // softmax with cross-entropy: the output delta is (prediction - goal), averaged over the 5 rows
        var layer_3 = Numbers(Value("layer_3 = softmax(np.dot(layer_2, weights_2_3) + bias_3)"));
        var goal = Numbers(Value("goal = targets[0:5]"));
        var delta3 = Numbers(Value("layer_3_delta = (layer_3 - goal) / 5"));
        for (int i = 0; i < delta3.Length; i++) Assert.Equal((layer_3[i] - goal[i]) / 5, delta3[i], 6);

        // sigmoid's derivative, written with its output: after = before * y * (1 - y)
        var layer_2 = Numbers(Value("layer_2 = sigmoid(np.dot(layer_1, weights_1_2) + bias_2)"));
        var before = Numbers(Value("layer_2_delta = layer_3_delta.dot(weights_2_3.T)"));
        var after = Numbers(Value("layer_2_delta *= layer_2 * (1 - layer_2)"));
        for (int i = 0; i < after.Length; i++) Assert.Equal(before[i] * layer_2[i] * (1 - layer_2[i]), after[i], 6);

        Assert.Contains(steps, s => s.Expression == "weight_delta_0_1 = layer_0.T.dot(layer_1_delta)");
        Assert.Contains(steps, s => s.Expression == "bias_delta_1 = layer_1_delta.sum(axis=0)");
        Assert.Contains(steps, s => s.Expression == "weights_0_1 -= alpha * weight_delta_0_1");
        Assert.Equal(5, Numbers(Value("layer_0 = data[0:5]")).Length / 3);
    }

    [Fact]
    public void Trace_after_some_epochs_and_with_other_optimizers()
    {
        var (code, output, err) = CliTests.Run("trace", Lights(), "--target", "walk", "--epochs", "5", "--optimizer", "adam", "--row", "2", "--normalize", "none");
        Assert.True(code == 0, err);
        Assert.Contains(">>> layer_0 = data[2:3]\narray([[0., 0., 1.]])", output);
        Assert.Contains("weights_0_1 updated by adam from weight_delta_0_1", output);
    }

    [Theory]
    [InlineData("--row", "4")]
    [InlineData("--row", "x")]
    [InlineData("--batch-rows", "3:1")]
    public void Bad_rows_are_one_line_errors(string flag, string value)
    {
        var (code, output, err) = CliTests.Run("trace", Lights(), "--target", "walk", flag, value);
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Contains(flag, err);
    }
}
