using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Backprop;

/// <summary>
/// Threads that split a large matrix product between them (and, between products, the gathering of a batch of
/// images and a large weight update). They are started once and wait between jobs, and the job is passed through
/// static fields, so a job on several threads allocates nothing (Parallel.For does).
/// </summary>
/// <remarks>
/// Training issues products a few hundred microseconds apart. A thread that went to sleep in between takes tens of
/// microseconds to wake, which on two cores could make two threads slower than one; so both sides spin for a short
/// while (<see cref="SpinTicks"/>) before they block, as BLAS libraries' threads do.
/// </remarks>
internal static class WorkerPool
{
    private static readonly Lock Gate = new();
    private static ManualResetEventSlim[] _go = [];
    private static readonly ManualResetEventSlim Done = new(false);
    private static int _generation;   // bumped once per product; workers run when it moves
    private static int _remaining;    // worker parts still running in this product
    private static int _parts;
    private static Action<int>? _work;
    private static ExceptionDispatchInfo? _failure;
    private static Operands<float> _float;
    private static Operands<double> _double;

    // How long a waiting thread spins before it blocks: about 0.2 ms.
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000;

    // Cached once: they read the job from the fields above.
    private static readonly Action<int> RunFloat = part => PackedGemm.RunPart<float, Separate>(_float, part, _parts);
    private static readonly Action<int> RunDouble = part => PackedGemm.RunPart<double, Separate>(_double, part, _parts);
    private static readonly Action<int> RunFloatFused = part => PackedGemm.RunPart<float, Fused>(_float, part, _parts);
    private static readonly Action<int> RunDoubleFused = part => PackedGemm.RunPart<double, Fused>(_double, part, _parts);

    /// <summary>
    /// Runs the product as <paramref name="parts"/> parts, part 0 on the calling thread. Returns false, having done
    /// nothing, when another thread's product holds the workers (the caller then runs it alone).
    /// </summary>
    public static bool TryRun<T>(int parts, in Operands<T> o, bool fused) where T : unmanaged
    {
        if (!Gate.TryEnter()) return false;
        try
        {
            if (typeof(T) == typeof(float)) { _float = Unsafe.As<Operands<T>, Operands<float>>(ref Unsafe.AsRef(in o)); _work = fused ? RunFloatFused : RunFloat; }
            else { _double = Unsafe.As<Operands<T>, Operands<double>>(ref Unsafe.AsRef(in o)); _work = fused ? RunDoubleFused : RunDouble; }
            RunHeld(parts);
            return true;
        }
        finally
        {
            Gate.Exit();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/>(part) for each part in [0, <paramref name="parts"/>), part 0 on the calling
    /// thread; false, having done nothing, when the workers are busy. <paramref name="work"/> should be a cached
    /// delegate that reads its job from fields, so that a call allocates nothing.
    /// </summary>
    public static bool TryRun(int parts, Action<int> work)
    {
        if (!Gate.TryEnter()) return false;
        try
        {
            _work = work;
            RunHeld(parts);
            return true;
        }
        finally
        {
            Gate.Exit();
        }
    }

    // With the gate held and _work set: starts the parts, runs part 0, waits for the rest.
    private static void RunHeld(int parts)
    {
        StartWorkers(parts - 1);
        _parts = parts;
        _failure = null;
        Done.Reset();
        Volatile.Write(ref _remaining, parts - 1);
        Interlocked.Increment(ref _generation); // publishes the job to spinning workers
        for (int t = 0; t < parts - 1; t++) _go[t].Set(); // and wakes sleeping ones
        _work!(0);
        WaitUntil(static () => Volatile.Read(ref _remaining) == 0, Done);
        _failure?.Throw();
    }

    private static void StartWorkers(int count)
    {
        if (_go.Length >= count) return;
        var go = new ManualResetEventSlim[count];
        Array.Copy(_go, go, _go.Length);
        for (int t = _go.Length; t < count; t++)
        {
            var signal = go[t] = new ManualResetEventSlim(false);
            int index = t;
            int seen = Volatile.Read(ref _generation);
            new Thread(() => Work(signal, index, seen)) { IsBackground = true, Name = $"Backprop GEMM {index + 1}" }.Start();
        }
        _go = go;
    }

    private static void Work(ManualResetEventSlim go, int index, int seen)
    {
        while (true)
        {
            // Wait for the next product: spin briefly, then sleep on the event (a set event with no new product
            // is harmless: the loop checks the generation again).
            long start = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _generation) == seen)
            {
                if (Stopwatch.GetTimestamp() - start < SpinTicks) Thread.SpinWait(20);
                else
                {
                    go.Wait();
                    go.Reset();
                }
            }
            seen = Volatile.Read(ref _generation);
            if (index + 1 >= _parts) continue; // this product has fewer parts than there are workers
            try { _work!(index + 1); }
            catch (Exception e) { _failure ??= ExceptionDispatchInfo.Capture(e); }
            finally
            {
                if (Interlocked.Decrement(ref _remaining) == 0) Done.Set();
            }
        }
    }

    // Spins for up to SpinTicks while the condition is false, then blocks on the event until it holds.
    private static void WaitUntil(Func<bool> condition, ManualResetEventSlim signal)
    {
        long start = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() - start < SpinTicks) Thread.SpinWait(20);
            else signal.Wait();
        }
    }
}
