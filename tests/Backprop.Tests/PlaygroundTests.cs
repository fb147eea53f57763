using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Backprop.Cli.Playground;

namespace Backprop.Tests;

/// <summary><c>backprop playground</c>: its session steps as trace and train do, and its server over real HTTP.</summary>
public sealed class PlaygroundTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static PlaygroundSettings Settings(string dataset, string layers, string alpha, string descent = "stochastic", int batch = 1, string activation = "relu", string seed = "1") =>
        PlaygroundSettings.Read(new Dictionary<string, string?>
        {
            ["dataset"] = dataset, ["layers"] = layers, ["activation"] = activation, ["alpha"] = alpha,
            ["descent"] = descent, ["batch"] = batch.ToString(CultureInfo.InvariantCulture), ["seed"] = seed,
        }.GetValueOrDefault);

    // What trace prints after "weights_k_k+1 -= alpha * weight_delta_k_k+1" (and bias_k the same way), by matrix name.
    private static Dictionary<string, string> TraceUpdates(string output) =>
        output.Split(">>> ").Skip(1).Select(chunk => (Head: chunk[..chunk.IndexOf('\n')], Value: chunk[(chunk.IndexOf('\n') + 1)..].TrimEnd('\n')))
            .Where(s => s.Head.Contains(" -= alpha * ", StringComparison.Ordinal))
            .ToDictionary(s => s.Head[..s.Head.IndexOf(' ')], s => s.Value);

    private (int Code, string Out, string Err) Trace(PlaygroundSettings settings, params string[] more)
    {
        string file = _temp.Write(settings.Set.Name + ".csv", settings.Set.Csv());
        return CliTests.Run(["trace", file, .. settings.TraceFlags(), .. more]);
    }

    [Fact]
    public void Reset_with_the_notes_settings_and_one_step_give_the_weights_trace_prints_after_its_update()
    {
        var settings = Settings("lights", "3", "0.2");
        using var session = new PlaygroundSession(settings);
        session.Step();

        var (code, output, err) = Trace(settings);
        Assert.True(code == 0, err);
        var expected = TraceUpdates(output);
        lock (session.Gate)
        {
            Assert.Equal(["weights_1_2", "weights_0_1"], expected.Keys);
            foreach (var parameter in session.Learner.Network.Parameters) Assert.Equal(expected[parameter.Name], parameter.Value.ToString());
            // The notes' printed weights_1_2 after the update ("One iteration of backprop").
            Assert.Contains("-0.13469566", Text(session, "weights_1_2"));
        }
    }

    private static string Text(PlaygroundSession session, string name) =>
        session.Learner.Network.Parameters.Single(p => p.Name == name).Value.ToString();

    [Fact]
    public void A_mini_batch_step_on_spirals_with_biases_gives_what_trace_prints_for_those_rows()
    {
        var settings = Settings("spirals", "8,8", "0.1", "mini-batch", 10, "tanh", seed: "4");
        using var session = new PlaygroundSession(settings);
        session.Step();

        var (code, output, err) = Trace(settings, "--batch-rows", "0:10");
        Assert.True(code == 0, err);
        var expected = TraceUpdates(output);
        lock (session.Gate)
        {
            Assert.Equal(6, expected.Count); // weights_2_3, bias_3, weights_1_2, bias_2, weights_0_1, bias_1
            foreach (var parameter in session.Learner.Network.Parameters) Assert.Equal(expected[parameter.Name], parameter.Value.ToString());
            Assert.Equal((1, 10), (session.Steps, session.Position));
        }
        Assert.Contains("--batch-rows 0:10", settings.TraceCommand());
    }

    [Fact]
    public void An_epoch_of_steps_records_the_loss_train_reports_for_its_first_epoch()
    {
        var settings = Settings("streetlights6", "4", "0.1", "mini-batch", 2);
        using var session = new PlaygroundSession(settings);
        for (int i = 0; i < 3; i++) session.Step(); // 6 rows, 2 a step

        string history = _temp.File("history.csv");
        string data = _temp.Write("streetlights6.csv", settings.Set.Csv());
        var (code, _, err) = CliTests.Run(["train", data, .. settings.TraceFlags(), "--optimizer", "sgd", "--precision", "f64", "--rounding", "numpy", "--epochs", "1", "--history", history, "--quiet"]);
        Assert.True(code == 0, err);
        string trainLoss = File.ReadAllLines(history)[1].Split(',')[1];
        lock (session.Gate)
        {
            Assert.Equal((1, 0, 3), (session.Epochs, session.Position, session.Steps));
            Assert.Equal(trainLoss, session.Losses[0].ToString("R", CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void A_diverging_run_stops_as_the_training_session_says_and_a_step_then_asks_for_a_reset()
    {
        var settings = Settings("streetlights", "4", "1e150");
        using var session = new PlaygroundSession(settings);
        for (int i = 0; i < 40; i++)
        {
            lock (session.Gate) if (session.Problem is not null) break;
            session.Step();
        }
        lock (session.Gate)
        {
            Assert.Equal("the loss overflowed (lower alpha)", session.Problem);
            Assert.False(session.Running);
            // What train says of the same run: the epoch its loss became infinite or NaN, and no epoch finished before it.
            var (code, _, err) = CliTests.Run(["train", _temp.Write("streetlights.csv", settings.Set.Csv()), .. settings.TraceFlags(), "--optimizer", "sgd", "--precision", "f64", "--rounding", "numpy", "--epochs", "5", "--quiet"]);
            Assert.Equal(2, code);
            Assert.StartsWith($"backprop: training diverged in epoch {session.Epochs + 1}: ", err);
        }
        var e = Assert.Throws<Backprop.Cli.UsageException>(session.Step);
        Assert.Equal("the loss overflowed (lower alpha): reset first", e.Message);
        session.Reset(settings with { Alpha = 0.2 });
        session.Step();
        lock (session.Gate) Assert.Equal((null, 1), (session.Problem, session.Steps));
    }

    [Fact]
    public void The_settings_are_typed_and_the_trace_command_writes_them_as_the_library_names_them()
    {
        var settings = Settings("xor", " 8, 4", "0.10", "mini-batch", 10, "tanh", seed: "07");
        Assert.Equal([8, 4], settings.Layers);
        Assert.Equal((Activation.Tanh, 0.1, 7u), (settings.Activation, settings.Alpha, settings.Seed));
        Assert.Equal(Batching.MiniBatch(10), settings.Recipe.Batch);
        Assert.Equal("backprop trace xor.csv --target label --normalize none --loss binary-cross-entropy --output sigmoid --bias true "
            + "--layers 8,4 --activation tanh --alpha 0.1 --batch 10 --seed 7 --batch-rows 0:10", settings.TraceCommand());
    }

    [Theory]
    [InlineData("dataset", "moons", "dataset: 'moons' is not one of lights, streetlights, streetlights6, xor, circles, spirals")]
    [InlineData("layers", "4,x", "--layers: 'x' in '4,x' is not a layer size (a whole number above 0).")]
    [InlineData("alpha", "-1", "--alpha: '-1' must be above zero.")]
    [InlineData("activation", "softmax", "--activation:")]
    [InlineData("descent", "sideways", "descent: 'sideways' is not one of stochastic, mini-batch, full")]
    [InlineData("seed", "-3", "--seed: '-3' is not a seed")]
    public void A_bad_setting_is_one_line_naming_it(string field, string value, string message)
    {
        var fields = new Dictionary<string, string?> { ["dataset"] = "lights", ["layers"] = "3", ["activation"] = "relu", ["alpha"] = "0.2", ["descent"] = "stochastic", ["seed"] = "1" };
        fields[field] = value;
        var e = Assert.Throws<Backprop.Cli.UsageException>(() => PlaygroundSettings.Read(fields.GetValueOrDefault));
        Assert.StartsWith(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_batch_larger_than_the_set_is_refused()
    {
        var e = Assert.Throws<Backprop.Cli.UsageException>(() => Settings("lights", "3", "0.2", "mini-batch", 5));
        Assert.Equal("batch: '5' is not a batch size from 1 to the 4 examples of lights", e.Message);
    }

    [Fact]
    public async Task The_server_serves_the_page_with_its_policy_streams_events_and_refuses_bad_settings_with_400()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        Assert.Equal("127.0.0.1", server.Address.Host);
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(20) };

        var page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        string policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("connect-src 'self'", policy);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"content=\"{policy}\"", html);
        Assert.Contains("new EventSource(\"/events\")", html);

        // The stream: the first event is the state now: the default set, the notes' "Backpropagation in code" 3-4-1 network
        // at its initial weights (issue 24: it was lights' 3-3-1, whose every hidden unit is off from epoch 4 on).
        using var stream = new StreamReader(await http.GetStreamAsync("/events"));
        var first = await NextState(stream);
        Assert.Equal(0, first.GetProperty("steps").GetInt32());
        Assert.Equal(-0.16595599, first.GetProperty("weights")[0].GetProperty("values")[0][0].GetDouble(), 8);
        Assert.Equal("streetlights", first.GetProperty("shape").GetProperty("settings").GetProperty("dataset").GetString());
        Assert.Equal("3-4-1", first.GetProperty("shape").GetProperty("network").GetString()!.Split(',')[0]["network ".Length..]);

        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync("/step", null)).StatusCode);
        var second = await NextState(stream);
        Assert.Equal(1, second.GetProperty("steps").GetInt32());
        Assert.Equal("0.3697329913497495", second.GetProperty("stepLoss").GetString()); // numpy, the notes' loop: np.sum((layer_2 - walk_vs_stop[0:1]) ** 2)
        Assert.False(second.TryGetProperty("shape", out _)); // the same network: no shape again

        var bad = await http.PostAsync("/reset", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["dataset"] = "xor", ["layers"] = "8,8", ["activation"] = "relu", ["alpha"] = "fast", ["descent"] = "full", ["seed"] = "1",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("--alpha: 'fast' is not a number.\n", await bad.Content.ReadAsStringAsync());
        var noForm = await http.PostAsync("/reset", null);
        Assert.Equal("dataset: missing\n", await noForm.Content.ReadAsStringAsync());
        var speed = await http.PostAsync("/start", new FormUrlEncodedContent(new Dictionary<string, string> { ["speed"] = "7" }));
        Assert.Equal(HttpStatusCode.BadRequest, speed.StatusCode);

        // A good reset: a new generation, with the shape and the decision surface of a 2-D set.
        var reset = await http.PostAsync("/reset", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["dataset"] = "xor", ["layers"] = "4", ["activation"] = "tanh", ["alpha"] = "0.1", ["descent"] = "full", ["seed"] = "2",
        }));
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        var third = await NextState(stream);
        Assert.Equal(2, third.GetProperty("generation").GetInt32());
        Assert.Equal(PlaygroundState.GridSize * PlaygroundState.GridSize, third.GetProperty("surface").GetArrayLength());
        Assert.Equal(200, third.GetProperty("shape").GetProperty("points").GetArrayLength());
    }

    [Fact]
    public async Task Started_training_streams_epochs_whose_loss_falls_and_pause_stops_it()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(20) };
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync("/start", new FormUrlEncodedContent(new Dictionary<string, string> { ["speed"] = "100" }))).StatusCode);
        using var stream = new StreamReader(await http.GetStreamAsync("/events"));
        var losses = new List<double>();
        while (losses.Count < 30)
            foreach (var loss in (await NextState(stream)).GetProperty("losses").EnumerateArray()) losses.Add(loss.GetDouble());
        Assert.True(losses[29] < losses[0], $"loss {losses[0]} then {losses[29]}");
        await http.PostAsync("/pause", null);
        int steps;
        lock (server.Session.Gate) steps = server.Session.Steps;
        await Task.Delay(400);
        lock (server.Session.Gate) Assert.Equal((steps, false), (server.Session.Steps, server.Session.Running));
    }

    [Fact]
    public async Task A_request_naming_another_host_or_sent_from_another_origin_is_refused()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var http = new HttpClient { BaseAddress = server.Address };
        async Task<HttpStatusCode> Step(string header, string value)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/step");
            request.Headers.TryAddWithoutValidation(header, value);
            return (await http.SendAsync(request)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.BadRequest, await Step("Host", "attacker.example"));
        Assert.Equal(HttpStatusCode.BadRequest, await Step("Origin", "http://attacker.example"));
        Assert.Equal(HttpStatusCode.BadRequest, await Step("Origin", $"http://127.0.0.1:{server.Address.Port + 1}"));
        lock (server.Session.Gate) Assert.Equal(0, server.Session.Steps);
        // The page's own origin, by either name of this machine, may.
        Assert.Equal(HttpStatusCode.NoContent, await Step("Origin", $"http://localhost:{server.Address.Port}"));
        lock (server.Session.Gate) Assert.Equal(1, server.Session.Steps);
    }

    [Fact]
    public void A_port_in_use_is_a_one_line_error_with_exit_code_2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, output, err) = CliTests.Run("playground", "--port", port.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"backprop: --port: 127.0.0.1:{port} is in use; choose another port, or leave --port out for a free one", err.TrimEnd('\n'));

        (code, _, err) = CliTests.Run("playground", "--port", "70000");
        Assert.Equal((2, "backprop: --port: '70000' is not a port (a whole number from 1 to 65535)"), (code, err.TrimEnd('\n')));
    }

    // The next "state" event's JSON.
    private static async Task<JsonElement> NextState(StreamReader stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await stream.ReadLineAsync(timeout.Token) is string line)
            if (line.StartsWith("data: ", StringComparison.Ordinal)) return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
        throw new EndOfStreamException("the event stream ended");
    }
}
