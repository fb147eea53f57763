using System.Text.Json;
using Backprop.Data;
using Backprop.Models;
using Backprop.Onnx;

namespace Backprop.Tests;

/// <summary>
/// ONNX import: networks written by torch.onnx.export and onnx.helper (tests/Backprop.Tests/Data/onnx/make_fixtures.py)
/// predict what the generating framework printed for the same inputs (cases.json); graphs Backprop cannot hold are one
/// located DataException naming the node and operator; exported models import back as themselves.
/// </summary>
public sealed class OnnxImportTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// |a - b| &lt;= tol * max(1, |b|), as in OnnxRuntimeTests: torch sums float32 products in its own order (and without
    /// fused multiply-adds); float64 differs by a few units in the last place.
    /// </summary>
    private const double F32Tolerance = 1e-6, F64Tolerance = 1e-12;

    private static JsonElement Cases(string kind) => TestData.Json("onnx", "cases.json").RootElement.GetProperty(kind);

    public static TheoryData<string> Imported() => new(Cases("imported").EnumerateArray().Select(c => c.GetProperty("file").GetString()!));

    public static TheoryData<string> Refused() => new(Cases("refused").EnumerateArray().Select(c => c.GetProperty("file").GetString()!));

    private static JsonElement Case(string kind, string file) => Cases(kind).EnumerateArray().Single(c => c.GetProperty("file").GetString() == file);

    [Theory]
    [MemberData(nameof(Imported))]
    public void Imported_networks_predict_what_their_framework_printed(string file)
    {
        var expected = Case("imported", file);
        var model = OnnxModel.Import(TestData.Path("onnx", file));
        Assert.Equal(expected.GetProperty("precision").GetString(), Vocabulary.Name(model.Precision));
        Assert.Equal(NormalizationKind.None, model.Normalization.Kind);
        Assert.Equal(Enumerable.Range(1, model.Spec.Inputs).Select(i => $"x{i}"), model.FeatureNames);

        var x = TestData.Matrix(expected.GetProperty("inputs"));
        var y = TestData.Matrix(expected.GetProperty("outputs"));
        var data = new Dataset(x, new Matrix<double>(x.Rows, 0), model.FeatureNames, [], null, file);
        var predicted = model.Predict(data).Outputs;
        Assert.Equal(y.Shape, predicted.Shape);
        double tolerance = model.Precision == Precision.F32 ? F32Tolerance : F64Tolerance;
        for (int i = 0; i < y.Span.Length; i++)
            Assert.True(Math.Abs(predicted.Span[i] - y.Span[i]) <= tolerance * Math.Max(1, Math.Abs(y.Span[i])),
                $"{file} value {i}: Backprop {predicted.Span[i]:R}, {expected.GetProperty("source").GetString()} {y.Span[i]:R}");
    }

    [Fact]
    public void Imported_architectures_are_the_ones_written()
    {
        // make_fixtures.py: nn.Sequential(Linear(4, 8), ReLU(), Linear(8, 3), Softmax(dim=1)), float32
        var softmax = OnnxModel.Import(TestData.Path("onnx", "relu_softmax.onnx"));
        Assert.Equal(new NetworkSpec(4, [8], 3) { HiddenActivation = Activation.Relu, OutputActivation = Activation.Softmax, Bias = true }, softmax.Spec);
        Assert.Equal(["0", "1", "2"], softmax.ClassNames);   // torch's class indices
        Assert.Equal(LossKind.CrossEntropy, softmax.Loss);
        // Linear(3, 5), Tanh(), Linear(5, 4), Tanh(), Linear(4, 1), Sigmoid(): a yes/no classifier
        var sigmoid = OnnxModel.Import(TestData.Path("onnx", "tanh_sigmoid.onnx"));
        Assert.Equal([5, 4], sigmoid.Spec.Hidden);
        Assert.Equal(Activation.Tanh, sigmoid.Spec.HiddenActivation);
        Assert.Equal(["0", "1"], sigmoid.ClassNames);
        Assert.Equal(LossKind.BinaryCrossEntropy, sigmoid.Loss);
        // Linear(3, 4, bias=False), ReLU(), Linear(4, 2, bias=False): MatMul without Add, a regression
        var noBias = OnnxModel.Import(TestData.Path("onnx", "relu_nobias.onnx"));
        Assert.False(noBias.Spec.Bias);
        Assert.Null(noBias.ClassNames);
        Assert.Equal(LossKind.Mse, noBias.Loss);
        Assert.Equal(Activation.Identity, noBias.Spec.OutputActivation);
    }

    [Fact]
    public void Batch_normalizations_fold_into_the_dense_layers_beside_them()
    {
        // make_fixtures.py, the issue's network: Linear(4, 8), BatchNorm1d(8), ReLU(), Linear(8, 3), trained. The
        // normalization is no layer of its own; its statistics are in the first layer's weights and bias.
        var relu = OnnxModel.Import(TestData.Path("onnx", "batchnorm_relu.onnx"));
        Assert.Equal(new NetworkSpec(4, [8], 3) { HiddenActivation = Activation.Relu, OutputActivation = Activation.Identity, Bias = true }, relu.Spec);
        // Linear(3, 5, bias=False), BatchNorm1d(5), Tanh(), BatchNorm1d(5), BatchNorm1d(5), Linear(5, 4, bias=False),
        // BatchNorm1d(4), Tanh(), Linear(4, 2), Softmax(dim=1): the MatMuls get the biases folding gives them.
        var noBias = OnnxModel.Import(TestData.Path("onnx", "batchnorm_nobias_f64.onnx"));
        Assert.Equal(new NetworkSpec(3, [5, 4], 2) { HiddenActivation = Activation.Tanh, OutputActivation = Activation.Softmax, Bias = true }, noBias.Spec);
        Assert.All(noBias.Biases.Take(2), b => Assert.Contains(b!, v => v != 0));
        // BatchNorm1d(3) on the input, before Linear(3, 5): folded into the first layer, not made the model's scaling.
        var input = OnnxModel.Import(TestData.Path("onnx", "batchnorm_input_f64.onnx"));
        Assert.Equal(new NetworkSpec(3, [5], 1) { HiddenActivation = Activation.Sigmoid, OutputActivation = Activation.Sigmoid, Bias = true }, input.Spec);
        Assert.Equal(NormalizationKind.None, input.Normalization.Kind);
        // A fresh BatchNorm1d: torch writes its running_var and running_mean as Identity copies of its weight and bias.
        var fresh = OnnxModel.Import(TestData.Path("onnx", "batchnorm_fresh.onnx"));
        Assert.Equal([8], fresh.Spec.Hidden);
    }

    [Fact]
    public void A_graph_that_is_not_a_chain_names_the_nodes_that_break_it()
    {
        // residual.onnx: MatMul(x, w) -> h, Add(h, x) -> y (make_fixtures.py); constant_node.onnx: Constant -> w, MatMul(x, w).
        string residual = TestData.Path("onnx", "residual.onnx"), constant = TestData.Path("onnx", "constant_node.onnx");
        Assert.Equal($"{residual}: node 'fc' (MatMul): the graph is not a plain chain: the value 'x' (the graph's input) also feeds node 'skip' (Add); Backprop imports one layer after another",
            Assert.Throws<DataException>(() => OnnxModel.Import(residual)).Message);
        Assert.Equal($"{constant}: node 'weights' (Constant): the graph is not a plain chain: it does not read the value 'x' (the graph's input), which node 'fc' (MatMul) reads; Backprop imports one layer after another",
            Assert.Throws<DataException>(() => OnnxModel.Import(constant)).Message);
    }

    [Fact]
    public void The_command_line_imports_a_batch_normalization_and_refuses_one_it_cannot_fold()
    {
        string saved = _temp.File("bn.model"), last = TestData.Path("onnx", "batchnorm_last.onnx");
        var (code, output, err) = CliTests.Run("import", TestData.Path("onnx", "batchnorm_relu.onnx"), "--save", saved);
        Assert.True(code == 0, err);
        Assert.Contains("4-8-3 dense layers with biases, relu hidden, identity output, f32, loss mse", output);
        // Linear(3, 4), ReLU(), BatchNorm1d(4): no dense layer after the normalization to fold it into.
        (code, output, err) = CliTests.Run("import", last, "--save", _temp.File("never.model"));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"backprop: {last}: node '/2/BatchNormalization' (BatchNormalization): a BatchNormalization after node '/1/Relu' (Relu) cannot be folded into a dense layer: no Gemm or MatMul follows it\n", err);
        Assert.False(File.Exists(_temp.File("never.model")));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Graphs_backprop_cannot_hold_are_one_line_naming_node_and_operator(string file)
    {
        string path = TestData.Path("onnx", file);
        var e = Assert.Throws<DataException>(() => OnnxModel.Import(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        foreach (var phrase in Case("refused", file).GetProperty("phrases").EnumerateArray())
            Assert.Contains(phrase.GetString()!, e.Message);
    }

    [Theory]
    [InlineData("f32", "standard", true)]
    [InlineData("f64", "minmax", false)]
    [InlineData("f32", "none", false)]
    [InlineData("f64", "none", true)]
    public void An_exported_model_imports_back_as_itself(string precision, string kind, bool bias)
    {
        foreach (var output in new[] { Activation.Identity, Activation.Sigmoid, Activation.Softmax })
        {
            var model = OnnxTestModels.Make(precision, Activation.Sigmoid, output, [3, 5, 4, 2], bias, kind, seed: 5, features: ["a", "b", "c"]);
            var back = OnnxModel.Import("back.onnx", OnnxModel.ToBytes(model));
            // Everything but how the weights were first drawn, which a trained model no longer needs (nor ONNX holds).
            Assert.Equal(model, back with { Spec = back.Spec with { Init = model.Spec.Init } });
        }
    }

    [Fact]
    public void Npz_only_flags_are_refused_for_onnx_and_names_can_be_given()
    {
        string onnx = TestData.Path("onnx", "relu_softmax.onnx"), saved = _temp.File("named.model");
        var (code, output, err) = CliTests.Run("import", onnx, "--save", saved, "--activation", "tanh");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal("backprop: --activation: an .onnx file says its activations and precision itself; --activation is for .npz files", err.TrimEnd('\n'));
        Assert.False(File.Exists(saved));
        // --save is checked before anything is read, as train's is.
        (code, output, err) = CliTests.Run("import", onnx, "--save", _temp.Path);
        Assert.Equal(2, code);
        Assert.Equal($"backprop: --save: {_temp.Path} is a folder; name a file to write", err.TrimEnd('\n'));

        (code, _, err) = CliTests.Run("import", onnx, "--save", saved, "--features", "a,b,c,d", "--target", "kind", "--classes", "cat,dog,fish");
        Assert.True(code == 0, err);
        var model = ModelFile.Load(saved);
        Assert.Equal(["a", "b", "c", "d"], model.FeatureNames);
        Assert.Equal(["kind"], model.TargetNames);
        Assert.Equal(["cat", "dog", "fish"], model.ClassNames);
    }

    [Fact]
    public void The_command_line_imports_and_predicts()
    {
        string saved = _temp.File("imported.model");
        var (code, output, err) = CliTests.Run("import", TestData.Path("onnx", "relu_softmax.onnx"), "--save", saved);
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("4-8-3 dense layers with biases, relu hidden, softmax output, f32, loss cross-entropy", output);
        var expected = Case("imported", "relu_softmax.onnx");
        var x = TestData.Rows(expected.GetProperty("inputs"));
        string csv = _temp.Write("inputs.csv", "x1,x2,x3,x4\n" + string.Join("\n", x.Select(r => string.Join(",", r.Select(TestData.Num)))) + "\n");
        (code, output, err) = CliTests.Run("predict", saved, csv);
        Assert.Equal(0, code);
        var y = TestData.Rows(expected.GetProperty("outputs"));
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal("class,p_0,p_1,p_2", lines[0]);
        for (int r = 0; r < y.Length; r++)
        {
            var cells = lines[r + 1].Split(',');
            Assert.Equal(Array.IndexOf(y[r], y[r].Max()).ToString(System.Globalization.CultureInfo.InvariantCulture), cells[0]);
            for (int c = 0; c < 3; c++) Assert.Equal(y[r][c], double.Parse(cells[c + 1], System.Globalization.CultureInfo.InvariantCulture), 1e-6);
        }
    }

    [Fact]
    public void The_command_line_exports_and_imports_back()
    {
        var model = OnnxTestModels.Make("f64", Activation.Tanh, Activation.Softmax, [3, 4, 3], seed: 9, features: ["a", "b", "c"]);
        string modelPath = _temp.File("m.model"), onnx = _temp.File("m.onnx"), back = _temp.File("back.model");
        model.Save(modelPath);
        var (code, output, err) = CliTests.Run("export", modelPath, onnx);
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Equal($"wrote {onnx}: ONNX (IR 8, opset 13); input 'input' double (rows, 3), output 'output' double (rows, 3)\n", output);
        (code, _, err) = CliTests.Run("import", onnx, "--save", back);
        Assert.Equal(0, code);
        Assert.Equal("", err);
        var imported = Model.Load(back);
        Assert.Equal(model, imported with { Spec = imported.Spec with { Init = model.Spec.Init } });
    }

    [Theory]
    [InlineData("messy_f32_classweights")]
    [InlineData("messy_f64_regression")]
    public void A_model_with_text_columns_and_filled_values_exports_and_imports_back_as_itself(string name)
    {
        // The graph takes messy.csv's columns (a text column one-hot encoded, numbers filled where missing): read back,
        // they are the model's schema. The fills are the graph's, in the model's precision: a float32 model's fills come
        // back rounded to float32, and it then predicts as the original model with its fills so rounded.
        var model = Model.Load(TestData.Path("models", name + ".bpm"));
        Assert.Contains(model.Inputs!.Columns, c => c.IsCategorical);
        Assert.Contains(model.Inputs.Columns, c => c.Fill is not null);
        string onnx = _temp.File(name + ".onnx");
        model.ExportOnnx(onnx);
        var imported = OnnxModel.Import(onnx);
        bool f32 = model.Precision == Precision.F32;
        var rounded = model with
        {
            Inputs = model.Inputs with { Columns = [.. model.Inputs.Columns.Select(c => c with { Fill = c.Fill is double f && f32 ? (float)f : c.Fill })] },
            ClassWeights = null,   // training's business: a graph has none
        };
        Assert.Equal(rounded, imported with { Spec = imported.Spec with { Init = model.Spec.Init } });

        var data = model.ReadData(TestData.Path("csv", "messy.csv"));
        Assert.Contains(data.Schema!.Columns, c => c.Fill is not null);   // messy.csv has missing cells, filled
        Assert.Equal(rounded.Predict(data).Outputs.Span.ToArray(), imported.Predict(data).Outputs.Span.ToArray());
    }

    [Fact]
    public void Column_steps_backprop_does_not_export_are_one_line_naming_the_node()
    {
        var model = Model.Load(TestData.Path("models", "messy_f64_regression.bpm"));
        byte[] bytes = OnnxModel.ToBytes(model);
        // The same graph with its Concat along axis 0, and with the colour column's OneHotEncoder told zeros = 0.
        var axis = Assert.Throws<DataException>(() => OnnxModel.Import("axis.onnx", Replace(bytes, "axis"u8.ToArray(), "axiz"u8.ToArray())));
        Assert.Equal("axis.onnx: node 'columns' (Concat): the columns are concatenated along axis 1 into one value", axis.Message);
        var isNaN = Assert.Throws<DataException>(() => OnnxModel.Import("nan.onnx", Replace(bytes, "IsNaN"u8.ToArray(), "IsInf"u8.ToArray())));
        Assert.StartsWith("nan.onnx: node 'column_0_is_missing' (IsInf): not a step of column 'x1' as Backprop exports it;", isNaN.Message);
    }

    // bytes with every occurrence of from (as long as to) replaced by to.
    private static byte[] Replace(byte[] bytes, byte[] from, byte[] to)
    {
        var result = (byte[])bytes.Clone();
        for (int i = 0; i + from.Length <= result.Length; i++)
            if (result.AsSpan(i, from.Length).SequenceEqual(from)) to.CopyTo(result, i);
        return result;
    }

    [Theory]
    [InlineData("export", "m.model", "out.pt", "out.pt: export writes .onnx (ONNX) or .npz (numpy) files; the name ends in '.pt'")]
    [InlineData("export", "m.model", "out", "out: export writes .onnx (ONNX) or .npz (numpy) files; the name ends in no extension")]
    [InlineData("import", "net.h5", "--save", "net.h5: import reads .onnx (ONNX) or .npz (numpy) files; the name ends in '.h5'")]
    public void An_unknown_format_is_one_line_listing_the_supported_ones(string command, string first, string second, string message)
    {
        var model = OnnxTestModels.Make("f32", Activation.Relu, Activation.Identity, [2, 2]);
        model.Save(_temp.File("m.model"));
        string[] args = command == "export" ? [command, _temp.File(first), _temp.File(second)] : [command, _temp.File(first), second, _temp.File("x.model")];
        var (code, output, err) = CliTests.Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"backprop: {_temp.File(message)}\n", err);
        Assert.False(File.Exists(_temp.File("out.pt")));
    }

    [Fact]
    public void Import_errors_are_one_line_with_exit_code_2_and_nothing_saved()
    {
        string saved = _temp.File("never.model");
        foreach (string file in new[] { TestData.Path("onnx", "leaky_relu.onnx"), _temp.File("missing.onnx"), _temp.Write("empty.onnx", []), _temp.Write("text.onnx", "not an onnx file\n") })
        {
            var (code, output, err) = CliTests.Run("import", file, "--save", saved);
            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.StartsWith($"backprop: {file}: ", err);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
            Assert.False(File.Exists(saved));
        }
        var (c, _, e) = CliTests.Run("import", TestData.Path("onnx", "relu_softmax.onnx"));
        Assert.Equal(2, c);
        Assert.Contains("--save", e);
    }
}
