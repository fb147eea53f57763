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
/// One pool serves the process; how many parts a job has is the caller's <see cref="Compute.Threads"/>. Training
/// issues products a few hundred microseconds apart. A thread that went to sleep in between takes tens of
/// microseconds to wake, which on two cores could make two threads slower than one; so both sides spin for a short
/// while (<see cref="SpinTicks"/>) before they block, as BLAS libraries' threads do.
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
    // The job's generation (bumped once per job: workers run when it moves) and its part count in the low 16 bits,
    // published together so that a worker never pairs one job's generation with another's part count.
    private long _ticket;
    private int _remaining;    // worker parts still running in this job
    private void* _job;        // the caller's job struct, valid while it waits in TryRun
    private delegate*<void*, int, int, void> _run;
    private ExceptionDispatchInfo? _failure;

    [ThreadStatic] private static int t_jobsRun;

    /// <summary>Jobs this thread has run on the pool (tests use it to know that work was really split).</summary>
    internal static int JobsRunOnThisThread => t_jobsRun;

    /// <summary>The most parts a job can have.</summary>
    public const int MaxParts = 1 << 12;

    // How long a waiting thread spins before it blocks: about 0.2 ms.
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000;

    /// <summary>
    /// Runs <paramref name="job"/> as <paramref name="parts"/> parts, part 0 on the calling thread, and returns when
    /// all are done. Returns false, having done nothing, when another thread's job holds the workers (the caller then
    /// runs it alone). <paramref name="job"/> must be a local of the caller (it is read through its address).
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
            t_jobsRun++;
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

    // With the gate held and the job set: starts the parts, runs part 0, waits for the rest.
    private void RunHeld(int parts)
    {
        StartWorkers(parts - 1);
        _failure = null;
        _done.Reset();
        Volatile.Write(ref _remaining, parts - 1);
        Interlocked.Exchange(ref _ticket, ((_ticket >> 16) + 1) << 16 | (uint)parts); // publishes the job to spinning workers
        for (int t = 0; t < parts - 1; t++) _go[t].Set(); // and wakes sleeping ones
        try { _run(_job, 0, parts); }
        finally { WaitForWorkers(); } // the job lives on the caller's stack: never leave while a worker reads it
        _failure?.Throw();
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
            new Thread(() => Work(signal, index, seen)) { IsBackground = true, Name = $"Backprop worker {index + 1}" }.Start();
        }
        _go = go;
    }

    private void Work(ManualResetEventSlim go, int index, long seen)
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
            int parts = (int)(ticket & 0xFFFF);
            // A job with fewer parts than there are workers leaves this one out. A job that counts this worker cannot
            // finish, nor another start, until it has run its part: so _job is still that job's.
            if (index + 1 >= parts) continue;
            try { _run(_job, index + 1, parts); }
            catch (Exception e) { _failure ??= ExceptionDispatchInfo.Capture(e); }
            finally
            {
                if (Interlocked.Decrement(ref _remaining) == 0) _done.Set();
            }
        }
    }

    // Spins for up to SpinTicks until every worker part has finished, then blocks on the event.
    private void WaitForWorkers()
    {
        long start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _remaining) != 0)
        {
            if (Stopwatch.GetTimestamp() - start < SpinTicks) Thread.SpinWait(20);
            else _done.Wait();
        }
    }
}
