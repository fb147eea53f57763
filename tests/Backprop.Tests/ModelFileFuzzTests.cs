using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Backprop.Data;
using Backprop.Models;
using Xunit.Abstractions;

namespace Backprop.Tests;

/// <summary>
/// Model files are untrusted input (issue 11): a damaged or edited file loads as a valid model or is one located
/// DataException ("FILE: ..."), never another exception, and never a huge allocation before the sizes are checked.
/// Reproducers for what a mutation fuzzer found, then the seeded mutation property itself (raw mutations, and
/// mutations with the checksum recomputed so that they reach the parser).
/// </summary>
public sealed class ModelFileFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // ------------------------------------------------------------------ helpers

    private static readonly string[] FlowerFeatures = ["length", "width", "noise"];

    private static readonly string[] FlowerClasses = ["setosa", "versicolor", "virginica"];

    /// <summary>A small model with arbitrary weights; every option a model file has is one of the arguments.</summary>
    private static Model MakeModel(string precision, bool bias, int[] hidden, int outputs, Activation hiddenActivation,
        Activation outputActivation, string loss, string[] features, string[] targets, string[]? classes, string kind,
        Initializer init, int seed)
    {
        int inputs = features.Length == 0 ? 3 : features.Length;
        var random = new Random(seed);
        double Draw() => precision == "f32" ? (float)(random.NextDouble() * 4 - 2) : random.NextDouble() * 4 - 2;
        var spec = new NetworkSpec(inputs, hidden, outputs)
        {
            HiddenActivation = hiddenActivation,
            OutputActivation = outputActivation,
            Bias = bias,
            Init = init,
        };
        int[] sizes = [inputs, .. hidden, outputs];
        var weights = new double[sizes.Length - 1][];
        var biases = new double[]?[sizes.Length - 1];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = Enumerable.Range(0, sizes[i] * sizes[i + 1]).Select(_ => Draw()).ToArray();
            biases[i] = bias ? Enumerable.Range(0, sizes[i + 1]).Select(_ => Draw()).ToArray() : null;
        }
        var normalization = kind == "none"
            ? Normalization.None(inputs)
            : new Normalization(Vocabulary.Parse<NormalizationKind>(kind), Enumerable.Range(0, inputs).Select(_ => random.NextDouble() * 10 - 5).ToArray(),
                                Enumerable.Range(0, inputs).Select(_ => random.NextDouble() * 3 + 0.25).ToArray());
        var model = new Model(spec, Vocabulary.Parse<Precision>(precision), normalization, features, targets, classes, Vocabulary.Parse<LossKind>(loss), weights, biases);
        model.Validate();
        return model;
    }

    /// <summary>A 3-4-3 float32 classifier of the flowers data (tests/Backprop.Tests/Data/csv/flowers.csv).</summary>
    private static Model FlowersModel() => MakeModel("f32", bias: true, [4], 3, Activation.Tanh, Activation.Softmax, "cross-entropy",
        FlowerFeatures, ["species"], FlowerClasses, "standard", Initializer.Xavier, seed: 1);

    /// <summary>The models the fuzzer starts from: f32 and f64, with and without biases, with classes and without.</summary>
    private static byte[][] Seeds()
    {
        var models = new[]
        {
            MakeModel("f64", bias: true, [4], 3, Activation.Tanh, Activation.Softmax, "cross-entropy",
                ["temp °C", "a \"quoted\" name", "tab\there"], ["species"], ["setosa", "versi\"color", "virginica"], "standard", Initializer.Normal(0.5), 2),
            MakeModel("f32", bias: false, [3, 2], 2, Activation.Relu, Activation.Identity, "mse",
                ["a", "b", "c", "d"], ["y1", "y2"], null, "minmax", Initializer.He, 3),
            MakeModel("f32", bias: true, [], 1, Activation.Relu, Activation.Sigmoid, "binary-cross-entropy",
                ["x", "y"], ["answer"], ["no", "yes"], "none", Initializer.Xavier, 4),
            MakeModel("f64", bias: false, [2], 1, Activation.Tanh, Activation.Identity, "sse",
                [], [], null, "none", Initializer.Uniform(-0.5, 0.5), 5),
            MakeModel("f32", bias: true, [3], 3, Activation.Sigmoid, Activation.Softmax, "cross-entropy",
                ["p", "q", "r"], [], ["0", "1", "2"], "minmax", Initializer.Normal(0.1), 6),
        };
        var files = models.Select(ModelFile.Serialize).ToList();
        // The first again with CRLF line endings (it still verifies: CR bytes are not content).
        files.Add(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(files[0]).Replace("\n", "\r\n")));
        return [.. files];
    }

    /// <summary>Where the header line ends (the index of its LF).</summary>
    private static int HeaderEnd(byte[] file) => Array.IndexOf(file, (byte)'\n');

    /// <summary>
    /// <paramref name="body"/> under a header written as ModelFile writes it, with the length and SHA-256 computed as
    /// docs/model-format.md says (CR bytes removed), so that whatever the body holds reaches the parser.
    /// </summary>
    private static byte[] Reseal(byte[] body)
    {
        byte[] content = body.Where(b => b != '\r').ToArray();
        string header = $"{{\"format\":\"backprop-model\",\"version\":1,\"length\":{content.Length},\"sha256\":\"{Convert.ToHexStringLower(SHA256.HashData(content))}\"}}\n";
        return [.. Encoding.ASCII.GetBytes(header), .. body];
    }

    private static byte[] BodyOf(byte[] file) => file[(HeaderEnd(file) + 1)..];

    /// <summary>The saved <paramref name="model"/> with <paramref name="edit"/> applied to its body text, checksum recomputed.</summary>
    private string SaveEdited(Model model, string name, Func<string, string> edit)
    {
        string body = Encoding.UTF8.GetString(BodyOf(ModelFile.Serialize(model)));
        string edited = edit(body);
        Assert.NotEqual(body, edited);   // the edit applied
        return _temp.Write(name, Reseal(Encoding.UTF8.GetBytes(edited)));
    }

    private static string ReplaceOnce(string text, string old, string replacement)
    {
        int at = text.IndexOf(old, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{old}' is in the model's text");
        return text[..at] + replacement + text[(at + old.Length)..];
    }

    /// <summary>Loading <paramref name="path"/> is one located DataException containing every phrase.</summary>
    private static DataException LoadFails(string path, params string[] phrases)
    {
        var e = Assert.Throws<DataException>(() => ModelFile.Load(path));
        Assert.Equal(path, e.File);
        Assert.StartsWith(path + ":", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        Assert.DoesNotContain("\r", e.Message);
        foreach (string phrase in phrases) Assert.Contains(phrase, e.Message);
        return e;
    }

    // ------------------------------------------------------------------ reproducers

    [Fact]
    public void A_flipped_high_bit_in_any_header_string_is_a_damaged_file()
    {
        // Before: "Cannot transcode invalid UTF-8 JSON text to UTF-16 string" (InvalidOperationException).
        byte[] good = ModelFile.Serialize(FlowersModel());
        int end = HeaderEnd(good);
        bool inString = false;
        int flipped = 0;
        for (int i = 0; i < end; i++)
        {
            if (good[i] == '"') { inString = !inString; continue; }
            if (!inString) continue;
            byte[] bad = (byte[])good.Clone();
            bad[i] ^= 0x80;
            string path = _temp.Write("flipped.bpm", bad);
            LoadFails(path, "damaged model file", "header line is not valid UTF-8");
            flipped++;
        }
        Assert.True(flipped > 90, $"{flipped} header string bytes");   // the four names, "backprop-model" and 64 hex digits
    }

    [Fact]
    public void Invalid_text_in_the_body_with_a_recomputed_checksum_is_located()
    {
        var model = FlowersModel();
        byte[] body = BodyOf(ModelFile.Serialize(model));
        int at = Array.IndexOf(body, (byte)'s', Encoding.UTF8.GetString(body).IndexOf("\"setosa\"", StringComparison.Ordinal));
        body[at] ^= 0x80;
        string path = _temp.Write("utf8.bpm", Reseal(body));
        var e = LoadFails(path, "not valid UTF-8");
        int line = Encoding.UTF8.GetString(body[..at]).Count(c => c == '\n') + 2;   // the header is line 1
        Assert.Equal(line, e.Line);

        // A lone surrogate, escaped: valid JSON text, but not a string .NET can hold.
        string surrogate = SaveEdited(model, "surrogate.bpm", b => ReplaceOnce(b, "\"setosa\"", "\"set\\ud800osa\""));
        LoadFails(surrogate, "\"classes[0]\"", "not valid text");
    }

    [Fact]
    public void Duplicate_feature_names()
    {
        string path = SaveEdited(FlowersModel(), "features.bpm", b => ReplaceOnce(b, "\"features\": [\"length\", \"width\"", "\"features\": [\"length\", \"length\""));
        LoadFails(path, "inconsistent model", "feature name 'length' appears twice");
    }

    [Fact]
    public void Duplicate_class_names()
    {
        string path = SaveEdited(FlowersModel(), "classes.bpm", b => ReplaceOnce(b, "\"versicolor\"", "\"setosa\""));
        LoadFails(path, "inconsistent model", "class name 'setosa' appears twice");
        // As the data loader compares labels: trimmed.
        path = SaveEdited(FlowersModel(), "classes2.bpm", b => ReplaceOnce(b, "\"versicolor\"", "\" setosa \""));
        LoadFails(path, "inconsistent model", "class name ' setosa ' appears twice");
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    public void An_empty_class_name(string name)
    {
        string path = SaveEdited(FlowersModel(), "empty-class.bpm", b => ReplaceOnce(b, "\"versicolor\"", name));
        LoadFails(path, "inconsistent model", "class name 1 is empty");
    }

    [Theory]
    [InlineData("[\"species\", \"species\", \"species\"]", "target name 'species' appears twice")]
    [InlineData("[\"species\", \"colour\"]", "2 target names for 3 outputs")]
    [InlineData("[\"width\"]", "target name 'width' is also a feature name")]
    [InlineData("[\"\"]", "target name 0 is empty")]
    public void Targets_that_do_not_fit_the_classes(string targets, string problem)
    {
        string path = SaveEdited(FlowersModel(), "targets.bpm", b => ReplaceOnce(b, "\"targets\": [\"species\"]", $"\"targets\": {targets}"));
        LoadFails(path, "inconsistent model", problem);
    }

    [Fact]
    public void A_single_class_name()
    {
        var model = MakeModel("f64", bias: true, [], 1, Activation.Relu, Activation.Sigmoid, "binary-cross-entropy",
            ["x", "y"], ["answer"], ["no", "yes"], "none", Initializer.He, 7);
        string path = SaveEdited(model, "one-class.bpm", b => ReplaceOnce(b, "\"classes\": [\"no\", \"yes\"]", "\"classes\": [\"yes\"]"));
        LoadFails(path, "inconsistent model", "at least two class names, not 1");
    }

    [Fact]
    public void A_layer_of_268_million_units_fails_fast_without_allocating()
    {
        // Before: asked for 3 x 268435456 doubles (6.4 GB) before finding that the weight rows are 4 numbers long.
        string path = SaveEdited(FlowersModel(), "huge.bpm", b =>
        {
            b = ReplaceOnce(b, "\"hidden\": [4]", "\"hidden\": [268435456]");
            b = ReplaceOnce(b, "\"outputs\": 4,", "\"outputs\": 268435456,");
            return ReplaceOnce(b, "\"inputs\": 4,", "\"inputs\": 268435456,");
        });
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataException>(() => ModelFile.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith(path + ": inconsistent model:", e.Message);
        Assert.Contains("268435456", e.Message);
        Assert.Contains("more numbers than its", e.Message);
        Assert.True(allocated < 64 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_file_far_longer_than_its_header_says_is_refused_before_it_is_read()
    {
        byte[] good = ModelFile.Serialize(FlowersModel());
        string path = _temp.Write("long.bpm", [.. good, .. new byte[8 << 20]]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = LoadFails(path, "damaged model file", $"{BodyOf(good).Length + (8 << 20)} bytes follow its header line", "something was added");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "read the file");
        Assert.Null(e.Line);
    }

    [Fact]
    public void A_model_read_from_a_pipe_is_checked_the_same_way()
    {
        // Before: NotSupportedException from asking a pipe its length (backprop evaluate <(cat model.bpm) data.csv).
        var model = FlowersModel();
        byte[] good = ModelFile.Serialize(model);
        Assert.Equal(model, ModelFile.Read("pipe", new ForwardOnlyStream(good)));
        int content = BodyOf(good).Length;
        var e = Assert.Throws<DataException>(() => ModelFile.Read("pipe", new ForwardOnlyStream([.. good, .. new byte[3 * content]])));
        Assert.Equal($"pipe: damaged model file: more than {2 * content + 1} bytes follow its header line, which says {content} content bytes (something was added)", e.Message);
        e = Assert.Throws<DataException>(() => ModelFile.Read("pipe", new ForwardOnlyStream(good[..^10])));
        Assert.Contains("truncated", e.Message);
        e = Assert.Throws<DataException>(() => ModelFile.Read("pipe", new ForwardOnlyStream([])));
        Assert.Equal("pipe: the file is empty; it is not a Backprop model", e.Message);
    }

    [Theory]
    [InlineData("\"hidden\": [4]", "\"hidden\": [2147483648]", "\"architecture.hidden[0]\" is 2147483648; expected an integer")]
    [InlineData("\"hidden\": [4]", "\"hidden\": [0]", "\"architecture.hidden[0]\" is 0; expected an integer of at least 1")]
    [InlineData("\"inputs\": 3,\n    \"hidden\"", "\"inputs\": -3,\n    \"hidden\"", "\"architecture.inputs\" is -3; expected an integer of at least 1")]
    [InlineData("\"outputs\": 3,\n    \"hidden_activation\"", "\"outputs\": 1e9,\n    \"hidden_activation\"", "\"architecture.outputs\" is 1e9; expected an integer")]
    public void Sizes_that_overflow_or_are_not_positive(string old, string replacement, string problem)
    {
        string path = SaveEdited(FlowersModel(), "sizes.bpm", b => ReplaceOnce(b, old, replacement));
        LoadFails(path, "malformed model", problem);
    }

    [Fact]
    public void A_checksum_mismatch_shows_both_full_hashes()
    {
        // Before: 12 digits of each ("the content's SHA-256 is 5c1a2b3d4e5f..., its header says 5c1a2b3d4e5f..."), which can be the same.
        byte[] file = ModelFile.Serialize(FlowersModel());
        int end = HeaderEnd(file);
        string expected = Encoding.ASCII.GetString(file, 0, end).Split("\"sha256\":\"")[1][..64];
        int at = Array.IndexOf(file, (byte)'1', end);  // a digit of the body
        file[at] = (byte)'2';
        string path = _temp.Write("changed.bpm", file);
        string actual = Convert.ToHexStringLower(SHA256.HashData(BodyOf(file)));
        Assert.NotEqual(expected, actual);
        var e = LoadFails(path, "damaged model file", "checksum mismatch", $"its header says SHA-256 {expected}", $"the content's is {actual}");
        Assert.DoesNotContain("...", e.Message);
    }

    [Fact]
    public void A_duplicated_member_is_malformed_JSON()
    {
        string path = SaveEdited(FlowersModel(), "twice.bpm", b => ReplaceOnce(b, "\"loss\": \"cross-entropy\",", "\"loss\": \"cross-entropy\",\n  \"loss\": \"mse\","));
        LoadFails(path, "malformed model JSON", "the member \"loss\" appears twice in one object");
    }

    [Fact]
    public void Text_from_the_file_is_shown_on_one_short_line()
    {
        string path = SaveEdited(FlowersModel(), "long.bpm", b => ReplaceOnce(b, "\"loss\": \"cross-entropy\"", "\"loss\": \"" + string.Concat(Enumerable.Repeat("line\\n", 500)) + "\""));
        var e = LoadFails(path, "the loss 'line\\nline\\n");
        Assert.True(e.Message.Length < path.Length + 200, e.Message);
    }

    // ------------------------------------------------------------------ the command line

    [Theory]
    [InlineData("header")]
    [InlineData("checksum")]
    [InlineData("duplicate-features")]
    [InlineData("empty-class")]
    [InlineData("huge-layer")]
    public void Evaluate_with_a_damaged_model_is_a_one_line_error_with_exit_code_2(string damage)
    {
        var model = FlowersModel();
        string path = _temp.File(damage + ".bpm");
        switch (damage)
        {
            case "header":
                byte[] flipped = ModelFile.Serialize(model);
                flipped[Encoding.ASCII.GetString(flipped).IndexOf("\"sha256\":\"", StringComparison.Ordinal) + 20] ^= 0x80;   // in the hash
                File.WriteAllBytes(path, flipped);
                break;
            case "checksum":
                byte[] changed = ModelFile.Serialize(model);
                changed[^5] = changed[^5] == (byte)' ' ? (byte)'\t' : (byte)' ';
                File.WriteAllBytes(path, changed);
                break;
            case "duplicate-features":
                path = SaveEdited(model, damage + ".bpm", b => ReplaceOnce(b, "[\"length\", \"width\"", "[\"length\", \"length\""));
                break;
            case "empty-class":
                path = SaveEdited(model, damage + ".bpm", b => ReplaceOnce(b, "\"setosa\"", "\"\""));
                break;
            default:
                path = SaveEdited(model, damage + ".bpm", b => ReplaceOnce(ReplaceOnce(ReplaceOnce(b, "\"hidden\": [4]", "\"hidden\": [268435456]"),
                    "\"outputs\": 4,", "\"outputs\": 268435456,"), "\"inputs\": 4,", "\"inputs\": 268435456,"));
                break;
        }
        var (code, stdout, err) = CliTests.Run("evaluate", path, TestData.Path("csv", "flowers.csv"));
        Assert.True(code == 2, $"exit code {code}; stderr: {err}");
        Assert.Equal("", stdout);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"backprop: {path}:", err);
        Assert.DoesNotContain("internal error", err);
        Assert.DoesNotContain("(Parameter '", err);
    }

    [Fact]
    public void Evaluate_with_a_classifier_that_names_no_target_column_is_a_one_line_error()
    {
        // A model may have classes and no target names (a library user's data without names); evaluating it on a CSV
        // file cannot find the label column. Before: internal error "Classes apply to a single target column, not 0".
        string path = SaveEdited(FlowersModel(), "no-targets.bpm", b => ReplaceOnce(b, "\"targets\": [\"species\"]", "\"targets\": []"));
        Assert.Empty(ModelFile.Load(path).TargetNames);
        string data = TestData.Path("csv", "flowers.csv");
        var (code, _, err) = CliTests.Run("evaluate", path, data);
        Assert.True(code == 2, $"exit code {code}; stderr: {err}");
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"backprop: {data}:", err);
        Assert.Contains("names no target column", err);
    }

    [Fact]
    public void Evaluate_with_a_classifier_of_one_target_column_a_class_reads_one_hot_columns()
    {
        // With classes, a model's targets may be one column a class (one-hot). Before: internal error "Classes apply
        // to a single target column, not 3".
        string path = SaveEdited(FlowersModel(), "one-hot.bpm", b => ReplaceOnce(b, "\"targets\": [\"species\"]", "\"targets\": [\"is setosa\", \"is versicolor\", \"is virginica\"]"));
        string data = _temp.Write("one-hot.csv", "length,width,noise,is setosa,is versicolor,is virginica\n1,2,0.5,1,0,0\n2,1,0.1,0,1,0\n3,3,0.2,0,0,1\n");
        var (code, stdout, err) = CliTests.Run("evaluate", path, data);
        Assert.True(code == 0, $"exit code {code}; stderr: {err}");
        Assert.Contains("3 examples", stdout);
        Assert.Contains("accuracy:", stdout);
    }

    // ------------------------------------------------------------------ the mutation property

    /// <summary>Cases in a normal run (about two seconds); BACKPROP_FUZZ_CASES raises it for long runs, BACKPROP_FUZZ_SEED moves the seeds.</summary>
    private const int DefaultCases = 6000;

    [Fact]
    public void Mutated_model_files_load_or_fail_with_a_located_DataException()
    {
        int cases = int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_FUZZ_CASES"), out int n) && n > 0 ? n : DefaultCases;
        int firstSeed = int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_FUZZ_SEED"), out int s) ? s : 20_251_100;
        byte[][] seeds = Seeds();
        string path = _temp.File("fuzzed.bpm");
        var failures = new List<string>();
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failureKinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int resealed = 0, resealedReachedModel = 0;
        var clock = Stopwatch.StartNew();

        for (int i = 0; i < cases; i++)
        {
            int seed = unchecked(firstSeed + i);
            var random = new Random(seed);
            int which = random.Next(seeds.Length);
            bool reseal = random.Next(2) == 0;
            var log = new List<string>();
            byte[] file = reseal ? Reseal(ModelFileMutator.Mutate(BodyOf(seeds[which]), random, log)) : ModelFileMutator.MutateFile(seeds[which], random, log);
            if (reseal && random.Next(10) == 0) file = ModelFileMutator.MutateHeader(file, random, log);   // and now and then its header too
            // From memory (a file write costs more than the load); every 50th seed through the file itself, every
            // 7th from a stream that does not know its length, as a pipe.
            bool onDisk = (uint)seed % 50 == 0;
            if (onDisk) File.WriteAllBytes(path, file);
            Stream stream = (uint)seed % 7 == 3 ? new ForwardOnlyStream(file) : new MemoryStream(file, writable: false);
            string what = $"seed {seed} (BACKPROP_FUZZ_SEED={seed} BACKPROP_FUZZ_CASES=1), model {which}, {(reseal ? "checksum recomputed" : "raw")}: {string.Join("; ", log)}";

            string outcome;
            string? failure = null;
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var model = onDisk ? ModelFile.Load(path) : ModelFile.Read(path, stream);
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                model.Validate();
                // A model that loads is usable: it builds and predicts.
                var input = new Matrix<double>(2, model.Spec.Inputs);
                if (model.Precision == Precision.F64) model.ToNetwork<double>().Predict(input);
                else model.ToNetwork<float>().Predict(input.Cast<float>());
                outcome = "loaded";
            }
            catch (DataException e)
            {
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                outcome = Category(e.Problem);
                if (e.File != path || !e.Message.StartsWith(path + ":", StringComparison.Ordinal))
                    failure = $"message does not start with the path: {e.Message}";
                else if (e.Message.IndexOfAny(['\n', '\r']) >= 0)
                    failure = $"message of more than one line: {Shorten(e.Message.ReplaceLineEndings("\\n"))}";
                else if (e.Message.Length > path.Length + 300)
                    failure = $"message of {e.Message.Length} characters: {Shorten(e.Message)}";
                else if (e.Message.Contains("(Parameter '", StringComparison.Ordinal))
                    failure = $"message with .NET's parameter name: {e.Message}";
            }
            catch (Exception e)
            {
                outcome = "FAILED";
                // Where it was thrown: the first frames of the stack, on the same line.
                string where = string.Join(" < ", (e.StackTrace ?? "").Split('\n').Take(4).Select(f => f.Trim()));
                failure = $"{e.GetType().Name}: {e.Message} ({where})";
            }
            // The seeds are a few kilobytes: loading any of them, however mutated, never needs more than a few megabytes.
            if (failure is null && outcome != "FAILED" && allocated > 16 << 20) failure = $"the load allocated {allocated} bytes";
            if (failure is not null)
            {
                failures.Add($"{what}: {failure}");
                string kind = System.Text.RegularExpressions.Regex.Replace(failure.Split(':')[0], "[0-9]+", "N");
                failureKinds[kind] = failureKinds.GetValueOrDefault(kind) + 1;
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (reseal)
            {
                resealed++;
                if (outcome is "malformed model" or "inconsistent model" or "loaded") resealedReachedModel++;
            }
        }

        output.WriteLine($"{cases} cases in {clock.Elapsed.TotalSeconds:F2} s; {resealed} with the checksum recomputed, {resealedReachedModel} of them read as a model");
        foreach (var (outcome, count) in outcomes) output.WriteLine($"  {count,6}  {outcome}");
        foreach (var (kind, count) in failureKinds) output.WriteLine($"  {count,6}  failed: {kind}");
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {cases} mutated files failed:\n" + string.Join("\n", failures.Take(25)));
        // The property is only as good as the cases: they must reach every stage of the loader.
        Assert.True(resealedReachedModel > resealed / 10, $"only {resealedReachedModel} of {resealed} resealed cases were read as a model");
        Assert.True(outcomes.GetValueOrDefault("loaded") > 0, "no mutated file loaded");
        Assert.True(outcomes.GetValueOrDefault("checksum mismatch") > 0, "no checksum mismatch");
        Assert.True(outcomes.GetValueOrDefault("malformed model JSON") > 0, "no malformed JSON");
    }

    private static string Shorten(string text) => text.Length > 400 ? text[..400] + "..." : text;

    private static string Category(string problem)
    {
        foreach (string stage in (string[])["checksum mismatch", "malformed model JSON", "malformed model", "inconsistent model", "not a Backprop model file",
                                            "truncated", "something was added", "model format version", "header"])
            if (problem.Contains(stage, StringComparison.Ordinal)) return stage;
        return "other: " + (problem.Length > 60 ? problem[..60] : problem);
    }

    /// <summary>A stream that reads forward only and does not know its length, as a pipe.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes, writable: false);
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
