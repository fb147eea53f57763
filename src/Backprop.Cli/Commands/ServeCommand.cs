using System.CommandLine;
using System.Globalization;
using System.Net;
using Backprop.Cli.Serve;
using Backprop.Models;

namespace Backprop.Cli;

/// <summary>
/// <c>backprop serve MODEL [--port N] [--host ADDRESS]</c>: the model's predictions over HTTP (POST /predict, GET /health,
/// GET /model) until Ctrl-C or SIGTERM, which stop it after the requests in flight. docs/serve.md says more.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter stdout, CancellationToken interrupt)
    {
        var model = new Argument<string>("model") { Description = "A model file written by 'backprop train --save'." };
        var port = new Option<string?>("--port") { Description = "Listen on this port (1 to 65535, or 0 for a free one, printed). Default: 8080." };
        var host = new Option<string?>("--host") { Description = "Listen on this address (an IPv4 or IPv6 address, or localhost). Default: 127.0.0.1, this machine only; another address lets other machines in, with no authentication." };
        var maxBody = new Option<string?>("--max-body") { Description = "The largest request body, in bytes (a larger one is a 413). Default: 1048576." };
        var maxRows = new Option<string?>("--max-rows") { Description = "The most rows a request may hold (more is a 413). Default: 1000." };
        var unknown = new Option<string?>("--unknown") { Description = "A text value the model has no category for: error (a 400 naming the row and column), or ignore (all of its column's one-hot inputs 0). Default error." };
        var command = new Command("serve", "Serves a saved model's predictions over HTTP on 127.0.0.1: POST /predict {\"rows\": [{\"column\": value, ...}]} answers each row's class and probabilities (or values); GET /health, GET /model; a bad request is a 4xx {\"error\": ...} naming the row and column; Ctrl-C or SIGTERM stops it after the requests in flight (docs/serve.md).");
        command.Arguments.Add(model);
        command.Options.Add(port);
        command.Options.Add(host);
        command.Options.Add(maxBody);
        command.Options.Add(maxRows);
        command.Options.Add(unknown);
        command.SetAction(result =>
        {
            int number = result.GetValue(port) is string p ? Port(p) : 8080;
            var address = result.GetValue(host) is string h ? Address(h) : IPAddress.Loopback;
            var limits = new ServeLimits(
                result.GetValue(maxBody) is string b ? Positive(b, "--max-body", "a number of bytes") : 1 << 20,
                result.GetValue(maxRows) is string r ? (int)Math.Min(int.MaxValue, Positive(r, "--max-rows", "a number of rows")) : 1000);
            bool ignoreUnknown = result.GetValue(unknown) switch
            {
                null or "error" => false,
                "ignore" => true,
                string other => throw new UsageException($"--unknown: '{other}' is not error or ignore"),
            };
            string path = result.GetValue(model)!;
            var loaded = ModelFile.Load(path);
            using (Cli.ListenForInterrupt())
            {
                var server = ServeServer.StartAsync(loaded, Path.GetFileName(path), address, number, limits, ignoreUnknown).GetAwaiter().GetResult();
                try
                {
                    stdout.WriteLine($"serve: {server.Address} ({Path.GetFileName(path)}; POST /predict, GET /health, GET /model; Ctrl-C stops)");
                    stdout.Flush();
                    interrupt.WaitHandle.WaitOne();
                    stdout.WriteLine("serve: stopping after the requests in flight");
                    stdout.Flush();
                }
                finally
                {
                    server.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }
            stdout.WriteLine("serve: stopped");
            return 0;
        });
        return command;
    }

    private static int Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 0 and <= 65535
            ? n : throw new UsageException($"--port: '{text}' is not a port (a whole number from 0 to 65535)");

    private static IPAddress Address(string text) =>
        text == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(text, out var address) ? address
        : throw new UsageException($"--host: '{text}' is not an IP address (such as 127.0.0.1, ::1 or 0.0.0.0) or localhost");

    private static long Positive(string text, string flag, string what) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n >= 1
            ? n : throw new UsageException($"{flag}: '{text}' is not {what} (a whole number from 1)");
}
