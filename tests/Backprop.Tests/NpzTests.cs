using System.IO.Compression;
using System.Numerics;
using System.Text.Json;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// .npz import and export (issue 12, points 3 and 4). Fixtures and expected values come from
/// Data/npz/make_fixtures.py: PyTorch state_dicts and numpy weight sets with the outputs torch and numpy computed,
/// and np.savez of committed Backprop models' numbers, which Backprop's export must match byte for byte.
/// </summary>
public sealed class NpzTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static JsonElement Case(string file) =>
        TestData.Json("npz", "cases.json").RootElement.EnumerateArray().Single(c => c.GetProperty("file").GetString() == file);

    private static NpzImportOptions OptionsOf(JsonElement c) => new()
    {
        HiddenActivation = Activations.Parse(c.GetProperty("activation").GetString()!, Activations.HiddenNames),
        OutputActivation = Activations.Parse(c.GetProperty("output").GetString()!, Activations.OutputNames),
    };

    /// <summary>The model's outputs for raw rows <paramref name="x"/>: scaled by its normalization, then its network, in its precision.</summary>
    internal static double[,] Outputs(Model model, Matrix<double> x) =>
        model.Precision == Precision.F64 ? Run<double>(model, x) : Run<float>(model, x);

    private static double[,] Run<T>(Model model, Matrix<double> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = model.ToNetwork<T>().Predict(model.Normalization.Apply<T>(x));
        var result = new double[y.Rows, y.Columns];
        for (int r = 0; r < y.Rows; r++)
            for (int c = 0; c < y.Columns; c++) result[r, c] = double.CreateChecked(y[r, c]);
        return result;
    }

    // ------------------------------------------------------------------ import

    [Theory]
    [InlineData("torch_relu_softmax.npz", new[] { 4, 6, 5, 3 }, true)]
    [InlineData("torch_sigmoid.npz", new[] { 3, 4, 2 }, true)]       // np.savez_compressed: deflated entries
    [InlineData("torch_tanh_nobias.npz", new[] { 5, 4, 3, 2 }, true)]
    [InlineData("notes.npz", new[] { 3, 4, 1 }, false)]
    [InlineData("notes_fortran.npz", new[] { 3, 4, 1 }, false)]     // fortran_order True: read transposed
    [InlineData("notes_scaled.npz", new[] { 3, 4, 1 }, false)]      // with input_offset and input_scale
    public void An_imported_model_predicts_what_torch_or_numpy_computed(string file, int[] sizes, bool bias)
    {
        var c = Case(file);
        var model = NpzImport.Load(TestData.Path("npz", file), OptionsOf(c));
        // The precision follows the arrays' dtype: float32 from torch's default, float64 from numpy's and .double().
        Assert.Equal(c.GetProperty("precision").GetString(), Vocabulary.Name(model.Precision));
        int[] actualSizes = [model.Spec.Inputs, .. model.Spec.Hidden, model.Spec.Outputs];
        Assert.Equal(sizes, actualSizes);
        Assert.Equal(bias, model.Spec.Bias);
        var expected = TestData.Rows(c.GetProperty("outputs"));
        var actual = Outputs(model, TestData.Matrix(c.GetProperty("inputs")));
        // Same numbers, another order of summation (and fused multiply-adds, another exp and tanh): float32 agrees to
        // a few units in the last place, float64 to about 1e-15.
        double tolerance = model.Precision == Precision.F32 ? 2e-6 : 1e-13;
        for (int r = 0; r < expected.Length; r++)
            for (int k = 0; k < expected[r].Length; k++)
                Assert.True(Math.Abs(actual[r, k] - expected[r][k]) <= tolerance * Math.Max(1, Math.Abs(expected[r][k])),
                    $"{file} row {r} output {k}: Backprop {actual[r, k]:R}, {(file.StartsWith("torch") ? "torch" : "numpy")} {expected[r][k]:R}");
    }

    [Fact]
    public void A_state_dict_layer_without_a_bias_gets_zeros_and_the_others_keep_theirs()
    {
        var model = NpzImport.Load(TestData.Path("npz", "torch_tanh_nobias.npz"), OptionsOf(Case("torch_tanh_nobias.npz")));
        Assert.All(model.Biases[1]!, b => Assert.Equal(0.0, b));
        Assert.Contains(model.Biases[0]!, b => b != 0);
        Assert.Contains(model.Biases[2]!, b => b != 0);
    }

    [Fact]
    public void PyTorch_weights_are_transposed_to_inputs_by_outputs()
    {
        // 0.weight has shape (6, 4) = (outputs, inputs): Backprop's weights_0_1 is its transpose, (4, 6).
        string path = TestData.Path("npz", "torch_relu_softmax.npz");
        using var zip = ZipFile.OpenRead(path);
        using var stream = zip.GetEntry("0.weight.npy")!.Open();
        var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        var header = NpyFormat.ParseHeader(bytes.ToArray());
        Assert.Equal([6, 4], header.Shape);
        var torchWeights = NpyFormat.Values(bytes.ToArray().AsSpan(header.HeaderBytes), header);
        var model = NpzImport.Load(path, new NpzImportOptions { OutputActivation = Activation.Softmax });
        for (int o = 0; o < 6; o++)
            for (int i = 0; i < 4; i++) Assert.Equal(torchWeights[o * 4 + i], model.Weights[0][i * 6 + o]);
    }

    [Fact]
    public void Options_set_what_the_archive_does_not_hold()
    {
        var model = NpzImport.Load(TestData.Path("npz", "torch_relu_softmax.npz"), new NpzImportOptions
        {
            OutputActivation = Activation.Softmax,
            Precision = Precision.F64,
            FeatureNames = ["a", "b", "c", "d"],
            TargetNames = ["kind"],
            ClassNames = ["x", "y", "z"],
        });
        Assert.Equal(Precision.F64, model.Precision);
        Assert.Equal(LossKind.CrossEntropy, model.Loss);   // the default after softmax
        Assert.Equal(["a", "b", "c", "d"], model.FeatureNames);
        Assert.Equal(["x", "y", "z"], model.ClassNames);
        Assert.Equal(LossKind.BinaryCrossEntropy, NpzImport.DefaultLoss(Activation.Sigmoid));
        Assert.Equal(LossKind.Mse, NpzImport.DefaultLoss(Activation.Identity));
        // float64 values rounded to float32 when asked for f32.
        var rounded = NpzImport.Load(TestData.Path("npz", "notes.npz"), new NpzImportOptions { Precision = Precision.F32 });
        var exact = NpzImport.Load(TestData.Path("npz", "notes.npz"));
        Assert.Equal(exact.Weights[0].Select(v => (double)(float)v), rounded.Weights[0]);
        Assert.NotEqual(exact.Weights[0], rounded.Weights[0]);
    }

    [Fact]
    public void Options_that_contradict_each_other_are_argument_errors()
    {
        string path = TestData.Path("npz", "notes.npz");
        Assert.Throws<ArgumentException>(() => NpzImport.Load(path, new NpzImportOptions { HiddenActivation = Activation.Softmax }));
        Assert.Throws<ArgumentException>(() => NpzImport.Load(path, new NpzImportOptions { Loss = LossKind.CrossEntropy }));   // after identity
        Assert.Throws<ArgumentException>(() => NpzImport.Load(path, new NpzImportOptions { Precision = (Precision)16 }));
        // Names that do not fit the archive's network: the file is named.
        var e = Assert.Throws<DataException>(() => NpzImport.Load(path, new NpzImportOptions { FeatureNames = ["a", "b"] }));
        Assert.Equal($"{path}: 2 feature names for 3 inputs (the archive's network is 3-4-1)", e.Message);
    }

    // ------------------------------------------------------------------ export

    [Theory]
    [InlineData("flowers_f32")]
    [InlineData("streetlights_f64")]
    public void Export_writes_the_npy_bytes_numpy_writes(string name)
    {
        var model = ModelFile.Load(TestData.Path("npz", name + ".bpm"));
        string path = _temp.File(name + ".npz");
        model.ExportNpz(path);
        // NAME.numpy.npz: np.savez of the model's numbers as make_fixtures.py read them from the model's JSON.
        var ours = Entries(path);
        var numpys = Entries(TestData.Path("npz", name + ".numpy.npz"));
        Assert.Equal(numpys.Select(e => e.Name), ours.Select(e => e.Name));
        for (int i = 0; i < ours.Count; i++)
            Assert.True(numpys[i].Bytes.SequenceEqual(ours[i].Bytes), $"{ours[i].Name}: Backprop's .npy bytes differ from numpy's");
        // Stored, as np.savez stores (np.load reads deflated entries too, but the same bytes are the point).
        using var zip = ZipFile.OpenRead(path);
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
        Assert.All(zip.Entries, e => Assert.Equal(new DateTime(1980, 1, 1), e.LastWriteTime.DateTime));
    }

    private static List<(string Name, byte[] Bytes)> Entries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.Select(e =>
        {
            using var s = e.Open();
            var m = new MemoryStream();
            s.CopyTo(m);
            return (e.FullName, m.ToArray());
        }).ToList();
    }

    [Theory]
    [InlineData("flowers_f32", "tanh", "softmax")]
    [InlineData("streetlights_f64", "relu", "identity")]
    public void Export_then_import_predicts_bit_for_bit_the_same(string name, string hidden, string output)
    {
        var model = ModelFile.Load(TestData.Path("npz", name + ".bpm"));
        string path = _temp.File(name + ".npz");
        model.ExportNpz(path);
        var imported = NpzImport.Load(path, new NpzImportOptions
        {
            HiddenActivation = Activations.Parse(hidden, Activations.HiddenNames),
            OutputActivation = Activations.Parse(output, Activations.OutputNames),
        });
        Assert.Equal(model.Precision, imported.Precision);
        Assert.Equal(model.Spec with { Init = imported.Spec.Init }, imported.Spec);
        Assert.Equal(model.Normalization.Offset, imported.Normalization.Offset);
        Assert.Equal(model.Normalization.Scale, imported.Normalization.Scale);
        var x = new Matrix<double>(20, model.Spec.Inputs);
        var random = new Random(4);
        for (int i = 0; i < x.Span.Length; i++) x.Span[i] = random.NextDouble() * 8 - 2;
        var before = Outputs(model, x);
        var after = Outputs(imported, x);
        for (int r = 0; r < x.Rows; r++)
            for (int k = 0; k < model.Spec.Outputs; k++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(before[r, k]), BitConverter.DoubleToInt64Bits(after[r, k]));
        // And the weights themselves, bit for bit: imported with the same names and shapes, it is the same network.
        Assert.True(model with { Spec = imported.Spec, Normalization = imported.Normalization, FeatureNames = [], TargetNames = [], ClassNames = null, Loss = imported.Loss } == imported);
    }

    [Fact]
    public void The_npy_header_is_written_as_numpy_writes_it()
    {
        // numpy 1.24: np.save(f, np.zeros((3, 4))) writes this header: 118 characters, then the data at byte 128.
        byte[] bytes = NpyFormat.Bytes("<f8", [3, 4], new double[12]);
        string header = System.Text.Encoding.ASCII.GetString(bytes, 10, 118);
        Assert.Equal("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }" + new string(' ', 58) + "\n", header);
        Assert.Equal(128 + 96, bytes.Length);
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0], bytes[..10]);
        Assert.Equal("(3,)", NpyFormat.ShapeText([3]));
    }
}
