using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Backprop.BrowserTests;

/// <summary><c>backprop trace --html</c>: the page walks the notes' iteration step by step, in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TracePageTests(BrowserFixture browser) : IDisposable
{
    private readonly CliRun _run = new();

    public void Dispose() => _run.Dispose();

    // The notes' "One iteration of backprop": lights and walk_stop, traced as TraceTests.Trace_of_the_notes_network_prints_the_notes_numbers does.
    private string NotesPage(string layers = "3", params string[] more)
    {
        string lights = _run.PathOf("lights.csv");
        File.WriteAllText(lights, "a,b,c,walk\n1,0,1,1\n0,1,1,1\n0,0,1,0\n1,1,1,1\n");
        string path = _run.PathOf("trace.html");
        _run.Run(["trace", lights, "--target", "walk", "--layers", layers, "--init", "uniform:-1,1", "--seed", "1", "--alpha", "0.2",
            "--normalize", "none", "--loss", "sse", "--output", "identity", .. more, "--html", path]);
        return path;
    }

    // numpy's spacing differs with the digits; the notes' arrays are compared with spaces collapsed (as TraceTests does).
    private static string C(string s) => Regex.Replace(s.Replace("\n", " "), @"\s+", " ").Replace("[ ", "[");

    private static async Task<string> Expression(IPage page) => (await page.TextContentAsync("#expression"))!;

    /// <summary>Presses Next (the button, or ArrowRight) until the step shows <paramref name="expression"/>; returns the counter's text.</summary>
    private static async Task<string> NextUntil(IPage page, string expression, bool keyboard)
    {
        for (int presses = 0; presses < 40 && await Expression(page) != ">>> " + expression; presses++)
        {
            if (keyboard) await page.Keyboard.PressAsync("ArrowRight");
            else await page.ClickAsync("#next");
        }
        Assert.Equal(">>> " + expression, await Expression(page));
        return (await page.TextContentAsync("#counter"))!;
    }

    private static Task<string[]> UnitValues(IPage page, int layer) =>
        page.EvalOnSelectorAllAsync<string[]>($"svg.network g.unit[data-layer='{layer}'] text.unit-value", "e => e.map(t => t.textContent)");

    private static Task<int[]> HighlightedMatrices(IPage page) =>
        page.EvalOnSelectorAllAsync<int[]>("svg.network line.weight.hl", "e => [...new Set(e.map(l => +l.dataset.k))].sort()");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Notes_page_shows_the_notes_numbers_at_the_right_steps(bool keyboard)
    {
        string path = NotesPage();
        var (requests, errors) = (new List<string>(), new List<string>());
        var page = await browser.NewPageAsync(requests, errors, "file://");
        await page.GotoAsync("file://" + path);
        Assert.Equal("Step 1 of 16", await page.TextContentAsync("#counter"));
        // One line per weight: 3x3 + 3x1.
        Assert.Equal(12, await page.Locator("svg.network line.weight").CountAsync());

        // Expected numbers: the notes' printed arrays (Data/notes/chapter6.txt, "One iteration of backprop"); step numbers:
        // the order of the terminal trace (alpha, layer_0, goal, 2 weights, 3 forward, error, 3 deltas, 2 weight deltas, 2 updates).
        Assert.Equal("Step 7 of 16", await NextUntil(page, "layer_1 = relu(np.dot(layer_0, weights_0_1))", keyboard));
        Assert.Equal(C("array([[-0. , 0.13177044, -0. ]])"), C((await page.TextContentAsync("#value"))!));
        Assert.Equal(["-0.", "0.13177044", "-0."], await UnitValues(page, 1));

        Assert.Equal("Step 12 of 16", await NextUntil(page, "layer_1_delta *= relu2deriv(layer_1)", keyboard));
        Assert.Equal(C("array([[-0. , 0.16505257, -0. ]])"), C((await page.TextContentAsync("#value"))!));
        Assert.Equal(["-0.", "0.16505257", "-0."], await UnitValues(page, 1));
        Assert.Equal(["", "", ""], await UnitValues(page, 0));
        Assert.Equal(3, await page.Locator("svg.network g.unit.hl[data-layer='1']").CountAsync());
        Assert.Equal(0, await page.Locator("svg.network g.unit.hl[data-layer='0']").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "trace");

        // A weight delta step highlights its matrix's lines and no other.
        Assert.Equal("Step 13 of 16", await NextUntil(page, "weight_delta_1_2 = layer_1.T.dot(layer_2_delta)", keyboard));
        Assert.Equal(new[] { 1 }, await HighlightedMatrices(page));
        Assert.Equal(3, await page.Locator("svg.network line.weight.hl").CountAsync());
        Assert.Equal(C("array([[ 0. ], [-0.13457656], [ 0. ]])"), C((await page.TextContentAsync("#value"))!));
        Assert.Equal("Step 14 of 16", await NextUntil(page, "weight_delta_0_1 = layer_0.T.dot(layer_1_delta)", keyboard));
        Assert.Equal(new[] { 0 }, await HighlightedMatrices(page));
        Assert.Equal(9, await page.Locator("svg.network line.weight.hl").CountAsync());

        // The update of weights_1_2: the notes' values, and the drawing's lines now carry them (weights_0_1's are not updated yet).
        string weight = "svg.network line.weight[data-k='{0}'][data-i='1'][data-j='{1}'] title";
        Assert.StartsWith("weights_1_2[1][0] = -0.16161097", await page.TextContentAsync(string.Format(weight, 1, 0)));
        Assert.Equal("Step 15 of 16", await NextUntil(page, "weights_1_2 -= alpha * weight_delta_1_2", keyboard));
        Assert.Equal(C("array([[ 0.07763347], [-0.13469566], [ 0.370439 ]])"), C((await page.TextContentAsync("#value"))!));
        Assert.StartsWith("weights_1_2[1][0] = -0.134695658", await page.TextContentAsync(string.Format(weight, 1, 0)));
        Assert.StartsWith("weights_0_1[1][1] = -0.706488218", await page.TextContentAsync(string.Format(weight, 0, 1)));
        Assert.Equal("Step 16 of 16", await NextUntil(page, "weights_0_1 -= alpha * weight_delta_0_1", keyboard));
        Assert.True(await page.IsDisabledAsync("#next"));
        Assert.Contains("Step 16 of 16: weights_0_1 -= alpha * weight_delta_0_1", await page.TextContentAsync("[aria-live]"));

        // Back: Previous (or ArrowLeft) one step, Home to the first.
        if (keyboard) await page.Keyboard.PressAsync("ArrowLeft");
        else await page.ClickAsync("#previous");
        Assert.Equal("Step 15 of 16", await page.TextContentAsync("#counter"));
        Assert.Equal(">>> weights_1_2 -= alpha * weight_delta_1_2", await Expression(page));
        await page.Keyboard.PressAsync("Home");
        Assert.Equal("Step 1 of 16", await page.TextContentAsync("#counter"));
        Assert.Equal(">>> alpha = 0.2", await Expression(page));
        Assert.True(await page.IsDisabledAsync("#previous"));
        Assert.Equal(0, await page.Locator("svg.network .hl").CountAsync());
        await page.Keyboard.PressAsync("End");
        Assert.Equal("Step 16 of 16", await page.TextContentAsync("#counter"));

        // Every step is also listed as text.
        Assert.Equal(16, await page.Locator("ol.trace-steps > li").CountAsync());
        Assert.Empty(requests);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Drawing_of_a_network_with_bias_and_two_hidden_layers_has_one_line_per_weight()
    {
        string path = NotesPage("3,2", "--bias");
        var (requests, errors) = (new List<string>(), new List<string>());
        var page = await browser.NewPageAsync(requests, errors, "file://");
        await page.GotoAsync("file://" + path);
        // 3-3-2-1: 3x3 + 3x2 + 2x1 weights (a bias is no line); 9 units.
        Assert.Equal(17, await page.Locator("svg.network line.weight").CountAsync());
        Assert.Equal(9, await page.Locator("svg.network g.unit").CountAsync());
        // bias_2's step highlights layer_2's units and no line.
        await NextUntil(page, "bias_2", keyboard: false);
        Assert.Equal(2, await page.Locator("svg.network g.unit.hl").CountAsync());
        Assert.Equal(0, await page.Locator("svg.network line.weight.hl").CountAsync());
        Assert.Empty(requests);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Page_of_a_784_input_network_draws_a_sample_and_says_so()
    {
        // 12 images of 28x28 pixels in 10 classes.
        const int n = 12, side = 28;
        static byte[] BigEndian(params int[] values) => values.SelectMany(v => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v }).ToArray();
        string images = _run.PathOf("train-images-idx3-ubyte");
        File.WriteAllBytes(images, [.. BigEndian(0x803, n, side, side), .. Enumerable.Range(0, n * side * side).Select(p => (byte)(p % 251))]);
        File.WriteAllBytes(_run.PathOf("train-labels-idx1-ubyte"), [.. BigEndian(0x801, n), .. Enumerable.Range(0, n).Select(i => (byte)(i % 10))]);
        string path = _run.PathOf("big.html");
        _run.Run("trace", images, "--layers", "128", "--html", path);

        var (requests, errors) = (new List<string>(), new List<string>());
        var page = await browser.NewPageAsync(requests, errors, "file://");
        await page.GotoAsync("file://" + path);
        // 24 of 784 inputs, 24 of 128 hidden units, 10 outputs: 24x24 + 24x10 lines, of 784x128 + 128x10 weights.
        Assert.Equal(816, await page.Locator("svg.network line.weight").CountAsync());
        string caption = (await page.TextContentAsync("figcaption"))!;
        Assert.Contains("layer_0: 24 of 784 units", caption);
        Assert.Contains("816 of 101632 weights", caption);
        // layer_0's values beside the drawn units are the step's own numbers: pixel 783 of image 0 is 783 % 251 = 30, scaled
        // to 30/255 = 0.117647058..., which numpy prints with 8 digits.
        await NextUntil(page, "layer_0 = data[0:1]", keyboard: false);
        Assert.Equal("0.11764706", (await UnitValues(page, 0))[23]);
        Assert.Empty(requests);
        Assert.Empty(errors);
    }
}
