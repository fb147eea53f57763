using System.Globalization;
using Backprop.Data;
using Backprop.Models;
using Backprop.Training;

namespace Backprop.Tests;

/// <summary>
/// The shared <see cref="Predictor"/>: what <c>predict</c> printed before it existed, bit for bit (Data/predict/*.csv,
/// written by <c>backprop predict</c> built from commit 663be0f, before the predictor: see Data/predict/README.md), from
/// files, named values and spans; the network's own forward pass on a 784-128-10 model; many threads at once; no
/// allocation per row after warm-up; one-line errors naming the row and column.
/// </summary>
public sealed class PredictorTests
{
    private static string Model(string name) => TestData.Path("models", name + ".bpm");
    private static string Expected(string name) => File.ReadAllText(TestData.Path("predict", name + ".csv"));

    public static TheoryData<string, string> Saved() => new()
    {
        { "messy_f32_classweights", "messy.csv" },      // a text column, missing cells filled (mean), float32 classes
        { "messy_f64_regression", "messy.csv" },        // the same, median, float64 regression
        { "flowers_f64_nobias", "flowers.csv" },        // numbers only, minmax, tanh, no biases, float64 classes
    };

    [Theory]
    [MemberData(nameof(Saved))]
    public void Predict_prints_what_it_printed_before_the_predictor(string model, string data)
    {
        var (code, output, err) = CliTests.Run("predict", Model(model), TestData.Path("csv", data));
        Assert.Equal("", err);
        Assert.Equal(0, code);
        Assert.Equal(Expected(model), output);
    }

    [Theory]
    [MemberData(nameof(Saved))]
    public void Named_values_from_the_files_rows_give_the_same_predictions(string model, string data)
    {
        var predictor = new Predictor(Backprop.Models.Model.Load(Model(model)));
        var rows = ReadCells(TestData.Path("csv", data));
        var predictions = predictor.Predict(rows.Select(r => (IReadOnlyDictionary<string, object?>)r
            .Where(p => predictor.Columns.Contains(p.Key)).ToDictionary(p => p.Key, p => (object?)p.Value)).ToList());
        Assert.Equal(Expected(model), Csv(predictions));
        // One row at a time, too.
        var first = predictor.Predict(rows[0].Where(p => predictor.Columns.Contains(p.Key)).ToDictionary(p => p.Key, p => (object?)p.Value));
        Assert.Equal(predictions[0].Values, first.Values);
        Assert.Equal(predictions[0].Label, first.Label);
    }

    [Theory]
    [MemberData(nameof(Saved))]
    public void Rows_of_numbers_from_spans_give_the_same_outputs(string model, string data)
    {
        var loaded = Backprop.Models.Model.Load(Model(model));
        var predictor = new Predictor(loaded);
        var inputs = loaded.ReadData(TestData.Path("csv", data)).Features;
        var expected = predictor.Predict(inputs);
        Assert.Equal(Expected(model), Csv(expected));
        var outputs = new double[predictor.Outputs];
        var narrow = new float[predictor.Outputs];
        var narrowInputs = new float[predictor.Inputs];
        for (int r = 0; r < inputs.Rows; r++)
        {
            int label = predictor.Predict(inputs.RowSpan(r), outputs);
            Assert.Equal(expected.Outputs.RowSpan(r).ToArray(), outputs);
            Assert.Equal(expected[r].Label, label < 0 ? null : predictor.ClassNames![label]);
            // float32 inputs are the same inputs when the file's numbers are float32 values (a float32 model's outputs then match).
            bool exact = true;
            for (int c = 0; c < narrowInputs.Length; c++) { narrowInputs[c] = (float)inputs[r, c]; exact &= narrowInputs[c] == inputs[r, c]; }
            if (exact && loaded.Precision == Tensors.Precision.F32)
            {
                predictor.Predict(narrowInputs, narrow);
                Assert.Equal(outputs.Select(v => (float)v).ToArray(), narrow);
            }
        }
    }

    [Theory]
    [InlineData("f32", "standard")]
    [InlineData("f64", "standard")]
    [InlineData("f32", "none")]
    [InlineData("f64", "minmax")]
    public void A_784_128_10_model_gives_what_its_network_gives(string precision, string scaling)
    {
        // The network's own forward pass (Network.Forward, as Model.Predict ran it before the predictor) is the reference,
        // for a dataset, rows of numbers and one row at a time.
        var model = OnnxTestModels.Make(precision, Tensors.Activation.Relu, Tensors.Activation.Softmax, [784, 128, 10], kind: scaling, seed: 5);
        var data = OnnxTestModels.Inputs(model, 37);
        var predictor = new Predictor(model);
        var predictions = predictor.Predict(data);
        var fromRows = predictor.Predict(data.Features);
        var one = new double[10];
        if (precision == "f32") Check<float>();
        else Check<double>();

        void Check<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var network = model.ToNetwork<T>();
            var x = data.RowsAs<T>(model.Normalization);
            foreach (var (start, prediction) in Evaluation.Predictions(network, x, chunkRows: 10))
                for (int r = 0; r < prediction.Rows; r++)
                {
                    predictor.Predict(data.Features.RowSpan(start + r), one);
                    for (int c = 0; c < 10; c++)
                    {
                        double expected = double.CreateTruncating(prediction[r, c]);
                        Assert.Equal(expected, predictions.Outputs[start + r, c]);
                        Assert.Equal(expected, fromRows.Outputs[start + r, c]);
                        Assert.Equal(expected, one[c]);
                    }
                }
        }
    }

    [Fact]
    public void Many_threads_share_one_predictor_and_get_what_one_thread_gets()
    {
        // Batches of 8 rows stay on their caller's thread (below the worker pool's threshold), so other tests' jobs
        // still find the pool free.
        var model = OnnxTestModels.Make("f32", Tensors.Activation.Relu, Tensors.Activation.Softmax, [784, 128, 10], seed: 6);
        var inputs = OnnxTestModels.Inputs(model, 64).Features;
        var predictor = new Predictor(model);
        var expected = predictor.Predict(inputs).Outputs;
        var failures = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            var outputs = new double[10];
            var batch = new Tensors.Matrix<double>(8, inputs.Columns);
            for (int round = 0; round < 6; round++)
                for (int r = t % 4; r < inputs.Rows; r += 3)
                {
                    predictor.Predict(inputs.RowSpan(r), outputs);
                    if (!outputs.AsSpan().SequenceEqual(expected.RowSpan(r))) Interlocked.Increment(ref failures);
                    if (r % 8 == 0 && r + 8 <= inputs.Rows)
                    {
                        inputs.Span.Slice(r * inputs.Columns, batch.Span.Length).CopyTo(batch.Span);
                        if (!predictor.Predict(batch).Outputs.Span.SequenceEqual(expected.Span.Slice(r * 10, 80))) Interlocked.Increment(ref failures);
                    }
                }
        });
        Assert.Equal(0, failures);
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("f64")]
    public void Predicting_a_row_from_a_span_allocates_nothing_after_warm_up(string precision)
    {
        var model = OnnxTestModels.Make(precision, Tensors.Activation.Relu, Tensors.Activation.Softmax, [784, 128, 10], seed: 7);
        var inputs = OnnxTestModels.Inputs(model, 8).Features;
        var predictor = new Predictor(model);
        var outputs = new double[10];
        var narrowInputs = inputs.RowSpan(0).ToArray().Select(v => (float)v).ToArray();
        var narrow = new float[10];
        void Run()
        {
            for (int i = 0; i < 50; i++)
            {
                predictor.Predict(inputs.RowSpan(i % inputs.Rows), outputs);
                predictor.Predict(narrowInputs, narrow);
            }
        }
        Run();   // warm-up: the pool's scratch buffers, the thread's packing buffers
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3 && least > 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, least);
    }

    [Fact]
    public void Bad_named_values_are_one_line_errors_naming_the_row_and_column()
    {
        var predictor = new Predictor(Backprop.Models.Model.Load(Model("messy_f32_classweights")));
        Assert.Equal(["x1", "colour", "x2"], predictor.Columns);
        Dictionary<string, object?> Row(object? x1, object? colour, object? x2) => new() { ["x1"] = x1, ["colour"] = colour, ["x2"] = x2 };
        string Error(params Dictionary<string, object?>[] rows) =>
            Assert.Throws<DataException>(() => predictor.Predict(rows.Cast<IReadOnlyDictionary<string, object?>>().ToList())).Message;

        var good = Row(1.5, "blue", "0.25");
        Assert.Equal("row 2: 'purple' in column 'colour' is not one of the categories the model knows: Grey, blue, green, red, émeraude",
                     Error(good, Row(1.0, "purple", 2.0)));
        Assert.Equal("row 1: 'abc' in column 'x2' is not a number", Error(Row(1.0, "red", "abc"), good));
        Assert.Equal("row 1: '1,5' in column 'x1' is not a number; write decimals with a point ('1.5')", Error(Row("1,5", "red", 1), good));
        Assert.Equal("row 2: no input column 'y'; the model's columns are: x1, colour, x2", Error(good, new Dictionary<string, object?>(Row(1, "red", 1)) { ["y"] = 1 }));
        Assert.Equal("row 2: no value for column 'x2', which the model takes as input", Error(good, new() { ["x1"] = 1, ["colour"] = "red" }));
        Assert.Equal("row 2: column 'x1' holds a Boolean; expected a number, text or null", Error(good, Row(true, "red", 1)));
        Assert.Equal("row 1: 'Infinity' in column 'x1' is infinite; expected a finite number", Error(Row(double.PositiveInfinity, "red", 1), good));

        // Missing values are filled as the model was trained to (mean): the same as the file's empty cells.
        var filled = predictor.Predict(Row(null, null, "NA"));
        Assert.Equal(predictor.Predict(Row("", "", null)).Values, filled.Values);
        var model = predictor.Model;
        var schema = model.Inputs!;
        var numbers = new double[predictor.Inputs];
        numbers[0] = schema.Columns[0].Fill!.Value;
        numbers[^1] = schema.Columns[2].Fill!.Value;   // colour: no category, all of its inputs 0
        Assert.Equal(predictor.Predict(numbers).Values, filled.Values);

        // An unknown category is no category when asked.
        var ignoring = new Predictor(model) { IgnoreUnknown = true };
        Assert.Equal(ignoring.Predict(Row(1.0, null, 2.0)).Values, ignoring.Predict(Row(1.0, "purple", 2.0)).Values);
    }

    [Fact]
    public void A_model_trained_to_refuse_missing_values_refuses_them_by_name()
    {
        var predictor = new Predictor(Backprop.Models.Model.Load(Model("flowers_f64_nobias")));
        var row = predictor.Columns.ToDictionary(c => c, c => (object?)1.0);
        row[predictor.Columns[1]] = null;
        var error = Assert.Throws<DataException>(() => predictor.Predict(row)).Message;
        Assert.Equal($"the row: no value in column '{predictor.Columns[1]}'; expected a number; the model was trained with --missing error, so it has no value to fill in", error);
    }

    [Fact]
    public void Spans_of_the_wrong_length_are_refused()
    {
        var predictor = new Predictor(Backprop.Models.Model.Load(Model("flowers_f64_nobias")));
        Assert.Throws<ArgumentException>(() => predictor.Predict(new double[predictor.Inputs + 1], new double[predictor.Outputs]));
        Assert.Throws<ArgumentException>(() => predictor.Predict(new double[predictor.Inputs], new double[predictor.Outputs - 1]));
        Assert.Throws<ArgumentException>(() => predictor.Predict(new float[predictor.Inputs - 1], new float[predictor.Outputs]));
    }

    private static string Csv(Predictions predictions)
    {
        var writer = new StringWriter();
        predictions.WriteCsv(writer);
        return writer.ToString();
    }

    // A file's rows as cells by column name (these files have no quoted cells): the text a CSV reader gives.
    private static List<Dictionary<string, string>> ReadCells(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        char delimiter = lines[0].Contains(';') ? ';' : ',';
        var header = lines[0].Split(delimiter);
        return lines.Skip(1).Select(l => header.Zip(l.Split(delimiter)).ToDictionary(p => p.First, p => p.Second)).ToList();
    }
}
