using System.Globalization;
using Backprop.Cli.Playground;
using Microsoft.Playwright;

namespace Backprop.BrowserTests;

/// <summary><c>backprop playground</c> in a real browser: its server started in this process on a free port.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PlaygroundTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly CliRun _run = new();
    private readonly List<string> _requests = [], _errors = [];
    private PlaygroundServer _server = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _server = await PlaygroundServer.StartAsync(0);
        string origin = _server.Address.GetLeftPart(UriPartial.Authority) + "/";
        _page = await browser.NewPageAsync(_requests, _errors, origin);
        await _page.GotoAsync(_server.Address.ToString());
        await _page.WaitForFunctionAsync("() => document.getElementById('network-line').textContent.length > 0");
    }

    public async Task DisposeAsync()
    {
        await _page.Context.CloseAsync();
        await _server.DisposeAsync();
        _run.Dispose();
    }

    // The progress table's value for a row ("epochs done", "last epoch's loss", ...).
    private Task<string> Progress(string row) =>
        _page.EvaluateAsync<string>("row => [...document.querySelectorAll('#progress-table tr')].find(r => r.cells[0].textContent === row).cells[1].textContent", row);

    private Task WaitFor(string script, object? arg = null) =>
        _page.WaitForFunctionAsync(script, arg, new() { Timeout = 30_000, PollingInterval = 50 });

    private Task WaitForProgress(string row, string value) =>
        WaitFor("([row, value]) => { const r = [...document.querySelectorAll('#progress-table tr')].find(r => r.cells[0].textContent === row); return r && r.cells[1].textContent === value; }", new[] { row, value });

    // Picks the settings on the form and presses Reset with the keyboard; waits for the new network (no step yet).
    private async Task Reset(string dataset, string layers, string activation, string alpha, string descent, string seed, string? batch = null)
    {
        await _page.SelectOptionAsync("#dataset", dataset);
        await _page.FillAsync("#layers", layers);
        await _page.SelectOptionAsync("#activation", activation);
        await _page.FillAsync("#alpha", alpha);
        await _page.SelectOptionAsync("#descent", descent);
        if (batch is not null) await _page.FillAsync("#batch", batch);
        await _page.FillAsync("#seed", seed);
        string generation = await _page.GetAttributeAsync("#drawing", "data-generation") ?? "";
        await _page.FocusAsync("#reset");
        await _page.Keyboard.PressAsync("Enter");
        await WaitFor("g => document.getElementById('drawing').dataset.generation !== g", generation);
        Assert.Equal("", await _page.TextContentAsync("#problem"));
        Assert.Equal(dataset, await _page.InputValueAsync("#dataset"));
    }

    // Starts training at 100 epochs a second and waits until the page shows at least that many epochs done.
    private async Task StartAndWaitForEpochs(int epochs)
    {
        await _page.SelectOptionAsync("#speed", "100");
        await _page.ClickAsync("#start");
        await WaitForEpochs(epochs);
    }

    private Task WaitForEpochs(int epochs) =>
        WaitFor("n => +[...document.querySelectorAll('#progress-table tr')].find(r => r.cells[0].textContent === 'epochs done').cells[1].textContent >= n", epochs);

    [Fact]
    public async Task After_start_the_loss_falls_and_pause_stops_the_updates()
    {
        await Reset("streetlights", "4", "relu", "0.2", "stochastic", "1");
        await StartAndWaitForEpochs(1);
        double first = double.Parse(await Progress("last epoch's loss"), CultureInfo.InvariantCulture);
        int firstEpoch = int.Parse(await Progress("epochs done"), CultureInfo.InvariantCulture);
        await WaitForEpochs(firstEpoch + 40);
        double later = double.Parse(await Progress("last epoch's loss"), CultureInfo.InvariantCulture);
        Assert.True(later < first, $"the loss went from {first} to {later}");
        // The chart grew: its polyline has a point an epoch.
        int points = await _page.EvaluateAsync<int>("() => document.querySelector('.chart polyline.series').getAttribute('points').split(' ').length");
        Assert.True(points >= firstEpoch + 40, $"{points} points");

        await _page.FocusAsync("#pause");
        await _page.Keyboard.PressAsync("Space");
        await WaitFor("() => document.getElementById('status').textContent.startsWith('paused')");
        string steps = await Progress("steps (weight updates) since the reset");
        await Task.Delay(700);
        Assert.Equal(steps, await Progress("steps (weight updates) since the reset"));
        Assert.Empty(_requests);
        Assert.Empty(_errors);
    }

    [Fact]
    public async Task Reset_with_the_notes_settings_then_step_changes_the_weights_exactly_as_trace_says()
    {
        await Reset("lights", "3", "relu", "0.2", "stochastic", "1");
        string lineBefore = await _page.Locator("line.weight[data-k='1'][data-i='1'][data-j='0'] title").TextContentAsync() ?? "";
        await _page.FocusAsync("#step");
        await _page.Keyboard.PressAsync("Space");
        await WaitForProgress("steps (weight updates) since the reset", "1");

        // The page's own data and command, run in the terminal: the weights it prints after the update are the page's.
        string csv = await _page.TextContentAsync("#csv") ?? "";
        string command = await _page.TextContentAsync("#trace-command") ?? "";
        File.WriteAllText(_run.PathOf("lights.csv"), csv);
        string[] words = command.Split(' ');
        Assert.Equal(["backprop", "trace", "lights.csv"], words[..3]);
        string output = _run.Run(["trace", _run.PathOf("lights.csv"), .. words[3..]]);
        var updated = output.Split(">>> ").Skip(1).Where(s => s.Contains(" -= alpha * ", StringComparison.Ordinal))
            .ToDictionary(s => s[..s.IndexOf(' ')], s => s[(s.IndexOf('\n') + 1)..].TrimEnd('\n'));
        Assert.Equal(["weights_1_2", "weights_0_1"], updated.Keys);
        foreach (var (name, value) in updated) Assert.Equal(value, await _page.TextContentAsync($"#matrix-{name}"));
        // The notes' numbers ("One iteration of backprop"): weights_1_2[1] becomes -0.13469566, and the drawing's line says so.
        Assert.Contains("-0.13469566", updated["weights_1_2"]);
        string lineAfter = await _page.Locator("line.weight[data-k='1'][data-i='1'][data-j='0'] title").TextContentAsync() ?? "";
        Assert.NotEqual(lineBefore, lineAfter);
        Assert.StartsWith("weights_1_2[1][0] = -0.134695658", lineAfter);
        Assert.Equal("1.0430445982842722", await Progress("last step's loss"));
        Assert.Empty(_requests);
        Assert.Empty(_errors);
    }

    [Fact]
    public async Task For_xor_the_decision_surface_is_shaded_behind_points_of_two_shapes()
    {
        await Reset("xor", "4", "tanh", "0.1", "mini-batch", "3", batch: "10");
        Assert.True(await _page.IsVisibleAsync(".surface"));
        var counts = await _page.EvaluateAsync<int[]>("""
            () => {
              const cells = [...document.querySelectorAll('.surface .cells rect')];
              return [cells.length, cells.filter(c => c.getAttribute('fill')).length, new Set(cells.map(c => c.getAttribute('fill'))).size,
                      document.querySelectorAll('.surface circle.point.one').length, document.querySelectorAll('.surface rect.point.zero').length];
            }
            """);
        int grid = PlaygroundState.GridSize * PlaygroundState.GridSize;
        Assert.Equal(grid, counts[0]);
        Assert.Equal(grid, counts[1]);
        Assert.True(counts[2] > 10, $"{counts[2]} shades");
        Assert.Equal(200, counts[3] + counts[4]);
        Assert.InRange(counts[3], 50, 150);
        Assert.StartsWith("Accuracy on the points: ", await _page.TextContentAsync("#accuracy"));
        // A set without two inputs has no surface.
        await Reset("streetlights6", "4", "relu", "0.1", "full", "1");
        Assert.False(await _page.IsVisibleAsync(".surface"));
        Assert.Empty(_requests);
        Assert.Empty(_errors);
    }

    [Fact]
    public async Task Spirals_learned_for_a_while_make_the_screenshot()
    {
        await Reset("spirals", "8,8", "relu", "0.1", "stochastic", "1");
        await StartAndWaitForEpochs(150);
        await _page.ClickAsync("#pause");
        await WaitFor("() => document.getElementById('status').textContent.startsWith('paused')");
        string accuracy = (await _page.TextContentAsync("#accuracy"))!["Accuracy on the points: ".Length..];
        Assert.True(double.Parse(accuracy, CultureInfo.InvariantCulture) > 0.8, $"accuracy {accuracy}");
        // From the buttons down: the running state, the network and its decision surface.
        await _page.EvaluateAsync("() => window.scrollTo(0, document.getElementById('reset').getBoundingClientRect().top + window.scrollY - 16)");
        await BrowserFixture.ScreenshotAsync(_page, "playground");
        Assert.Empty(_requests);
        Assert.Empty(_errors);
    }

    [Fact]
    public async Task The_first_start_learns_and_a_dead_layer_is_said_under_the_buttons()
    {
        // Issue 24: the page started with lights at seed 1, whose 3 hidden units are all off from epoch 4 on (loss 0.75
        // for ever). It starts with the notes' "Backpropagation in code" network, which learns at once.
        Assert.Equal("streetlights", await _page.InputValueAsync("#dataset"));
        Assert.Equal("4", await _page.InputValueAsync("#layers"));
        Assert.False(await _page.IsVisibleAsync("#dead"));
        await StartAndWaitForEpochs(30);
        double loss = double.Parse(await Progress("last epoch's loss"), CultureInfo.InvariantCulture);
        Assert.True(loss < 0.03, $"loss {loss} after 30 epochs");   // numpy: 0.0208 at epoch 30, from 0.354 at epoch 1
        Assert.False(await _page.IsVisibleAsync("#dead"));

        await Reset("lights", "3", "relu", "0.2", "stochastic", "1");
        await StartAndWaitForEpochs(5);
        await WaitFor("() => !document.getElementById('dead').hidden");
        Assert.Equal("layer_1 is dead: every unit of it (relu) output 0 for every example in epoch 4, so the network gives every example the same output and "
            + "nothing below can learn. Try another seed, a smaller alpha, more hidden units or tanh, then Reset.", await _page.TextContentAsync("#dead"));
        Assert.Equal("status", await _page.GetAttributeAsync("#dead", "role"));
        await _page.ClickAsync("#pause");
        await Reset("lights", "3", "relu", "0.2", "stochastic", "2");
        Assert.False(await _page.IsVisibleAsync("#dead"));
        Assert.Empty(_requests);
        Assert.Empty(_errors);
    }
}
