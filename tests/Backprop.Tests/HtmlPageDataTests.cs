using System.Globalization;
using System.Text.Json;
using Backprop.Cli;
using Backprop.Pages;

namespace Backprop.Tests;

/// <summary>
/// <c>explain --html</c> and <c>train --html</c> without a browser: the data a page carries is what the terminal, the
/// --history file and <c>evaluate</c> print; pages stay small; bad paths are one-line errors. (What the pages draw is
/// tested in a browser: tests/Backprop.BrowserTests.)
/// </summary>
public sealed class HtmlPageDataTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Streetlights6 => TestData.Path("csv", "streetlights6.csv");

    private static string Flowers => TestData.Path("csv", "flowers.csv");

    // The JSON a page carries (HtmlPage writes it in <script type="application/json" id="page-data">).
    internal static JsonElement PageData(string path)
    {
        string html = File.ReadAllText(path);
        const string open = "<script type=\"application/json\" id=\"page-data\">";
        int start = html.IndexOf(open, StringComparison.Ordinal) + open.Length;
        return JsonDocument.Parse(html[start..html.IndexOf("</script>", start, StringComparison.Ordinal)]).RootElement;
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static string[][] Rows(JsonElement table) => [.. table.GetProperty("rows").EnumerateArray().Select(Strings)];

    private static string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private (int Code, string Out, string Err) Ok(params string[] args)
    {
        var run = CliTests.Run(args);
        Assert.True(run.Code == 0, run.Err);
        return run;
    }

    [Fact]
    public void Explain_page_holds_every_weights_numbers_as_the_terminal_prints_them_and_each_examples_step()
    {
        string[] command = ["explain", Streetlights6, "--target", "walk", "--epochs", "20", "--normalize", "none", "--layers", "4"];
        string terminal = Ok([.. command, "--top", "0"]).Out;
        string page = _temp.File("explain.html");
        Ok([.. command, "--top", "5", "--html", page]); // --top limits the terminal, not the page

        var data = PageData(page);
        // The correlation table: the terminal's lines "left  -0.333" ..., cell for cell.
        var correlation = Rows(data.GetProperty("correlation"));
        Assert.Equal(["left", "middle", "right"], correlation.Select(r => r[0]));
        foreach (var row in correlation) Assert.Matches($@"\n{row[0]}\s+{System.Text.RegularExpressions.Regex.Escape(row[1])}\n", terminal);

        // Every weight, in the terminal's order (--top 0 lists them layer by layer, row-major): weight, up, down, net, zero input, notes.
        var printed = terminal.Split('\n').Where(l => l.StartsWith("left ", StringComparison.Ordinal) || l.StartsWith("middle ", StringComparison.Ordinal)
            || l.StartsWith("right ", StringComparison.Ordinal) || l.StartsWith("layer_1[", StringComparison.Ordinal))
            .Where(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 7).Select(l => l.Split(' ', 8, StringSplitOptions.RemoveEmptyEntries)).ToList();
        var layers = data.GetProperty("layers").EnumerateArray().ToArray();
        var weights = layers.SelectMany(l => l.GetProperty("weights").EnumerateArray().Select(Strings)).ToList();
        Assert.Equal(3 * 4 + 4 * 1, printed.Count);
        Assert.Equal(printed.Count, weights.Count);
        for (int k = 0; k < printed.Count; k++)
        {
            Assert.Equal(printed[k][2..7], weights[k][..5]);
            Assert.Equal(printed[k].Length > 7 ? printed[k][7].Trim() : "", weights[k][5]);
        }
        Assert.Equal(["weights_0_1", "weights_1_2"], layers.Select(l => l.GetProperty("name").GetString()));

        // Each example's step: six a weight; the positive ones add up to up and the negative ones to down, within the
        // rounding of six four-decimal numbers; the examples named "no blame" are those whose input to the weight is 0.
        Assert.Equal(6, data.GetProperty("examples").GetArrayLength());
        Assert.Equal("The step each example asks for is given for all 6 examples.", data.GetProperty("examplesNote").GetString());
        int w = 0;
        foreach (var layer in layers)
        {
            var noBlame = layer.GetProperty("noBlame").EnumerateArray().Select(e => e.EnumerateArray().Select(i => i.GetInt32()).ToArray()).ToArray();
            int columns = layer.GetProperty("columns").GetArrayLength();
            int k = 0;
            foreach (var steps in layer.GetProperty("steps").EnumerateArray().Select(Strings))
            {
                Assert.Equal(6, steps.Length);
                Assert.Equal(D(weights[w][1]), steps.Select(D).Where(v => v > 0).Sum(), 6 * 0.00005 + 0.00005);
                Assert.Equal(D(weights[w][2]), steps.Select(D).Where(v => v < 0).Sum(), 6 * 0.00005 + 0.00005);
                Assert.Equal(int.Parse(weights[w][4], CultureInfo.InvariantCulture), noBlame.Count(zero => zero.Contains(k / columns)));
                k++;
                w++;
            }
        }
        // The first layer's inputs are the file's: "middle" is 0 in examples 1, 3 and 6.
        Assert.Equal([[1], [0], [0, 1], [], [0], [1]], layers[0].GetProperty("noBlame").EnumerateArray().Select(e => e.EnumerateArray().Select(i => i.GetInt32()).ToArray()));
    }

    [Fact]
    public void Train_page_holds_the_epochs_the_terminal_and_the_history_print()
    {
        string page = _temp.File("train.html"), history = _temp.File("h.csv");
        string terminal = Ok("train", Flowers, "--target", "species", "--validation", "0.3", "--epochs", "12", "--batch", "10", "--history", history, "--html", page).Out;
        var data = PageData(page);
        var lines = terminal.Split('\n');
        Assert.Equal(lines.TakeWhile(l => !l.StartsWith("epoch ", StringComparison.Ordinal)), Strings(data.GetProperty("lines")));

        var rows = Rows(data.GetProperty("epochs"));
        var csv = File.ReadAllLines(history).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(["epoch", "loss", "accuracy", "validation loss", "validation accuracy"], Strings(data.GetProperty("epochs").GetProperty("headers")));
        Assert.Equal(12, rows.Length);
        var printed = lines.Where(l => l.StartsWith("epoch ", StringComparison.Ordinal)).ToArray();
        for (int e = 0; e < 12; e++)
        {
            // The history's round-trip numbers in the terminal's four decimals, and the terminal's own line.
            Assert.Equal([csv[e][0], F(D(csv[e][1])), F(D(csv[e][2])), F(D(csv[e][3])), F(D(csv[e][4]))], rows[e]);
            Assert.StartsWith($"epoch {e + 1}/12  loss {rows[e][1]}  accuracy {rows[e][2]}  validation loss {rows[e][3]}  validation accuracy {rows[e][4]}  (", printed[e]);
        }
        // The chart draws the history's numbers, bit for bit.
        var series = data.GetProperty("series");
        Assert.Equal(csv.Select(r => D(r[1])), series.GetProperty("loss").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(csv.Select(r => D(r[3])), series.GetProperty("validationLoss").EnumerateArray().Select(v => v.GetDouble()));
        Assert.False(series.TryGetProperty("lr", out _)); // no schedule, no learning-rate chart
    }

    [Fact]
    public void Train_page_has_the_learning_rate_of_a_schedule_and_says_which_weights_early_stopping_kept()
    {
        string page = _temp.File("train.html"), history = _temp.File("h.csv");
        // --verbose: every epoch's line, to compare with every row of the page (a run of 80 epochs prints some of them otherwise).
        string terminal = Ok("train", Flowers, "--target", "species", "--validation", "0.3", "--validation-split", "last", "--epochs", "80", "--batch", "10", "--layers", "16",
            "--alpha", "0.02", "--lr-schedule", "step:5,0.7", "--early-stopping", "5", "--history", history, "--html", page, "--verbose").Out;
        var data = PageData(page);
        var table = data.GetProperty("epochs");
        Assert.Equal("lr", Strings(table.GetProperty("headers"))[^1]);
        // Each epoch's rate as the terminal prints it ("lr 0.00686"), and the history's numbers in the chart.
        var printed = terminal.Split('\n').Where(l => l.StartsWith("epoch ", StringComparison.Ordinal)).Select(l => System.Text.RegularExpressions.Regex.Match(l, @"  lr (\S+)  ").Groups[1].Value).ToArray();
        Assert.Equal(printed, Rows(table).Select(r => r[^1]));
        var csv = File.ReadAllLines(history).Skip(1).Select(l => D(l.Split(',')[6])).ToArray();
        Assert.Equal(csv, data.GetProperty("series").GetProperty("lr").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Contains(0.02 * 0.7, csv); // the schedule changed the rate

        // Early stopping kept an earlier epoch's weights: the terminal's line is on the page, and the confusion matrix says it used them.
        string stopped = terminal.Split('\n').Single(l => l.StartsWith("early stopping: ", StringComparison.Ordinal));
        Assert.Contains(stopped, Strings(data.GetProperty("lines")));
        int kept = int.Parse(stopped[(stopped.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        Assert.True(kept < printed.Length);
        Assert.Contains($"with the weights of epoch {kept}, which training kept", data.GetProperty("confusion").GetProperty("caption").GetString());
        Assert.Equal(kept, data.GetProperty("overfit").GetProperty("epoch").GetInt32()); // the lowest validation loss, which early stopping kept
    }

    [Fact]
    public void Train_page_confusion_matrix_is_the_one_evaluate_prints_for_the_validation_rows()
    {
        string page = _temp.File("train.html"), model = _temp.File("m.model");
        Ok("train", Flowers, "--target", "species", "--validation", "0.3", "--validation-split", "last", "--epochs", "8", "--batch", "10", "--save", model, "--html", page, "--quiet");
        // --validation 0.3 holds out the last 27 of the 90 rows: the same rows, as a file, for evaluate.
        var fileLines = File.ReadAllLines(Flowers);
        string validation = _temp.Write("validation.csv", string.Join("\n", [fileLines[0], .. fileLines[^27..]]) + "\n");
        string evaluated = Ok("evaluate", model, validation).Out;
        var matrix = evaluated.Split('\n').SkipWhile(l => !l.StartsWith("confusion matrix", StringComparison.Ordinal)).Skip(2).Take(3)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..].Select(int.Parse).ToArray()).ToArray();

        var confusion = PageData(page).GetProperty("confusion");
        var counts = confusion.GetProperty("counts").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal(matrix, counts);
        Assert.Equal(27, counts.Sum(r => r.Sum()));
        Assert.Equal(["setosa", "versicolor", "virginica"], Strings(confusion.GetProperty("classes")));
        Assert.Contains("validation data (27 examples)", confusion.GetProperty("caption").GetString());
        Assert.Equal(evaluated.Split('\n').Single(l => l.StartsWith("accuracy: ", StringComparison.Ordinal)), confusion.GetProperty("accuracy").GetString());
    }

    [Fact]
    public void Train_page_of_a_regression_has_the_validation_mae_per_epoch_and_evaluates_errors()
    {
        string page = _temp.File("train.html"), history = _temp.File("h.csv"), model = _temp.File("m.model");
        Ok("train", Flowers, "--target", "width", "--validation", "0.3", "--validation-split", "last", "--epochs", "6", "--batch", "10", "--history", history, "--save", model, "--html", page, "--quiet");
        var data = PageData(page);
        var csv = File.ReadAllLines(history).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(csv.Select(r => D(r[5])), data.GetProperty("series").GetProperty("validationMae").EnumerateArray().Select(v => v.GetDouble()));
        Assert.False(data.TryGetProperty("confusion", out _));

        var fileLines = File.ReadAllLines(Flowers);
        string validation = _temp.Write("validation.csv", string.Join("\n", [fileLines[0], .. fileLines[^27..]]) + "\n");
        string evaluated = Ok("evaluate", model, validation).Out;
        var printed = evaluated.Split('\n').Single(l => l.StartsWith("width ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(printed, Rows(data.GetProperty("regression")).Single());
    }

    [Fact]
    public void Confusion_matrix_counts_each_actual_and_predicted_pair()
    {
        // By hand: actual 0 predicted 0 once and 1 once; actual 1 predicted 1; actual 2 predicted 2 twice and 0 once.
        var counts = Metrics.ConfusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3);
        Assert.Equal(new[,] { { 1, 1, 0 }, { 0, 1, 0 }, { 1, 0, 2 } }, counts);
    }

    [Fact]
    public void The_overfitting_point_is_the_lowest_validation_loss_when_a_later_epoch_is_worse()
    {
        static EpochResult[] Epochs(params double[] validation) =>
            [.. validation.Select((v, i) => new EpochResult(i + 1, 1, 1) { ValidationLoss = v })];
        Assert.Equal(3, TrainPage.Overfitting(Epochs(0.5, 0.4, 0.3, 0.35, 0.32))!.Value.Epoch);
        Assert.Equal(2, TrainPage.Overfitting(Epochs(0.5, 0.3, 0.4, 0.3))!.Value.Epoch); // the first of equal lows
        Assert.Null(TrainPage.Overfitting(Epochs(0.5, 0.4, 0.3)));                 // still falling at the end
        Assert.Null(TrainPage.Overfitting([new EpochResult(1, 1, 1), new EpochResult(2, 1, 1)])); // no validation data
    }

    [Fact]
    public void Pages_of_the_notes_networks_are_small_and_those_of_784_input_networks_stay_under_2_MB()
    {
        string explain = _temp.File("e.html"), train = _temp.File("t.html");
        Ok("explain", Streetlights6, "--target", "walk", "--layers", "4", "--html", explain);
        Ok("train", TestData.Path("csv", "streetlights.csv"), "--target", "walk", "--layers", "4", "--epochs", "60", "--html", train, "--quiet");
        Assert.InRange(new FileInfo(explain).Length, 1, 100_000);
        Assert.InRange(new FileInfo(train).Length, 1, 100_000);

        // 28x28 images (784 inputs), 60 of them.
        var (images, _) = IdxFixture.Write(_temp, "train", 60, gzip: false, side: 28);
        // No hidden layer: 7840 weights, each with its numbers; steps for the first 100000 / 7840 = 12 examples.
        Ok("explain", images, "--html", explain);
        Assert.InRange(new FileInfo(explain).Length, 1, 2_000_000);
        var data = PageData(explain);
        Assert.Equal(12, data.GetProperty("examples").GetArrayLength());
        Assert.Equal(12, data.GetProperty("layers")[0].GetProperty("steps")[0].GetArrayLength());
        Assert.StartsWith("The step each example asks for is given for the first 12 of the 60 examples only", data.GetProperty("examplesNote").GetString());
        Assert.False(data.GetProperty("layers")[0].GetProperty("cells").GetBoolean()); // drawn on a canvas

        // 784-128-10: 101632 weights, more than the page holds one by one: colours and each layer's largest pressures.
        Ok("explain", images, "--layers", "128", "--html", explain);
        Assert.InRange(new FileInfo(explain).Length, 1, 2_000_000);
        data = PageData(explain);
        Assert.Equal(0, data.GetProperty("examples").GetArrayLength());
        Assert.Contains("left out", data.GetProperty("examplesNote").GetString());
        var first = data.GetProperty("layers")[0];
        Assert.False(first.TryGetProperty("weights", out _));
        Assert.Equal(784 * 128, first.GetProperty("levels").GetString()!.Length);
        Assert.Equal(ExplainPage.TableRows, first.GetProperty("table").GetProperty("rows").GetArrayLength());
        // The correlations of the pixels with each of the 10 classes also as 28x28 pictures; the table holds all 784 inputs.
        Assert.Equal(10, data.GetProperty("correlationPictures").GetProperty("targets").GetArrayLength());
        Assert.Equal(784, data.GetProperty("correlationPictures").GetProperty("targets")[0].GetProperty("levels").GetString()!.Length);
        Assert.Equal(784, data.GetProperty("correlation").GetProperty("rows").GetArrayLength());

        // 784-1300-10: the first layer's 1019200 weights are more than a page draws; the page says so and lists its largest.
        Ok("explain", images, "--layers", "1300", "--html", explain);
        Assert.InRange(new FileInfo(explain).Length, 1, 2_000_000);
        var wide = PageData(explain).GetProperty("layers");
        Assert.False(wide[0].TryGetProperty("levels", out _));
        Assert.StartsWith("weights_0_1 has 1,019,200 weights: too many to draw", wide[0].GetProperty("notDrawn").GetString());
        Assert.Equal(1300 * 10, wide[1].GetProperty("levels").GetString()!.Length);

        Ok("train", images, "--layers", "128", "--epochs", "2", "--validation", "0.2", "--html", train, "--quiet");
        Assert.InRange(new FileInfo(train).Length, 1, 2_000_000);
        var pictures = PageData(train).GetProperty("images");
        Assert.Equal(TrainPage.MaxImages, pictures.GetProperty("units").GetArrayLength());
        Assert.Equal(28, pictures.GetProperty("width").GetInt32());
        Assert.Equal(784, pictures.GetProperty("units")[0].GetProperty("levels").GetString()!.Length);
        Assert.StartsWith("The first 64 of the 128 units of layer_1", pictures.GetProperty("note").GetString());
    }

    [Theory]
    [InlineData("train")]
    [InlineData("explain")]
    public void A_bad_html_path_is_a_one_line_error_before_anything_runs(string command)
    {
        foreach (var (path, message) in new[]
        {
            (_temp.File("no/such/folder/p.html"), "--html: the folder"),
            (_temp.Path, "is a folder; name a file to write"),
            ("/proc/p.html", "--html: cannot write in /proc"),
            ("", "--html: name a file to write"),
        })
        {
            var (code, output, err) = CliTests.Run(command, Streetlights6, "--target", "walk", "--html", path);
            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
            Assert.Contains(message, err);
        }
    }

    [Fact]
    public async Task An_interrupted_run_writes_the_page_of_its_finished_epochs()
    {
        string page = _temp.File("p.html"), history = _temp.File("h.csv");
        using var interrupt = new CancellationTokenSource();
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var run = Task.Run(() => Backprop.Cli.Cli.Run(["train", Flowers, "--target", "species", "--epochs", "100000000", "--batch", "1",
            "--validation", "0.2", "--history", history, "--html", page, "--quiet"], stdout, stderr, interrupt.Token));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!run.IsCompleted && (!File.Exists(history) || File.ReadAllLines(history).Length < 3))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the history did not reach two epochs in a minute");
            await Task.Delay(10);
        }
        await interrupt.CancelAsync();
        Assert.Equal(130, await run);
        var data = PageData(page);
        Assert.Equal(File.ReadAllLines(history).Length - 1, Rows(data.GetProperty("epochs")).Length);
        Assert.StartsWith("interrupted in epoch ", Strings(data.GetProperty("lines"))[^1]);
        Assert.StartsWith("backprop: interrupted in epoch ", stderr.ToString());
    }
}
