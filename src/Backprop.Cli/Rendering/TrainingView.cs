using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Backprop.Cli;

/// <summary>How training shows itself: a live progress bar on a terminal, plain lines otherwise, nothing with --quiet.</summary>
internal abstract class TrainingView
{
    /// <summary>A run of at most this many epochs prints every epoch's line.</summary>
    public const int EveryLineUpTo = 30;

    /// <summary>A longer run prints its first this many epochs' lines, ...</summary>
    public const int FirstLines = 5;

    /// <summary>... then every k-th epoch's, k the least of 1, 2, 5, 10, 20, 50, ... that keeps them to this many.</summary>
    public const int SpacedLines = 20;

    private readonly Stopwatch _epochClock = new();
    private readonly HashSet<int> _deadSaid = [];
    private bool _overfitSaid;
    private EpochResult? _previous;
    // The last epoch shown, the last one not shown, and the lowest monitored loss's epoch (with its line, and whether it was shown).
    private int _lastShown;
    private (int Epoch, string Line)? _lastHidden;
    private (int Epoch, double Loss, string Line, bool Shown, bool Validation)? _best;

    /// <summary>Show each epoch's learning rate (when a schedule changes it).</summary>
    public bool ShowRate { get; set; }

    /// <summary>Print every epoch's line (--verbose), however long the run.</summary>
    public bool EveryEpoch { get; set; }

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

    /// <summary>Every k-th epoch's line is printed in a run of <paramref name="epochs"/> (1: every one).</summary>
    public static int Spacing(int epochs)
    {
        if (epochs <= EveryLineUpTo) return 1;
        for (long k = 1; ; k *= 10)
            foreach (long step in new[] { k, 2 * k, 5 * k })
                if (epochs / step <= SpacedLines) return (int)Math.Min(step, int.MaxValue);
    }

    /// <summary>The line that says which epochs a run of <paramref name="epochs"/> prints, or null when it prints every one.</summary>
    public string? SpacingLine(int epochs)
    {
        int k = EveryEpoch ? 1 : Spacing(epochs);
        return k == 1 ? null : $"showing epochs 1 to {FirstLines}, then every {Ordinal(k)}, the last and any with a note (--verbose shows every one; --history FILE keeps every epoch)";
    }

    private static string Ordinal(int k) => k == 2 ? "second" : $"{k}th";

    public void Epoch(EpochResult e, int epochs)
    {
        string line = $"epoch {e.Epoch}/{epochs}  loss {F(e.MeanLoss)}"
            + (e.TrainAccuracy is double a ? $"  accuracy {F(a)}" : "")
            + (e.ValidationLoss is double vl ? $"  validation loss {F(vl)}" : "")
            + (e.ValidationAccuracy is double va ? $"  validation accuracy {F(va)}" : "")
            + (e.ValidationMae is double vm ? $"  validation mae {F(vm)}" : "")
            + (ShowRate && e.LearningRate is double lr ? $"  lr {Rate(lr)}" : "")
            + $"  ({_epochClock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)";
        var notes = new List<string>();
        // The notes' "edge case: overfitting": training loss still falls while validation loss rises.
        if (!_overfitSaid && _previous is { ValidationLoss: double before } previous && e.ValidationLoss is double after
            && after > before && e.MeanLoss < previous.MeanLoss)
        {
            _overfitSaid = true;
            var (was, now) = Apart(before, after);
            notes.Add($"note: validation loss rose ({was} -> {now}) while training loss fell: the network may be starting to overfit (memorise rather than generalise); --early-stopping PATIENCE stops and keeps the best weights");
        }
        // A dead relu layer, once a layer: when it is first found.
        if (e.DeadLayers is { } dead && DeadNote is not null && dead.Where(_deadSaid.Add).ToArray() is { Length: > 0 } newlyDead)
            notes.Add(DeadNote(newlyDead, e.Epoch));
        _previous = e;

        int k = EveryEpoch ? 1 : Spacing(epochs);
        bool show = k == 1 || e.Epoch <= FirstLines || e.Epoch % k == 0 || e.Epoch == epochs || notes.Count > 0;
        double monitored = e.ValidationLoss ?? e.MeanLoss;
        if (_best is not { } best || monitored < best.Loss) _best = (e.Epoch, monitored, line, show, e.ValidationLoss is not null);
        if (show)
        {
            Line(line);
            _lastShown = e.Epoch;
        }
        else _lastHidden = (e.Epoch, line);
        foreach (string note in notes) Line(note);
    }

    /// <summary>
    /// After training: when epoch lines were left out, the last epoch's line if it was one of them (a run stopped
    /// early, interrupted or diverged), and the line of the lowest loss (validation loss when measured), marked, if it was.
    /// </summary>
    public void Finish()
    {
        if (_lastHidden is { } last && last.Epoch > _lastShown)
        {
            Line(last.Line);
            _lastShown = last.Epoch;
        }
        if (_best is { Shown: false } best && best.Epoch != _lastShown)
            Line($"lowest {(best.Validation ? "validation loss" : "loss")}: {best.Line}");
    }

    /// <summary>A loss or accuracy in four decimals (the pages write theirs with the same <see cref="Pages.PageText.F"/>).</summary>
    internal static string F(double v) => Pages.PageText.F(v);

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
    internal static string Rate(double v) => Pages.PageText.Rate(v);

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
