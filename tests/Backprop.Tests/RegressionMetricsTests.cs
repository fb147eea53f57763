using System.Globalization;

namespace Backprop.Tests;

/// <summary>
/// Regression errors (MAE, RMSE, R²) as scikit-learn defines them: in the library's evaluation, in
/// <c>backprop evaluate</c>, and as the <c>validation_mae</c> column of <c>--history</c>.
/// </summary>
public sealed class RegressionMetricsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // A network whose prediction is its input (one identity dense layer, identity output), so that the test picks the predictions.
    private static Network<double> Echo(int columns)
    {
        var dense = new Dense<double>(columns, columns);
        for (int i = 0; i < columns; i++) dense.Weights.Value[i, i] = 1;
        return new Network<double>(dense);
    }

    private static EvaluationResult Evaluate(double[,] predictions, double[,] targets, int chunkRows = 1000)
    {
        var network = Echo(targets.GetLength(1));
        var loss = LossCatalog.For<double>(LossKind.Mse, Activation.Identity);
        return Evaluation.Run(network, loss, Matrix.Array(predictions), Matrix.Array(targets), chunkRows);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1)] // one row a chunk: the sums carry across chunks
    public void Errors_equal_scikit_learns_for_each_column_and_their_average(int chunkRows)
    {
        // Hand calculation, column 0: errors 0.5, 0, -1, 1 -> MAE 2.5/4 = 0.625, MSE 2.25/4 = 0.5625, RMSE 0.75;
        // mean target 2.5, total sum of squares 2.25+0.25+0.25+2.25 = 5, R² = 1 - 2.25/5 = 0.55. Column 1 is constant
        // and predicted exactly: 0, 0, and R² 1 by scikit-learn's rule. scikit-learn 1.2.1 (Debian's python3-sklearn)
        // printed the same: mean_absolute_error(y, p, multioutput='raw_values') [0.625 0.], sqrt of mean_squared_error
        // [0.75 0.], r2_score [0.55 1.], and uniform averages MAE 0.3125, R² 0.775.
        var result = Evaluate(
            predictions: new double[,] { { 1.5, 0 }, { 2, 0 }, { 2, 0 }, { 5, 0 } },
            targets: new double[,] { { 1, 0 }, { 2, 0 }, { 3, 0 }, { 4, 0 } }, chunkRows);
        Assert.Equal(2, result.Columns.Count);
        Assert.Equal(new RegressionErrors(0.625, 0.75, 0.55), Rounded(result.Columns[0]));
        Assert.Equal(new RegressionErrors(0, 0, 1), result.Columns[1]);
        Assert.Equal(new RegressionErrors(0.3125, 0.375, 0.775), Rounded(result.Overall));
    }

    [Fact]
    public void R_squared_of_a_constant_column_is_zero_unless_every_prediction_is_exact()
    {
        // scikit-learn: r2_score([[1], [1]], [[1], [2]]) is 0.0 (and 1.0 for exact predictions, tested above).
        var result = Evaluate(new double[,] { { 1 }, { 2 } }, new double[,] { { 1 }, { 1 } });
        Assert.Equal(0, result.Columns[0].RSquared);
    }

    [Fact]
    public void R_squared_keeps_its_digits_when_targets_are_large_and_close()
    {
        // The first test's column shifted by 1e9 (every value still exact in float64): the same errors and R² 0.55.
        // Summing y² (1e18 each) and subtracting n·mean² would leave nothing of the spread of 5; Welford's update keeps it.
        var result = Evaluate(
            predictions: new double[,] { { 1e9 + 1.5 }, { 1e9 + 2 }, { 1e9 + 2 }, { 1e9 + 5 } },
            targets: new double[,] { { 1e9 + 1 }, { 1e9 + 2 }, { 1e9 + 3 }, { 1e9 + 4 } });
        Assert.Equal(new RegressionErrors(0.625, 0.75, 0.55), Rounded(result.Columns[0]));
    }

    private static RegressionErrors Rounded(RegressionErrors e) =>
        new(Math.Round(e.MeanAbsoluteError, 12), Math.Round(e.RootMeanSquaredError, 12), Math.Round(e.RSquared, 12));

    // Two targets of two inputs, y1 = x1 + 2·x2 and y2 = 3 - x1, on a small grid: something a small network learns roughly.
    private string RegressionCsv()
    {
        var lines = new List<string> { "x1,x2,y1,y2" };
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 5; j++)
            {
                double x1 = i * 0.5, x2 = j * 0.25;
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{x1},{x2},{x1 + 2 * x2},{3 - x1}"));
            }
        return _temp.Write("grid.csv", string.Join("\n", lines) + "\n");
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void Evaluate_prints_each_columns_errors_as_computed_from_predicts_output()
    {
        string data = RegressionCsv(), model = _temp.File("m.bpm"), predictions = _temp.File("p.csv");
        var (code, _, err) = CliTests.Run("train", data, "--target", "y1,y2", "--loss", "mse", "--epochs", "30", "--quiet", "--save", model);
        Assert.True(code == 0, err);
        (code, _, err) = CliTests.Run("predict", model, data, "--out", predictions);
        Assert.True(code == 0, err);
        var (evaluated, output, evaluateErr) = CliTests.Run("evaluate", model, data);
        Assert.True(evaluated == 0, evaluateErr);
        Assert.DoesNotContain("accuracy", output);

        // The expected figures, from predict's output and the file's targets by the textbook two-pass formulas.
        var predicted = File.ReadAllLines(predictions).Skip(1).Select(l => l.Split(',').Select(D).ToArray()).ToArray();
        var targets = File.ReadAllLines(data).Skip(1).Select(l => l.Split(',')[2..].Select(D).ToArray()).ToArray();
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["column", "mae", "rmse", "r2"]);
        double[] sums = new double[3];
        for (int c = 0; c < 2; c++)
        {
            double mean = targets.Average(t => t[c]);
            double mae = predicted.Zip(targets).Average(p => Math.Abs(p.First[c] - p.Second[c]));
            double sse = predicted.Zip(targets).Sum(p => Math.Pow(p.First[c] - p.Second[c], 2));
            double rmse = Math.Sqrt(sse / targets.Length), r2 = 1 - sse / targets.Sum(t => Math.Pow(t[c] - mean, 2));
            AssertRow(lines, $"y{c + 1}", mae, rmse, r2);
            sums[0] += mae; sums[1] += rmse; sums[2] += r2;
        }
        AssertRow(lines, "overall (mean of columns)", sums[0] / 2, sums[1] / 2, sums[2] / 2);
    }

    // The row that starts with name shows mae, rmse and r2 as evaluate rounds them (4 decimals).
    private static void AssertRow(string[] lines, string name, double mae, double rmse, double r2)
    {
        var row = lines.Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        var cells = row[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([F(mae), F(rmse), F(r2)], cells);
    }

    private static string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);

    [Fact]
    public void History_of_a_regression_has_validation_mae_and_no_accuracy()
    {
        string data = RegressionCsv(), history = _temp.File("h.csv");
        var (code, _, err) = CliTests.Run("train", data, "--target", "y1,y2", "--loss", "mse", "--epochs", "3", "--validation", "0.3",
            "--quiet", "--history", history);
        Assert.True(code == 0, err);
        var rows = File.ReadAllLines(history);
        Assert.Equal("epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,validation_mae,lr", rows[0]);
        Assert.Equal(4, rows.Length);
        foreach (var row in rows.Skip(1).Select(l => l.Split(',')))
        {
            Assert.Equal("", row[2]);
            Assert.Equal("", row[4]);
            Assert.True(D(row[5]) > 0, row[5]);
            // The mean |error| over all cells is at most the root of the mean squared error (Jensen), and the mse loss
            // of a row is at least the mean of its squared errors (it averages them, or sums them): MAE ≤ sqrt(loss).
            Assert.True(D(row[5]) <= Math.Sqrt(D(row[3])) + 1e-12, string.Join(",", row));
        }
    }

    [Fact]
    public void Validation_mae_survives_a_checkpoint_and_resume()
    {
        // Expected: the history of the same run that never stopped (validation_mae of every epoch included).
        string data = RegressionCsv(), whole = _temp.File("whole.csv"), resumed = _temp.File("resumed.csv"), checkpoint = _temp.File("c.ckpt");
        string[] run = ["train", data, "--target", "y1,y2", "--loss", "mse", "--validation", "0.3", "--batch", "4", "--quiet"];
        var (code, _, err) = CliTests.Run([.. run, "--epochs", "4", "--history", whole]);
        Assert.True(code == 0, err);
        // Two epochs with a checkpoint (the file holds the state after epoch 1), then on to 4 from it.
        (code, _, err) = CliTests.Run([.. run, "--epochs", "2", "--checkpoint", checkpoint]);
        Assert.True(code == 0, err);
        (code, _, err) = CliTests.Run([.. run, "--epochs", "4", "--resume", checkpoint, "--history", resumed]);
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllText(whole), File.ReadAllText(resumed));
        Assert.All(File.ReadAllLines(resumed).Skip(1), row => Assert.NotEqual("", row.Split(',')[5]));
    }
}
