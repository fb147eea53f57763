using System.CommandLine;
using Backprop.Cli.Demos;

namespace Backprop.Cli;

/// <summary>The <c>backprop</c> command: parses arguments, calls the library, renders. No learning logic lives here.</summary>
internal static class Cli
{
    /// <summary>Exit code for a user's mistake (bad flag, bad name, bad file).</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a bug in Backprop.</summary>
    public const int InternalError = 1;

    /// <summary>Exit code after Ctrl-C stopped training (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    private static volatile bool _listening;

    /// <summary>True while a training run stops cleanly on <c>interrupt</c> (Ctrl-C): the process should not be killed then.</summary>
    public static bool ListeningForInterrupt => _listening;

    /// <summary>Marks the time during which <see cref="ListeningForInterrupt"/> is true.</summary>
    internal static IDisposable ListenForInterrupt()
    {
        _listening = true;
        return new Listening();
    }

    private sealed class Listening : IDisposable
    {
        public void Dispose() => _listening = false;
    }

    /// <summary>
    /// Runs the command line <paramref name="args"/>, writing to <paramref name="stdout"/> and <paramref name="stderr"/>;
    /// returns the exit code. Cancelling <paramref name="interrupt"/> (Ctrl-C) stops training after the current batch,
    /// keeping what --save and --history asked for.
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken interrupt = default)
    {
        var root = new RootCommand("Backprop: neural networks that learn by gradient descent and backpropagation.");
        root.Subcommands.Add(DemoCommand.Create(stdout));
        root.Subcommands.Add(TrainCommand.Create(stdout, stderr, interrupt));
        root.Subcommands.Add(CvCommand.Create(stdout, stderr, interrupt));
        root.Subcommands.Add(SweepCommand.Create(stdout, stderr, interrupt));
        root.Subcommands.Add(EvaluateCommand.Create(stdout));
        root.Subcommands.Add(PredictCommand.Create(stdout));
        root.Subcommands.Add(TraceCommand.Create(stdout));
        root.Subcommands.Add(GradcheckCommand.Create(stdout));
        root.Subcommands.Add(ExplainCommand.Create(stdout));
        root.Subcommands.Add(ExportCommand.Create(stdout));
        root.Subcommands.Add(ImportCommand.Create(stdout));
        root.Subcommands.Add(PlaygroundCommand.Create(stdout, interrupt));
        root.Subcommands.Add(ServeCommand.Create(stdout, interrupt));

        if (args.Length == 0)
        {
            stderr.WriteLine("backprop: no command given; try 'backprop demo', or 'backprop --help' for all commands");
            return UsageError;
        }
        ParseResult parsed = root.Parse(args);
        if (RepeatedOption(parsed, args) is string repeated)
        {
            stderr.WriteLine($"backprop: {repeated}");
            return UsageError;
        }
        if (parsed.Errors.Count > 0)
        {
            // The most specific error first: an unrecognised token explains a missing command, not the other way round.
            var error = parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parsed.Errors[0];
            string message = BoolFlagValue(parsed, args) ?? OtherCommandsOption(parsed, root) ?? $"{error.Message} (see 'backprop --help')";
            stderr.WriteLine($"backprop: {message}");
            return UsageError;
        }
        if (parsed.CommandResult.Command == root && parsed.Action is System.CommandLine.Help.HelpAction)
        {
            // The root's command list writes every argument as required; ours are optional where they say so.
            var help = new StringWriter();
            parsed.Invoke(new InvocationConfiguration { Output = help, Error = stderr });
            stdout.Write(OptionalArguments(help.ToString(), root));
            return 0;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"backprop: {e.Message}");
            return UsageError;
        }
        catch (Backprop.Data.DataException e)
        {
            // Already located: file:line:column: what is wrong.
            stderr.WriteLine($"backprop: {e.Message}");
            return UsageError;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("BACKPROP_DEBUG") is null)
        {
            // Anything else is a bug in Backprop, not the user's mistake: one line, and a way to see more.
            stderr.WriteLine($"backprop: internal error: {e.GetType().Name}: {e.Message} (set BACKPROP_DEBUG=1 for the stack trace; please report it)");
            return InternalError;
        }
    }

    // The root help's "Commands:" table with optional arguments in brackets ("demo [<name>]"), realigned.
    private static string OptionalArguments(string help, RootCommand root)
    {
        var lines = help.Split('\n').ToList();
        int start = lines.FindIndex(l => l.TrimEnd() == "Commands:");
        if (start < 0) return help;
        int end = start + 1;
        while (end < lines.Count && lines[end].StartsWith("  ", StringComparison.Ordinal)) end++;
        var rows = new List<(string Name, string Text)>();
        for (int i = start + 1; i < end; i++)
        {
            string line = lines[i].Trim();
            int gap = line.IndexOf("  ", StringComparison.Ordinal);
            if (gap < 0) return help; // a shape this does not know: leave the help as it is
            string name = line[..gap], text = line[gap..].TrimStart();
            var command = root.Subcommands.FirstOrDefault(c => name.StartsWith(c.Name + " ", StringComparison.Ordinal) || name == c.Name);
            foreach (var argument in command?.Arguments.Where(a => a.Arity.MinimumNumberOfValues == 0) ?? [])
                name = name.Replace($"<{argument.Name}>", $"[<{argument.Name}>]", StringComparison.Ordinal);
            rows.Add((name, text));
        }
        int width = rows.Max(r => r.Name.Length) + 2;
        for (int i = 0; i < rows.Count; i++) lines[start + 1 + i] = "  " + rows[i].Name.PadRight(width) + rows[i].Text;
        return string.Join('\n', lines);
    }

    // "--epochs 5 --epochs 6": every option is given at most once (no silent last-wins).
    private static string? RepeatedOption(ParseResult parsed, string[] args)
    {
        // (Options that take a list, such as sweep's --grid, are given once an item.)
        var names = parsed.CommandResult.Command.Options.Where(o => !o.ValueType.IsArray).SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        var repeated = args.Select(a => a.Split('=', 2)[0]).Where(names.Contains).GroupBy(a => a).FirstOrDefault(g => g.Count() > 1);
        return repeated is null ? null : $"{repeated.Key} is given {repeated.Count()} times; give it once";
    }

    // "trace --save m.model": an option another command has, named as such.
    private static string? OtherCommandsOption(ParseResult parsed, RootCommand root)
    {
        var command = parsed.CommandResult.Command;
        if (command == root) return null;
        foreach (var token in parsed.UnmatchedTokens.Where(t => t.StartsWith("--", StringComparison.Ordinal)))
        {
            var owners = root.Subcommands.Where(c => c.Options.Any(o => o.Name == token)).Select(c => c.Name).ToArray();
            if (owners.Length > 0)
                return $"{command.Name} does not take {token} (it is an option of {(owners.Length == 1 ? owners[0] : $"{string.Join(", ", owners[..^1])} and {owners[^1]}")}); see 'backprop {command.Name} --help'";
        }
        return null;
    }

    // "--bias maybe": the parser leaves a word that is not true or false after a switch as an unrecognised argument;
    // name the switch and what it takes instead.
    private static string? BoolFlagValue(ParseResult parsed, string[] args)
    {
        var switches = parsed.CommandResult.Command.Options.Where(o => o.ValueType == typeof(bool))
            .SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var token in parsed.UnmatchedTokens)
        {
            int at = Array.IndexOf(args, token);
            if (at > 0 && switches.Contains(args[at - 1]) && !File.Exists(token) && !Directory.Exists(token))
                return $"{args[at - 1]}: '{token}' is not true or false (the switch alone means true)";
        }
        return null;
    }
}
