using System.Net;
using System.Text.Json;
using Backprop.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backprop.Cli.Serve;

/// <summary>
/// <c>backprop serve</c>'s web server (ASP.NET Core, minimal APIs, no reflection): one <see cref="Predictor"/> shared
/// by every request, which Kestrel serves in parallel. POST /predict takes <c>{"rows": [{"column": value, ...}]}</c>
/// and answers each row's prediction; GET /health and GET /model say it is up and what it serves. A request that does
/// not fit (malformed JSON, an unknown or missing column, text where a number goes, too large) is a 4xx with
/// <c>{"error": "one line naming the row and column"}</c>, and the server goes on.
/// </summary>
internal sealed class ServeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Predictor _predictor;
    private readonly ServeLimits _limits;
    private readonly byte[] _modelJson;

    private ServeServer(WebApplication app, Predictor predictor, ServeLimits limits, string modelName)
    {
        (_app, _predictor, _limits) = (app, predictor, limits);
        _modelJson = ModelJson(predictor, modelName, limits);
    }

    /// <summary>The server's address, e.g. http://127.0.0.1:8080/.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>
    /// Starts serving <paramref name="model"/> on <paramref name="host"/>:<paramref name="port"/> (0: a free port); a port
    /// in use is a <see cref="UsageException"/>. With <paramref name="ignoreUnknown"/>, a category the model does not know
    /// gives its column no category (as <c>predict --unknown ignore</c>) instead of a 400.
    /// </summary>
    public static async Task<ServeServer> StartAsync(Model model, string modelName, IPAddress host, int port, ServeLimits limits, bool ignoreUnknown = false)
    {
        var predictor = new Predictor(model) { IgnoreUnknown = ignoreUnknown };
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(host, port);
            k.Limits.MaxRequestBodySize = limits.MaxBodyBytes;
            k.AddServerHeader = false;
        });
        // Ctrl-C and SIGTERM are the command's to handle (it stops the server after the requests in flight).
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        var app = builder.Build();
        var server = new ServeServer(app, predictor, limits, modelName);
        server.Map();
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await server.DisposeAsync();
            throw new UsageException(port == 0 ? $"cannot listen on {host}: {e.Message}" : $"--port: {Format(host, port)} is in use; choose another port, or --port 0 for a free one");
        }
        server.Address = new Uri(app.Urls.First() + "/");
        return server;
    }

    private static string Format(IPAddress host, int port) => new IPEndPoint(host, port).ToString();

    private void Map()
    {
        _app.MapGet("/health", (RequestDelegate)(context => Json(context, 200, """{"status":"ok"}"""u8.ToArray())));
        _app.MapGet("/model", (RequestDelegate)(context => Json(context, 200, _modelJson)));
        _app.MapPost("/predict", (RequestDelegate)PredictAsync);
    }

    private async Task PredictAsync(HttpContext context)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException e)
        {
            await Error(context, 400, $"the body is not JSON: {OneLine(e.Message)}");
            return;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await Error(context, 413, $"the body is larger than {_limits.MaxBodyBytes} bytes, the most this server takes (--max-body)");
            return;
        }
        using (document)
        {
            if (!TryReadRows(document.RootElement, out var rows, out string? problem, out int status))
            {
                await Error(context, status, problem!);
                return;
            }
            Predictions predictions;
            try
            {
                predictions = _predictor.Predict(rows);
            }
            catch (Backprop.Data.DataException e)
            {
                await Error(context, 400, e.Message);
                return;
            }
            await Json(context, 200, Answer(predictions));
        }
    }

    // The rows of {"rows": [{...}, ...]}: each value a number (its text, parsed as a CSV cell is), text, or null.
    private bool TryReadRows(JsonElement root, out List<IReadOnlyDictionary<string, object?>> rows, out string? problem, out int status)
    {
        rows = [];
        status = 400;
        problem = null;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("rows", out var array))
        {
            problem = """the body must be an object with "rows": {"rows": [{"column": value, ...}, ...]}""";
            return false;
        }
        foreach (var property in root.EnumerateObject())
            if (property.Name != "rows")
            {
                problem = $"unknown member {Quote(property.Name)} in the body; it holds \"rows\" only";
                return false;
            }
        if (array.ValueKind != JsonValueKind.Array)
        {
            problem = $"\"rows\" must be an array of objects, not {Kind(array)}";
            return false;
        }
        int count = array.GetArrayLength();
        if (count == 0)
        {
            problem = "\"rows\" is empty; give at least one row";
            return false;
        }
        if (count > _limits.MaxRows)
        {
            (status, problem) = (413, $"{count} rows are more than the {_limits.MaxRows} a request may hold (--max-rows); send them in several requests");
            return false;
        }
        int r = 0;
        foreach (var element in array.EnumerateArray())
        {
            r++;
            if (element.ValueKind != JsonValueKind.Object)
            {
                problem = $"row {r}: a row must be an object of column names and values, not {Kind(element)}";
                return false;
            }
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var cell in element.EnumerateObject())
            {
                object? value = cell.Value.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.String => cell.Value.GetString(),
                    JsonValueKind.Number => cell.Value.GetRawText(),
                    _ => (object?)cell.Value,
                };
                if (value is JsonElement other)
                {
                    problem = $"row {r}: column {Quote(cell.Name)} holds {Kind(other)}; expected a number, text or null";
                    return false;
                }
                if (!row.TryAdd(cell.Name, value))
                {
                    problem = $"row {r}: column {Quote(cell.Name)} is given twice";
                    return false;
                }
            }
            rows.Add(row);
        }
        return true;
    }

    // {"predictions": [{"class": ..., "probabilities": {...}} or {"values": {...}}, ...]}, numbers in shortest round-trip form.
    private byte[] Answer(Predictions predictions)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 + 64 * predictions.Count * predictions.Columns.Count);
        using (var w = new Utf8JsonWriter(buffer, Readable))
        {
            w.WriteStartObject();
            w.WriteStartArray("predictions");
            foreach (var p in predictions)
            {
                w.WriteStartObject();
                if (p.Label is { } label)
                {
                    w.WriteString("class", label);
                    w.WritePropertyName("probabilities");
                }
                else w.WritePropertyName("values");
                w.WriteStartObject();
                for (int c = 0; c < p.Values.Count; c++) w.WriteNumber(predictions.Columns[c], p.Values[c]);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    // GET /model: the columns a row gives, what comes back, and how the model was trained.
    private static byte[] ModelJson(Predictor predictor, string name, ServeLimits limits)
    {
        var model = predictor.Model;
        var schema = model.Inputs;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Readable))
        {
            w.WriteStartObject();
            w.WriteString("model", name);
            w.WriteStartArray("inputs");
            for (int c = 0; c < predictor.Columns.Count; c++)
            {
                var column = schema?.Columns[c];
                w.WriteStartObject();
                w.WriteString("name", predictor.Columns[c]);
                w.WriteString("type", column?.Categories is null ? "number" : "text");
                if (column?.Categories is { } categories)
                {
                    w.WriteStartArray("categories");
                    foreach (var category in categories) w.WriteStringValue(category);
                    w.WriteEndArray();
                }
                if (column?.Fill is double fill) w.WriteNumber("fill", fill);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("missing", schema?.Missing ?? "error");
            w.WriteString("unknown", predictor.IgnoreUnknown ? "ignore" : "error");
            w.WriteString("task", model.ClassNames is null ? "regression" : "classification");
            w.WriteStartArray("outputs");
            foreach (var output in predictor.OutputNames) w.WriteStringValue(output);
            w.WriteEndArray();
            if (model.ClassNames is { } classes)
            {
                w.WriteStartArray("classes");
                foreach (var c in classes) w.WriteStringValue(c);
                w.WriteEndArray();
            }
            else w.WriteNull("classes");
            w.WriteStartArray("targets");
            foreach (var t in model.TargetNames) w.WriteStringValue(t);
            w.WriteEndArray();
            w.WriteStartObject("training");
            w.WriteString("network", string.Join("-", [model.Spec.Inputs, .. model.Spec.Hidden, model.Spec.Outputs]));
            w.WriteString("hidden_activation", Tensors.Vocabulary.Name(model.Spec.HiddenActivation));
            w.WriteString("output_activation", Tensors.Vocabulary.Name(model.Spec.OutputActivation));
            w.WriteBoolean("bias", model.Spec.Bias);
            w.WriteString("loss", Tensors.Vocabulary.Name(model.Loss));
            w.WriteString("precision", Tensors.Vocabulary.Name(model.Precision));
            w.WriteString("normalization", Tensors.Vocabulary.Name(model.Normalization.Kind));
            w.WriteBoolean("class_weights", model.ClassWeights is not null);
            w.WriteEndObject();
            w.WriteStartObject("limits");
            w.WriteNumber("max_body_bytes", limits.MaxBodyBytes);
            w.WriteNumber("max_rows", limits.MaxRows);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    // Names and messages as written (an apostrophe, an accented column name), not \u0027: the answers are JSON for programs
    // and people, never embedded in a page, so only what JSON itself requires is escaped.
    private static readonly JsonWriterOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static async Task Json(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static Task Error(HttpContext context, int status, string message)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Readable))
        {
            w.WriteStartObject();
            w.WriteString("error", OneLine(message));
            w.WriteEndObject();
        }
        return Json(context, status, buffer.WrittenSpan.ToArray());
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static string Quote(string text) => Backprop.Data.MessageText.Quote(text);

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "text",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        _ => "null",
    };

    /// <summary>Stops listening, lets the requests in flight finish (up to 10 s), and frees the server.</summary>
    public async ValueTask DisposeAsync()
    {
        try { await _app.StopAsync(); }
        catch (InvalidOperationException) { } // never started
        await _app.DisposeAsync();
    }

    /// <summary>A host lifetime that leaves Ctrl-C and SIGTERM alone and prints nothing.</summary>
    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>What a request to <c>backprop serve</c> may be: its body's bytes and its rows.</summary>
internal sealed record ServeLimits(long MaxBodyBytes = 1 << 20, int MaxRows = 1000);
