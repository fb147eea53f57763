using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Backprop.Cli.Serve;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// <c>backprop serve</c>'s server, in process on a free loopback port: the answers are what <c>predict</c> printed
/// (Data/predict/*.csv, see PredictorTests), bad requests are 4xx with one line naming the row and column and the server
/// goes on, requests run in parallel; and the built program stops cleanly on SIGTERM.
/// </summary>
public sealed class ServeTests
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(60) };

    private static Task<ServeServer> Start(string model, ServeLimits? limits = null) =>
        ServeServer.StartAsync(Model.Load(TestData.Path("models", model + ".bpm")), model + ".bpm", IPAddress.Loopback, 0, limits ?? new ServeLimits());

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Post(ServeServer server, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri(server.Address, "predict"), content);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    // The rows of messy.csv as a request: numbers as JSON numbers, other cells as text, empty cells as null.
    private static string MessyRows()
    {
        var lines = File.ReadAllLines(TestData.Path("csv", "messy.csv")).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(';');
        var rows = lines.Skip(1).Select(line => "{" + string.Join(",", header.Zip(line.Split(';')).Where(p => p.First != "y").Select(p =>
            JsonSerializer.Serialize(p.First) + ":" + (p.Second.Length == 0 ? "null"
                : double.TryParse(p.Second, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? p.Second
                : JsonSerializer.Serialize(p.Second)))) + "}");
        return "{\"rows\":[" + string.Join(",", rows) + "]}";
    }

    private static string[][] Expected(string model) =>
        File.ReadAllLines(TestData.Path("predict", model + ".csv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();

    [Fact]
    public async Task Predict_answers_what_predict_printed_for_classes()
    {
        await using var server = await Start("messy_f32_classweights");
        var (status, body) = await Post(server, MessyRows());
        Assert.Equal(HttpStatusCode.OK, status);
        var predictions = body.GetProperty("predictions").EnumerateArray().ToArray();
        var expected = Expected("messy_f32_classweights");
        Assert.Equal(expected.Length, predictions.Length);
        for (int r = 0; r < expected.Length; r++)
        {
            Assert.Equal(expected[r][0], predictions[r].GetProperty("class").GetString());
            var probabilities = predictions[r].GetProperty("probabilities");
            Assert.Equal(double.Parse(expected[r][1], CultureInfo.InvariantCulture), probabilities.GetProperty("0").GetDouble());
            Assert.Equal(double.Parse(expected[r][2], CultureInfo.InvariantCulture), probabilities.GetProperty("1").GetDouble());
        }
    }

    [Fact]
    public async Task Predict_answers_values_for_regression_and_health_and_model_say_what_is_served()
    {
        await using var server = await Start("messy_f64_regression");
        var (status, body) = await Post(server, MessyRows());
        Assert.Equal(HttpStatusCode.OK, status);
        var expected = Expected("messy_f64_regression");
        var predictions = body.GetProperty("predictions").EnumerateArray().ToArray();
        for (int r = 0; r < expected.Length; r++)
            Assert.Equal(double.Parse(expected[r][0], CultureInfo.InvariantCulture), predictions[r].GetProperty("values").GetProperty("y").GetDouble());

        var health = await Client.GetStringAsync(new Uri(server.Address, "health"));
        Assert.Equal("""{"status":"ok"}""", health);
        var model = JsonDocument.Parse(await Client.GetStringAsync(new Uri(server.Address, "model"))).RootElement;
        Assert.Equal(["x1", "colour", "x2"], model.GetProperty("inputs").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal("text", model.GetProperty("inputs")[1].GetProperty("type").GetString());
        Assert.Equal(["Grey", "blue", "green", "red", "émeraude"], model.GetProperty("inputs")[1].GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("median", model.GetProperty("missing").GetString());
        Assert.Equal("regression", model.GetProperty("task").GetString());
        Assert.Equal(JsonValueKind.Null, model.GetProperty("classes").ValueKind);
        Assert.Equal("f64", model.GetProperty("training").GetProperty("precision").GetString());
        Assert.Equal("sse", model.GetProperty("training").GetProperty("loss").GetString());
    }

    [Fact]
    public async Task With_unknown_ignore_an_unknown_category_is_no_category_as_predict_reads_it()
    {
        // predict --unknown ignore on the same row (the library's Predictor with IgnoreUnknown, which predict uses) is the reference.
        var model = Model.Load(TestData.Path("models", "messy_f32_classweights.bpm"));
        var expected = new Predictor(model) { IgnoreUnknown = true }.Predict([new Dictionary<string, object?> { ["x1"] = "1", ["colour"] = "purple", ["x2"] = "2" }]);
        await using var server = await ServeServer.StartAsync(model, "m.bpm", IPAddress.Loopback, 0, new ServeLimits(), ignoreUnknown: true);
        var (status, body) = await Post(server, "{\"rows\": [{\"x1\": 1, \"colour\": \"purple\", \"x2\": 2}]}");
        Assert.Equal(HttpStatusCode.OK, status);
        var answer = body.GetProperty("predictions")[0];
        Assert.Equal(expected[0].Label, answer.GetProperty("class").GetString());
        for (int c = 0; c < model.ClassNames!.Count; c++)
            Assert.Equal(expected[0].Values[c], answer.GetProperty("probabilities").GetProperty(model.ClassNames[c]).GetDouble());
        using var response = await Client.GetAsync(new Uri(server.Address, "model"));
        Assert.Equal("ignore", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("unknown").GetString());
        await using var strict = await Start("messy_f32_classweights");
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(strict, "{\"rows\": [{\"x1\": 1, \"colour\": \"purple\", \"x2\": 2}]}")).Status);
    }

    [Fact]
    public async Task An_error_is_written_as_people_read_it_with_apostrophes_not_escaped()
    {
        await using var server = await Start("messy_f32_classweights", new ServeLimits(MaxBodyBytes: 4096, MaxRows: 3));
        using var content = new StringContent("{\"rows\": [{\"x1\": 1, \"colour\": \"red\", \"x2\": \"abc\"}]}", Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri(server.Address, "predict"), content);
        Assert.Equal("{\"error\":\"row 1: 'abc' in column 'x2' is not a number\"}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{\"rows\": [", 400, "the body is not JSON: ")]
    [InlineData("[1, 2]", 400, "the body must be an object with \"rows\"")]
    [InlineData("{\"rows\": [], \"extra\": 1}", 400, "unknown member 'extra' in the body")]
    [InlineData("{\"rows\": []}", 400, "\"rows\" is empty")]
    [InlineData("{\"rows\": [{\"x1\": 1, \"colour\": \"red\", \"x2\": 2}, 3]}", 400, "row 2: a row must be an object of column names and values, not a number")]
    [InlineData("{\"rows\": [{\"x1\": 1, \"colour\": \"red\", \"x2\": \"abc\"}]}", 400, "row 1: 'abc' in column 'x2' is not a number")]
    [InlineData("{\"rows\": [{\"x1\": 1, \"colour\": \"red\", \"x2\": 2}, {\"x1\": 1, \"colour\": \"red\"}]}", 400, "row 2: no value for column 'x2', which the model takes as input")]
    [InlineData("{\"rows\": [{\"x1\": 1, \"colour\": \"red\", \"x2\": 2, \"y\": 1}]}", 400, "row 1: no input column 'y'; the model's columns are: x1, colour, x2")]
    [InlineData("{\"rows\": [{\"x1\": 1, \"colour\": \"purple\", \"x2\": 2}]}", 400, "row 1: 'purple' in column 'colour' is not one of the categories the model knows")]
    [InlineData("{\"rows\": [{\"x1\": [1], \"colour\": \"red\", \"x2\": 2}]}", 400, "row 1: column 'x1' holds an array; expected a number, text or null")]
    [InlineData("{\"rows\": [{\"x1\": 1, \"x1\": 2, \"colour\": \"red\", \"x2\": 2}]}", 400, "row 1: column 'x1' is given twice")]
    public async Task A_bad_request_is_a_4xx_naming_the_row_and_column_and_the_server_goes_on(string body, int status, string error)
    {
        await using var server = await Start("messy_f32_classweights", new ServeLimits(MaxBodyBytes: 4096, MaxRows: 3));
        var (code, answer) = await Post(server, body);
        Assert.Equal(status, (int)code);
        Assert.StartsWith(error, answer.GetProperty("error").GetString());
        Assert.DoesNotContain("\n", answer.GetProperty("error").GetString()!, StringComparison.Ordinal);
        var (after, _) = await Post(server, "{\"rows\": [{\"x1\": 1, \"colour\": \"red\", \"x2\": 2}]}");
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Fact]
    public async Task Too_many_rows_or_bytes_are_413s()
    {
        await using var server = await Start("messy_f32_classweights", new ServeLimits(MaxBodyBytes: 4096, MaxRows: 3));
        string row = "{\"x1\": 1, \"colour\": \"red\", \"x2\": 2}";
        var (code, answer) = await Post(server, "{\"rows\": [" + string.Join(",", Enumerable.Repeat(row, 4)) + "]}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, code);
        Assert.Equal("4 rows are more than the 3 a request may hold (--max-rows); send them in several requests", answer.GetProperty("error").GetString());
        (code, answer) = await Post(server, "{\"rows\": [" + row + "], \"pad\": \"" + new string(' ', 5000) + "\"}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, code);
        Assert.Equal("the body is larger than 4096 bytes, the most this server takes (--max-body)", answer.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Post(server, "{\"rows\": [" + row + "]}")).Status);
    }

    [Fact]
    public async Task Parallel_requests_get_the_answers_of_one_at_a_time()
    {
        await using var server = await Start("messy_f32_classweights");
        string body = MessyRows();
        string alone = (await Post(server, body)).Body.GetRawText();
        var answers = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Post(server, body)));
        Assert.All(answers, a => Assert.Equal(alone, a.Body.GetRawText()));
    }

    [Fact]
    public void Bad_flags_are_one_line_errors_with_exit_code_2()
    {
        string model = TestData.Path("models", "messy_f32_classweights.bpm");
        foreach (var (args, error) in new[]
        {
            (new[] { "serve", model, "--port", "70000" }, "--port: '70000' is not a port"),
            (new[] { "serve", model, "--host", "example.com" }, "--host: 'example.com' is not an IP address"),
            (new[] { "serve", model, "--max-rows", "0" }, "--max-rows: '0' is not a number of rows"),
            (new[] { "serve", model, "--unknown", "skip" }, "--unknown: 'skip' is not error or ignore"),
        })
        {
            var (code, output, err) = CliTests.Run(args);
            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.Contains(error, err);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
        }
        var (helpCode, help, _) = CliTests.Run("serve", "--help");
        Assert.Equal(0, helpCode);
        foreach (var word in new[] { "POST /predict", "GET /health", "GET /model", "--port", "--host", "--max-body", "--max-rows", "--unknown", "SIGTERM" })
            Assert.Contains(word, help);
    }

    [Fact]
    public async Task The_program_stops_cleanly_on_SIGTERM()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "backprop.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "serve", TestData.Path("models", "messy_f32_classweights.bpm"), "--port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        try
        {
            var err = process.StandardError.ReadToEndAsync();
            string first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? "";
            Assert.StartsWith("serve: http://127.0.0.1:", first);
            var address = new Uri(first["serve: ".Length..first.IndexOf(' ', "serve: ".Length)]);
            Assert.Equal("""{"status":"ok"}""", await Client.GetStringAsync(new Uri(address, "health")));
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
            Assert.True(process.WaitForExit(60_000), "the server did not stop after SIGTERM");
            Assert.Equal(0, process.ExitCode);
            string rest = await process.StandardOutput.ReadToEndAsync();
            Assert.EndsWith("serve: stopped\n", rest);
            Assert.Equal("", await err);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }
}
