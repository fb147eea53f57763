namespace Backprop.Tests;

/// <summary><c>backprop gradcheck</c> over every hidden activation, output activation and loss.</summary>
public class GradcheckTests
{
    public static TheoryData<string, string, string> Combinations()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var hidden in new[] { "relu", "sigmoid", "tanh" })
            foreach (var output in new[] { "identity", "sigmoid", "softmax" })
                foreach (var loss in new[] { "sse", "mse", "cross-entropy" })
                    if (loss != "cross-entropy" || output != "identity")
                        data.Add(hidden, output, loss);
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Every_gradient_agrees_with_finite_differences(string hidden, string output, string loss)
    {
        var (code, text, err) = CliTests.Run("gradcheck", "--layers", "5,4", "--activation", hidden, "--output", output, "--loss", loss, "--bias", "--seed", "7");
        Assert.True(code == 0, text + err);
        Assert.Contains("every gradient agrees", text);
        foreach (var p in new[] { "weights_0_1", "bias_1", "weights_1_2", "bias_2", "weights_2_3", "bias_3" })
            Assert.Contains(p, text); // a line per layer's parameters
    }

    [Fact]
    public void Checks_on_the_first_rows_of_a_data_file()
    {
        var (code, text, err) = CliTests.Run("gradcheck", TestData.Path("csv", "flowers.csv"), "--target", "species", "--rows", "5", "--layers", "6");
        Assert.True(code == 0, err);
        Assert.Contains("5 rows of", text);
        Assert.Contains("3-6-3", text);
    }

    [Fact]
    public void Bad_row_count_is_a_usage_error()
    {
        var (code, _, err) = CliTests.Run("gradcheck", "--rows", "0");
        Assert.Equal(2, code);
        Assert.Contains("--rows", err);
    }
}
