using System.Net;
using System.Text.Json;
using Backprop.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backprop.Cli.Playground;

/// <summary>
/// The playground's web server (ASP.NET Core from the shared framework, minimal APIs, no reflection): bound to
/// 127.0.0.1 only, it serves the page, the session's events, and the buttons' POSTs (reset, start, pause, step).
/// A setting that does not fit is a 400 with a one-line message. One session per server.
/// </summary>
internal sealed class PlaygroundServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _page, _policy;

    private PlaygroundServer(WebApplication app, PlaygroundSession session)
    {
        (_app, Session) = (app, session);
        _page = HtmlPage.RenderScript("backprop playground", HtmlPage.Resource(typeof(PlaygroundServer).Assembly, "Backprop.Cli.Playground.playground.js"), WritePageData, talksToServer: true);
        // The page's own policy (its meta element) is sent as a header as well.
        const string Marker = "Content-Security-Policy\" content=\"";
        int start = _page.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length;
        _policy = _page[start.._page.IndexOf('"', start)];
    }

    /// <summary>The one learner.</summary>
    public PlaygroundSession Session { get; }

    /// <summary>The page's address, e.g. http://127.0.0.1:40123/.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/> (0: a free port); a port in use is a <see cref="UsageException"/>.</summary>
    public static async Task<PlaygroundServer> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        // Ctrl-C is the command's to handle (it stops the server); the host neither listens for it nor prints a line.
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var server = new PlaygroundServer(app, new PlaygroundSession(PlaygroundSettings.For(PlaygroundSet.Default)));
        server.Map();
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await server.DisposeAsync();
            throw new UsageException(port == 0 ? $"cannot listen on 127.0.0.1: {e.Message}" : $"--port: 127.0.0.1:{port} is in use; choose another port, or leave --port out for a free one");
        }
        server.Address = new Uri(app.Urls.First() + "/");
        return server;
    }

    private void Map()
    {
        var stopping = _app.Lifetime.ApplicationStopping;
        // Only this machine's names for the server (a page elsewhere cannot reach it by another name, as DNS rebinding would).
        _app.Use(async (context, next) =>
        {
            var host = context.Request.Host;
            if (!Ours(host.Host, host.Port))
            {
                await Fail(context, $"host: {host} is not this playground's address");
                return;
            }
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            await next(context);
        });
        _app.MapGet("/", (RequestDelegate)(context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.ContentSecurityPolicy = _policy;
            context.Response.Headers.CacheControl = "no-store";
            return context.Response.WriteAsync(_page);
        }));
        _app.MapGet("/events", (RequestDelegate)(context => PlaygroundEvents.StreamAsync(context, Session, stopping)));
        Post("/reset", form => Session.Reset(PlaygroundSettings.Read(name => form.TryGetValue(name, out var v) ? v.ToString() : null)));
        Post("/start", form => Session.Start(int.TryParse(form["speed"].ToString(), out int speed) ? speed : throw new UsageException($"speed: '{form["speed"]}' is not a number of epochs a second")));
        Post("/pause", _ => Session.Pause());
        Post("/step", _ => Session.Step());
    }

    // A button's POST: a form (possibly empty) in, 204 out, or 400 with the one-line message of a UsageException.
    private void Post(string path, Action<IFormCollection> act) => _app.MapPost(path, (RequestDelegate)(async context =>
    {
        // A page served elsewhere may not press the buttons (its POST names its own origin).
        if (context.Request.Headers.Origin is { Count: > 0 } origin
            && !(Uri.TryCreate(origin.ToString(), UriKind.Absolute, out var from) && from.Scheme == "http" && Ours(from.Host, from.Port)))
        {
            await Fail(context, $"origin: {origin} is not this playground's page");
            return;
        }
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : FormCollection.Empty;
        try
        {
            act(form);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        catch (UsageException e)
        {
            await Fail(context, e.Message);
        }
    }));

    // This machine's names for this server.
    private bool Ours(string host, int? port) => host is "127.0.0.1" or "localhost" && port == Address?.Port;

    private static Task Fail(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n");
    }

    // The page's choices: the sets (with the layers and alpha each starts from) and the one it starts with, activations, descents, speeds.
    private static void WritePageData(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartArray("sets");
        foreach (var set in PlaygroundSet.All)
        {
            w.WriteStartObject();
            w.WriteString("name", set.Name);
            w.WriteString("title", set.Title);
            w.WriteString("layers", string.Join(",", set.Layers));
            w.WriteString("alpha", NetworkFlags.Num(set.Alpha));
            w.WriteNumber("examples", set.Data.Count);
            w.WriteBoolean("twoD", set.IsTwoD);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("dataset", PlaygroundSet.Default.Name);
        WriteStrings(w, "activations", Activations.HiddenNames);
        WriteStrings(w, "descents", PlaygroundSettings.Descents);
        w.WriteStartArray("speeds");
        foreach (int speed in PlaygroundSession.Speeds) w.WriteNumberValue(speed);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    /// <summary>Stops the server (ending the event streams) and the session's training.</summary>
    public async ValueTask DisposeAsync()
    {
        try { await _app.StopAsync(); }
        catch (InvalidOperationException) { } // never started
        await _app.DisposeAsync();
        Session.Dispose();
    }

    /// <summary>A host lifetime that leaves Ctrl-C and SIGTERM alone and prints nothing.</summary>
    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
