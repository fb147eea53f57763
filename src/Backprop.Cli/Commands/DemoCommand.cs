using System.CommandLine;
using Backprop.Cli.Demos;

namespace Backprop.Cli;

/// <summary><c>backprop demo [NAME]</c>: lists the notes' examples, or runs one.</summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter stdout)
    {
        var name = new Argument<string?>("name")
        {
            Description = "The example to run; leave it out to list them.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var normalize = new Option<string?>("--normalize")
        {
            Description = "dimmer only: scale each input column first, minmax (the default) or standard.",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "minmax|standard",
        };
        var data = new Option<string?>("--data")
        {
            Description = $"overfitting only: a folder of IDX train/t10k pairs (default {Overfitting.DefaultFolder}).",
            HelpName = "FOLDER",
        };
        var command = new Command("demo", "Runs an example from the notes (Grokking Deep Learning, chapter 6), printing what the notes print.");
        command.Arguments.Add(name);
        command.Options.Add(normalize);
        command.Options.Add(data);
        command.SetAction(result =>
        {
            string? wanted = result.GetValue(name);
            var options = ReadOptions(result, normalize, data, out var given);
            if (wanted is null && given.Count > 0)
                throw new UsageException($"{given[0]} needs a demo that takes it: {Usage(given[0])}");
            if (wanted is null)
            {
                stdout.WriteLine("Examples from the notes; run one with 'backprop demo NAME':");
                int width = Demo.All.Max(d => d.Name.Length);
                foreach (var demo in Demo.All) stdout.WriteLine($"  {demo.Name.PadRight(width)}  {demo.Title}");
                return 0;
            }
            if (wanted.StartsWith('-'))
                throw new UsageException($"unknown option '{wanted}' for 'backprop demo' (see 'backprop demo --help')");
            var chosen = Demo.All.FirstOrDefault(d => d.Name.Equals(wanted, StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException(
                    $"unknown demo '{wanted}'; choose one of: {string.Join(", ", Demo.All.Select(d => d.Name))}");
            foreach (string flag in given)
                if (!chosen.Options.Contains(flag))
                    throw new UsageException($"demo '{chosen.Name}' takes no {flag}; {Usage(flag)}");
            chosen.Run(new Notebook(stdout), options);
            return 0;
        });
        return command;
    }

    private static DemoOptions ReadOptions(ParseResult result, Option<string?> normalize, Option<string?> data, out List<string> given)
    {
        given = [];
        string? kind = null, folder = null;
        if (result.GetResult(normalize) is { } n)
        {
            given.Add(normalize.Name);
            kind = n.Tokens.Count == 0 ? "minmax" : n.Tokens[0].Value;
            if (kind is not ("minmax" or "standard"))
                throw new UsageException(
                    $"--normalize takes minmax or standard (or nothing, for minmax), not '{kind}'; it goes after the demo's name: backprop demo dimmer --normalize");
        }
        if (result.GetResult(data) is not null)
        {
            given.Add(data.Name);
            folder = result.GetValue(data);
        }
        return new DemoOptions(kind, folder);
    }

    // "backprop demo dimmer --normalize [minmax|standard]" for the demos that take the flag.
    private static string Usage(string flag)
    {
        string form = flag == "--data" ? "--data FOLDER" : "--normalize [minmax|standard]";
        return string.Join(" or ", Demo.All.Where(d => d.Options.Contains(flag)).Select(d => $"backprop demo {d.Name} {form}"));
    }
}
