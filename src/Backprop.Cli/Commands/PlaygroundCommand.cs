using System.CommandLine;
using System.Globalization;
using Backprop.Cli.Playground;

namespace Backprop.Cli;

/// <summary>
/// <c>backprop playground [--port N]</c>: a page on 127.0.0.1 where a learner picks a dataset and a network and watches
/// the library train it, step by step or live, until Ctrl-C.
/// </summary>
internal static class PlaygroundCommand
{
    public static Command Create(TextWriter stdout, CancellationToken interrupt)
    {
        var port = new Option<string?>("--port") { Description = "Listen on this port of 127.0.0.1 (1 to 65535). Default: a free port, printed." };
        var command = new Command("playground", "Serves a page on 127.0.0.1 where you pick a dataset (the notes' streetlights, xor, circles, spirals), layers, activation, alpha and descent, and watch the network learn: weights, loss and decision surface, live or one batch at a time. Ctrl-C stops it.");
        command.Options.Add(port);
        command.SetAction(result =>
        {
            int number = result.GetValue(port) is string text ? Port(text) : 0;
            using (Cli.ListenForInterrupt())
            {
                var server = PlaygroundServer.StartAsync(number).GetAwaiter().GetResult();
                try
                {
                    stdout.WriteLine($"playground: {server.Address} (Ctrl-C stops)");
                    stdout.Flush();
                    interrupt.WaitHandle.WaitOne();
                }
                finally
                {
                    server.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }
            stdout.WriteLine("playground: stopped");
            return 0;
        });
        return command;
    }

    private static int Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 65535
            ? n : throw new UsageException($"--port: '{text}' is not a port (a whole number from 1 to 65535)");
}
