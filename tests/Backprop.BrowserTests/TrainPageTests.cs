using System.Globalization;

namespace Backprop.BrowserTests;

/// <summary><c>train --html</c> in a real browser: a point an epoch, the overfitting mark, the confusion matrix, image weights.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TrainPageTests(BrowserFixture browser) : IDisposable
{
    private readonly CliRun _run = new();

    public void Dispose() => _run.Dispose();

    private const string PointsOfEachSeries = "() => [...document.querySelectorAll('svg.chart')].map(c => [...c.querySelectorAll('polyline.series')].map(p => p.getAttribute('points').trim().split(' ').length))";

    [Fact]
    public async Task Flowers_page_has_a_point_an_epoch_the_lowest_validation_loss_marked_and_the_confusion_matrix()
    {
        // Iris-like flowers, 30% held out: the validation loss falls, then rises while the training loss keeps falling.
        string path = _run.PathOf("train.html"), history = _run.PathOf("h.csv");
        string terminal = _run.Run("train", RepoData.Csv("flowers.csv"), "--target", "species", "--validation", "0.3", "--epochs", "60", "--batch", "10",
            "--layers", "16", "--alpha", "0.01", "--history", history, "--html", path);
        var (requests, errors) = (new List<string>(), new List<string>());
        var page = await browser.NewPageAsync(requests, errors, "file://");
        await page.GotoAsync("file://" + path);

        // Loss and accuracy, train and validation: 60 points each.
        Assert.Equal([[60, 60], [60, 60]], await page.EvaluateAsync<int[][]>(PointsOfEachSeries));

        // The mark stands at the epoch of the lowest validation loss in the --history file (the first, if tied).
        var validationLoss = File.ReadAllLines(history).Skip(1).Select(l => double.Parse(l.Split(',')[3], CultureInfo.InvariantCulture)).ToList();
        int best = validationLoss.IndexOf(validationLoss.Min()) + 1;
        Assert.True(best < 60, $"the validation loss was lowest at the last epoch ({best}): this run does not overfit");
        Assert.Contains($"lowest after epoch {best} ", await page.Locator("#overfit").TextContentAsync());
        var xs = await page.EvaluateAsync<double[]>($$"""
            () => {
              const chart = document.querySelector('svg.chart');
              const point = chart.querySelector('polyline.series').getAttribute('points').trim().split(' ')[{{best - 1}}];
              return [+chart.querySelector('line.mark').getAttribute('x1'), +point.split(',')[0]];
            }
            """);
        Assert.Equal(xs[1], xs[0], 6); // the mark's x, the point's x
        Assert.Equal($"lowest validation loss: epoch {best}", await page.Locator("svg.chart text").Filter(new() { HasText = "lowest validation loss" }).First.TextContentAsync());

        // The confusion matrix counts every validation example once: 27, as the terminal's data line says.
        Assert.Contains("; 27 validation examples", terminal);
        var counts = await page.EvaluateAsync<int[]>("() => [...document.querySelectorAll('#confusion tbody td')].map(c => +c.textContent)");
        Assert.Equal(9, counts.Length);
        Assert.Equal(27, counts.Sum());
        Assert.Equal(60, await page.Locator("#epochs tbody tr").CountAsync());

        Assert.Empty(requests);
        Assert.Empty(errors);
        await BrowserFixture.ScreenshotAsync(page, "train");
    }

    [Fact]
    public async Task Image_data_shows_the_first_layers_weights_as_pictures_at_most_64()
    {
        string images = RepoData.Images(_run.Folder, 90, 12);
        string path = _run.PathOf("train.html");
        _run.Run("train", images, "--layers", "80", "--epochs", "10", "--validation", "0.2", "--html", path, "--quiet");
        var (requests, errors) = (new List<string>(), new List<string>());
        var page = await browser.NewPageAsync(requests, errors, "file://");
        await page.GotoAsync("file://" + path);

        Assert.Equal([[10, 10], [10, 10]], await page.EvaluateAsync<int[][]>(PointsOfEachSeries));
        Assert.Equal(64, await page.Locator("#images canvas").CountAsync());
        Assert.Contains("The first 64 of the 80 units of layer_1", await page.Locator("#images-note").TextContentAsync());
        Assert.Contains("12 x 12 picture", await page.Locator("#images-note").TextContentAsync());
        var size = await page.EvaluateAsync<int[]>("() => { const c = document.querySelector('#images canvas'); return [c.width, c.height]; }");
        Assert.Equal(size[0], size[1]);
        Assert.Equal(0, size[0] % 12);
        Assert.Equal(18, (await page.EvaluateAsync<int[]>("() => [...document.querySelectorAll('#confusion tbody td')].map(c => +c.textContent)")).Sum());
        Assert.Empty(requests);
        Assert.Empty(errors);
    }
}
