using System.Text.Json;
using System.Text.RegularExpressions;

namespace Backprop.Tests;

/// <summary><c>backprop trace --html FILE</c>: the page holds the terminal's steps, is self-contained and small.</summary>
public sealed class TraceHtmlTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // The command of TraceTests.Trace_of_the_notes_network_prints_the_notes_numbers.
    private string[] NotesTrace() => ["trace", _temp.Write("lights.csv", TraceTests.LightsCsv), "--target", "walk", "--layers", "3", "--init", "uniform:-1,1",
        "--seed", "1", "--alpha", "0.2", "--normalize", "none", "--loss", "sse", "--output", "identity"];

    /// <summary>Runs trace with <paramref name="args"/> twice, without and with --html; checks the second prints the first and a "wrote" line, and returns the first and the page.</summary>
    private (string Terminal, string Html) TraceAndPage(string[] args, string name = "trace.html")
    {
        var (code, terminal, err) = CliTests.Run(args);
        Assert.True(code == 0, err);
        string path = _temp.File(name);
        var (htmlCode, output, htmlErr) = CliTests.Run([.. args, "--html", path]);
        Assert.True(htmlCode == 0, htmlErr);
        Assert.Equal(terminal + $"wrote {path}\n", output);
        return (terminal, File.ReadAllText(path));
    }

    private static JsonElement Data(string html)
    {
        var match = Regex.Match(html, "<script type=\"application/json\" id=\"page-data\">(.*?)</script>", RegexOptions.Singleline);
        Assert.True(match.Success, "the page has no data");
        return JsonDocument.Parse(match.Groups[1].Value).RootElement;
    }

    private static JsonElement Step(JsonElement data, string expression) =>
        data.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("expression").GetString() == expression);

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    private static string[] Strings(JsonElement e) => e.EnumerateArray().Select(v => v.GetString()!).ToArray();

    [Theory]
    [InlineData("notes")]
    [InlineData("{flowers} --target species --layers 4,3 --activation sigmoid --bias --batch-rows 0:5 --seed 3")]
    [InlineData("{lights} --target walk --layers 3,2 --bias --dropout 0.5 --activation tanh")]
    [InlineData("{lights} --target walk --epochs 5 --optimizer adam --l2 0.01 --row 2 --precision f32")]
    [InlineData("{text} --target y --missing mean --layers 2 --bias")]
    public void Page_steps_are_the_terminal_trace(string command)
    {
        string[] args = command == "notes" ? NotesTrace() : ["trace", .. command.Split(' ').Select(a => a
            .Replace("{flowers}", TestData.Path("csv", "flowers.csv"))
            .Replace("{lights}", _temp.Write("lights.csv", TraceTests.LightsCsv))
            .Replace("{text}", _temp.Write("text.csv", "colour,size,y\nred,1,0\nblue,2,1\nred,,1\ngreen,3,0\n")))];
        var (terminal, html) = TraceAndPage(args);

        // Expected: the terminal's own steps, in order, expression and text alike. The two are made from the same
        // records (TraceStep), so this checks the page's writing of them; that the records hold the right numbers is
        // Notes_page_steps_show_the_notes_printed_values's check, against the notes themselves.
        var expected = TraceTests.Steps(terminal);
        var steps = Data(html).GetProperty("steps").EnumerateArray()
            .Select(s => (s.GetProperty("expression").GetString()!, s.GetProperty("text").GetString()!)).ToList();
        Assert.Equal(expected, steps);
        Assert.Contains(steps, s => s.Item1.StartsWith("weight_delta_0_1", StringComparison.Ordinal));
        Assert.Equal(terminal.Split('\n')[0], Data(html).GetProperty("lines")[0].GetString());
    }

    [Fact]
    public void Notes_page_steps_show_the_notes_printed_values()
    {
        // Expected, independent of the trace code: every value the notes print in "One iteration of backprop"
        // (Data/notes/chapter6.txt), read from the notes: a code block ending with a bare name, then its printed value.
        string notes = TestData.Notes.Replace("\r", "");
        int from = notes.IndexOf("### One iteration of backprop", StringComparison.Ordinal);
        string section = notes[from..notes.IndexOf("\n### ", from + 1, StringComparison.Ordinal)];
        var blocks = Regex.Matches(section, "```\n(.*?)\n```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        var printed = new List<(string Name, string Value)>();
        for (int i = 0; i + 1 < blocks.Count; i++)
            if (Regex.IsMatch(blocks[i + 1], @"^(array\(|-?\d)"))
                printed.Add((blocks[i].Split('\n')[^1].Trim(), blocks[++i]));
        // The notes' data are integer arrays (array([[1, 0, 1]])) where the page's, read from a CSV file, are floats: those
        // two (layer_0 and the goal) are left out. The rest: 12 values, in the notes' order.
        printed.RemoveAll(p => p.Name is "walk_stop[0:1]" or "layer_0");
        Assert.Equal(["weights_0_1", "weights_1_2", "layer_1", "layer_2", "layer_2_error", "layer_2_delta", "layer_1_delta", "layer_1_delta",
            "weight_delta_1_2", "weight_delta_0_1", "weights_1_2", "weights_0_1"], printed.Select(p => p.Name));

        // The page's steps that show those variables (its "error" is the notes' layer_2_error), in the page's order.
        var shown = Data(TraceAndPage(NotesTrace()).Html).GetProperty("steps").EnumerateArray()
            .Select(s => (Name: Regex.Match(s.GetProperty("expression").GetString()!, "^[a-z_0-9]+").Value, Value: s.GetProperty("text").GetString()!))
            .Select(s => s with { Name = s.Name == "error" ? "layer_2_error" : s.Name })
            .Where(s => printed.Any(p => p.Name == s.Name)).ToList();
        static string C(string s) => Regex.Replace(s.Replace("\n", " "), @"\s+", " ").Replace("[ ", "[");   // numpy's padding differs with the digits
        Assert.Equal(printed.Select(p => (p.Name, C(p.Value))), shown.Select(s => (s.Name, C(s.Value))));
    }

    [Fact]
    public void Notes_page_steps_name_their_units_weights_and_values()
    {
        var data = Data(TraceAndPage(NotesTrace()).Html);

        // Per-unit values: the notes' layer_1 = [[-0., 0.13177044, -0.]] and, for weight_delta_0_1 = layer_0.T.dot(layer_1_delta),
        // the notes' layer_0 = [1, 0, 1] and layer_1_delta (after relu2deriv) = [[-0., 0.16505257, -0.]].
        var layer_1 = Step(data, "layer_1 = relu(np.dot(layer_0, weights_0_1))");
        Assert.Equal([0, 1], Ints(layer_1.GetProperty("layers")));
        Assert.Equal([0], Ints(layer_1.GetProperty("weights")));
        Assert.Equal(["-0.", "0.13177044", "-0."], Strings(layer_1.GetProperty("values")[0].GetProperty("values")));
        var weightDelta = Step(data, "weight_delta_0_1 = layer_0.T.dot(layer_1_delta)");
        Assert.Equal([0], Ints(weightDelta.GetProperty("weights")));
        var beside = weightDelta.GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("layer").GetInt32(), v => Strings(v.GetProperty("values")));
        Assert.Equal(["1.", "0.", "1."], beside[0]);
        Assert.Equal(["-0.", "0.16505257", "-0."], beside[1]);
        // The error is a number, not one a unit.
        Assert.Equal(0, Step(data, "error = np.sum((layer_2 - goal) ** 2)").GetProperty("values").GetArrayLength());

        // The drawing's weights: initial until the update steps, which update weights_1_2 first, then weights_0_1.
        Assert.Empty(Ints(weightDelta.GetProperty("updated")));
        Assert.Equal([1], Ints(Step(data, "weights_1_2 -= alpha * weight_delta_1_2").GetProperty("updated")));
        Assert.Equal([1, 0], Ints(Step(data, "weights_0_1 -= alpha * weight_delta_0_1").GetProperty("updated")));
        // The notes: weights_1_2[1] is -0.16161097 before the update and -0.13469566 after it.
        Assert.Equal(-0.16161097, data.GetProperty("before")[1].GetProperty("values")[1][0].GetDouble(), 8);
        Assert.Equal(-0.13469566, data.GetProperty("after")[1].GetProperty("values")[1][0].GetDouble(), 8);

        // The units: the file's columns, hidden units unnamed (their values are written there), the target; all drawn.
        var layers = data.GetProperty("layers");
        Assert.Equal(["a", "b", "c"], Strings(layers[0].GetProperty("units")));
        Assert.Equal(["", "", ""], Strings(layers[1].GetProperty("units")));
        Assert.Equal(["walk"], Strings(layers[2].GetProperty("units")));
        Assert.Equal(JsonValueKind.Null, data.GetProperty("leftOut").ValueKind);
    }

    [Fact]
    public void Page_is_self_contained_and_small()
    {
        string html = TraceAndPage(NotesTrace()).Html;
        Assert.Contains("default-src 'none'", html);
        // The SVG namespace is a name (document.createElementNS), not an address the page fetches.
        string rest = html.Replace("\"http://www.w3.org/2000/svg\"", "");
        foreach (string reference in new[] { "src=", "href=", "url(", "@import", "http:", "https:", "fetch(", "XMLHttpRequest" })
            Assert.DoesNotContain(reference, rest, StringComparison.OrdinalIgnoreCase);
        // Well under 2 MB: the notes' network makes a page of about 26 kB.
        Assert.InRange(html.Length, 1, 100_000);
    }

    [Fact]
    public void Page_of_a_784_input_network_samples_the_drawing_and_stays_under_2_MB()
    {
        // 30 images of 28x28 pixels in 10 classes (image i of class i % 10, which lights up pixel row i % 10).
        const int n = 30, side = 28;
        var pixels = new byte[n * side * side];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < side * side; p++) pixels[i * side * side + p] = (byte)(p / side == i % 10 ? 200 : (p * 7 + i) % 50);
        string images = _temp.Write("train-images-idx3-ubyte", [.. IdxFixture.BigEndian(0x803, n, side, side), .. pixels]);
        _temp.Write("train-labels-idx1-ubyte", [.. IdxFixture.BigEndian(0x801, n), .. Enumerable.Range(0, n).Select(i => (byte)(i % 10))]);

        foreach (string rows in new[] { "0:1", "0:30" })
        {
            var (terminal, html) = TraceAndPage(["trace", images, "--layers", "128", "--batch-rows", rows], $"big{rows[2..]}.html");
            Assert.StartsWith("network: 784-128-10,", terminal);
            Assert.InRange(html.Length, 1, 2_000_000);
            var data = Data(html);
            Assert.Equal(TraceTests.Steps(terminal).Select(s => s.Expression),
                data.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("expression").GetString()));
            // The drawing: 24 of 784 inputs, 24 of 128 hidden units, all 10 outputs; the page says what it leaves out.
            Assert.Equal([24, 24, 10], data.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("shown").GetArrayLength()).ToArray());
            Assert.Equal("pixel783", data.GetProperty("layers")[0].GetProperty("units")[23].GetString());
            var weights = data.GetProperty("before");
            Assert.Equal((24, 24), (weights[0].GetProperty("values").GetArrayLength(), weights[0].GetProperty("values")[0].GetArrayLength()));
            Assert.Equal((24, 10), (weights[1].GetProperty("values").GetArrayLength(), weights[1].GetProperty("values")[0].GetArrayLength()));
            string leftOut = data.GetProperty("leftOut").GetString()!;
            Assert.Contains("layer_0: 24 of 784 units", leftOut);
            Assert.Contains("layer_1: 24 of 128 units", leftOut);
            Assert.Contains("816 of 101632 weights", leftOut); // 24*24 + 24*10 of 784*128 + 128*10
        }
    }

    [Theory]
    [InlineData("folder")]
    [InlineData("missing")]
    public void Html_to_a_folder_or_a_missing_folder_is_a_one_line_error(string where)
    {
        string path = where == "folder" ? _temp.Path : Path.Combine(_temp.Path, "no-such-folder", "trace.html");
        var (code, output, err) = CliTests.Run([.. NotesTrace(), "--html", path]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Contains("--html", err);
        Assert.Contains(where == "folder" ? "is a folder" : "does not exist", err);
    }
}
