using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Backprop.Layers;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>Gradient descent with momentum: velocity = beta · velocity + gradient; weights -= alpha · velocity.</summary>
/// <remarks>
/// As in <see cref="Adam{T}"/>, a subnormal gradient counts as zero, and a velocity whose step alpha · velocity would be
/// below the smallest normal number is set to zero instead of decaying through subnormal numbers (slow on x64); a run
/// with no subnormal value is unchanged.
/// </remarks>
internal sealed class Momentum<T> : IResumableOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dictionary<Parameter<T>, T[]> _velocity = [];
    private T _tiny;

    /// <summary>Momentum with learning rate <paramref name="alpha"/> and decay <paramref name="beta"/> (0 ≤ beta &lt; 1; 0.9 is usual).</summary>
    public Momentum(double alpha, T beta)
    {
        Sgd<T>.CheckAlpha(alpha);
        if (!(beta >= T.Zero && beta < T.One)) throw new ArgumentOutOfRangeException(nameof(beta), $"Momentum beta must be at least 0 and below 1, not {beta}.");
        LearningRate = alpha;
        Beta = beta;
    }

    private T _alpha;

    /// <inheritdoc/>
    public double LearningRate
    {
        get;
        set
        {
            _alpha = Sgd<T>.CheckedRate(value);
            field = value;
            // Velocities whose step alpha · velocity would be subnormal are set to 0 (a rate of 0 takes no step: only subnormal velocities are).
            _tiny = _alpha == T.Zero ? Tiny.Normal<T>() : T.Max(T.One, T.One / _alpha) * Tiny.Normal<T>();
        }
    }

    /// <summary>How much of the previous velocity is kept each step.</summary>
    public T Beta { get; }

    // The velocity of a parameter (for tests that look for subnormal values).
    internal T[] VelocityOf(Parameter<T> parameter) => _velocity[parameter];

    /// <inheritdoc/>
    public OptimizerState SaveState(IReadOnlyList<Parameter<T>> parameters) =>
        new("momentum", 0, parameters.Select(p => OptimizerStates.Widen(_velocity.GetValueOrDefault(p), p.Value.Length)).ToArray());

    /// <inheritdoc/>
    public void RestoreState(OptimizerState state, IReadOnlyList<Parameter<T>> parameters)
    {
        OptimizerStates.Check(state, "momentum", 1, parameters);
        _velocity.Clear();
        for (int i = 0; i < parameters.Count; i++) _velocity[parameters[i]] = OptimizerStates.Narrow<T>(state.Buffers[i]);
    }

    /// <inheritdoc/>
    public void Update(ReadOnlySpan<Parameter<T>> parameters, Compute? compute = null)
    {
        foreach (var p in parameters)
        {
            if (!_velocity.TryGetValue(p, out var v)) _velocity[p] = v = new T[p.Value.Length];
            if (p.Value.Length >= Tiny.ParallelLength && compute is { Threads: > 1 } && ParallelUpdate(p, v)) continue;
            Update(p.Value.Span, p.Gradient.Span, v, _alpha, Beta, _tiny);
        }
    }

    // A long parameter (a layer's weights) is split between two threads; each element's result is the same as on one.
    private unsafe bool ParallelUpdate(Parameter<T> p, T[] velocity)
    {
        fixed (T* w = p.Value.Span, g = p.Gradient.Span, v = velocity)
        {
            var job = new UpdateJob(w, g, v, p.Value.Length, _alpha, Beta, _tiny);
            return WorkerPool.Shared.TryRun(2, ref job);
        }
    }

    private readonly unsafe struct UpdateJob(T* w, T* g, T* v, int length, T alpha, T beta, T tiny) : IParallelJob
    {
        public void Run(int part, int parts)
        {
            int from = (int)((long)length * part / parts), n = (int)((long)length * (part + 1) / parts) - from;
            Update(new Span<T>(w + from, n), new ReadOnlySpan<T>(g + from, n), new Span<T>(v + from, n), alpha, beta, tiny);
        }
    }

    // velocity = beta · velocity + gradient (or 0 where its step is subnormal); weights -= alpha · velocity. Whole
    // vectors, then the tail, with the same operations in the same order: each element is the scalar loop's.
    private static void Update(Span<T> w, ReadOnlySpan<T> g, Span<T> velocity, T alphaScalar, T betaScalar, T tinyScalar)
    {
        ref T wr = ref MemoryMarshal.GetReference(w);
        ref T gr = ref MemoryMarshal.GetReference(g);
        ref T vr = ref MemoryMarshal.GetReference(velocity);
        nuint n = (nuint)w.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var beta = new Vector<T>(betaScalar);
            var alpha = new Vector<T>(alphaScalar);
            var tiny = new Vector<T>(tinyScalar);
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
            T vi = betaScalar * Unsafe.Add(ref vr, i) + gi;
            if (T.Abs(vi) < tinyScalar) vi = T.Zero;
            Unsafe.Add(ref vr, i) = vi;
            Unsafe.Add(ref wr, i) -= alphaScalar * vi;
        }
    }
}
