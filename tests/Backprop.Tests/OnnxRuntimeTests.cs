using Backprop.Data;
using Backprop.Models;
using Backprop.Onnx;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace Backprop.Tests;

/// <summary>
/// Exported models run in ONNX Runtime 1.31.1 (Microsoft.ML.OnnxRuntime, the test project only) and give what
/// <see cref="Model.Predict"/> gives: every hidden activation x every output activation, float32 and float64, with input
/// scaling. The expected values are Backprop's own predictions; ONNX Runtime is the independent implementation.
/// </summary>
public sealed class OnnxRuntimeTests(ITestOutputHelper output)
{
    /// <summary>
    /// The tolerance, relative to the value for values above 1 in size and absolute below (|a - b| &lt;= tol * max(1, |b|)):
    /// outputs near 0 (probabilities, a relu's zeros) cannot be compared relatively, and the identity outputs can be
    /// several units, where float32's own spacing is above 1e-7. The two sides sum products in different orders (ONNX
    /// Runtime's MLAS and Eigen kernels, Backprop's fused multiply-adds), and ONNX Runtime's float32 sigmoid and tanh are
    /// approximations: the differences are rounding, below the bounds by a margin printed in the output.
    /// </summary>
    private const double F32Tolerance = 1e-6, F64Tolerance = 1e-12;

    public static TheoryData<string, Activation, Activation> Combinations()
    {
        var data = new TheoryData<string, Activation, Activation>();
        foreach (string precision in new[] { "f32", "f64" })
            foreach (var hidden in new[] { Activation.Relu, Activation.Sigmoid, Activation.Tanh })
                foreach (var outputActivation in new[] { Activation.Identity, Activation.Sigmoid, Activation.Softmax })
                    data.Add(precision, hidden, outputActivation);
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Every_activation_and_precision_runs_in_onnx_runtime_as_predict(string precision, Activation hidden, Activation outputActivation)
    {
        var model = OnnxTestModels.Make(precision, hidden, outputActivation, [5, 16, 8, 4], seed: (int)hidden * 3 + (int)outputActivation);
        CompareWithOnnxRuntime(model);
    }

    [Theory]
    [InlineData("f32", "minmax", false)]
    [InlineData("f64", "minmax", false)]
    [InlineData("f32", "none", true)]
    [InlineData("f64", "none", false)]
    public void Other_scalings_and_no_biases_run_as_predict(string precision, string kind, bool bias)
    {
        CompareWithOnnxRuntime(OnnxTestModels.Make(precision, Activation.Tanh, Activation.Softmax, [3, 7, 3], bias, kind, seed: 11));
        CompareWithOnnxRuntime(OnnxTestModels.Make(precision, Activation.Relu, Activation.Identity, [3, 7, 6, 2], bias, kind, seed: 12));
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("f64")]
    public void A_network_without_hidden_layers_and_a_yes_no_classifier_run_as_predict(string precision)
    {
        CompareWithOnnxRuntime(OnnxTestModels.Make(precision, Activation.Relu, Activation.Identity, [4, 2], seed: 21));
        var yesNo = OnnxTestModels.Make(precision, Activation.Sigmoid, Activation.Sigmoid, [4, 6, 1], seed: 22);
        CompareWithOnnxRuntime(yesNo with { ClassNames = ["no", "yes"], TargetNames = ["answer"] });
    }

    [Fact]
    public void A_trained_model_runs_as_predict()
    {
        // Trained by the library (dropout while training, which the model leaves out) on the flowers data.
        var data = CsvLoader.Load(TestData.Path("csv", "flowers.csv"), new CsvOptions { TargetColumns = ["species"] });
        var learner = new Learner<float>(new Recipe { Hidden = [6], Dropout = 0.2, Epochs = 30, Precision = Precision.F32 }.Resolve(data).Recipe, data);
        learner.Fit();
        var model = learner.ToModel();
        Assert.Equal(NormalizationKind.Standard, model.Normalization.Kind);
        CompareWithOnnxRuntime(model, data);
    }

    [Fact]
    public void The_session_sees_the_documented_input_output_and_metadata()
    {
        var model = OnnxTestModels.Make("f32", Activation.Relu, Activation.Softmax, [3, 4, 3], features: ["a", "b c", "d"]);
        using var session = new InferenceSession(OnnxModel.ToBytes(model));
        var input = Assert.Single(session.InputMetadata);
        Assert.Equal(OnnxModel.InputName, input.Key);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal([-1, 3], input.Value.Dimensions);   // any number of rows
        var result = Assert.Single(session.OutputMetadata);
        Assert.Equal(OnnxModel.OutputName, result.Key);
        Assert.Equal([-1, 3], result.Value.Dimensions);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("[\"a\",\"b c\",\"d\"]", metadata["backprop.features"]);
        Assert.Equal("[\"class 0\",\"class 1\",\"class 2\"]", metadata["backprop.classes"]);
        Assert.Equal("standard", metadata["backprop.normalization"]);
        Assert.Equal("backprop", session.ModelMetadata.ProducerName);
    }

    [Theory]
    [InlineData("messy_f32_classweights")]   // a text column, missing numbers filled with the mean, float32
    [InlineData("messy_f64_regression")]     // the same with the median, float64
    public void A_model_with_text_columns_and_fills_takes_the_files_columns_in_onnx_runtime_as_predict(string name)
    {
        // The expected values are what predict printed before the predictor (Data/predict, see PredictorTests).
        var model = Model.Load(TestData.Path("models", name + ".bpm"));
        var expected = File.ReadAllLines(TestData.Path("predict", name + ".csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Skip(model.ClassNames is null ? 0 : 1).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var lines = File.ReadAllLines(TestData.Path("csv", "messy.csv")).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(';');
        var cells = lines.Skip(1).Select(l => l.Split(';')).ToArray();
        int rows = cells.Length;
        using var session = new InferenceSession(OnnxModel.ToBytes(model));
        Assert.Equal(["x1", "colour", "x2"], session.InputMetadata.Keys);
        var inputs = new List<NamedOnnxValue>();
        foreach (var (column, metadata) in session.InputMetadata)
        {
            int at = Array.IndexOf(header, column);
            string[] text = cells.Select(r => r[at].Trim()).ToArray();
            // A missing cell: "" for text (no category), NaN for a number (filled in the graph).
            bool missing(string t) => t.Length == 0 || t.Equals("na", StringComparison.OrdinalIgnoreCase) || t.Equals("n/a", StringComparison.OrdinalIgnoreCase)
                                      || t.Equals("nan", StringComparison.OrdinalIgnoreCase) || t.Equals("null", StringComparison.OrdinalIgnoreCase);
            double number(string t) => missing(t) ? double.NaN : double.Parse(t, System.Globalization.CultureInfo.InvariantCulture);
            if (metadata.ElementType == typeof(string))
                inputs.Add(NamedOnnxValue.CreateFromTensor(column, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<string>(text.Select(t => missing(t) ? "" : t).ToArray(), [rows, 1])));
            else if (metadata.ElementType == typeof(float))
                inputs.Add(NamedOnnxValue.CreateFromTensor(column, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(text.Select(t => (float)number(t)).ToArray(), [rows, 1])));
            else
                inputs.Add(NamedOnnxValue.CreateFromTensor(column, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<double>(text.Select(number).ToArray(), [rows, 1])));
        }
        using var results = session.Run(inputs);
        var result = results.Single(r => r.Name == OnnxModel.OutputName);
        double[] actual = model.Precision == Precision.F32 ? result.AsEnumerable<float>().Select(v => (double)v).ToArray() : result.AsEnumerable<double>().ToArray();
        Assert.Equal(rows * model.Spec.Outputs, actual.Length);
        double tolerance = model.Precision == Precision.F32 ? F32Tolerance : F64Tolerance, worst = 0;
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < model.Spec.Outputs; o++)
            {
                // A yes/no model's one output is the second class's probability (predict prints both).
                double e = expected[r][model.IsBinaryClassifier ? 1 : o], a = actual[r * model.Spec.Outputs + o];
                double difference = Math.Abs(a - e) / Math.Max(1, Math.Abs(e));
                worst = Math.Max(worst, difference);
                Assert.True(difference <= tolerance, $"row {r + 1}, output {o}: ONNX Runtime {a:R}, predict {e:R}");
            }
        output.WriteLine($"{name}: largest difference {worst:E2} (tolerance {tolerance:E0})");
    }

    private void CompareWithOnnxRuntime(Model model, Dataset? data = null)
    {
        data ??= OnnxTestModels.Inputs(model, rows: 40);
        var expected = model.Predict(data).Outputs;
        double[] actual = model.Precision == Precision.F32 ? Run<float>(model, data) : Run<double>(model, data);
        Assert.Equal(expected.Span.Length, actual.Length);
        double tolerance = model.Precision == Precision.F32 ? F32Tolerance : F64Tolerance;
        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double e = expected.Span[i], a = actual[i];
            double difference = Math.Abs(a - e) / Math.Max(1, Math.Abs(e));
            worst = Math.Max(worst, difference);
            Assert.True(difference <= tolerance, $"row {i / model.Spec.Outputs}, output {i % model.Spec.Outputs}: ONNX Runtime {a:R}, predict {e:R}");
        }
        output.WriteLine($"{model.Precision} {Vocabulary.Name(model.Spec.HiddenActivation)}/{Vocabulary.Name(model.Spec.OutputActivation)}: largest difference {worst:E2} (tolerance {tolerance:E0})");
    }

    /// <summary>ONNX Runtime's outputs for <paramref name="data"/>'s rows, given as a (rows, features) tensor of <typeparamref name="T"/>.</summary>
    private static double[] Run<T>(Model model, Dataset data) where T : unmanaged
    {
        using var session = new InferenceSession(OnnxModel.ToBytes(model));
        var values = new T[data.Count * model.Spec.Inputs];
        for (int i = 0; i < values.Length; i++)
            values[i] = typeof(T) == typeof(float) ? (T)(object)(float)data.Features.Span[i] : (T)(object)data.Features.Span[i];
        using var input = OrtValue.CreateTensorValueFromMemory(values, [data.Count, model.Spec.Inputs]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [OnnxModel.InputName], [input], [OnnxModel.OutputName]);
        var result = results[0];
        Assert.Equal([data.Count, model.Spec.Outputs], result.GetTensorTypeAndShape().Shape);
        return result.GetTensorDataAsSpan<T>().ToArray().Select(v => Convert.ToDouble(v)).ToArray();
    }
}
