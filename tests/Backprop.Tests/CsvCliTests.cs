using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// The command line on messy tables (issue 13): train finds the delimiter and says so, --missing and text columns
/// are saved in the model, and evaluate and predict read new files the same way (--unknown for unseen categories).
/// </summary>
public sealed class CsvCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Messy => TestData.Path("csv", "messy.csv");

    [Fact]
    public void Train_prints_the_detected_delimiter_with_the_defaults_and_the_text_columns()
    {
        var (code, output, err) = CliTests.Run("train", Messy, "--target", "y", "--missing", "drop", "--epochs", "1");
        Assert.True(code == 0, err);
        // messy.csv: 13 complete rows; no complete row is red, so 4 categories + x1 + x2 = 6 inputs; y (0/1: 2 distinct whole numbers) is classes.
        Assert.Contains("13 training examples, 6 inputs, 2 classes; 1 text column one-hot; 7 rows with missing cells dropped", output);
        Assert.Matches("defaults chosen .*, delimiter ';' \\(detected\\)\n", output);
        var (given, givenOutput, _) = CliTests.Run("train", Messy, "--target", "y", "--missing", "drop", "--epochs", "1", "--delimiter", ";");
        Assert.Equal(0, given);
        Assert.DoesNotContain("detected", givenOutput);
    }

    [Fact]
    public void Export_says_that_text_columns_and_fills_stay_in_the_model_file_for_npz_and_go_into_the_onnx_graph()
    {
        string model = _temp.File("messy.bpm");
        var (code, _, err) = CliTests.Run("train", Messy, "--target", "y", "--missing", "mean", "--epochs", "1", "--quiet", "--save", model);
        Assert.True(code == 0, err);
        var features = ModelFile.Load(model).FeatureNames;
        string npz = _temp.File("messy.npz");
        var (exportCode, output, exportErr) = CliTests.Run("export", model, npz);
        Assert.True(exportCode == 0, exportErr);
        Assert.StartsWith($"note: the exported network takes the model's inputs after its text columns are one-hot and missing cells filled ({string.Join(",", features)}); that step is in the model file, not in messy.npz\n", output);
        // ONNX takes the file's columns: the graph one-hot encodes and fills (OnnxRuntimeTests runs it).
        string onnx = _temp.File("messy.onnx");
        (exportCode, output, exportErr) = CliTests.Run("export", model, onnx);
        Assert.True(exportCode == 0, exportErr);
        Assert.Equal($"wrote {onnx}: ONNX (IR 8, opset 13); inputs one a column of the file, 'x1' float, 'colour' string, 'x2' float (rows, 1) (text columns one-hot and missing values filled in the graph), output 'output' float (rows, 2)\n", output);
        // A model of plain numbers gets no note.
        string plain = _temp.File("plain.bpm");
        Assert.Equal(0, CliTests.Run("train", TestData.Path("csv", "flowers.csv"), "--target", "species", "--epochs", "1", "--quiet", "--save", plain).Code);
        Assert.DoesNotContain("note:", CliTests.Run("export", plain, _temp.File("plain.onnx")).Out);
    }

    [Theory]
    [InlineData("--delimiter", ":", "backprop: --delimiter: ':' is not one of , ; tab | space.")]
    [InlineData("--missing", "zero", "backprop: --missing: 'zero' is not one of error, drop, mean, median.")]
    [InlineData("--unknown", "skip", "backprop: --unknown: 'skip' is not one of error, ignore.")]
    public void A_bad_csv_flag_is_a_one_line_usage_error(string flag, string value, string message)
    {
        var (code, _, err) = CliTests.Run("train", Messy, "--target", "y", flag, value);
        Assert.Equal(2, code);
        Assert.Equal(message, err.Trim());
    }

    [Fact]
    public void A_missing_cell_without_missing_is_a_one_line_error_naming_file_line_and_column()
    {
        var (code, _, err) = CliTests.Run("train", Messy, "--target", "y");
        Assert.Equal(2, code);
        Assert.Equal($"backprop: {Messy}:5:1: empty cell in column 'x1'; expected a number; --missing drop leaves such rows out, --missing mean or median fills them", err.Trim());
    }

    [Fact]
    public void Fills_and_categories_saved_by_train_are_applied_by_predict_and_evaluate()
    {
        string model = _temp.File("m.bpm");
        var (code, _, err) = CliTests.Run("train", Messy, "--target", "y", "--missing", "mean", "--validation", "0.2", "--epochs", "2", "--save", model, "--quiet");
        Assert.True(code == 0, err);
        var saved = ModelFile.Load(model);
        Assert.Equal("mean", saved.Inputs!.Missing);

        // A row with every input missing is its fills (x1, x2) and no colour; the same row written out gives the same prediction.
        double x1 = saved.Inputs.Columns[0].Fill!.Value, x2 = saved.Inputs.Columns[2].Fill!.Value;
        string holes = _temp.Write("holes.csv", "x1,colour,x2\n,,NA\n");
        string filled = _temp.Write("filled.csv", $"x1,colour,x2\n{TestData.Num(x1)},purple,{TestData.Num(x2)}\n");
        var (c1, p1, e1) = CliTests.Run("predict", model, holes);
        Assert.True(c1 == 0, e1);
        var (c2, p2, e2) = CliTests.Run("predict", model, filled, "--unknown", "ignore");
        Assert.True(c2 == 0, e2);
        Assert.Equal(p1, p2);

        var (c3, _, e3) = CliTests.Run("predict", model, filled);
        Assert.Equal(2, c3);
        Assert.Equal($"backprop: {filled}:2:2: 'purple' in column 'colour' is not one of the categories the model knows: Grey, blue, green, red, émeraude", e3.Trim());

        var (c4, evaluation, e4) = CliTests.Run("evaluate", model, Messy);
        Assert.True(c4 == 0, e4);
        Assert.Contains($"{Messy}: 20 examples", evaluation);
    }

    [Fact]
    public void Explain_names_the_one_hot_inputs()
    {
        var (code, output, err) = CliTests.Run("explain", Messy, "--target", "y", "--missing", "median");
        Assert.True(code == 0, err);
        foreach (string name in new[] { "colour=Grey", "colour=blue", "colour=green", "colour=red", "colour=émeraude" })
            Assert.Contains(name, output);
    }

    [Fact]
    public void Trace_names_the_one_hot_inputs_in_file_order_with_categories_sorted()
    {
        // messy.csv's columns are x1;colour;x2: the text column's categories sorted by code point as scikit-learn's
        // OneHotEncoder sorts them (upper case before lower, 'é' last), in the file's place of the column.
        var (code, output, err) = CliTests.Run("trace", Messy, "--target", "y", "--missing", "median");
        Assert.True(code == 0, err);
        Assert.Contains(">>> inputs  # the columns of layer_0 (text columns one-hot)\n"
            + "['x1', 'colour=Grey', 'colour=blue', 'colour=green', 'colour=red', 'colour=émeraude', 'x2']\n", output);
        // A file of numbers only traces as before: no such line.
        (code, output, err) = CliTests.Run("trace", TestData.Path("csv", "streetlights.csv"), "--target", "walk");
        Assert.True(code == 0, err);
        Assert.DoesNotContain(">>> inputs", output);
    }

    [Fact]
    public void Resuming_with_missing_cells_handled_another_way_says_so()
    {
        string checkpoint = _temp.File("m.ckpt");
        var (code, _, err) = CliTests.Run("train", Messy, "--target", "y", "--missing", "mean", "--epochs", "2", "--quiet", "--checkpoint", checkpoint);
        Assert.True(code == 0, err);
        // The same flags resume; median fills other values into the same file, and drop leaves rows out.
        Assert.Equal(0, CliTests.Run("train", Messy, "--target", "y", "--missing", "mean", "--epochs", "2", "--quiet", "--resume", checkpoint).Code);
        foreach (string other in new[] { "median", "drop" })
        {
            (code, _, err) = CliTests.Run("train", Messy, "--target", "y", "--missing", other, "--epochs", "2", "--quiet", "--resume", checkpoint);
            Assert.Equal(2, code);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
            Assert.Contains("counts as other data: give the same --missing and --unknown", err);
        }
    }

    [Fact]
    public void A_drop_model_cannot_predict_a_row_with_a_missing_cell()
    {
        string model = _temp.File("d.bpm");
        Assert.Equal(0, CliTests.Run("train", Messy, "--target", "y", "--missing", "drop", "--epochs", "1", "--save", model, "--quiet").Code);
        string holes = _temp.Write("holes.csv", "x1;colour;x2\n1;blue;\n");
        var (code, _, err) = CliTests.Run("predict", model, holes);
        Assert.Equal(2, code);
        Assert.Equal($"backprop: {holes}:2:3: empty cell in column 'x2'; expected a number; the model was trained on rows without missing cells (drop), so it cannot predict this row", err.Trim());
        var (evaluated, output, _) = CliTests.Run("evaluate", model, Messy);
        Assert.Equal(0, evaluated);
        Assert.Contains("13 examples (7 rows with missing cells dropped)", output);
    }
}
