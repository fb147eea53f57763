using Backprop.Cli;
using Backprop.Pages;

namespace Backprop.BrowserTests;

/// <summary>The shared page kit (Pages/Assets): the network drawing, in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class KitTests(BrowserFixture browser) : IDisposable
{
    private readonly CliRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Network_drawing_has_one_line_per_weight_coloured_by_sign_and_samples_wide_layers()
    {
        // A page with only the shared scripts: its data is a 3-4-1 network whose weights are set here, and a 100-2 one.
        string path = _run.PathOf("kit.html");
        File.WriteAllText(path, HtmlPage.Render("kit", "network.js", w => w.WriteNullValue()));
        var (requests, errors) = (new List<string>(), new List<string>());
        var page = await browser.NewPageAsync(requests, errors, "file://");
        await page.GotoAsync("file://" + path);
        var counts = await page.EvaluateAsync<int[]>("""
            () => {
              const small = Page.drawNetwork({ layers: [{ name: "layer_0", units: ["a", "b", "c"] }, { name: "layer_1", units: ["0", "1", "2", "3"] }, { name: "layer_2", units: ["y"] }],
                weights: [{ name: "weights_0_1", values: [[1, -2, 3, -4], [5, -6, 7, -8], [0.5, -0.5, 1, -1]] }, { name: "weights_1_2", values: [[1], [-1], [2], [-2]] }] });
              document.body.append(small.element);
              const wide = Page.drawNetwork({ layers: [{ name: "layer_0", units: [...Array(100).keys()].map(String) }, { name: "layer_1", units: ["p", "q"] }] });
              const neg = small.element.querySelectorAll("line.weight.neg").length;
              const thickest = Math.max(...[...small.element.querySelectorAll("line.weight")].filter(l => l.dataset.k === "0").map(l => +l.getAttribute("stroke-width")));
              const thickLine = [...small.element.querySelectorAll("line.weight")].find(l => +l.getAttribute("stroke-width") === thickest);
              return [small.element.querySelectorAll("line.weight").length, neg, +thickLine.dataset.i, +thickLine.dataset.j,
                      wide.element.querySelectorAll("line.weight").length, wide.caption.includes("24 of 100") ? 1 : 0];
            }
            """);
        // 3x4 + 4x1 = 16 lines; 6 + 2 negative; the largest |w| of weights_0_1 is -8 at [1][3]; 24 of 100 units x 2 = 48 lines.
        Assert.Equal([16, 8, 1, 3, 48, 1], counts);
        Assert.Empty(requests);
        Assert.Empty(errors);
    }
}
