using System.Globalization;
using System.Text;
using System.Text.Json;
using Backprop.Cli.Playground;

namespace Backprop.Tests;

/// <summary>
/// A dead relu layer on the command line and in the playground (issue 24, item 5): train, trace and the playground
/// say so in one line, with what to try. The expected epochs are numpy's, running the notes' loop longhand
/// (/usr/bin/python3): on the notes' lights at seed 1 with 3 hidden units, no unit of layer_1 is on for any row from
/// epoch 4 on (every later epoch's error is exactly 3: the output is 0 for each row).
/// </summary>
public sealed class DeadLayerCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // The notes' recipe, as the playground's lights set gives it to train (sgd, float64 with numpy's rounding, one example a step).
    private static readonly string[] Notes = ["--target", "walk", "--layers", "3", "--init", "uniform:-1,1", "--seed", "1", "--alpha", "0.2", "--normalize", "none",
        "--loss", "sse", "--output", "identity", "--bias", "false", "--optimizer", "sgd", "--batch", "1", "--precision", "f64", "--rounding", "numpy"];

    private const string Note = "note: every unit of layer_1 (relu) output 0 for every training example in epoch 4: the layer is dead, so the network gives every "
        + "example the same output and nothing below the layer can learn; try another --seed, a smaller --alpha (it is 0.2) or another --init (it is uniform:-1,1)";

    private string Lights() => _temp.Write("lights.csv", TraceTests.LightsCsv);

    [Fact]
    public void Train_says_once_in_the_epoch_it_happens_that_a_layer_is_dead()
    {
        var (code, output, err) = CliTests.Run(["train", Lights(), .. Notes, "--epochs", "8"]);
        Assert.True(code == 0, err);
        var lines = output.Split('\n');
        Assert.Equal([Note], lines.Where(l => l.StartsWith("note:", StringComparison.Ordinal)));
        Assert.StartsWith("epoch 4/8  loss 0.7500  (", lines[Array.IndexOf(lines, Note) - 1]);
        // numpy's epoch errors over the 4 rows: 3.0430..., 3.0178..., 3.0028..., then 3 each.
        Assert.Equal(["0.7608", "0.7544", "0.7507", "0.7500", "0.7500", "0.7500", "0.7500", "0.7500"],
            lines.Where(l => l.StartsWith("epoch ", StringComparison.Ordinal)).Select(l => l.Split("loss ")[1][..6]));

        // The notes' "Backpropagation in code" network (4 hidden units, walk_vs_stop) learns: no note.
        string streetlights = _temp.Write("streetlights.csv", "a,b,c,walk\n1,0,1,1\n0,1,1,1\n0,0,1,0\n1,1,1,0\n");
        (code, output, err) = CliTests.Run(["train", streetlights, .. Notes.Select(f => f == "3" ? "4" : f), "--epochs", "8"]);
        Assert.True(code == 0, err);
        Assert.DoesNotContain("note:", output);
    }

    [Fact]
    public void Trace_says_so_when_every_unit_is_off_for_the_rows_it_traces_and_prints_as_before_otherwise()
    {
        string[] flags = ["--target", "walk", "--layers", "3", "--init", "uniform:-1,1", "--seed", "1", "--alpha", "0.2", "--normalize", "none", "--loss", "sse", "--output", "identity"];
        // Row 2 is [0, 0, 1]: layer_1 is relu of weights_0_1's last row, which the notes print as all negative.
        var (code, output, err) = CliTests.Run(["trace", Lights(), .. flags, "--row", "2"]);
        Assert.True(code == 0, err);
        var steps = TraceTests.Steps(output);
        int at = steps.FindIndex(s => s.Expression.StartsWith("# note:", StringComparison.Ordinal));
        Assert.Equal("layer_2 = np.dot(layer_1, weights_1_2)", steps[at - 1].Expression);
        Assert.Equal("error = np.sum((layer_2 - goal) ** 2)", steps[at + 1].Expression);
        Assert.Equal(("# note: every unit of layer_1 (relu) output 0 for row 2: no delta flows back through it, so nothing below learns from this iteration; "
            + "a layer that does this for every training example is dead: try another --seed, a smaller --alpha (it is 0.2) or another --init (it is uniform:-1,1)", ""), steps[at]);
        Assert.Equal("array([[-0., -0., -0.]])", steps[at - 2].Value);
        Assert.Single(output.Split('\n'), l => l.Contains("# note", StringComparison.Ordinal));

        // Row 0 (the notes' "One iteration of backprop") has a unit on, and so has a batch with it: no note. Rows 2 and 3
        // ([1, 1, 1]: each column of weights_0_1 sums below 0) have none on.
        (code, output, err) = CliTests.Run(["trace", Lights(), .. flags]);
        Assert.True(code == 0, err);
        Assert.DoesNotContain("# note", output);
        (code, output, err) = CliTests.Run(["trace", Lights(), .. flags, "--batch-rows", "0:2"]);
        Assert.True(code == 0, err);
        Assert.DoesNotContain("# note", output);
        (code, output, err) = CliTests.Run(["trace", Lights(), .. flags, "--batch-rows", "2:4"]);
        Assert.True(code == 0, err);
        Assert.Contains(">>> # note: every unit of layer_1 (relu) output 0 for rows 2 to 3: ", output);

        // After the 4 epochs of one example a step that kill it, every row: rows 0 to 3 as one batch say so.
        (code, output, err) = CliTests.Run(["trace", Lights(), .. flags, "--batch", "1", "--epochs", "4", "--batch-rows", "0:4"]);
        Assert.True(code == 0, err);
        Assert.Contains(">>> # note: every unit of layer_1 (relu) output 0 for rows 0 to 3: no delta flows back through it,", output);
    }

    [Fact]
    public void The_trace_page_shows_the_note_as_a_step_naming_the_layer()
    {
        string page = _temp.File("trace.html");
        var (code, _, err) = CliTests.Run("trace", Lights(), "--target", "walk", "--layers", "3", "--init", "uniform:-1,1", "--seed", "1", "--normalize", "none", "--row", "2", "--html", page);
        Assert.True(code == 0, err);
        var note = HtmlPageDataTests.PageData(page).GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("expression").GetString()!.StartsWith("# note:", StringComparison.Ordinal));
        Assert.Equal([1], note.GetProperty("layers").EnumerateArray().Select(l => l.GetInt32()));
    }

    private static PlaygroundSettings Settings(string dataset, string layers, string alpha) =>
        PlaygroundSettings.Read(new Dictionary<string, string?>
        {
            ["dataset"] = dataset, ["layers"] = layers, ["activation"] = "relu", ["alpha"] = alpha, ["descent"] = "stochastic", ["seed"] = "1",
        }.GetValueOrDefault);

    [Fact]
    public void The_playground_says_when_a_layer_dies_and_its_first_network_learns()
    {
        using var lights = new PlaygroundSession(Settings("lights", "3", "0.2"));
        for (int step = 0; step < 12; step++) lights.Step();   // 3 epochs: on in each
        lock (lights.Gate) Assert.Null(lights.Dead);
        for (int step = 0; step < 8; step++) lights.Step();    // epochs 4 and 5: dead in both, said for the first
        lock (lights.Gate)
        {
            Assert.Equal("layer_1 is dead: every unit of it (relu) output 0 for every example in epoch 4, so the network gives every example the same output and "
                + "nothing below can learn. Try another seed, a smaller alpha, more hidden units or tanh, then Reset.", lights.Dead);
            Assert.Equal(0.75, lights.Losses[^1]);
            Assert.Equal(lights.Dead, State(lights).GetProperty("dead").GetString());
        }
        lights.Reset(Settings("lights", "3", "0.2"));
        lock (lights.Gate) Assert.False(State(lights).TryGetProperty("dead", out _));

        // The page starts with the notes' "Backpropagation in code": its 30th epoch's error is numpy's (and the notes'
        // 0.0830183113303), over 4 examples, with no dead layer.
        Assert.Equal("streetlights", PlaygroundSet.Default.Name);
        using var first = new PlaygroundSession(PlaygroundSettings.For(PlaygroundSet.Default));
        for (int step = 0; step < 30 * 4; step++) first.Step();
        lock (first.Gate)
        {
            Assert.Equal("0.3535514593553302", Formatting.PyFormat.Repr(first.Losses[0]));
            Assert.Equal("0.02075457783258245", Formatting.PyFormat.Repr(first.Losses[29]));
            Assert.Null(first.Dead);
        }
    }

    private static JsonElement State(PlaygroundSession session)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) PlaygroundState.Write(writer, session, whole: false, lossesFrom: 0);
        return JsonDocument.Parse(Encoding.UTF8.GetString(buffer.ToArray())).RootElement.Clone();
    }
}
