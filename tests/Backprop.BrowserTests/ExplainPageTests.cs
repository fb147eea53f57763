using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.BrowserTests;

/// <summary><c>explain --html</c> in a real browser: the correlation table, one heat-map cell a weight, and a focused weight's numbers.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ExplainPageTests(BrowserFixture browser) : IDisposable
{
    private readonly CliRun _run = new();

    public void Dispose() => _run.Dispose();

    // The notes' six streetlight patterns (README's explain example), unscaled so that a light that is off is 0, with a hidden layer.
    private static readonly string[] Streetlights = ["explain", RepoData.Csv("streetlights6.csv"), "--target", "walk", "--epochs", "20", "--normalize", "none", "--layers", "4"];

    [Fact]
    public async Task Streetlight_page_shows_the_correlations_a_cell_per_weight_and_a_focused_weights_pressure_per_example()
    {
        string path = _run.PathOf("explain.html");
        string terminal = _run.Run([.. Streetlights, "--html", path]);
        var (requests, errors) = (new List<string>(), new List<string>());
        var page = await browser.NewPageAsync(requests, errors, "file://");
        await page.GotoAsync("file://" + path);

        // The correlation table holds the terminal's lines: "left  -0.333", "middle  1.000", "right  -".
        var correlation = await page.EvaluateAsync<string[][]>("() => [...document.querySelectorAll('#correlation tbody tr')].map(r => [...r.cells].map(c => c.textContent))");
        Assert.Equal(3, correlation.Length);
        foreach (var row in correlation) Assert.Matches($@"\n{row[0]}\s+{Regex.Escape(row[1])}\n", terminal);

        // One cell a weight: 3 x 4 + 4 x 1, as many as the terminal lists.
        var listed = WeightRows(terminal);
        Assert.Equal(16, listed.Count);
        Assert.Equal(16, await page.Locator("td.cell").CountAsync());

        // The keyboard: Tab reaches the first weight (left -> layer_1[0]); the down arrow moves to middle -> layer_1[0].
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("0 0 0", await page.EvaluateAsync<string>("() => { const c = document.activeElement; return `${c.dataset.layer} ${c.dataset.i} ${c.dataset.o}`; }"));
        await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("0 1 0", await page.EvaluateAsync<string>("() => { const c = document.activeElement; return `${c.dataset.layer} ${c.dataset.i} ${c.dataset.o}`; }"));

        // The detail panel: the terminal's row for middle -> layer_1[0] (weight, up, down, net, zero input).
        var expected = listed.Single(r => r[0] == "middle" && r[1] == "layer_1[0]");
        var shown = await page.EvaluateAsync<string[]>("() => ['weight', 'up', 'down', 'net', 'zero input'].map(n => document.querySelector(`#detail-0 td[data-name='${n}']`).textContent)");
        Assert.Equal(expected[2..7], shown);
        Assert.Contains("middle → layer_1[0]", await page.Locator("#detail-0 h4").TextContentAsync());

        // Per example: the step -weight_delta_0_1[1][0] that `backprop trace --row E` prints for that example (at the same
        // 20 epochs), in four decimals; "no blame" where middle is 0 (examples 1, 3 and 6 of the file).
        var steps = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#detail-0 table.per-example td.step')].map(c => c.textContent)");
        Assert.Equal(6, steps.Length);
        var middle = File.ReadAllLines(RepoData.Csv("streetlights6.csv")).Skip(1).Select(l => l.Split(',')[1]).ToArray();
        for (int e = 0; e < 6; e++)
        {
            string trace = _run.Run([.. Streetlights.Skip(1).Prepend("trace"), "--row", e.ToString(CultureInfo.InvariantCulture)]);
            double delta = WeightDelta01(trace)[1][0];
            Assert.StartsWith((-delta + 0.0).ToString("0.0000", CultureInfo.InvariantCulture), steps[e]); // + 0.0: -0 is 0
            Assert.Equal(middle[e] == "0", steps[e].Contains("no blame", StringComparison.Ordinal));
        }
        // The positive steps add up to the terminal's up, the negative ones to its down (within the rounding of six four-decimal numbers).
        var values = steps.Select(s => double.Parse(s.Split(' ')[0], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(double.Parse(expected[3], CultureInfo.InvariantCulture), values.Where(v => v > 0).Sum(), 0.00035);
        Assert.Equal(double.Parse(expected[4], CultureInfo.InvariantCulture), values.Where(v => v < 0).Sum(), 0.00035);

        // Pointing at a weight of the second layer shows its numbers too: layer_1[2] -> walk, as the terminal prints them.
        await page.Locator("td.cell[data-layer='1'][data-i='2']").HoverAsync();
        Assert.Contains("layer_1[2] → walk", await page.Locator("#detail-1 h4").TextContentAsync());
        Assert.Equal(listed.Single(r => r[0] == "layer_1[2]" && r[1] == "walk")[2..7],
            await page.EvaluateAsync<string[]>("() => ['weight', 'up', 'down', 'net', 'zero input'].map(n => document.querySelector(`#detail-1 td[data-name='${n}']`).textContent)"));

        Assert.Empty(requests);
        Assert.Empty(errors);
        await page.Locator("td.cell[data-layer='0'][data-i='1'][data-o='0']").FocusAsync();
        await page.EvaluateAsync("() => window.scrollTo(0, document.querySelectorAll('h2')[1].offsetTop - 8)");
        await BrowserFixture.ScreenshotAsync(page, "explain");
    }

    [Fact]
    public async Task A_784_input_layer_is_a_canvas_whose_weights_the_arrow_keys_reach()
    {
        string images = RepoData.Images(_run.Folder, 30, 28);
        string path = _run.PathOf("explain.html");
        _run.Run("explain", images, "--html", path);
        var (requests, errors) = (new List<string>(), new List<string>());
        var page = await browser.NewPageAsync(requests, errors, "file://");
        await page.GotoAsync("file://" + path);

        Assert.Equal(0, await page.Locator("td.cell").CountAsync());
        Assert.Equal(1, await page.Locator(".heat-wrap canvas").CountAsync());
        Assert.Contains("drawn on a canvas", await page.Locator("section").Nth(1).TextContentAsync());
        // 784 x 10 = 7840 weights: steps for the first 100000 / 7840 = 12 of the 30 examples, and the page says so.
        Assert.Contains("first 12 of the 30 examples only", await page.Locator("#examples-note").TextContentAsync());

        await page.Locator(".heat-wrap").FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowRight");
        Assert.Contains("pixel1 → 1", await page.Locator("#detail-0 h4").TextContentAsync());
        Assert.Equal(12, await page.Locator("#detail-0 table.per-example td.step").CountAsync());
        Assert.Matches(@"^-?\d+\.\d{4}$", await page.Locator("#detail-0 td[data-name='up']").TextContentAsync());
        Assert.Empty(requests);
        Assert.Empty(errors);
    }

    // The terminal's weight rows: [from, to, weight, up, down, net, zero input, notes].
    private static List<string[]> WeightRows(string terminal) =>
        [.. terminal.Split('\n').Select(l => l.Split(' ', 8, StringSplitOptions.RemoveEmptyEntries))
            .Where(c => c.Length >= 7 && double.TryParse(c[2], CultureInfo.InvariantCulture, out _) && double.TryParse(c[3], CultureInfo.InvariantCulture, out _))];

    // weight_delta_0_1 as trace prints it (numpy's array(...)), row by row.
    private static double[][] WeightDelta01(string trace)
    {
        var lines = trace.Split('\n');
        int at = Array.FindIndex(lines, l => l.StartsWith(">>> weight_delta_0_1 = ", StringComparison.Ordinal));
        var rows = new List<double[]>();
        for (int i = at + 1; rows.Count == 0 || !lines[i - 1].TrimEnd().EndsWith("])", StringComparison.Ordinal); i++)
            rows.Add([.. Regex.Matches(lines[i], @"-?\d+\.\d*(?:e[-+]\d+)?").Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture))]);
        return [.. rows];
    }
}
