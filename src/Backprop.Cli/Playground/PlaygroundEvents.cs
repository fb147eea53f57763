using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Backprop.Cli.Playground;

/// <summary>
/// The playground's server-sent events (text/event-stream): one <c>state</c> event when the page connects, then one
/// each time the session changes, at most five a second. Each carries the epoch losses the page has not had yet,
/// and the network's shape and data when the page has not seen this generation.
/// </summary>
internal static class PlaygroundEvents
{
    /// <summary>The least time between two events of one stream.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Streams <paramref name="session"/>'s state to the client until it goes away or <paramref name="stopping"/> is cancelled.</summary>
    public static async Task StreamAsync(HttpContext context, PlaygroundSession session, CancellationToken stopping)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancel = both.Token;
        var json = new ArrayBufferWriter<byte>();
        int version = -1, generation = -1, losses = 0;
        try
        {
            while (true)
            {
                await session.ChangedSince(version, cancel);
                json.ResetWrittenCount();
                lock (session.Gate)
                {
                    bool whole = generation != session.Generation;
                    using (var writer = new Utf8JsonWriter(json)) PlaygroundState.Write(writer, session, whole, whole ? 0 : losses);
                    (version, generation, losses) = (session.Version, session.Generation, session.Losses.Count);
                }
                // JSON written without indentation holds no line break: one data line.
                await response.Body.WriteAsync("event: state\ndata: "u8.ToArray(), cancel);
                await response.Body.WriteAsync(json.WrittenMemory, cancel);
                await response.Body.WriteAsync("\n\n"u8.ToArray(), cancel);
                await response.Body.FlushAsync(cancel);
                await Task.Delay(Interval, cancel);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { } // the page went away mid-write
    }
}
