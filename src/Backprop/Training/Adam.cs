using System.Numerics;

namespace Backprop;

/// <summary>
/// Adam (Kingma and Ba, 2015): per-weight steps from running means of the gradient (m) and of its square (v),
/// bias-corrected: weights -= alpha · m̂ / (√v̂ + ε).
/// </summary>
public sealed class Adam<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dictionary<Parameter<T>, (T[] M, T[] V)> _moments = [];
    private int _step;

    /// <summary>Adam with learning rate <paramref name="alpha"/> (0.001 is usual) and the paper's defaults for the rest.</summary>
    public Adam(T alpha, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        Sgd<T>.CheckAlpha(alpha);
        Alpha = alpha;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>The learning rate.</summary>
    public T Alpha { get; }

    /// <summary>Decay of the gradient's running mean.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the squared gradient's running mean.</summary>
    public double Beta2 { get; }

    /// <summary>Keeps the step finite where v is near 0.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public void Update(ReadOnlySpan<Parameter<T>> parameters)
    {
        _step++;
        T b1 = T.CreateChecked(Beta1), b2 = T.CreateChecked(Beta2), eps = T.CreateChecked(Epsilon);
        T oneMinusB1 = T.One - b1, oneMinusB2 = T.One - b2;
        // The bias corrections fold into the step size: alpha · √(1 - β2^t) / (1 - β1^t).
        T stepSize = Alpha * T.CreateChecked(Math.Sqrt(1 - Math.Pow(Beta2, _step)) / (1 - Math.Pow(Beta1, _step)));
        T epsHat = eps * T.CreateChecked(Math.Sqrt(1 - Math.Pow(Beta2, _step)));
        foreach (var p in parameters)
        {
            if (!_moments.TryGetValue(p, out var mv)) _moments[p] = mv = (new T[p.Value.Length], new T[p.Value.Length]);
            Span<T> w = p.Value.Span;
            ReadOnlySpan<T> g = p.Gradient.Span;
            for (int i = 0; i < w.Length; i++)
            {
                mv.M[i] = b1 * mv.M[i] + oneMinusB1 * g[i];
                mv.V[i] = b2 * mv.V[i] + oneMinusB2 * g[i] * g[i];
                w[i] -= stepSize * mv.M[i] / (T.Sqrt(mv.V[i]) + epsHat);
            }
        }
    }
}
