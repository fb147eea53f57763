using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Backprop.Tensors;

/// <summary>
/// Threads that split a job between them: a large matrix product, the gathering of a batch of images, a large weight
/// update. They are started once and wait between jobs. A job is a struct (<see cref="IParallelJob"/>) on the
/// caller's stack, handed over by reference for the time of <see cref="TryRun{TJob}"/>, so running one on several
/// threads allocates nothing (Parallel.For does) and the pool knows no kernel.
/// </summary>
/// <remarks>
/// One pool serves the process; how many parts a job has is the caller's <see cref="Compute.Threads"/>, at most the
/// number of cores. Every thread, the caller included, takes the next part not yet taken until none is left, so a
/// worker that is slow to wake (asleep, or its core lent to another machine) never makes the caller wait for a part
/// nobody has started: with the workers late, a job runs as fast as on one thread. Training issues products a few
/// hundred microseconds apart, and a thread that went to sleep takes tens of microseconds to wake; so both sides spin
/// for a short while (<see cref="SpinTicks"/>) before they block, as BLAS libraries' threads do.
/// </remarks>
internal sealed unsafe class WorkerPool
{
    /// <summary>The pool every computation shares; it starts threads as jobs ask for them.</summary>
    public static WorkerPool Shared { get; } = new();

    private WorkerPool()
    {
        // A ManualResetEventSlim makes its lock object the first time a wait really blocks: done here, so that a caller
        // whose workers are late (a busy machine) never allocates in the middle of a training step.
        _done.Wait(1);
    }

    private readonly Lock _gate = new();
    private ManualResetEventSlim[] _go = [];
    private readonly ManualResetEventSlim _done = new(false);
    // The job's generation (bumped once per job: workers look when it moves) and its part count in the low 16 bits,
    // published together so that a worker never pairs one job's generation with another's part count.
    private long _ticket;
    // The job's generation (high 32 bits) and the next part to take (low 32 bits): a thread takes a part by moving
    // the count on, and only while the generation is the job it woke for.
    private long _claim;
    private int _remaining;    // parts of this job not yet finished
    private int _onWorkers;    // parts of this job that worker threads ran
    private void* _job;        // the caller's job struct, valid while it waits in TryRun
    private delegate*<void*, int, int, void> _run;
    private ExceptionDispatchInfo? _failure;

    [ThreadStatic] private static int t_jobsSplit;

    /// <summary>Jobs this thread handed to the pool of which a worker thread really ran a part (tests use it to know that work was split).</summary>
    internal static int JobsSplitOnThisThread => t_jobsSplit;

    /// <summary>The most parts a job can have.</summary>
    public const int MaxParts = 1 << 12;

    // How long a waiting thread spins before it blocks: about 0.2 ms.
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000;

    /// <summary>
    /// Runs <paramref name="job"/> as <paramref name="parts"/> parts on the calling thread and the workers, and returns
    /// when all are done. Returns false, having done nothing, when another thread's job holds the workers (the caller
    /// then runs it alone). <paramref name="job"/> must be a local of the caller (it is read through its address).
    /// Parts must not wait for each other: any thread may run any part, one after another.
    /// </summary>
    public bool TryRun<TJob>(int parts, ref TJob job) where TJob : struct, IParallelJob
    {
        parts = Math.Min(parts, Environment.ProcessorCount); // more threads than cores only wait for each other
        if (parts < 2 || parts > MaxParts || !_gate.TryEnter()) return false;
        try
        {
            _job = Unsafe.AsPointer(ref job);
            _run = &Invoke<TJob>;
            RunHeld(parts);
            return true;
        }
        finally
        {
            _job = null;
            _run = null;
            _gate.Exit();
        }
    }

    private static void Invoke<TJob>(void* job, int part, int parts) where TJob : struct, IParallelJob =>
        Unsafe.AsRef<TJob>(job).Run(part, parts);

    // With the gate held and the job set: publishes the job, takes parts alongside the workers, waits for the last.
    private void RunHeld(int parts)
    {
        StartWorkers(parts - 1);
        _failure = null;
        _done.Reset();
        long generation = (_ticket >> 16) + 1;
        _onWorkers = 0;
        Volatile.Write(ref _remaining, parts);
        Volatile.Write(ref _claim, generation << 32);
        Interlocked.Exchange(ref _ticket, generation << 16 | (uint)parts); // publishes the job to spinning workers
        for (int t = 0; t < parts - 1; t++) _go[t].Set();                   // and wakes sleeping ones
        TakeParts((int)generation, parts, worker: false);
        WaitForParts(); // the job lives on the caller's stack: never leave while a worker runs a part of it
        if (Volatile.Read(ref _onWorkers) > 0) t_jobsSplit++;
        _failure?.Throw();
    }

    // Runs parts of job `generation` until none is left to take. A part taken cannot finish after its job has (the job
    // waits for every part), so _job and _run are that job's while the part runs.
    private void TakeParts(int generation, int parts, bool worker)
    {
        while (true)
        {
            long claim = Volatile.Read(ref _claim);
            int part = (int)claim;
            if ((int)(claim >> 32) != generation || part >= parts) return;
            if (Interlocked.CompareExchange(ref _claim, claim + 1, claim) != claim) continue;
            try { _run(_job, part, parts); }
            catch (Exception e) { _failure ??= ExceptionDispatchInfo.Capture(e); }
            finally
            {
                if (worker) Interlocked.Increment(ref _onWorkers);
                if (Interlocked.Decrement(ref _remaining) == 0) _done.Set();
            }
        }
    }

    private void StartWorkers(int count)
    {
        if (_go.Length >= count) return;
        var go = new ManualResetEventSlim[count];
        Array.Copy(_go, go, _go.Length);
        for (int t = _go.Length; t < count; t++)
        {
            var signal = go[t] = new ManualResetEventSlim(false);
            int index = t;
            long seen = Volatile.Read(ref _ticket);
            new Thread(() => Work(signal, seen)) { IsBackground = true, Name = $"Backprop worker {index + 1}" }.Start();
        }
        _go = go;
    }

    private void Work(ManualResetEventSlim go, long seen)
    {
        while (true)
        {
            // Wait for the next job: spin briefly, then sleep on the event (a set event with no new job is harmless:
            // the loop checks the ticket again).
            long start = Stopwatch.GetTimestamp();
            long ticket;
            while ((ticket = Volatile.Read(ref _ticket)) == seen)
            {
                if (Stopwatch.GetTimestamp() - start < SpinTicks) Thread.SpinWait(20);
                else
                {
                    go.Wait();
                    go.Reset();
                }
            }
            seen = ticket;
            TakeParts((int)(ticket >> 16), (int)(ticket & 0xFFFF), worker: true);
        }
    }

    // Spins for up to SpinTicks until every part has finished, then blocks on the event.
    private void WaitForParts()
    {
        long start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _remaining) != 0)
        {
            if (Stopwatch.GetTimestamp() - start < SpinTicks) Thread.SpinWait(20);
            else _done.Wait();
        }
    }
}
