namespace Backprop.Cli.Playground;

/// <summary>
/// The playground's one learner: the library's <see cref="Learner{T}"/> prepared from the page's typed recipe (float64,
/// as trace builds it) and its <see cref="TrainingSession{T}"/>, run until stopped and stepped one batch at a time
/// (<see cref="TrainingSession.Step"/>, in dataset order) by the buttons or by a background task while running. The
/// epochs' losses, their dead layers and a divergence are the session's. Every read and write of the state holds <see cref="Gate"/>.
/// </summary>
internal sealed class PlaygroundSession : IDisposable
{
    /// <summary>How often the background task trains while running (a tenth of the epochs a second each time).</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>The training speeds the page offers, in epochs a second.</summary>
    public static IReadOnlyList<int> Speeds { get; } = [1, 10, 100];

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<double> _losses = [];
    private TrainingSession<double> _session = null!;
    // Batches owed to the running speed: a tick adds a tenth of a second's worth and steps the whole ones.
    private double _owed;

    /// <summary>A session with <paramref name="settings"/> (reset, paused).</summary>
    public PlaygroundSession(PlaygroundSettings settings)
    {
        Reset(settings);
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>The lock around the whole state.</summary>
    public object Gate { get; } = new();

    public PlaygroundSettings Settings { get; private set; } = null!;
    public Learner<double> Learner { get; private set; } = null!;

    /// <summary>Counts resets: a new generation is a new network (the page redraws it).</summary>
    public int Generation { get; private set; }

    /// <summary>Counts changes of any kind: the event stream sends a new state when it moves.</summary>
    public int Version { get; private set; }

    /// <summary>Epochs finished since the reset.</summary>
    public int Epochs => _losses.Count;

    /// <summary>Each finished epoch's loss (<see cref="EpochResult.MeanLoss"/>): the epoch's total loss (each batch's before its update) over its examples.</summary>
    public IReadOnlyList<double> Losses => _losses;

    /// <summary>Examples of the current epoch already stepped through.</summary>
    public int Position => _session.Position;

    /// <summary>Steps (weight updates) since the reset.</summary>
    public int Steps { get; private set; }

    /// <summary>The last step's loss (summed over its batch), or null before the first step.</summary>
    public double? LastStepLoss { get; private set; }

    public bool Running { get; private set; }

    /// <summary>Epochs a second while running.</summary>
    public int Speed { get; private set; } = 10;

    /// <summary>Why training stopped by itself (the loss overflowed), or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>What the first epoch with a dead relu layer (every unit 0 for every example) says, and what to try; null while there has been none since the reset.</summary>
    public string? Dead { get; private set; }

    /// <summary>Builds the network anew from <paramref name="settings"/> (the seed draws its weights) and pauses.</summary>
    public void Reset(PlaygroundSettings settings)
    {
        Learner<double> learner;
        try { learner = (Learner<double>)settings.Recipe.Prepare(settings.Set.Data); }
        catch (RecipeException e) { throw new UsageException($"--{e.Setting}: {e.Message}"); }
        lock (Gate)
        {
            (Settings, Learner) = (settings, learner);
            _session = (TrainingSession<double>)learner.Start(new EpochWatch(this));
            _losses.Clear();
            (_owed, Steps, LastStepLoss, Running, Problem, Dead) = (0, 0, null, false, null, null);
            Generation++;
            Changed();
        }
    }

    /// <summary>Trains in the background at <paramref name="speed"/> epochs a second (one of <see cref="Speeds"/>).</summary>
    public void Start(int speed)
    {
        if (!Speeds.Contains(speed)) throw new UsageException($"speed: {speed} is not one of {string.Join(", ", Speeds)} epochs a second");
        lock (Gate)
        {
            if (Problem is not null) throw new UsageException($"{Problem}: reset first");
            (Running, Speed) = (true, speed);
            Changed();
        }
    }

    public void Pause()
    {
        lock (Gate)
        {
            Running = false;
            Changed();
        }
    }

    /// <summary>Pauses, then takes one step: one batch, one update.</summary>
    public void Step()
    {
        lock (Gate)
        {
            if (Problem is not null) throw new UsageException($"{Problem}: reset first");
            Running = false;
            StepOnce();
            Changed();
        }
    }

    /// <summary>Completes when the state moves past <paramref name="seen"/> (a <see cref="Version"/>).</summary>
    public Task ChangedSince(int seen, CancellationToken cancellation)
    {
        lock (Gate) return Version != seen ? Task.CompletedTask : _changed.Task.WaitAsync(cancellation);
    }

    // One batch of the epoch, in dataset order, as the session takes it: loss, backpropagation, update (the epoch's end
    // after its last batch: its loss and dead layers to EpochWatch).
    private void StepOnce()
    {
        if (_session.Step() is not double loss) return;
        (LastStepLoss, Steps) = (loss, Steps + 1);
        if (_session.Stopped == StopReason.Diverged) (Running, Problem) = (false, "the loss overflowed (lower alpha)");
    }

    // The session's epochs as they end: the loss of each, and the first dead layer said.
    private sealed class EpochWatch(PlaygroundSession owner) : ITrainingObserver
    {
        public void EpochEnded(TrainingSession session, EpochResult result)
        {
            owner._losses.Add(result.MeanLoss);
            if (result.DeadLayers is { } dead) owner.Dead ??= DeadLayerNote.Playground(dead, result.Epoch);
        }
    }

    private void Changed()
    {
        Version++;
        var done = _changed;
        _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        done.TrySetResult();
    }

    private async Task RunAsync(CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation))
            {
                lock (Gate)
                {
                    if (!Running) continue;
                    int n = _session.Examples, size = _session.BatchSize;
                    _owed += (n + size - 1) / size * Speed / 10.0;
                    for (; _owed >= 1 && Running; _owed--) StepOnce();
                    Changed();
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _loop.Wait(); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
