namespace Backprop.Cli.Playground;

/// <summary>
/// The playground's one learner: the library's <see cref="Learner{T}"/> built from the page's settings (float64, as
/// trace builds it), stepped one batch at a time by the library's <see cref="Trainer{T}.Step"/>, in dataset order,
/// by the buttons or by a background task while running. Every read and write of the state holds <see cref="Gate"/>.
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
    // The relu layers seen on in this epoch's steps: an epoch without one is a dead layer, said once (Dead).
    private DeadLayerWatch<double> _watch = null!;
    private double _epochTotal;
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

    /// <summary>Each finished epoch's loss: the epoch's total loss (each batch's before its update) over its examples.</summary>
    public IReadOnlyList<double> Losses => _losses;

    /// <summary>Examples of the current epoch already stepped through.</summary>
    public int Position { get; private set; }

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
        var learner = new Learner<double>(settings.Recipe(), settings.Set.Data);
        lock (Gate)
        {
            (Settings, Learner, _watch) = (settings, learner, new DeadLayerWatch<double>(learner.Network));
            _losses.Clear();
            (_epochTotal, _owed, Position, Steps, LastStepLoss, Running, Problem, Dead) = (0, 0, 0, 0, null, false, null, null);
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

    // One batch of the epoch, in dataset order, as Trainer.Fit takes it without shuffling: loss, backpropagation, update.
    private void StepOnce()
    {
        var (x, y) = (Learner.X, Learner.Y);
        int n = x.Rows, rows = Math.Min(Learner.Recipe.Batch!.Value.SizeFor(n), n - Position);
        double loss = Learner.Trainer.Step(x[Position..(Position + rows)], y[Position..(Position + rows)]);
        _watch.Observe();
        (LastStepLoss, _epochTotal, Position, Steps) = (loss, _epochTotal + loss, Position + rows, Steps + 1);
        if (!double.IsFinite(loss))
        {
            (Running, Problem) = (false, "the loss overflowed (lower alpha)");
            return;
        }
        if (Position == n)
        {
            _losses.Add(_epochTotal / n);
            (_epochTotal, Position) = (0, 0);
            if (_watch.EndEpoch() is { } dead) Dead ??= DeadLayerNote.Playground(dead, Epochs);
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
                    int n = Learner.X.Rows, size = Learner.Recipe.Batch!.Value.SizeFor(n);
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
