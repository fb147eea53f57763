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
        var command = new Command("demo", "Runs an example from the notes (Grokking Deep Learning, chapter 6), printing what the notes print.");
        command.Arguments.Add(name);
        command.SetAction(result =>
        {
            string? wanted = result.GetValue(name);
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
            chosen.Run(new Notebook(stdout));
            return 0;
        });
        return command;
    }
}
