using System.Text.Json;
using Microsoft.Playwright;

namespace Backprop.BrowserTests;

/// <summary>
/// Every page checked by axe-core (Deque's accessibility engine, the rules of WCAG 2.1 A and AA), which tests/browser.sh
/// installs with npm into a cache folder and names in BACKPROP_AXE: no violation on any page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture browser) : IDisposable
{
    private readonly CliRun _run = new();

    public void Dispose() => _run.Dispose();

    public static TheoryData<string> Pages => new() { "trace", "explain", "train" };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task A_page_has_no_accessibility_violations(string name)
    {
        string path = _run.PathOf(name + ".html");
        string[] args = name switch
        {
            "trace" => ["trace", RepoData.Csv("streetlights.csv"), "--target", "walk", "--layers", "3", "--init", "uniform:-1,1", "--seed", "1", "--alpha", "0.2", "--normalize", "none", "--loss", "sse"],
            "explain" => ["explain", RepoData.Csv("streetlights6.csv"), "--target", "walk", "--epochs", "20", "--normalize", "none", "--layers", "4"],
            _ => ["train", RepoData.Csv("flowers.csv"), "--target", "species", "--validation", "0.3", "--epochs", "20", "--quiet"],
        };
        _run.Run([.. args, "--html", path]);
        var (requests, errors) = (new List<string>(), new List<string>());
        var page = await browser.NewPageAsync(requests, errors, "file://");
        await page.GotoAsync("file://" + path);
        var (violations, passed) = await Check(page);
        Assert.True(passed >= 10, $"axe ran only {passed} rules that passed: is it checking the page?");
        Assert.Empty(violations);
    }

    [Fact]
    public async Task The_playground_has_no_accessibility_violations_and_the_check_finds_one_put_in()
    {
        await using var server = await Cli.Playground.PlaygroundServer.StartAsync(0);
        var (requests, errors) = (new List<string>(), new List<string>());
        var page = await browser.NewPageAsync(requests, errors, server.Address.GetLeftPart(UriPartial.Authority) + "/");
        await page.GotoAsync(server.Address.ToString());
        await page.WaitForSelectorAsync("svg.network");
        var (violations, passed) = await Check(page);
        Assert.True(passed >= 10, $"axe ran only {passed} rules that passed: is it checking the page?");
        Assert.Empty(violations);

        // A button with no name: axe must report it, or the checks above prove nothing.
        await page.EvaluateAsync("() => document.querySelector('main').append(document.createElement('button'))");
        Assert.Contains((await Check(page)).Violations, v => v.StartsWith("button-name:", StringComparison.Ordinal));
    }

    /// <summary>axe-core's violations on the page as it stands ("rule: target (summary)" lines), and how many rules passed.</summary>
    internal static async Task<(List<string> Violations, int Passed)> Check(IPage page)
    {
        string axe = Environment.GetEnvironmentVariable("BACKPROP_AXE") is { Length: > 0 } p ? p
            : throw new InvalidOperationException("BACKPROP_AXE is not set: run tests/browser.sh, which installs axe-core with npm.");
        await page.AddScriptTagAsync(new() { Path = axe });
        var json = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
              return { passed: r.passes.length,
                       violations: r.violations.flatMap(v => v.nodes.map(n => `${v.id}: ${n.target.join(" ")} (${n.failureSummary.replace(/\s+/g, " ")})`)) };
            }
            """);
        return ([.. json.GetProperty("violations").EnumerateArray().Select(e => e.GetString()!)], json.GetProperty("passed").GetInt32());
    }
}
