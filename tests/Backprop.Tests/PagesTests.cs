using Backprop.Data;
using Backprop.Pages;

namespace Backprop.Tests;

/// <summary>
/// Issue 25, item 4: the pages as a library (Backprop.Pages), written from C# with the library's records alone, are the
/// pages <c>trace</c>, <c>explain</c> and <c>train --html</c> write; the package references the core library and no web
/// framework, and its public surface is the three pages.
/// </summary>
public sealed class PagesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Lights() => _temp.Write("lights.csv", TraceTests.LightsCsv);

    private static string[] Header(string terminal) => terminal[..terminal.IndexOf(">>> ", StringComparison.Ordinal)].TrimEnd('\n').Split('\n');

    private static string Ok(params string[] args)
    {
        var (code, output, err) = CliTests.Run(args);
        Assert.True(code == 0, err);
        return output;
    }

    [Fact]
    public void A_trace_page_written_from_csharp_is_the_page_trace_html_writes_and_its_own_line_is_the_terminals()
    {
        string cli = _temp.File("cli.html"), mine = _temp.File("mine.html");
        string terminal = Ok("trace", Lights(), "--target", "walk", "--layers", "3", "--init", "uniform:-1,1", "--seed", "1", "--alpha", "0.2",
            "--normalize", "none", "--loss", "sse", "--output", "identity", "--batch", "1", "--html", cli);

        var learner = (Recipe.Notes with { Hidden = [3], Alpha = 0.2, Epochs = 0 }).Prepare(CsvLoader.Load(Lights(), new CsvOptions { TargetColumns = ["walk"] }));
        var trace = IterationTrace.Run(learner, 0, 1);
        TracePage.Write(mine, trace, Header(terminal));
        Assert.Equal(File.ReadAllText(cli), File.ReadAllText(mine));   // byte for byte: the page is the records and the lines

        // Without lines, the page describes the network as the terminal's first line does.
        var data = HtmlPageDataTests.PageData(WriteText(TracePage.Render(trace)));
        Assert.Equal([terminal.Split('\n')[0]], data.GetProperty("lines").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public void An_explain_page_written_from_csharp_is_the_page_explain_html_writes()
    {
        string streetlights6 = TestData.Path("csv", "streetlights6.csv"), cli = _temp.File("cli.html"), mine = _temp.File("mine.html");
        string terminal = Ok("explain", streetlights6, "--target", "walk", "--epochs", "20", "--normalize", "none", "--layers", "4", "--html", cli);

        // explain's own starting point (plain gradient descent in float64 with numpy's rounding, no bias) with the flags' settings.
        var recipe = new Recipe { Hidden = [4], Epochs = 20, Normalize = NormalizationKind.None, Optimizer = Optimizer.Sgd, Precision = Precision.F64, Compute = Compute.Numpy, Bias = false };
        var learner = recipe.Prepare(CsvLoader.Load(streetlights6, new CsvOptions { TargetColumns = ["walk"], InferClasses = false }));
        learner.Run();
        var lines = terminal.Split('\n');
        string[] printed = [lines.Single(l => l.StartsWith("network: ", StringComparison.Ordinal)), lines.Single(l => l.StartsWith("pressure on each weight ", StringComparison.Ordinal))];
        ExplainPage.Write(mine, Explanation.Of(learner), printed);   // the legend: the page's own, which is the terminal's last line
        Assert.Equal(File.ReadAllText(cli), File.ReadAllText(mine));
        Assert.Equal(lines.Single(l => l.StartsWith("up/down: ", StringComparison.Ordinal)), HtmlPageDataTests.PageData(mine).GetProperty("lines")[2].GetString());
    }

    [Fact]
    public void A_train_page_written_from_csharp_holds_the_epochs_and_confusion_matrix_of_train_html()
    {
        string flowers = TestData.Path("csv", "flowers.csv"), cli = _temp.File("cli.html"), mine = _temp.File("mine.html");
        string terminal = Ok("train", flowers, "--target", "species", "--validation", "0.3", "--epochs", "6", "--layers", "6", "--seed", "4", "--html", cli);

        var trained = new Recipe { Epochs = 6, Hidden = [6], Seed = 4 }.Fit(CsvLoader.Load(flowers, new CsvOptions { TargetColumns = ["species"] }), new FitOptions { ValidationFraction = 0.3 });
        TrainPage.Write(mine, trained);
        var (expected, actual) = (HtmlPageDataTests.PageData(cli), HtmlPageDataTests.PageData(mine));
        foreach (string member in new[] { "lossName", "epochs", "epochNumbers", "series", "confusion" })
            Assert.Equal(expected.GetProperty(member).GetRawText(), actual.GetProperty(member).GetRawText());
        Assert.Contains("the validation data (27 examples)", actual.GetProperty("confusion").GetProperty("caption").GetString());
        // Without lines, the page describes the network as the terminal did.
        Assert.Equal(terminal.Split('\n').Single(l => l.StartsWith("network: ", StringComparison.Ordinal)), actual.GetProperty("lines")[0].GetString());
        Assert.Contains("<title>train: flowers.csv</title>", File.ReadAllText(mine));
    }

    [Fact]
    public void A_run_without_validation_data_is_measured_on_its_training_rows_and_one_without_epochs_is_refused()
    {
        var data = CsvLoader.Load(TestData.Path("csv", "flowers.csv"), new CsvOptions { TargetColumns = ["width"] });
        var trained = new Recipe { Epochs = 2, Hidden = [3] }.Fit(data);
        var page = HtmlPageDataTests.PageData(WriteText(TrainPage.Render(trained)));
        Assert.Contains($"the training data ({data.Count} examples; there is no validation data)", page.GetProperty("regression").GetProperty("caption").GetString());
        Assert.False(page.TryGetProperty("confusion", out _));
        Assert.Throws<ArgumentException>(() => TrainPage.Render(trained with { History = trained.History with { Epochs = [] } }));
    }

    [Fact]
    public void The_pages_package_references_the_core_library_and_no_web_framework_and_shows_three_types()
    {
        var assembly = typeof(TracePage).Assembly;
        Assert.Equal("Backprop.Pages", assembly.GetName().Name);
        var references = assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.Contains("Backprop.Core", references);
        Assert.All(references, name => Assert.True(name == "Backprop.Core" || name.StartsWith("System.", StringComparison.Ordinal) || name == "System", name));
        Assert.Equal(["Backprop.Pages.ExplainPage", "Backprop.Pages.TracePage", "Backprop.Pages.TrainPage"], assembly.GetExportedTypes().Select(t => t.FullName).Order());
        Assert.DoesNotContain(typeof(Recipe).Assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    // README.md's and src/Backprop.Pages/PACKAGE.md's pages from C#: both must hold these lines verbatim, so that their
    // code is the code that runs here (with this test's files).
    private const string ReadmeCode = """
        var flowers = CsvLoader.Load("flowers.csv", new CsvOptions { TargetColumns = ["species"] });
        var trained = new Recipe().Fit(flowers, new FitOptions { ValidationFraction = 0.2 });
        TrainPage.Write("train.html", trained);                            // loss and accuracy per epoch, the held-out rows' confusion matrix

        var lights = CsvLoader.Load("lights.csv", new CsvOptions { TargetColumns = ["walk"] });
        var learner = (Recipe.Notes with { Hidden = [3], Alpha = 0.2 }).Prepare(lights);
        TracePage.Write("trace.html", IterationTrace.Run(learner, 0, 1));  // the notes' "One iteration of backprop", step by step
        """;

    [Fact]
    public void The_readme_snippet_writes_a_train_page_and_a_trace_page_from_csharp()
    {
        foreach (string document in new[] { "README.md", Path.Combine("src", "Backprop.Pages", "PACKAGE.md") })
            Assert.Contains(ReadmeCode.Replace("\r", ""), File.ReadAllText(Path.Combine(RecipeTests.RepositoryRoot(), document)).Replace("\r", ""));
        string flowersCsv = TestData.Path("csv", "flowers.csv"), lightsCsv = Lights(), trainHtml = _temp.File("train.html"), traceHtml = _temp.File("trace.html");

        // The README's statements, with this test's files.
        var flowers = CsvLoader.Load(flowersCsv, new CsvOptions { TargetColumns = ["species"] });
        var trained = new Recipe().Fit(flowers, new FitOptions { ValidationFraction = 0.2 });
        TrainPage.Write(trainHtml, trained);                            // loss and accuracy per epoch, the held-out rows' confusion matrix

        var lights = CsvLoader.Load(lightsCsv, new CsvOptions { TargetColumns = ["walk"] });
        var learner = (Recipe.Notes with { Hidden = [3], Alpha = 0.2 }).Prepare(lights);
        TracePage.Write(traceHtml, IterationTrace.Run(learner, 0, 1));  // the notes' "One iteration of backprop", step by step

        // The train page: the epochs train ran (as many as it chose), the confusion matrix of the 18 held-out rows of 90,
        // the one evaluate prints for them.
        var page = HtmlPageDataTests.PageData(trainHtml);
        Assert.Equal(trained.History.Epochs.Count, page.GetProperty("epochNumbers").GetArrayLength());
        var confusion = page.GetProperty("confusion");
        Assert.Contains("the validation data (18 examples)", confusion.GetProperty("caption").GetString());
        Assert.Equal(18, confusion.GetProperty("counts").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetInt32())));
        string model = _temp.File("m.model"), held = _temp.File("held.csv");
        trained.Model.Save(model);
        var rows = File.ReadAllLines(flowersCsv);
        File.WriteAllLines(held, [rows[0], .. Enumerable.Range(0, trained.Validation!.Count).Select(r => Row(trained.Validation, r))]);
        string evaluated = Ok("evaluate", model, held);
        Assert.Equal(evaluated.Split('\n').Single(l => l.StartsWith("accuracy: ", StringComparison.Ordinal)), confusion.GetProperty("accuracy").GetString());

        // The trace page: the steps backprop trace prints for the notes' network, the notes' numbers among them.
        string terminal = Ok("trace", lightsCsv, "--target", "walk", "--layers", "3", "--init", "uniform:-1,1", "--seed", "1", "--alpha", "0.2",
            "--normalize", "none", "--loss", "sse", "--output", "identity");
        Assert.Equal(TraceTests.Steps(terminal), HtmlPageDataTests.PageData(traceHtml).GetProperty("steps").EnumerateArray()
            .Select(s => (s.GetProperty("expression").GetString()!, s.GetProperty("text").GetString()!)));
        Assert.Contains("-0.13469566", File.ReadAllText(traceHtml));
    }

    // A row of flowers.csv as the file writes it (length, width, noise, species), from the dataset's values.
    private static string Row(Dataset data, int r) =>
        string.Join(",", [.. Enumerable.Range(0, data.FeatureNames.Count).Select(c => TestData.Num(data.Features[r, c])),
            data.ClassNames![Enumerable.Range(0, data.ClassNames.Count).MaxBy(c => data.Targets[r, c])]]);

    private string WriteText(string html) => _temp.Write($"page{Guid.NewGuid():N}.html", html);
}
