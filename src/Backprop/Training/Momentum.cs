using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>Gradient descent with momentum: velocity = beta · velocity + gradient; weights -= alpha · velocity.</summary>
/// <remarks>
/// As in <see cref="Adam{T}"/>, a subnormal gradient counts as zero, and a velocity whose step alpha · velocity would be
/// below the smallest normal number is set to zero instead of decaying through subnormal numbers (slow on x64); a run
/// with no subnormal value is unchanged.
/// </remarks>
public sealed class Momentum<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dictionary<Parameter<T>, T[]> _velocity = [];
    private readonly T _tiny;

    // The job the product threads share while one long parameter is updated.
    private readonly Action<int> _part;
    private Parameter<T>? _partParameter;
    private T[]? _partVelocity;

    /// <summary>Momentum with learning rate <paramref name="alpha"/> and decay <paramref name="beta"/> (0 ≤ beta &lt; 1; 0.9 is usual).</summary>
    public Momentum(T alpha, T beta)
    {
        Sgd<T>.CheckAlpha(alpha);
        if (!(beta >= T.Zero && beta < T.One)) throw new ArgumentOutOfRangeException(nameof(beta), $"Momentum beta must be at least 0 and below 1, not {beta}.");
        Alpha = alpha;
        Beta = beta;
        _tiny = T.Max(T.One, T.One / alpha) * Tiny.Normal<T>();
        _part = part =>
        {
            var p = _partParameter!;
            int length = p.Value.Length, from = (int)((long)length * part / 2), to = (int)((long)length * (part + 1) / 2);
            Update(p.Value.Span[from..to], p.Gradient.Span[from..to], _partVelocity.AsSpan(from, to - from));
        };
    }

    /// <summary>The learning rate.</summary>
    public T Alpha { get; }

    /// <summary>How much of the previous velocity is kept each step.</summary>
    public T Beta { get; }

    // The velocity of a parameter (for tests that look for subnormal values).
    internal T[] VelocityOf(Parameter<T> parameter) => _velocity[parameter];

    /// <inheritdoc/>
    public void Update(ReadOnlySpan<Parameter<T>> parameters)
    {
        foreach (var p in parameters)
        {
            if (!_velocity.TryGetValue(p, out var v)) _velocity[p] = v = new T[p.Value.Length];
            if (p.Value.Length >= Tiny.ParallelLength && Gemm.MaxThreads > 1)
            {
                (_partParameter, _partVelocity) = (p, v);
                bool ran = WorkerPool.TryRun(2, _part);
                (_partParameter, _partVelocity) = (null, null);
                if (ran) continue;
            }
            Update(p.Value.Span, p.Gradient.Span, v);
        }
    }

    // velocity = beta · velocity + gradient (or 0 where its step is subnormal); weights -= alpha · velocity. Whole
    // vectors, then the tail, with the same operations in the same order: each element is the scalar loop's.
    private void Update(Span<T> w, ReadOnlySpan<T> g, Span<T> velocity)
    {
        ref T wr = ref MemoryMarshal.GetReference(w);
        ref T gr = ref MemoryMarshal.GetReference(g);
        ref T vr = ref MemoryMarshal.GetReference(velocity);
        nuint n = (nuint)w.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var beta = new Vector<T>(Beta);
            var alpha = new Vector<T>(Alpha);
            var tiny = new Vector<T>(_tiny);
            var normal = new Vector<T>(Tiny.Normal<T>());
            for (; i + (nuint)Vector<T>.Count <= n; i += (nuint)Vector<T>.Count)
            {
                var gi = Vector.LoadUnsafe(ref gr, i);
                gi = Vector.AndNot(gi, Vector.LessThan(Vector.Abs(gi), normal)); // a subnormal gradient counts as 0
                var vi = beta * Vector.LoadUnsafe(ref vr, i) + gi;
                vi = Vector.AndNot(vi, Vector.LessThan(Vector.Abs(vi), tiny));
                vi.StoreUnsafe(ref vr, i);
                (Vector.LoadUnsafe(ref wr, i) - alpha * vi).StoreUnsafe(ref wr, i);
            }
        }
        for (; i < n; i++)
        {
            T gi = Unsafe.Add(ref gr, i);
            if (T.Abs(gi) < Tiny.Normal<T>()) gi = T.Zero;
            T vi = Beta * Unsafe.Add(ref vr, i) + gi;
            if (T.Abs(vi) < _tiny) vi = T.Zero;
            Unsafe.Add(ref vr, i) = vi;
            Unsafe.Add(ref wr, i) -= Alpha * vi;
        }
    }
}
