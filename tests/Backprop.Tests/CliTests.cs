using System.Diagnostics;
using Backprop.Cli;

namespace Backprop.Tests;

/// <summary>The backprop command as a user meets it: exit codes and one-line errors.</summary>
public class CliTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Backprop.Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Demo_without_a_name_lists_every_example()
    {
        var (code, output, err) = Run("demo");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        foreach (var name in new[] { "streetlights", "learn-one", "learn-all", "first-deep", "backprop", "one-iteration" })
            Assert.Contains($"  {name} ", output);
    }

    [Fact]
    public void Unknown_demo_is_a_one_line_error_with_exit_code_2()
    {
        var (code, output, err) = Run("demo", "no-such-demo");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Contains("unknown demo 'no-such-demo'", err);
        Assert.Contains("learn-one", err); // says what would have worked
    }

    [Theory]
    [InlineData("demo", "--no-such-flag")]
    [InlineData("no-such-command")]
    [InlineData("demo", "learn-one", "extra-argument")]
    public void Bad_arguments_are_a_one_line_error_with_exit_code_2(params string[] args)
    {
        var (code, output, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("backprop: ", err);
    }

    [Fact]
    public void Help_is_shown_and_succeeds()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("demo", output);
    }

    [Fact]
    public void The_real_executable_exits_2_without_a_stack_trace()
    {
        // The built program, as a shell runs it: nothing in-process can hide an unhandled exception here.
        string dll = Path.Combine(AppContext.BaseDirectory, "backprop.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "demo", "--bogus"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string err = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(2, process.ExitCode);
        Assert.DoesNotContain("   at ", err);
        Assert.Contains("--bogus", err);
    }

    [Fact]
    public async Task Ctrl_c_in_the_real_executable_keeps_the_finished_epochs_and_exits_130()
    {
        // SIGINT, as a terminal's Ctrl-C sends it, to the built program in the middle of a long training run.
        using var temp = new TempFolder();
        string dll = Path.Combine(AppContext.BaseDirectory, "backprop.dll");
        string data = Path.Combine(AppContext.BaseDirectory, "Data", "csv", "flowers.csv");
        string model = temp.File("m.model"), history = temp.File("h.csv");
        var start = new ProcessStartInfo("dotnet", [dll, "train", data, "--target", "species", "--epochs", "100000000", "--batch", "1",
            "--save", model, "--history", history, "--quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var err = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && (!File.Exists(history) || File.ReadAllLines(history).Length < 3))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the history did not reach two epochs in a minute");
            Thread.Sleep(10);
        }
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        Assert.True(process.WaitForExit(60_000), "the program did not stop after SIGINT");
        Assert.Equal(130, process.ExitCode);
        string said = await err;
        Assert.StartsWith("backprop: interrupted in epoch ", said);
        Assert.Single(said.TrimEnd('\n').Split('\n'));
        Assert.True(File.Exists(model));
        Assert.True(File.ReadAllLines(history).Length >= 3);
    }

    [Fact]
    public void The_root_help_shows_optional_arguments_in_brackets()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("  demo [<name>]  ", output);
        Assert.Contains("  gradcheck [<data>]  ", output);
        Assert.Contains("  train <data>  ", output);
        Assert.Contains("  evaluate <model> <data>  ", output);
        Assert.Contains("  export <model> <out>  ", output);
        Assert.Contains("  import <file>  ", output);
        Assert.Contains("  playground  ", output);
        Assert.Contains("  serve <model>  ", output);
        // the descriptions still start in one column
        var table = output.Split('\n').SkipWhile(l => l.TrimEnd() != "Commands:").Skip(1).TakeWhile(l => l.StartsWith("  ")).ToArray();
        Assert.Contains("  cv <data>  ", output);
        Assert.Contains("  sweep <data>  ", output);
        Assert.Equal(13, table.Length);   // demo, train, cv, sweep, evaluate, predict, trace, gradcheck, explain, export, import, playground, serve
        Assert.Single(table.Select(l => l.IndexOf(l.Trim().Split("  ", 2)[1].TrimStart(), StringComparison.Ordinal)).Distinct());
    }

    [Theory]
    [InlineData("trace", new[] { "--save", "--history", "--plot", "--validation", "--validation-data", "--test-data", "--early-stopping" }, new[] { "--quiet", "--epochs", "--batch" })]
    [InlineData("explain", new[] { "--save", "--history", "--quiet", "--validation", "--test-data", "--early-stopping" }, new[] { "--plot", "--epochs" })]
    [InlineData("gradcheck", new[] { "--save", "--history", "--plot", "--quiet", "--precision", "--rounding", "--dropout", "--validation" }, new[] { "--layers", "--loss", "--epochs" })]
    public void Each_command_shows_and_takes_only_the_options_it_uses(string command, string[] absent, string[] present)
    {
        var (code, help, _) = Run(command, "--help");
        Assert.Equal(0, code);
        foreach (var option in absent) Assert.DoesNotContain($"  {option} ", help);
        foreach (var option in present) Assert.Contains($"  {option} ", help);
        // An option of another command is refused, naming it.
        string data = Path.Combine(AppContext.BaseDirectory, "Data", "csv", "streetlights.csv");
        var (refused, _, err) = Run(command, data, "--target", "walk", absent[0], "x");
        Assert.Equal(2, refused);
        // --save: train's, and import's (which writes the model it makes).
        Assert.Equal($"backprop: {command} does not take {absent[0]} (it is an option of train and import); see 'backprop {command} --help'", err.TrimEnd('\n'));
    }

    [Fact]
    public void Trace_explain_and_gradcheck_help_show_their_own_defaults()
    {
        foreach (string command in new[] { "trace", "explain", "gradcheck" })
        {
            var (_, help, _) = Run(command, "--help");
            string Line(string option) => help.Split('\n').Single(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
            Assert.EndsWith("Default sgd.", Line("--optimizer").TrimEnd());
            Assert.EndsWith("Default 0.", Line("--epochs").TrimEnd());
            Assert.Contains("Default false", Line("--bias"));
            if (command != "gradcheck") Assert.EndsWith("Default f64.", Line("--precision").TrimEnd());
            Assert.EndsWith(command == "explain" ? "Default none." : "Default 64.", Line("--layers").TrimEnd());
        }
        var (_, explain, _) = Run("explain", "--help");
        Assert.Contains("heat maps", explain);
    }

    [Fact]
    public void Ctrl_c_in_a_terminal_shows_the_cursor_again()
    {
        // The progress bar hides the cursor; Ctrl-C typed at a terminal (a pseudo-terminal made by util-linux's script,
        // which turns the ^C byte into SIGINT for the program) must end with the cursor shown and one line said.
        using var temp = new TempFolder();
        string dll = Path.Combine(AppContext.BaseDirectory, "backprop.dll");
        string data = Path.Combine(AppContext.BaseDirectory, "Data", "csv", "flowers.csv");
        string history = temp.File("h.csv"), log = temp.File("terminal.log");
        string train = $"dotnet {dll} train {data} --target species --epochs 100000000 --batch 1 --history {history}";
        string typist = $"n=0; while [ \"$(wc -l < {history} 2>/dev/null || echo 0)\" -lt 3 ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n+1)); done; printf '\\003'; sleep 5";
        var start = new ProcessStartInfo("bash", ["-c", $"({typist}) | script -qfec \"{train}\" {log}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(90_000), "the program did not stop after ^C");
        Assert.Equal(130, process.ExitCode);
        string screen = File.ReadAllText(log);
        int hidden = screen.IndexOf("\u001b[?25l", StringComparison.Ordinal), shown = screen.LastIndexOf("\u001b[?25h", StringComparison.Ordinal);
        Assert.True(hidden >= 0, "the progress bar never hid the cursor: not a terminal?");
        Assert.True(shown > hidden, "the cursor was left hidden");
        Assert.Contains("backprop: interrupted in epoch ", screen[shown..]);
    }
}
