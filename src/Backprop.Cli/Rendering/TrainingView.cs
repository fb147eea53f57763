using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Backprop.Cli;

/// <summary>How training shows itself: a live progress bar on a terminal, plain lines otherwise, nothing with --quiet.</summary>
internal abstract class TrainingView
{
    private readonly Stopwatch _epochClock = new();
    private bool _overfitSaid;
    private EpochResult? _previous;

    /// <summary>Show each epoch's learning rate (when a schedule changes it).</summary>
    public bool ShowRate { get; set; }

    public static TrainingView Create(TextWriter stdout, bool quiet)
    {
        if (quiet) return new QuietView();
        bool terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        return terminal ? new LiveView() : new PlainView(stdout);
    }

    /// <summary>Runs <paramref name="train"/>, showing its progress.</summary>
    public abstract void Run(Action train);

    /// <summary>A line of information (not an error).</summary>
    public abstract void Line(string text);

    public abstract void Batch(BatchProgress progress, int epochs);

    public void EpochStarted() => _epochClock.Restart();

    public void Epoch(EpochResult e, int epochs)
    {
        string line = $"epoch {e.Epoch}/{epochs}  loss {F(e.MeanLoss)}"
            + (e.TrainAccuracy is double a ? $"  accuracy {F(a)}" : "")
            + (e.ValidationLoss is double vl ? $"  validation loss {F(vl)}" : "")
            + (e.ValidationAccuracy is double va ? $"  validation accuracy {F(va)}" : "")
            + (e.ValidationMae is double vm ? $"  validation mae {F(vm)}" : "")
            + (ShowRate && e.LearningRate is double lr ? $"  lr {Rate(lr)}" : "")
            + $"  ({_epochClock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)";
        Line(line);
        // The notes' "edge case: overfitting": training loss still falls while validation loss rises.
        if (!_overfitSaid && _previous is { ValidationLoss: double before } previous && e.ValidationLoss is double after
            && after > before && e.MeanLoss < previous.MeanLoss)
        {
            _overfitSaid = true;
            var (was, now) = Apart(before, after);
            Line($"note: validation loss rose ({was} -> {now}) while training loss fell: the network may be starting to overfit (memorise rather than generalise); --early-stopping PATIENCE stops and keeps the best weights");
        }
        _previous = e;
    }

    internal static string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>Two different numbers with as many decimals (four at least) as it takes to tell them apart: (0.09071, 0.09074), not (0.0907, 0.0907).</summary>
    internal static (string, string) Apart(double a, double b)
    {
        for (int decimals = 4; decimals <= 17; decimals++)
        {
            string format = "0." + new string('0', decimals);
            string x = a.ToString(format, CultureInfo.InvariantCulture), y = b.ToString(format, CultureInfo.InvariantCulture);
            if (x != y) return (x, y);
        }
        return (a.ToString("R", CultureInfo.InvariantCulture), b.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>A learning rate, in four significant digits (0.001, 0.0004523, 1.25E-05).</summary>
    internal static string Rate(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    private sealed class QuietView : TrainingView
    {
        public override void Run(Action train) => train();
        public override void Line(string text) { }
        public override void Batch(BatchProgress progress, int epochs) { }
    }

    private sealed class PlainView(TextWriter output) : TrainingView
    {
        public override void Run(Action train) => train();
        public override void Line(string text) => output.WriteLine(text);
        public override void Batch(BatchProgress progress, int epochs) { }
    }

    private sealed class LiveView : TrainingView
    {
        private ProgressTask? _task;
        private long _lastRefresh;

        public override void Run(Action train) =>
            AnsiConsole.Progress()
                .AutoClear(true)
                .HideCompleted(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    _context = ctx;
                    train();
                });

        private ProgressContext? _context;

        public override void Line(string text) => AnsiConsole.MarkupLine(Markup.Escape(text));

        public override void Batch(BatchProgress p, int epochs)
        {
            if (_context is null) return;
            if (_task is null || _task.IsFinished)
                _task = _context.AddTask($"epoch {p.Epoch}/{epochs}", maxValue: p.Examples);
            // Redraw at most ~20 times a second: the bar is for people, not for every batch.
            long now = Environment.TickCount64;
            if (p.ExamplesDone < p.Examples && now - _lastRefresh < 50) return;
            _lastRefresh = now;
            _task.Description = $"epoch {p.Epoch}/{epochs}  loss {F(p.MeanLoss)}" + (p.Accuracy is double a ? $"  accuracy {F(a)}" : "");
            _task.Value = p.ExamplesDone;
            if (p.ExamplesDone >= p.Examples) _task.StopTask();
        }
    }
}
