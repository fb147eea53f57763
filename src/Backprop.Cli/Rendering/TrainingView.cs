using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Backprop.Cli;

/// <summary>How training shows itself: a live progress bar on a terminal, plain lines otherwise, nothing with --quiet.</summary>
internal abstract class TrainingView
{
    private readonly Stopwatch _epochClock = new();
    private readonly HashSet<int> _deadSaid = [];
    private bool _overfitSaid;
    private EpochResult? _previous;

    /// <summary>Show each epoch's learning rate (when a schedule changes it).</summary>
    public bool ShowRate { get; set; }

    /// <summary>The note for relu layers (k of layer_k) first found dead in an epoch, or null for none.</summary>
    public Func<IReadOnlyList<int>, int, string>? DeadNote { get; set; }

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
            Line($"note: validation loss rose ({F(before)} -> {F(after)}) while training loss fell: the network may be starting to overfit (memorise rather than generalise); --early-stopping PATIENCE stops and keeps the best weights");
        }
        // A dead relu layer, once a layer: when it is first found.
        if (e.DeadLayers is { } dead && DeadNote is not null && dead.Where(_deadSaid.Add).ToArray() is { Length: > 0 } newlyDead)
            Line(DeadNote(newlyDead, e.Epoch));
        _previous = e;
    }

    internal static string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);

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
