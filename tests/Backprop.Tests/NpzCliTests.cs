using System.Globalization;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary><c>backprop import</c> and <c>backprop export</c> with .npz files, as a user meets them.</summary>
public sealed class NpzCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static void OneLineError(int code, string stdout, string err, string start)
    {
        Assert.True(code == 2, $"exit code {code}; stderr: {err}");
        Assert.Equal("", stdout);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("backprop: " + start, err);
        Assert.DoesNotContain("internal error", err);
    }

    [Fact]
    public void An_imported_PyTorch_classifier_predicts_torch_s_probabilities()
    {
        string npz = TestData.Path("npz", "torch_relu_softmax.npz");
        string model = _temp.File("torch.bpm");
        var (code, stdout, err) = CliTests.Run("import", npz, "--save", model, "--output", "softmax", "--classes", "a,b,c", "--features", "p,q,r,s");
        Assert.True(code == 0, err);
        Assert.Equal($"imported {npz}: 4-6-5-3 dense layers with biases, relu hidden, softmax output, f32, loss cross-entropy\nsaved model to {model}\n", stdout);

        // The inputs torch saw (make_fixtures.py), as a CSV file, and the probabilities torch printed.
        var c = TestData.Json("npz", "cases.json").RootElement.EnumerateArray().Single(e => e.GetProperty("file").GetString() == "torch_relu_softmax.npz");
        var inputs = TestData.Rows(c.GetProperty("inputs"));
        var expected = TestData.Rows(c.GetProperty("outputs"));
        string csv = _temp.Write("inputs.csv", "p,q,r,s\n" + string.Concat(inputs.Select(r => string.Join(",", r.Select(TestData.Num)) + "\n")));
        (code, stdout, err) = CliTests.Run("predict", model, csv);
        Assert.True(code == 0, err);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal("class,p_a,p_b,p_c", lines[0]);
        for (int r = 0; r < expected.Length; r++)
        {
            var cells = lines[r + 1].Split(',');
            Assert.Equal(((char)('a' + Array.IndexOf(expected[r], expected[r].Max()))).ToString(), cells[0]);
            for (int k = 0; k < 3; k++)
                Assert.True(Math.Abs(double.Parse(cells[k + 1], CultureInfo.InvariantCulture) - expected[r][k]) < 2e-6, $"row {r}: {lines[r + 1]}");
        }
    }

    [Fact]
    public void Export_writes_what_import_reads_back()
    {
        string model = TestData.Path("npz", "flowers_f32.bpm");
        string npz = _temp.File("flowers.npz");
        var (code, stdout, err) = CliTests.Run("export", model, npz);
        Assert.True(code == 0, err);
        Assert.Equal($"wrote 6 arrays (float32 weights) to {npz}\n", stdout);
        string back = _temp.File("back.bpm");
        (code, _, err) = CliTests.Run("import", npz, "--save", back, "--activation", "tanh", "--output", "softmax",
            "--features", "length,width,noise", "--target", "species", "--classes", "setosa,versicolor,virginica");
        Assert.True(code == 0, err);
        // The same network and scaling: evaluate prints the same loss and accuracy on the flowers.
        var before = CliTests.Run("evaluate", model, TestData.Path("csv", "flowers.csv"));
        var after = CliTests.Run("evaluate", back, TestData.Path("csv", "flowers.csv"));
        Assert.Equal(0, after.Code);
        Assert.Equal(before.Out, after.Out);
        Assert.Equal(ModelFile.Load(model).Weights, ModelFile.Load(back).Weights);
    }

    [Fact]
    public void Import_defaults_name_the_columns_x1_and_y1()
    {
        string model = _temp.File("notes.bpm");
        var (code, stdout, err) = CliTests.Run("import", TestData.Path("npz", "notes.npz"), "--save", model);
        Assert.True(code == 0, err);
        Assert.Contains("3-4-1 dense layers, relu hidden, identity output, f64, loss mse", stdout);
        var loaded = ModelFile.Load(model);
        Assert.Equal(["x1", "x2", "x3"], loaded.FeatureNames); // as ONNX import names them
        Assert.Equal(["y1"], loaded.TargetNames);
        Assert.False(loaded.Spec.Bias);
    }

    [Theory]
    [InlineData("bigendian.npz", "'weights_0_1.npy' holds big-endian float64")]
    [InlineData("batchnorm.npz", "'1.running_mean.npy' is not a Linear layer's weight or bias")]
    [InlineData("mismatch.npz", "'weights_1_2.npy' has shape (5, 1)")]
    public void Importing_a_file_that_is_not_a_dense_network_is_one_line_naming_file_and_entry(string file, string problem)
    {
        string path = TestData.Path("npz", file);
        string model = _temp.File("out.bpm");
        var (code, stdout, err) = CliTests.Run("import", path, "--save", model);
        OneLineError(code, stdout, err, $"{path}: {problem}");
        Assert.False(File.Exists(model));
    }

    [Theory]
    [InlineData("--loss", "cross-entropy", "--loss: The loss cross-entropy needs probabilities")]
    [InlineData("--activation", "softmax", "--activation: 'softmax' is not one of relu, sigmoid, tanh.")]
    [InlineData("--output", "tanh", "--output: 'tanh' is not one of identity, sigmoid, softmax.")]
    [InlineData("--precision", "f16", "--precision: 'f16' is not one of f32, f64.")]
    [InlineData("--features", "a,b", "--features: 2 names for the 3 inputs of ")]
    [InlineData("--features", "a,,b", "--features: 'a,,b' has an empty feature name.")]
    [InlineData("--target", "x1", "--target: target name 'x1' is also a feature name")]
    [InlineData("--classes", "a", "--classes: 'a' is 1 class label; give at least 2")]
    [InlineData("--classes", "a,b,c", "")]   // three classes for one output: the file is named
    public void Import_flags_that_do_not_fit_are_one_line_errors(string flag, string value, string start)
    {
        string path = TestData.Path("npz", "notes.npz");
        var (code, stdout, err) = CliTests.Run("import", path, "--save", _temp.File("m.bpm"), flag, value);
        OneLineError(code, stdout, err, start.Length > 0 ? start : $"{path}: 3 class names for 1 outputs");
    }

    [Fact]
    public void Unknown_extensions_missing_files_and_folders_are_one_line_errors()
    {
        string model = TestData.Path("npz", "flowers_f32.bpm");
        var (code, stdout, err) = CliTests.Run("export", model, _temp.File("out.txt"));
        OneLineError(code, stdout, err, $"{_temp.File("out.txt")}: export writes .onnx (ONNX) or .npz (numpy) files; the name ends in '.txt'");
        (code, stdout, err) = CliTests.Run("export", model, Path.Combine(_temp.Path, "no-such-folder", "out.npz"));
        OneLineError(code, stdout, err, Path.Combine(_temp.Path, "no-such-folder", "out.npz") + ": cannot write");
        (code, stdout, err) = CliTests.Run("export", _temp.File("none.bpm"), _temp.File("out.npz"));
        OneLineError(code, stdout, err, $"{_temp.File("none.bpm")}: no such file");
        (code, stdout, err) = CliTests.Run("import", model, "--save", _temp.File("m.bpm"));
        OneLineError(code, stdout, err, $"{model}: import reads .onnx (ONNX) or .npz (numpy) files; the name ends in '.bpm'");
        (code, stdout, err) = CliTests.Run("import", _temp.File("none.npz"), "--save", _temp.File("m.bpm"));
        OneLineError(code, stdout, err, $"{_temp.File("none.npz")}: no such file");
        (code, stdout, err) = CliTests.Run("import", TestData.Path("npz", "notes.npz"));
        OneLineError(code, stdout, err, "Option '--save' is required");
        (code, stdout, err) = CliTests.Run("import", TestData.Path("npz", "notes.npz"), "--save", _temp.Path);
        OneLineError(code, stdout, err, $"--save: {_temp.Path} is a folder; name a file to write");
    }

    [Fact]
    public void Help_describes_both_commands()
    {
        var (code, stdout, _) = CliTests.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("export <model> <out>", stdout);
        Assert.Contains("import <file>", stdout);
        (code, stdout, _) = CliTests.Run("import", "--help");
        Assert.Equal(0, code);
        foreach (string flag in new[] { "--save", "--activation", "--output", "--loss", "--precision", "--features", "--target", "--classes" })
            Assert.Contains(flag, stdout);
        Assert.Contains("state_dict", stdout);
        (code, stdout, _) = CliTests.Run("export", "--help");
        Assert.Equal(0, code);
        Assert.Contains(".npz", stdout);
    }
}
