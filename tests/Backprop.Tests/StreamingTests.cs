using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Backprop.Data;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Tests;

/// <summary>
/// <c>evaluate</c> and <c>predict</c> stream a file a chunk of rows at a time (issue 28): on generated files of a few
/// thousand rows read in chunks of every size, the predictions are the bytes of the whole file predicted at once
/// (<see cref="Model.Predict(Dataset)"/> and <see cref="Predictions.WriteCsv"/>) and the evaluation's numbers are those
/// of main's Evaluation.Run, restated below; an error in a late chunk names its line and leaves no --out file; and the
/// built program predicts and evaluates a file whose matrix is larger than the managed heap it is allowed.
/// </summary>
public sealed class StreamingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Model Saved(string name) => Model.Load(TestData.Path("models", name + ".bpm"));

    // messy.csv's columns (x1;colour;x2;y: a text column, missing cells of every spelling, an unknown-free mix) or
    // flowers.csv's (length,width,noise,species), rows at random after a seed.
    private string Messy(int rows, int seed = 1, Func<int, string?>? line = null)
    {
        var random = new Random(seed);
        string[] colours = ["émeraude", "blue", "Grey", "red", "green", ""];
        string[] missing = ["", "NA", "null", "nan", "N/A"];
        string Cell(double scale) => random.Next(12) == 0 ? missing[random.Next(missing.Length)]
            : (random.NextDouble() * scale - (scale == 5 ? 2 : 0)).ToString("0.###", CultureInfo.InvariantCulture);
        return Write("messy-big.csv", "x1;colour;x2;y", rows, r => line?.Invoke(r + 2)
            ?? $"{Cell(10)};{colours[random.Next(colours.Length)]};{Cell(5)};{random.Next(2)}");
    }

    private string Flowers(int rows, int seed = 2, Func<int, string?>? line = null)
    {
        var random = new Random(seed);
        string[] species = ["setosa", "versicolor", "virginica"];
        string N(double scale) => (random.NextDouble() * scale).ToString("0.###", CultureInfo.InvariantCulture);
        return Write("flowers-big.csv", "length,width,noise,species", rows, r => line?.Invoke(r + 2)
            ?? $"{N(6)},{N(5)},{N(1)},{species[random.Next(3)]}");
    }

    private string Write(string name, string header, int rows, Func<int, string> row)
    {
        string path = _temp.File(name);
        using var writer = new StreamWriter(path);
        writer.Write(header + "\n");
        for (int r = 0; r < rows; r++) writer.Write(row(r) + "\n");
        return path;
    }

    public static TheoryData<string, int> ModelsAndChunks()
    {
        var data = new TheoryData<string, int>();
        foreach (string model in new[] { "messy_f32_classweights", "messy_f64_regression", "flowers_f64_nobias" })
            foreach (int chunk in new[] { 1, 7, 999, 1000, 1335, 100_000 })
                data.Add(model, chunk);
        return data;
    }

    private string DataFor(string model) => model.StartsWith("messy", StringComparison.Ordinal) ? Messy(3217) : Flowers(3217);

    [Theory]
    [MemberData(nameof(ModelsAndChunks))]
    public void Predictions_read_in_chunks_are_the_bytes_of_the_whole_file_predicted_at_once(string name, int chunkRows)
    {
        var model = Saved(name);
        string file = DataFor(name);
        var whole = new StringWriter();
        model.Predict(model.ReadData(file)).WriteCsv(whole);

        var streamed = new StringWriter();
        long rows = model.PredictFile(file, streamed, null, chunkRows);
        Assert.Equal(3217, rows);
        Assert.Equal(whole.ToString(), streamed.ToString());
    }

    [Theory]
    [MemberData(nameof(ModelsAndChunks))]
    public void Evaluation_read_in_chunks_gives_the_numbers_of_the_whole_file(string name, int chunkRows)
    {
        var model = Saved(name);
        string file = DataFor(name);
        var data = model.ReadData(file, withTargets: true);
        var expected = model.Precision == Precision.F64 ? MainRun<double>(model, data) : MainRun<float>(model, data);

        foreach (bool keepRows in new[] { true, false })
        {
            var (result, rows, dropped, source) = model.EvaluateFile(file, null, keepRows, chunkRows);
            Assert.Equal((data.Count, 0L, file), ((int)rows, dropped, source));
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected.MeanLoss), BitConverter.DoubleToInt64Bits(result.MeanLoss));
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Accuracy), BitConverter.DoubleToInt64Bits(result.Accuracy));
            Assert.Equal(expected.Columns, result.Columns);
            Assert.Equal(expected.CorrectCount, result.CorrectCount);
            if (keepRows)
            {
                Assert.Equal(expected.Predicted, result.Predicted);
                Assert.Equal(expected.Actual, result.Actual);
            }
            else Assert.Empty(result.Predicted);
            if (model.Classes is not null)
                Assert.Equal(Metrics.ConfusionMatrix(expected.Actual, expected.Predicted, model.Classes.Count), result.Confusion());
        }
        // The public call is the same with each row's classes.
        var publicResult = model.Evaluate(file);
        Assert.Equal(expected.MeanLoss, publicResult.MeanLoss);
        Assert.Equal(expected.Predicted, publicResult.Predicted);
    }

    // main's Evaluation.Run before streaming (commit cc49f32), restated: chunks of 1000 rows of the whole file's scaled
    // inputs, each chunk's loss summed in T and added in float64, classes and regression errors row by row.
    private static EvaluationResult MainRun<T>(Model model, Dataset data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var network = model.ToNetwork<T>();
        var loss = LossCatalog.For<T>(model.Loss, model.Spec.OutputActivation);
        var x = data.RowsAs<T>(model.Normalization);
        var y = model.OutputTargets(data).Cast<T>();
        int n = x.Rows;
        var predicted = new int[n];
        var actual = new int[n];
        double total = 0;
        int correct = 0;
        var errors = new RegressionAccumulator(y.Columns);
        for (int start = 0; start < n; start += 1000)
        {
            int count = Math.Min(1000, n - start);
            var chunk = new Matrix<T>(count, x.Columns);
            var targets = new Matrix<T>(count, y.Columns);
            for (int r = 0; r < count; r++)
            {
                x.CopyRow(start + r, chunk.RowSpan(r));
                y.RowSpan(start + r).CopyTo(targets.RowSpan(r));
            }
            var prediction = network.Forward(chunk, training: false);
            total += double.CreateChecked(loss.Loss(prediction, targets));
            for (int r = 0; r < count; r++)
            {
                predicted[start + r] = Metrics.ClassOf<T>(prediction.RowSpan(r));
                actual[start + r] = Metrics.ClassOf<T>(targets.RowSpan(r));
                if (predicted[start + r] == actual[start + r]) correct++;
                errors.Add<T>(prediction.RowSpan(r), targets.RowSpan(r));
            }
        }
        return new EvaluationResult(total / n, (double)correct / n, predicted, actual) { Columns = errors.Result() };
    }

    [Fact]
    public void Rows_dropped_for_missing_cells_are_counted_across_chunks_and_the_rest_measured_as_the_whole_file()
    {
        string model = _temp.File("drop.bpm");
        var (code, _, err) = CliTests.Run("train", TestData.Path("csv", "messy.csv"), "--target", "y", "--missing", "drop", "--layers", "3", "--epochs", "2", "--quiet", "--save", model);
        Assert.True(code == 0, err);
        var loaded = Model.Load(model);
        // The last rows all have a missing cell: the chunk after the last full one holds none, only dropped rows.
        string file = Messy(2000, seed: 5, line: l => l > 1901 ? "NA;blue;1;0" : null);
        var ignore = new CsvOptions { Unknown = "ignore" };   // red rows all had a missing cell in messy.csv: red is unknown
        var data = loaded.ReadData(file, withTargets: true, ignore);
        Assert.True(data.DroppedRows > 99, $"{data.DroppedRows} dropped");
        var expected = MainRun<float>(loaded, data);
        foreach (int chunkRows in new[] { 3, 100, data.Count, 5000 })
        {
            var (result, rows, dropped, _) = loaded.EvaluateFile(file, ignore, keepRows: true, chunkRows);
            Assert.Equal((data.Count, data.DroppedRows), ((int)rows, (int)dropped));
            Assert.Equal(expected.MeanLoss, result.MeanLoss);
            Assert.Equal(expected.Predicted, result.Predicted);
        }
        var cli = CliTests.Run("evaluate", model, file, "--unknown", "ignore");
        Assert.True(cli.Code == 0, cli.Err);
        Assert.StartsWith($"{file}: {data.Count} examples ({data.DroppedRows} rows with missing cells dropped)\n", cli.Out);
        Assert.Contains($"accuracy: {expected.Accuracy.ToString("0.0000", CultureInfo.InvariantCulture)} ({expected.CorrectCount} of {data.Count})\n", cli.Out);

        // Every row dropped: the whole file's error.
        string none = Messy(300, seed: 6, line: _ => "1;blue;;1");
        var whole = Assert.Throws<DataException>(() => loaded.ReadData(none, withTargets: true, ignore));
        var streamed = Assert.Throws<DataException>(() => loaded.EvaluateFile(none, ignore, keepRows: false, 7));
        Assert.Equal(whole.Message, streamed.Message);
    }

    [Theory]
    [InlineData("x1")]        // a number that is not one
    [InlineData("colour")]    // a category the model does not know
    [InlineData("columns")]   // a row with a field too many
    public void An_error_in_a_late_chunk_is_the_whole_files_error_naming_its_line(string where)
    {
        var model = Saved("messy_f32_classweights");
        const int badLine = 2900;
        string bad = where switch { "x1" => "1.5x;blue;1;0", "colour" => "1;purple;1;0", _ => "1;blue;1;0;7" };
        string file = Messy(3000, line: l => l == badLine ? bad : null);
        var whole = Assert.Throws<DataException>(() => model.ReadData(file));
        var wholeWithTargets = Assert.Throws<DataException>(() => model.ReadData(file, withTargets: true));
        Assert.Equal(badLine, whole.Line);
        foreach (int chunkRows in new[] { 7, 1000 })
        {
            var output = new StringWriter();
            var streamed = Assert.Throws<DataException>(() => model.PredictFile(file, output, null, chunkRows));
            Assert.Equal(whole.Message, streamed.Message);
            Assert.StartsWith("class,p_0,p_1\n", output.ToString());   // the rows before it were written (the CLI writes them aside)
            var measured = Assert.Throws<DataException>(() => model.EvaluateFile(file, null, keepRows: false, chunkRows));
            Assert.Equal(wholeWithTargets.Message, measured.Message);
        }
        // --unknown ignore lets the unknown category through, as for the whole file.
        if (where == "colour")
        {
            var whole2 = new StringWriter();
            model.Predict(model.ReadData(file, csv: new CsvOptions { Unknown = "ignore" })).WriteCsv(whole2);
            var streamed2 = new StringWriter();
            model.PredictFile(file, streamed2, new CsvOptions { Unknown = "ignore" }, 7);
            Assert.Equal(whole2.ToString(), streamed2.ToString());
        }
    }

    [Fact]
    public void Idx_images_read_whole_give_the_predictions_and_numbers_of_the_whole_file_path()
    {
        var (images, _) = IdxFixture.Write(_temp, "t10k", 2500, gzip: false);
        IdxFixture.Write(_temp, "train", 30, gzip: false);
        string model = _temp.File("idx.bpm");
        var (code, _, err) = CliTests.Run("train", images, "--epochs", "1", "--layers", "8", "--save", model, "--quiet");
        Assert.True(code == 0, err);
        var loaded = Model.Load(model);
        foreach (string path in new[] { images, _temp.Path })   // the images file, and the folder's t10k pair
        {
            var whole = new StringWriter();
            loaded.Predict(loaded.ReadData(path)).WriteCsv(whole);
            var streamed = new StringWriter();
            Assert.Equal(2500, loaded.PredictFile(path, streamed, null, 7));
            Assert.Equal(whole.ToString(), streamed.ToString());

            var expected = MainRun<float>(loaded, loaded.ReadData(path, withTargets: true));
            var (result, rows, _, _) = loaded.EvaluateFile(path, null, keepRows: false, 7);
            Assert.Equal((expected.MeanLoss, expected.Accuracy, 2500L), (result.MeanLoss, result.Accuracy, rows));
        }
    }

    [Fact]
    public void The_command_line_reports_a_late_chunks_bad_cell_with_exit_code_2_and_writes_no_out_file()
    {
        // flowers' three inputs make chunks of 65,536 rows: line 69,001 is in the second, after the first's rows were written.
        string modelPath = TestData.Path("models", "flowers_f64_nobias.bpm");
        Assert.Equal(65_536, Saved("flowers_f64_nobias").ChunkRows);
        const int badLine = 69_001;
        string file = Flowers(70_000, line: l => l == badLine ? "1.2,abc,0.5,setosa" : null);
        string message = $"backprop: {file}:{badLine}:2: 'abc' in column 'width' is not a number\n";

        string fresh = _temp.File("fresh.csv"), kept = _temp.File("kept.csv");
        File.WriteAllText(kept, "what was there\n");
        foreach (string output in new[] { fresh, kept })
        {
            var (code, stdout, err) = CliTests.Run("predict", modelPath, file, "--out", output);
            Assert.Equal((2, "", message), (code, stdout, err));
        }
        Assert.False(File.Exists(fresh));
        Assert.Equal("what was there\n", File.ReadAllText(kept));
        Assert.Equal([Path.GetFileName(file), "kept.csv"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var evaluated = CliTests.Run("evaluate", modelPath, file);
        Assert.Equal((2, "", message), evaluated);
    }

    [Fact]
    public void The_built_program_predicts_and_evaluates_a_file_larger_than_its_heap_with_the_whole_files_output()
    {
        // A model of 100 inputs: chunks of 10,485 rows (8 MiB). 60,000 rows make a 45.8 MiB float64 matrix, above the
        // 40 MiB heap the program gets (the whole file at once needs the matrix and its scaled copy at least).
        const int columns = 100, rows = 60_000;
        long heap = 40L << 20;
        Assert.True(8L * rows * columns > heap);
        var random = new Random(3);
        var line = new char[2 * columns + 1];
        string Row(int r)
        {
            for (int c = 0; c < columns; c++)
            {
                line[2 * c] = (char)('0' + random.Next(10));
                line[2 * c + 1] = ',';
            }
            line[^1] = "abc"[r % 3];
            return new string(line);
        }
        string header = string.Join(',', Enumerable.Range(1, columns).Select(c => $"p{c}")) + ",label";
        string train = Write("wide-train.csv", header, 300, Row);
        string model = _temp.File("wide.bpm");
        var (code, _, err) = CliTests.Run("train", train, "--target", "label", "--layers", "8", "--epochs", "1", "--quiet", "--save", model);
        Assert.True(code == 0, err);
        string big = Write("wide.csv", header, rows, Row);

        // The whole file's predictions and evaluation, in this process (no heap limit).
        var loaded = Model.Load(model);
        var data = loaded.ReadData(big, withTargets: true);
        var whole = new StringWriter();
        loaded.Predict(data).WriteCsv(whole);
        var expected = MainRun<float>(loaded, data);
        data = null;

        string output = _temp.File("predictions.csv");
        var (predictCode, predictOut, predictErr) = Built(heap, "predict", model, big, "--out", output);
        Assert.True(predictCode == 0, predictErr);
        Assert.Equal($"wrote {rows} predictions to {output}\n", predictOut);
        Assert.Equal(whole.ToString(), File.ReadAllText(output));

        var (evaluateCode, evaluateOut, evaluateErr) = Built(heap, "evaluate", model, big);
        Assert.True(evaluateCode == 0, evaluateErr);
        Assert.Contains($"accuracy: {expected.Accuracy.ToString("0.0000", CultureInfo.InvariantCulture)} ({expected.CorrectCount} of {rows})\n", evaluateOut);
        Assert.Contains($"(cross-entropy, mean an example): {expected.MeanLoss.ToString("0.0000", CultureInfo.InvariantCulture)}\n", evaluateOut);
    }

    // The built program under a managed heap of `heap` bytes (DOTNET_GCHeapHardLimit, hexadecimal).
    private static (int Code, string Out, string Err) Built(long heap, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "backprop.dll");
        var info = new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["DOTNET_GCHeapHardLimit"] = heap.ToString("X", CultureInfo.InvariantCulture);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "the program did not finish");
        return (process.ExitCode, stdout.Result, stderr);
    }
}
