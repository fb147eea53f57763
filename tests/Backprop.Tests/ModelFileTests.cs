using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// The model file (docs/model-format.md): exact round trips, the format as another program sees it, a clear
/// DataException for every kind of bad file, and saves that never leave a half-written file behind.
/// </summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-model-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    // ------------------------------------------------------------------ helpers

    private static readonly string[] Features = ["temp °C", "a \"quoted\" name", "tab\there", "naïve/ünïcode ✓"];

    /// <summary>A 4-5-3-3 network with arbitrary weights (and non-zero biases), its model and some normalized inputs.</summary>
    private static (Network<T> Network, Model Model, Matrix<T> Input) Make<T>(bool bias, bool classes, string normalization)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var spec = new NetworkSpec(4, [5, 3], 3)
        {
            HiddenActivation = Activation.Tanh,
            OutputActivation = classes ? Activation.Softmax : Activation.Identity,
            Bias = bias,
            Init = Initializer.Normal(0.5),
        };
        var network = spec.Build<T>(new NumpyRandom(7));
        var random = new NumpyRandom(11);
        foreach (var dense in network.DenseLayers)
            if (dense.Bias is { } b)
                for (int i = 0; i < b.Value.Length; i++) b.Value.Span[i] = T.CreateTruncating(random.StandardNormal());
        var raw = Matrix.Random(new NumpyRandom(3), 6, 4);
        for (int i = 0; i < raw.Length; i++) raw.Span[i] = raw.Span[i] * 40 - 10;
        var norm = Normalization.Fit(Vocabulary.Parse<NormalizationKind>(normalization), raw);
        var model = Model.From(network, spec, norm, Features, classes ? ["species"] : ["y1", "y2", "y3"],
                               classes ? ["setosa", "versi\"color", "virginica"] : null, classes ? LossKind.CrossEntropy : LossKind.Mse);
        return (network, model, norm.Apply<T>(raw));
    }

    private static long[] Bits<T>(Matrix<T> m) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new long[m.Length];
        for (int i = 0; i < m.Length; i++) result[i] = BitConverter.DoubleToInt64Bits(double.CreateTruncating(m.Span[i]));
        return result;
    }

    private static (string Header, string Body) Split(string path)
    {
        string text = File.ReadAllText(path, Encoding.UTF8);
        int newline = text.IndexOf('\n');
        return (text[..newline], text[(newline + 1)..]);
    }

    /// <summary>Writes <paramref name="body"/> with a header computed here, independently of ModelFile, as the docs describe.</summary>
    private static void WriteSealed(string path, string body, int version = 1)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        string header = $"{{\"format\": \"backprop-model\", \"version\": {version}, \"length\": {bytes.Length}, \"sha256\": \"{sha}\"}}\n";
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes(header), .. bytes]);
    }

    private string SaveGood(string name = "good.bpm")
    {
        string path = PathOf(name);
        ModelFile.Save(Make<double>(bias: true, classes: true, "standard").Model, path);
        return path;
    }

    private static DataException LoadFails(string path, params string[] phrases)
    {
        var e = Assert.Throws<DataException>(() => ModelFile.Load(path));
        Assert.Equal(path, e.File);
        Assert.StartsWith(path + ":", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        foreach (string phrase in phrases) Assert.Contains(phrase, e.Message);
        return e;
    }

    private string[] FilesInDir() => Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order().ToArray()!;

    // ------------------------------------------------------------------ round trips

    [Theory]
    [InlineData("f64", true, true, "standard")]
    [InlineData("f64", false, false, "none")]
    [InlineData("f64", true, false, "minmax")]
    [InlineData("f64", false, true, "standard")]
    [InlineData("f32", true, true, "minmax")]
    [InlineData("f32", false, false, "standard")]
    [InlineData("f32", true, false, "none")]
    [InlineData("f32", false, true, "minmax")]
    public void Round_trip_gives_an_equal_model_and_identical_predictions(string precision, bool bias, bool classes, string normalization)
    {
        if (precision == "f64") RoundTrip<double>(bias, classes, normalization);
        else RoundTrip<float>(bias, classes, normalization);
    }

    private void RoundTrip<T>(bool bias, bool classes, string normalization) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (network, model, input) = Make<T>(bias, classes, normalization);
        string path = PathOf("model.bpm");
        ModelFile.Save(model, path);
        var loaded = ModelFile.Load(path);

        Assert.Equal(model, loaded);
        Assert.Equal(typeof(T) == typeof(double) ? Precision.F64 : Precision.F32, loaded.Precision);
        Assert.Equal(bias, loaded.Spec.Bias);
        Assert.Equal(classes, loaded.ClassNames is not null);
        Assert.Equal(normalization, Vocabulary.Name(loaded.Normalization.Kind));
        Assert.Equal(Features, loaded.FeatureNames);
        Assert.Equal(Bits(network.Predict(input)), Bits(loaded.ToNetwork<T>().Predict(input)));

        // Saving what was loaded writes the same bytes: the format is deterministic.
        string again = PathOf("again.bpm");
        ModelFile.Save(loaded, again);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
    }

    [Fact]
    public void Extreme_float64_values_round_trip_bit_for_bit()
    {
        var (_, model, _) = Make<double>(bias: true, classes: false, "none");
        double[] special = [0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 0.1, 1.0 / 3,
                            1e-300, 2.2250738585072014E-308, 123456789.123456789, -1e22, 5e-324, Math.PI, Math.E];
        var random = new Random(5);
        var weights = model.Weights.Select(w => w.Select((_, i) => i < special.Length ? special[i]
            : BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsFinite(d) ? d : 1.5).ToArray()).ToArray();
        var extreme = model with { Weights = weights };
        string path = PathOf("extreme.bpm");
        ModelFile.Save(extreme, path);
        var loaded = ModelFile.Load(path);
        Assert.Equal(extreme, loaded);
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(loaded.Weights[0][1]));
        Assert.NotEqual(model, loaded);
    }

    [Fact]
    public void Extreme_float32_values_round_trip_bit_for_bit()
    {
        var (_, model, _) = Make<float>(bias: true, classes: false, "none");
        float[] special = [0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 0.1f, 1f / 3,
                           1e-38f, 16777217f, 3.4028235E+38f, 1.17549435E-38f, MathF.PI];
        var random = new Random(6);
        var weights = model.Weights.Select(w => w.Select((_, i) => (double)(i < special.Length ? special[i]
            : BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31)) is var f && float.IsFinite(f) ? f : 0.5f)).ToArray()).ToArray();
        var extreme = model with { Weights = weights };
        string path = PathOf("extreme32.bpm");
        ModelFile.Save(extreme, path);
        Assert.Equal(extreme, ModelFile.Load(path));
    }

    [Fact]
    public void Float32_numbers_are_written_shortest_and_read_back_by_either_parser()
    {
        var random = new Random(8);
        for (int n = 0; n < 200_000; n++)
        {
            float f = BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31));
            if (!float.IsFinite(f)) continue;
            string s = ModelFile.FormatNumber(f, f32: true);
            Assert.Equal(BitConverter.SingleToInt32Bits(f), BitConverter.SingleToInt32Bits(float.Parse(s, CultureInfo.InvariantCulture)));
            Assert.Equal(BitConverter.SingleToInt32Bits(f), BitConverter.SingleToInt32Bits((float)double.Parse(s, CultureInfo.InvariantCulture)));
        }
        Assert.Equal("0.1", ModelFile.FormatNumber(0.1f, f32: true));
        Assert.Equal("0.10000000149011612", ModelFile.FormatNumber(0.1f, f32: false));
    }

    [Fact]
    public void Another_program_can_verify_and_read_the_file_as_documented()
    {
        var (_, model, _) = Make<double>(bias: true, classes: true, "standard");
        string path = PathOf("doc.bpm");
        ModelFile.Save(model, path);

        byte[] bytes = File.ReadAllBytes(path);
        int newline = Array.IndexOf(bytes, (byte)'\n');
        using var header = JsonDocument.Parse(bytes.AsMemory(0, newline));
        byte[] body = bytes[(newline + 1)..];
        Assert.Equal("backprop-model", header.RootElement.GetProperty("format").GetString());
        Assert.Equal(1, header.RootElement.GetProperty("version").GetInt32());
        Assert.Equal(body.Length, header.RootElement.GetProperty("length").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), header.RootElement.GetProperty("sha256").GetString());

        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.Equal("f64", root.GetProperty("precision").GetString());
        var arch = root.GetProperty("architecture");
        Assert.Equal(4, arch.GetProperty("inputs").GetInt32());
        Assert.Equal([5, 3], arch.GetProperty("hidden").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(3, arch.GetProperty("outputs").GetInt32());
        Assert.Equal("tanh", arch.GetProperty("hidden_activation").GetString());
        Assert.Equal("softmax", arch.GetProperty("output_activation").GetString());
        Assert.True(arch.GetProperty("bias").GetBoolean());
        Assert.Equal("normal:0.5", arch.GetProperty("init").GetString());
        Assert.Equal("cross-entropy", root.GetProperty("loss").GetString());
        Assert.Equal("standard", root.GetProperty("normalization").GetProperty("kind").GetString());
        Assert.Equal(model.Normalization.Scale, root.GetProperty("normalization").GetProperty("scale").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(Features, root.GetProperty("features").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["species"], root.GetProperty("targets").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("versi\"color", root.GetProperty("classes")[1].GetString());
        var layer1 = root.GetProperty("layers")[1];
        Assert.Equal(5, layer1.GetProperty("inputs").GetInt32());
        Assert.Equal(3, layer1.GetProperty("outputs").GetInt32());
        // weights[r][c] joins input r to output c: row-major element r * outputs + c.
        Assert.Equal(model.Weights[1][2 * 3 + 1], layer1.GetProperty("weights")[2][1].GetDouble());
        Assert.Equal(model.Biases[1]!, layer1.GetProperty("bias").EnumerateArray().Select(e => e.GetDouble()));

        // Readable: one weight row a line, names unescaped.
        string text = Encoding.UTF8.GetString(body);
        Assert.Contains("\"hidden_activation\": \"tanh\"", text);
        Assert.Contains("naïve/ünïcode ✓", text);
        Assert.Contains("\n        [" + string.Join(", ", model.Weights[0][..5].Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]", text);
    }

    [Fact]
    public void The_example_in_the_format_document_loads()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Backprop.slnx"))) dir = Path.GetDirectoryName(dir);
        Assert.NotNull(dir);
        string doc = File.ReadAllText(Path.Combine(dir, "docs", "model-format.md"));
        int start = doc.IndexOf("```\n{\"format\":\"backprop-model\"", doc.IndexOf("## Example", StringComparison.Ordinal), StringComparison.Ordinal) + 4;
        int end = doc.IndexOf("```", start, StringComparison.Ordinal);
        Assert.True(start > 4 && end > start, "the example is in the document");
        string path = PathOf("example.bpm");
        File.WriteAllText(path, doc[start..end]);

        var model = ModelFile.Load(path);
        Assert.Equal(Precision.F32, model.Precision);
        Assert.Equal(Initializer.Xavier, model.Spec.Init);
        Assert.Equal(["setosa", "other"], model.ClassNames!);
        var input = model.Normalization.Apply<float>(Matrix.Array(new double[,] { { 5.0, 3.1, 1.5 } }));
        var p = model.ToNetwork<float>().Predict(input);
        Assert.Equal(0.6020454f, p[0, 0]);   // as the pure-Python forward pass of the document's reader computes it
        // Saving it again gives the document's bytes: the example is what Backprop writes.
        string again = PathOf("again.bpm");
        ModelFile.Save(model, again);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
    }

    [Fact]
    public void A_784_128_10_network_saves_in_a_few_megabytes_and_round_trips()
    {
        var spec = new NetworkSpec(784, [128], 10) { OutputActivation = Activation.Softmax, Bias = true, Init = Initializer.He };
        var network = spec.Build<double>(new NumpyRandom(1));
        var model = Model.From(network, spec, Normalization.None(784), [], [], Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(), LossKind.CrossEntropy);
        string path = PathOf("mnist.bpm");
        ModelFile.Save(model, path);
        long size = new FileInfo(path).Length;
        Assert.InRange(size, 1_000_000, 4_000_000);
        Assert.Equal(model, ModelFile.Load(path));
    }

    [Fact]
    public void A_file_whose_line_endings_became_CRLF_still_loads()
    {
        string path = SaveGood();
        var original = ModelFile.Load(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\n", "\r\n"));
        Assert.Equal(original, ModelFile.Load(path));
    }

    [Fact]
    public void Equality_sees_a_one_bit_change_in_any_weight_or_name()
    {
        var (_, model, _) = Make<double>(bias: true, classes: true, "standard");
        var weights = model.Weights.Select(w => (double[])w.Clone()).ToArray();
        weights[1][4] = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(weights[1][4]) ^ 1);
        Assert.NotEqual(model, model with { Weights = weights });
        Assert.NotEqual(model, model with { ClassNames = ["setosa", "versicolor", "virginica"] });
        Assert.NotEqual(model, model with { Spec = model.Spec with { Init = Initializer.He } });
        Assert.Equal(model, model with { Spec = model.Spec with { Hidden = [5, 3] } });
    }

    // ------------------------------------------------------------------ building a model

    [Fact]
    public void A_network_built_from_a_spec_saves_with_its_names_and_scaling_alone()
    {
        var spec = new NetworkSpec(3, [4], 2) { OutputActivation = Activation.Softmax, Dropout = 0.5 };
        var network = spec.Build<float>(new NumpyRandom(2));
        Assert.Same(spec, network.Spec);
        var viaNetwork = Model.From(network, Normalization.None(3), ["a", "b", "c"], ["y"], ["no", "yes"], LossKind.CrossEntropy);
        var viaSpec = Model.From(network, spec, Normalization.None(3), ["a", "b", "c"], ["y"], ["no", "yes"], LossKind.CrossEntropy);
        Assert.Equal(viaSpec, viaNetwork);
        // Assembled by hand, a network has no spec to save.
        var byHand = new Network<float>(new Dense<float>(3, 2), new Softmax<float>());
        Assert.Null(byHand.Spec);
        Assert.Throws<ArgumentException>(() => Model.From(byHand, Normalization.None(3), ["a", "b", "c"], ["y"], ["no", "yes"], LossKind.CrossEntropy));
    }

    [Fact]
    public void From_rejects_a_network_that_does_not_match_the_spec()
    {
        var spec = NetworkSpec.Notes(3, [4], 1); // no bias, so that "with a bias" is a mismatch
        var network = spec.Build<double>(new NumpyRandom(1));
        var names = new[] { "a", "b", "c" };
        var e = Assert.Throws<ArgumentException>(() => Model.From(network, spec with { Hidden = [5] }, Normalization.None(3), names, ["y"], null, LossKind.Sse));
        Assert.Contains("4", e.Message);
        Assert.Throws<ArgumentException>(() => Model.From(network, spec with { Bias = true }, Normalization.None(3), names, ["y"], null, LossKind.Sse));
        Assert.Throws<ArgumentException>(() => Model.From(network, spec with { HiddenActivation = Activation.Sigmoid }, Normalization.None(3), names, ["y"], null, LossKind.Sse));
        var wrongNames = Assert.Throws<ArgumentException>(() => Model.From(network, spec, Normalization.None(3), ["a", "b"], ["y"], null, LossKind.Sse));
        Assert.Contains("2 feature names for 3 inputs", wrongNames.Message);
        Assert.Throws<ArgumentException>(() => Model.From(network, spec, Normalization.None(2), names, ["y"], null, LossKind.Sse));
        Assert.Equal(Precision.F64, Model.From(network, spec, Normalization.None(3), names, ["y"], null, LossKind.Sse).Precision);
    }

    [Fact]
    public void From_copies_so_later_training_does_not_change_the_model()
    {
        var (network, model, _) = Make<float>(bias: false, classes: false, "standard");
        double before = model.Weights[0][0];
        network.DenseLayers.First().Weights.Value.Span[0] += 1;
        Assert.Equal(before, model.Weights[0][0]);
        Assert.Equal((double)network.DenseLayers.First().Weights.Value.Span[1], model.Weights[0][1]);
    }

    [Fact]
    public void ToNetwork_and_Save_check_sizes()
    {
        var (_, model, _) = Make<double>(bias: true, classes: false, "none");
        var shortWeights = model with { Weights = [model.Weights[0][..^1], model.Weights[1], model.Weights[2]] };
        var e = Assert.Throws<ArgumentException>(() => shortWeights.ToNetwork<double>());
        Assert.Contains("dense layer 0 has 19 weights; 4 inputs x 5 outputs need 20", e.Message);
        Assert.Throws<ArgumentException>(() => ModelFile.Save(shortWeights, PathOf("short.bpm")));
        Assert.False(File.Exists(PathOf("short.bpm")));
        var noBias = model with { Biases = [null, null, null] };
        Assert.Contains("has no bias", Assert.Throws<ArgumentException>(() => noBias.ToNetwork<double>()).Message);
        var nan = model with { Weights = [model.Weights[0], model.Weights[1], model.Weights[2].Select(_ => double.NaN).ToArray()] };
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => ModelFile.Save(nan, PathOf("nan.bpm"))).Message);
    }

    // ------------------------------------------------------------------ errors on load

    [Fact]
    public void Missing_file()
    {
        LoadFails(PathOf("nope.bpm"), "no such file");
        LoadFails(Path.Combine(_dir, "no-dir", "nope.bpm"), "no such file");
    }

    [Fact]
    public void A_directory()
    {
        Directory.CreateDirectory(PathOf("dir.bpm"));
        LoadFails(PathOf("dir.bpm"), "is a directory");
    }

    [Fact]
    public void Empty_file()
    {
        string path = PathOf("empty.bpm");
        File.WriteAllBytes(path, []);
        LoadFails(path, "empty", "not a Backprop model");
    }

    [Fact]
    public void Random_bytes()
    {
        string path = PathOf("random.bpm");
        var bytes = new byte[5000];
        new Random(42).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        LoadFails(path, "not a Backprop model file");
    }

    [Theory]
    [InlineData("{\"name\": \"x\", \"values\": [1, 2]}\n")]
    [InlineData("{\n  \"precision\": \"f64\"\n}\n")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"format\": \"backprop-data\", \"version\": 1}\n{}\n")]
    public void Valid_JSON_that_is_not_a_model(string json)
    {
        string path = PathOf("other.json");
        File.WriteAllText(path, json);
        LoadFails(path, "not a Backprop model file");
    }

    [Fact]
    public void A_changed_digit_in_a_weight_fails_the_checksum()
    {
        string path = SaveGood();
        string text = File.ReadAllText(path);
        int at = text.IndexOf("\"weights\": [", StringComparison.Ordinal);
        at = text.IndexOfAny("123456789".ToCharArray(), at);
        char flipped = text[at] == '9' ? '8' : (char)(text[at] + 1);
        File.WriteAllText(path, text[..at] + flipped + text[(at + 1)..]);
        LoadFails(path, "damaged", "checksum mismatch");
    }

    [Fact]
    public void A_truncated_file()
    {
        string path = SaveGood();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        LoadFails(path, "damaged", "truncated", $"of its {bytes.Length - Array.IndexOf(bytes, (byte)'\n') - 1} content bytes");
        File.WriteAllBytes(path, bytes[..30]);
        LoadFails(path, "damaged", "truncated in its header");
    }

    [Fact]
    public void Something_appended()
    {
        string path = SaveGood();
        File.AppendAllText(path, "{}");
        LoadFails(path, "damaged", "something was added");
    }

    [Theory]
    [InlineData(99, "model format version 99 is newer than this build of Backprop reads (version 1)")]
    [InlineData(2, "model format version 2 is newer")]
    [InlineData(0, "unknown model format version 0; this build reads version 1")]
    public void Another_format_version(int version, string message)
    {
        string path = SaveGood();
        var (_, body) = Split(path);
        WriteSealed(path, body, version);
        LoadFails(path, message);
    }

    [Fact]
    public void A_newer_version_is_reported_before_the_checksum()
    {
        string path = SaveGood();
        string text = File.ReadAllText(path);
        File.WriteAllText(path, text.Replace("\"version\":1,", "\"version\":99,"));
        LoadFails(path, "version 99", "(version 1)");
    }

    [Fact]
    public void Weights_of_the_wrong_length()
    {
        string path = SaveGood();
        var (_, body) = Split(path);
        int row = body.IndexOf("\"weights\": [", StringComparison.Ordinal);
        int end = body.IndexOf(']', body.IndexOf('[', row + 12));
        WriteSealed(path, body[..end] + ", 0.5" + body[end..]);
        LoadFails(path, "inconsistent model", "layers[0].weights[0] has 6 numbers; the layer has 5 outputs");
    }

    [Fact]
    public void Sizes_that_disagree_with_the_architecture()
    {
        string path = SaveGood();
        var (_, body) = Split(path);
        WriteSealed(path, body.Replace("\"inputs\": 4,\n    \"hidden\": [5, 3]", "\"inputs\": 4,\n    \"hidden\": [6, 3]"));
        LoadFails(path, "inconsistent model", "layers[0] is 4x5; the architecture says 4x6");

        WriteSealed(path, body.Replace("\"features\": [\"temp °C\", ", "\"features\": ["));
        LoadFails(path, "inconsistent model", "3 feature names for 4 inputs");
    }

    [Fact]
    public void Malformed_JSON_with_a_valid_checksum_is_located()
    {
        string path = SaveGood();
        var (_, body) = Split(path);
        WriteSealed(path, body.Replace("\"loss\": \"cross-entropy\",", "\"loss\": cross-entropy,"));
        var e = LoadFails(path, "malformed model JSON");
        int lossLine = body.Split('\n').TakeWhile(l => !l.Contains("\"loss\"")).Count() + 2;
        Assert.Equal(lossLine, e.Line);
    }

    [Fact]
    public void Missing_and_mistyped_fields()
    {
        string path = SaveGood();
        var (_, body) = Split(path);
        WriteSealed(path, body.Replace("\"loss\": \"cross-entropy\",", ""));
        LoadFails(path, "malformed model", "\"loss\" is missing");
        WriteSealed(path, body.Replace("\"bias\": true", "\"bias\": \"yes\""));
        LoadFails(path, "\"architecture.bias\" is \"yes\"; expected true or false");
        WriteSealed(path, body.Replace("\"hidden_activation\": \"tanh\"", "\"hidden_activation\": \"swish\""));
        LoadFails(path, "\"architecture.hidden_activation\" is 'swish'");
        WriteSealed(path, body.Replace("\"precision\": \"f64\"", "\"precision\": \"f16\""));
        LoadFails(path, "precision is 'f16'");
        WriteSealed(path, "[]\n");
        LoadFails(path, "not a JSON object");
    }

    // ------------------------------------------------------------------ atomic save

    [Fact]
    public void Saving_over_an_existing_model_replaces_it_and_leaves_no_temporary_file()
    {
        string path = SaveGood("model.bpm");
        var (_, other, _) = Make<float>(bias: false, classes: false, "none");
        ModelFile.Save(other, path);
        Assert.Equal(other, ModelFile.Load(path));
        Assert.Equal(["model.bpm"], FilesInDir());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]  // every byte written, then the flush fails
    public void A_save_that_fails_midway_leaves_the_old_file_untouched(int failAfter)
    {
        string path = SaveGood("model.bpm");
        byte[] before = File.ReadAllBytes(path);
        var (_, other, _) = Make<float>(bias: false, classes: false, "none");

        var e = Assert.Throws<IOException>(() => ModelFile.Save(other, path, s => new FailingStream(s, failAfter)));
        Assert.Equal("disk full (test)", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.bpm"], FilesInDir());
    }

    [Fact]
    public void A_model_that_cannot_be_serialised_leaves_the_old_file_untouched()
    {
        string path = SaveGood("model.bpm");
        byte[] before = File.ReadAllBytes(path);
        var (_, model, _) = Make<double>(bias: false, classes: false, "none");
        var broken = model with { Spec = model.Spec with { Init = new UnwritableInitializer() } };
        Assert.Throws<InvalidOperationException>(() => ModelFile.Save(broken, path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.bpm"], FilesInDir());
    }

    [Fact]
    public void Saving_to_a_directory_fails_and_leaves_it_and_no_temporary_file()
    {
        string path = PathOf("target");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "inside.txt"), "keep");
        var (_, model, _) = Make<double>(bias: false, classes: false, "none");
        var e = Assert.Throws<IOException>(() => ModelFile.Save(model, path));
        Assert.Contains("is a directory", e.Message);
        Assert.Equal("keep", File.ReadAllText(Path.Combine(path, "inside.txt")));
        Assert.Equal(["target"], FilesInDir());
    }

    [Fact]
    public void Saving_into_a_missing_directory_fails_and_creates_nothing()
    {
        var (_, model, _) = Make<double>(bias: false, classes: false, "none");
        Assert.Throws<DirectoryNotFoundException>(() => ModelFile.Save(model, Path.Combine(_dir, "missing", "model.bpm")));
        Assert.Empty(FilesInDir());
    }

    /// <summary>An initializer whose text form throws, as a serialisation failure.</summary>
    private sealed record UnwritableInitializer : Initializer
    {
        public override void Fill<T>(Matrix<T> weights, NumpyRandom random) { }
        public override string ToString() => throw new InvalidOperationException("cannot write this initializer (test)");
    }

    /// <summary>Passes writes through until <c>failAfter</c> bytes, then throws as a full disk would; flush fails too.</summary>
    private sealed class FailingStream(Stream inner, int failAfter) : Stream
    {
        private long _written;
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > failAfter)
            {
                int part = (int)Math.Max(0, failAfter - _written);
                inner.Write(buffer[..part]);
                inner.Flush();
                throw new IOException("disk full (test)");
            }
            inner.Write(buffer);
            _written += buffer.Length;
        }
        public override void Flush() => throw new IOException("disk full (test)");
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
