using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Backprop;

/// <summary>
/// Threads that split a large matrix product between them. They are started once and wait between products, and
/// the job is passed through static fields, so a product on several threads allocates nothing (Parallel.For does).
/// </summary>
internal static class WorkerPool
{
    private static readonly Lock Gate = new();
    private static readonly CountdownEvent Done = new(1);
    private static ManualResetEventSlim[] _go = [];
    private static int _parts;
    private static Action<int>? _work;
    private static ExceptionDispatchInfo? _failure;
    private static Operands<float> _float;
    private static Operands<double> _double;

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
            StartWorkers(parts - 1);
            if (typeof(T) == typeof(float)) { _float = Unsafe.As<Operands<T>, Operands<float>>(ref Unsafe.AsRef(in o)); _work = fused ? RunFloatFused : RunFloat; }
            else { _double = Unsafe.As<Operands<T>, Operands<double>>(ref Unsafe.AsRef(in o)); _work = fused ? RunDoubleFused : RunDouble; }
            _parts = parts;
            _failure = null;
            Done.Reset(parts - 1);
            for (int t = 0; t < parts - 1; t++) _go[t].Set();
            _work(0);
            Done.Wait();
            _failure?.Throw();
            return true;
        }
        finally
        {
            Gate.Exit();
        }
    }

    private static void StartWorkers(int count)
    {
        if (_go.Length >= count) return;
        var go = new ManualResetEventSlim[count];
        Array.Copy(_go, go, _go.Length);
        for (int t = _go.Length; t < count; t++)
        {
            var signal = go[t] = new ManualResetEventSlim(false, spinCount: 2000);
            int index = t;
            new Thread(() => Work(signal, index)) { IsBackground = true, Name = $"Backprop GEMM {index + 1}" }.Start();
        }
        _go = go;
    }

    private static void Work(ManualResetEventSlim go, int index)
    {
        while (true)
        {
            go.Wait();
            go.Reset();
            try { _work!(index + 1); }
            catch (Exception e) { _failure ??= ExceptionDispatchInfo.Capture(e); }
            finally { Done.Signal(); }
        }
    }
}
