using System.Numerics;

namespace Backprop;

/// <summary>Gradient descent with momentum: velocity = beta · velocity + gradient; weights -= alpha · velocity.</summary>
public sealed class Momentum<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dictionary<Parameter<T>, T[]> _velocity = [];

    /// <summary>Momentum with learning rate <paramref name="alpha"/> and decay <paramref name="beta"/> (0 ≤ beta &lt; 1; 0.9 is usual).</summary>
    public Momentum(T alpha, T beta)
    {
        Sgd<T>.CheckAlpha(alpha);
        if (!(beta >= T.Zero && beta < T.One)) throw new ArgumentOutOfRangeException(nameof(beta), $"Momentum beta must be at least 0 and below 1, not {beta}.");
        Alpha = alpha;
        Beta = beta;
    }

    /// <summary>The learning rate.</summary>
    public T Alpha { get; }

    /// <summary>How much of the previous velocity is kept each step.</summary>
    public T Beta { get; }

    /// <inheritdoc/>
    public void Update(ReadOnlySpan<Parameter<T>> parameters)
    {
        foreach (var p in parameters)
        {
            if (!_velocity.TryGetValue(p, out var v)) _velocity[p] = v = new T[p.Value.Length];
            Span<T> w = p.Value.Span;
            ReadOnlySpan<T> g = p.Gradient.Span;
            for (int i = 0; i < w.Length; i++)
            {
                v[i] = Beta * v[i] + g[i];
                w[i] -= Alpha * v[i];
            }
        }
    }
}
