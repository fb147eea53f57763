using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// The bodies of model files and checkpoints as the source-generated reader sees them (issue 25, item 6): members it
/// does not know are ignored but not repeated, a member missing, null or of the wrong kind is named with its path, and
/// the built program reads and writes both with reflection-based JSON switched off, as the Native AOT program runs.
/// </summary>
public sealed class FileBodyTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Fixture(string name) => TestData.Path("models", name);

    private static (string Header, string Body) Split(string path)
    {
        string text = File.ReadAllText(path);
        int newline = text.IndexOf('\n');
        return (text[..newline], text[(newline + 1)..]);
    }

    /// <summary><paramref name="body"/> under a header computed here, as docs/model-format.md says.</summary>
    private string Sealed(string name, string format, string body)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        string header = $"{{\"format\":\"{format}\",\"version\":1,\"length\":{bytes.Length},\"sha256\":\"{Convert.ToHexStringLower(SHA256.HashData(bytes))}\"}}\n";
        return _temp.Write(name, [.. Encoding.ASCII.GetBytes(header), .. bytes]);
    }

    private string EditedModel(string fixture, Action<JsonNode> edit)
    {
        var body = JsonNode.Parse(Split(Fixture(fixture)).Body)!;
        edit(body);
        return Sealed("edited.bpm", "backprop-model", body.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private string EditedCheckpoint(string fixture, Action<JsonNode> edit)
    {
        var body = JsonNode.Parse(Split(Fixture(fixture)).Body)!;
        edit(body);
        return Sealed("edited.ckpt", "backprop-checkpoint", body.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static string Problem(Func<object> load) => Assert.Throws<DataException>(load).Problem;

    [Fact]
    public void Members_a_reader_does_not_know_are_ignored_wherever_they_are()
    {
        var expected = ModelFile.Load(Fixture("messy_f32_classweights.bpm"));
        string path = EditedModel("messy_f32_classweights.bpm", b =>
        {
            b["note"] = "trained on a Tuesday";
            b["architecture"]!["dropout"] = 0.5;
            b["inputs"]!["columns"]![1]!["order"] = new JsonArray(1, 2);
            b["layers"]![0]!["history"] = new JsonObject { ["epochs"] = new JsonArray(new JsonObject { ["loss"] = 0.5 }) };
        });
        Assert.Equal(expected, ModelFile.Load(path));

        byte[] checkpoint = File.ReadAllBytes(Fixture("flowers_f32_adam.ckpt"));
        path = EditedCheckpoint("flowers_f32_adam.ckpt", b =>
        {
            b["note"] = new JsonObject { ["host"] = "a" };
            b["state"]!["randoms"]![0]!["kind"] = "mt19937";
        });
        Assert.Equal(checkpoint, CheckpointFile.Serialize(CheckpointFile.Load(path)));
    }

    [Theory]
    [InlineData("messy_f64_regression.bpm", "backprop-model", "malformed model JSON")]
    [InlineData("flowers_f64_momentum.ckpt", "backprop-checkpoint", "malformed checkpoint JSON")]
    public void A_member_twice_in_one_object_is_refused_even_one_the_reader_does_not_know(string fixture, string format, string problem)
    {
        string body = Split(Fixture(fixture)).Body;
        string path = Sealed("twice", format, "{\n  \"note\": 1,\n  \"note\": 2," + body[1..]);
        var e = Assert.Throws<DataException>(() => format == "backprop-model" ? (object)ModelFile.Load(path) : CheckpointFile.Load(path));
        Assert.Equal($"{problem}: the member \"note\" appears twice in one object", e.Problem);
    }

    [Theory]
    [InlineData("loss", "\"loss\" is null; expected a string")]
    [InlineData("architecture.inputs", "\"architecture.inputs\" is null; expected an integer")]
    [InlineData("architecture.bias", "\"architecture.bias\" is null; expected true or false")]
    [InlineData("normalization", "\"normalization\" is null; expected an object")]
    [InlineData("layers[1].weights[2]", "\"layers[1].weights[2]\" is null; expected an array")]
    [InlineData("layers[1].weights[2][0]", "\"layers[1].weights[2][0]\" is null; expected a number")]
    [InlineData("features[1]", "\"features[1]\" is null; expected a string")]
    public void A_null_where_a_model_needs_a_value_is_named_with_its_path(string at, string problem)
    {
        string path = EditedModel("flowers_f64_nobias.bpm", b => Set(b, at, null));
        Assert.Equal($"malformed model: {problem}", Problem(() => ModelFile.Load(path)));
    }

    [Theory]
    [InlineData("architecture.outputs", "\"architecture.outputs\" is missing")]
    [InlineData("layers[0].weights", "\"layers[0].weights\" is missing")]
    [InlineData("normalization.scale", "\"normalization.scale\" is missing")]
    public void A_member_a_model_needs_that_is_missing_is_named_with_its_path(string at, string problem)
    {
        string path = EditedModel("flowers_f64_nobias.bpm", b => Set(b, at, null, remove: true));
        Assert.Equal($"malformed model: {problem}", Problem(() => ModelFile.Load(path)));
    }

    [Theory]
    [InlineData("state.epoch", null, true, "malformed checkpoint: \"state.epoch\" is missing")]
    [InlineData("state.epoch", "0", false, "malformed checkpoint: \"state.epoch\" is not a whole number from 1 to 2147483647")]
    [InlineData("state.epoch", "\"2\"", false, "malformed checkpoint: \"state.epoch\" is \"2\"; expected an integer")]
    [InlineData("recipe.alpha", "1e400", false, "malformed checkpoint: \"recipe.alpha\" is 1e400, out of range for float64")]
    [InlineData("recipe.alpha", "\"fast\"", false, "malformed checkpoint: \"recipe.alpha\" is a string; expected a number")]
    [InlineData("recipe.shuffle", "1", false, "malformed checkpoint: \"recipe.shuffle\" is 1; expected true or false")]
    [InlineData("state.optimizer.steps", "true", false, "malformed checkpoint: \"state.optimizer.steps\" is true; expected an integer")]
    [InlineData("validation_data", null, true, "malformed checkpoint: \"validation_data\" is missing")]
    [InlineData("state.parameters[1]", "\"AAAA\"", false, "inconsistent checkpoint: \"state.parameters[1]\" holds 3 bytes; the network needs 32")]
    public void A_checkpoint_member_that_is_wrong_is_named_with_its_path(string at, string? json, bool remove, string problem)
    {
        string path = EditedCheckpoint("flowers_f64_momentum.ckpt", b => Set(b, at, json is null ? null : JsonNode.Parse(json), remove));
        Assert.Equal(problem, Problem(() => CheckpointFile.Load(path)));
    }

    [Fact]
    public void A_checkpoint_number_may_be_NaN_or_an_infinity_written_as_a_string()
    {
        string path = EditedCheckpoint("flowers_f64_momentum.ckpt", b =>
        {
            b["state"]!["total_loss"] = "NaN";
            b["state"]!["history"]![0]!["total_loss"] = "-Infinity";
        });
        var loaded = CheckpointFile.Load(path);
        Assert.True(double.IsNaN(loaded.State.TotalLoss));
        Assert.Equal(double.NegativeInfinity, loaded.State.History[0].TotalLoss);
        Assert.Contains("\"total_loss\": \"NaN\"", Encoding.UTF8.GetString(CheckpointFile.Serialize(loaded)));
        path = EditedCheckpoint("flowers_f64_momentum.ckpt", b => b["state"]!["total_loss"] = "nan");
        Assert.Equal("malformed checkpoint: \"state.total_loss\" is a string; expected a number", Problem(() => CheckpointFile.Load(path)));
    }

    [Fact]
    public void The_built_program_saves_and_reads_models_and_checkpoints_with_reflection_based_JSON_off()
    {
        // As a Native AOT program runs: JsonSerializer without a source-generated contract throws there.
        string dll = Path.Combine(AppContext.BaseDirectory, "backprop.dll");
        var config = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(dll, ".runtimeconfig.json")))!;
        Assert.False((bool)config["runtimeOptions"]!["configProperties"]!["System.Text.Json.JsonSerializer.IsReflectionEnabledByDefault"]!);

        string data = TestData.Path("csv", "messy.csv"), model = _temp.File("m.bpm"), checkpoint = _temp.File("c.ckpt");
        string[] flags = ["--target", "y", "--task", "classification", "--missing", "mean", "--class-weight", "balanced", "--layers", "3", "--quiet"];
        Run(["train", data, .. flags, "--epochs", "2", "--save", model, "--checkpoint", checkpoint]);
        Run(["evaluate", model, data]);
        Run(["train", data, .. flags, "--epochs", "3", "--resume", checkpoint, "--save", model]);
        Assert.Equal(3, CheckpointFile.Load(checkpoint).State.History.Count);
        Assert.NotNull(ModelFile.Load(model).ClassWeights);

        void Run(string[] args)
        {
            var start = new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(start)!;
            var output = p.StandardOutput.ReadToEndAsync();
            string err = p.StandardError.ReadToEnd();
            Assert.True(p.WaitForExit(120_000), "the program did not finish");
            output.Wait();
            Assert.True(p.ExitCode == 0, $"backprop {string.Join(' ', args)}: exit code {p.ExitCode}: {err}");
        }
    }

    /// <summary>Sets (or removes) the member at <paramref name="at"/> ("layers[1].weights[2][0]").</summary>
    private static void Set(JsonNode root, string at, JsonNode? value, bool remove = false)
    {
        var steps = at.Replace("]", "").Split('.').SelectMany(part => part.Split('[').Select((s, i) => (Name: i == 0 ? s : null, Index: i == 0 ? -1 : int.Parse(s))))
            .Where(s => s.Name != "").ToArray();
        JsonNode node = root;
        foreach (var (name, index) in steps[..^1]) node = name is not null ? node[name]! : node[index]!;
        var (last, lastIndex) = steps[^1];
        if (last is not null && remove) node.AsObject().Remove(last);
        else if (last is not null) node[last] = value;
        else node[lastIndex] = value;
    }
}
