using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Backprop.Layers;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// Adam (Kingma and Ba, 2015): per-weight steps from running means of the gradient (m) and of its square (v),
/// bias-corrected, computed as PyTorch's <c>torch.optim.Adam</c> does:
/// <c>m += (1-β1)(g - m); v = β2·v + (1-β2)·g·g; w -= (α / (1-β1^t))·m / (√v / √(1-β2^t) + ε)</c>.
/// </summary>
/// <remarks>
/// Moments too small to matter are set to zero rather than left to become subnormal numbers (the first moment of a
/// weight whose gradient is always zero, behind a dead relu, decays by β1 a step and is subnormal within a few
/// hundred steps; x64 processors take a microcode assist, about a hundred times slower, for every vector operation
/// that touches one). The rule: a subnormal gradient counts as 0 (rare, from nearly dead units; the comparison
/// that finds it costs no assist, arithmetic on it would); a gradient so small that (1-β2)·g·g would be below the
/// smallest normal number adds nothing to v (such gradients, |g| below about 3.4e-18 in float32, grow common as
/// training goes on: on Fashion-MNIST 784-512-256-10 none in the first epoch, 15 million of the 500 million updates of
/// the twentieth, which made Adam's epochs about 20% slower by then); m becomes 0 where its step (α / (1-β1^t))·m would
/// be below the smallest normal number; and v becomes 0 where it is below the smallest normal number. It is plain
/// arithmetic, the same on every instruction set, and it changes nothing in a run where no value is subnormal.
/// </remarks>
internal sealed class Adam<T> : IResumableOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dictionary<Parameter<T>, (T[] M, T[] V)> _moments = [];
    private int _step;

    /// <summary>Adam with learning rate <paramref name="alpha"/> (0.001 is usual) and the paper's defaults for the rest.</summary>
    public Adam(double alpha, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        Sgd<T>.CheckAlpha(alpha);
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), $"Adam's beta1 must be at least 0 and below 1, not {beta1}.");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), $"Adam's beta2 must be at least 0 and below 1, not {beta2}.");
        if (!(epsilon > 0 && double.IsFinite(epsilon))) throw new ArgumentOutOfRangeException(nameof(epsilon), $"Adam's epsilon must be a finite number above 0, not {epsilon}.");
        LearningRate = alpha;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <inheritdoc/>
    public double LearningRate { get; set { Sgd<T>.CheckedRate(value); field = value; } }

    /// <summary>Decay of the gradient's running mean.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the squared gradient's running mean.</summary>
    public double Beta2 { get; }

    /// <summary>Keeps the step finite where v is near 0.</summary>
    public double Epsilon { get; }

    /// <summary>Updates done so far (t in the bias corrections).</summary>
    public int Steps => _step;

    // The running moments of a parameter (for tests that look for subnormal values).
    internal (T[] M, T[] V) MomentsOf(Parameter<T> parameter) => _moments[parameter];

    /// <inheritdoc/>
    public OptimizerState SaveState(IReadOnlyList<Parameter<T>> parameters) => new("adam", _step, parameters.SelectMany(p =>
    {
        var mv = _moments.TryGetValue(p, out var found) ? found : default;
        return new[] { OptimizerStates.Widen(mv.M, p.Value.Length), OptimizerStates.Widen(mv.V, p.Value.Length) };
    }).ToArray());

    /// <inheritdoc/>
    public void RestoreState(OptimizerState state, IReadOnlyList<Parameter<T>> parameters)
    {
        OptimizerStates.Check(state, "adam", 2, parameters);
        _moments.Clear();
        for (int i = 0; i < parameters.Count; i++)
            _moments[parameters[i]] = (OptimizerStates.Narrow<T>(state.Buffers[2 * i]), OptimizerStates.Narrow<T>(state.Buffers[2 * i + 1]));
        _step = state.Steps;
    }

    /// <inheritdoc/>
    public void Update(ReadOnlySpan<Parameter<T>> parameters, Compute? compute = null)
    {
        _step++;
        // As PyTorch: the bias corrections in float64, then the scalars in the parameters' precision.
        double stepSize = LearningRate / (1 - Math.Pow(Beta1, _step));
        var c = new Coefficients(
            OneMinusBeta1: T.CreateChecked(1 - Beta1),
            Beta2: T.CreateChecked(Beta2),
            OneMinusBeta2: T.CreateChecked(1 - Beta2),
            StepSize: T.CreateChecked(stepSize),
            BiasCorrection2Sqrt: T.CreateChecked(Math.Sqrt(1 - Math.Pow(Beta2, _step))),
            Epsilon: T.CreateChecked(Epsilon),
            TinyM: stepSize == 0 ? Tiny.Normal<T>() : T.CreateChecked(Math.Max(1.0, 1 / stepSize)) * Tiny.Normal<T>(),
            // Below this |g|, (1-β2)·g·g is below the smallest normal number (rounding aside): it adds nothing to v.
            TinyG2: T.CreateChecked(Math.Sqrt(double.CreateChecked(Tiny.Normal<T>()) / (1 - Beta2))));
        foreach (var p in parameters)
        {
            if (!_moments.TryGetValue(p, out var mv)) _moments[p] = mv = (new T[p.Value.Length], new T[p.Value.Length]);
            if (p.Value.Length >= Tiny.ParallelLength && compute is { Threads: > 1 } && ParallelUpdate(p, mv, c)) continue;
            Update(p.Value.Span, p.Gradient.Span, mv.M, mv.V, c);
        }
    }

    // A long parameter (a layer's weights) is split between two threads; each element's result is the same as on one.
    private static unsafe bool ParallelUpdate(Parameter<T> p, (T[] M, T[] V) moments, in Coefficients c)
    {
        fixed (T* w = p.Value.Span, g = p.Gradient.Span, m = moments.M, v = moments.V)
        {
            var job = new UpdateJob(w, g, m, v, p.Value.Length, c);
            return WorkerPool.Shared.TryRun(2, ref job);
        }
    }

    private readonly unsafe struct UpdateJob(T* w, T* g, T* m, T* v, int length, Coefficients c) : IParallelJob
    {
        public void Run(int part, int parts)
        {
            int from = (int)((long)length * part / parts), n = (int)((long)length * (part + 1) / parts) - from;
            Update(new Span<T>(w + from, n), new ReadOnlySpan<T>(g + from, n), new Span<T>(m + from, n), new Span<T>(v + from, n), c);
        }
    }

    private readonly record struct Coefficients(T OneMinusBeta1, T Beta2, T OneMinusBeta2, T StepSize, T BiasCorrection2Sqrt, T Epsilon, T TinyM, T TinyG2);

    // One Adam step over w, g, m, v, element by element; whole vectors first, then the tail, with the same
    // operations in the same order (no fused multiply-adds), so every element's result is the scalar loop's.
    private static void Update(Span<T> w, ReadOnlySpan<T> g, Span<T> m, Span<T> v, in Coefficients c)
    {
        ref T wr = ref MemoryMarshal.GetReference(w);
        ref T gr = ref MemoryMarshal.GetReference(g);
        ref T mr = ref MemoryMarshal.GetReference(m);
        ref T vr = ref MemoryMarshal.GetReference(v);
        nuint n = (nuint)w.Length, i = 0;
        // The widest vectors the processor has first (AVX-512: half the instructions of Vector<T>'s 256 bits), then
        // Vector<T>, then the tail: the same operations on each element whichever loop takes it.
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<T>.Count)
        {
            var oneMinusB1 = Vector512.Create(c.OneMinusBeta1);
            var b2 = Vector512.Create(c.Beta2);
            var oneMinusB2 = Vector512.Create(c.OneMinusBeta2);
            var negStep = Vector512.Create(-c.StepSize);
            var bc2Sqrt = Vector512.Create(c.BiasCorrection2Sqrt);
            var eps = Vector512.Create(c.Epsilon);
            var tinyM = Vector512.Create(c.TinyM);
            var tinyV = Vector512.Create(Tiny.Normal<T>());
            var tinyG2 = Vector512.Create(c.TinyG2);
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
            {
                var gi = Vector512.LoadUnsafe(ref gr, i);
                gi = Vector512.AndNot(gi, Vector512.LessThan(Vector512.Abs(gi), tinyV));
                var mi = Vector512.LoadUnsafe(ref mr, i);
                mi += oneMinusB1 * (gi - mi);
                mi = Vector512.AndNot(mi, Vector512.LessThan(Vector512.Abs(mi), tinyM));
                var gs = Vector512.AndNot(gi, Vector512.LessThan(Vector512.Abs(gi), tinyG2));
                var vi = Vector512.LoadUnsafe(ref vr, i) * b2 + oneMinusB2 * gs * gs;
                vi = Vector512.AndNot(vi, Vector512.LessThan(vi, tinyV));
                var denom = Vector512.Sqrt(vi) / bc2Sqrt + eps;
                (Vector512.LoadUnsafe(ref wr, i) + negStep * mi / denom).StoreUnsafe(ref wr, i);
                mi.StoreUnsafe(ref mr, i);
                vi.StoreUnsafe(ref vr, i);
            }
        }
        if (Vector.IsHardwareAccelerated)
        {
            var oneMinusB1 = new Vector<T>(c.OneMinusBeta1);
            var b2 = new Vector<T>(c.Beta2);
            var oneMinusB2 = new Vector<T>(c.OneMinusBeta2);
            var negStep = new Vector<T>(-c.StepSize);
            var bc2Sqrt = new Vector<T>(c.BiasCorrection2Sqrt);
            var eps = new Vector<T>(c.Epsilon);
            var tinyM = new Vector<T>(c.TinyM);
            var tinyV = new Vector<T>(Tiny.Normal<T>());
            var tinyG2 = new Vector<T>(c.TinyG2);
            for (; i + (nuint)Vector<T>.Count <= n; i += (nuint)Vector<T>.Count)
            {
                var gi = Vector.LoadUnsafe(ref gr, i);
                gi = Vector.AndNot(gi, Vector.LessThan(Vector.Abs(gi), tinyV));        // a subnormal gradient counts as 0
                var mi = Vector.LoadUnsafe(ref mr, i);
                mi += oneMinusB1 * (gi - mi);                                        // exp_avg.lerp_(grad, 1 - beta1)
                mi = Vector.AndNot(mi, Vector.LessThan(Vector.Abs(mi), tinyM)); // ... or 0 where its step is subnormal
                var gs = Vector.AndNot(gi, Vector.LessThan(Vector.Abs(gi), tinyG2)); // ... and one whose (1-β2)·g·g is subnormal adds nothing to v
                var vi = Vector.LoadUnsafe(ref vr, i) * b2 + oneMinusB2 * gs * gs;    // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
                vi = Vector.AndNot(vi, Vector.LessThan(vi, tinyV));
                var denom = Vector.SquareRoot(vi) / bc2Sqrt + eps;                    // (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
                (Vector.LoadUnsafe(ref wr, i) + negStep * mi / denom).StoreUnsafe(ref wr, i); // param.addcdiv_(exp_avg, denom, value=-step_size)
                mi.StoreUnsafe(ref mr, i);
                vi.StoreUnsafe(ref vr, i);
            }
        }
        T tiny = Tiny.Normal<T>();
        for (; i < n; i++)
        {
            T gi = Unsafe.Add(ref gr, i), mi = Unsafe.Add(ref mr, i);
            if (T.Abs(gi) < tiny) gi = T.Zero;
            mi += c.OneMinusBeta1 * (gi - mi);
            if (T.Abs(mi) < c.TinyM) mi = T.Zero;
            T gs = T.Abs(gi) < c.TinyG2 ? T.Zero : gi;
            T vi = Unsafe.Add(ref vr, i) * c.Beta2 + c.OneMinusBeta2 * gs * gs;
            if (vi < tiny) vi = T.Zero;
            T denom = T.Sqrt(vi) / c.BiasCorrection2Sqrt + c.Epsilon;
            Unsafe.Add(ref wr, i) += -c.StepSize * mi / denom;
            Unsafe.Add(ref mr, i) = mi;
            Unsafe.Add(ref vr, i) = vi;
        }
    }
}
