using System.Numerics;

namespace Backprop;

/// <summary>
/// Dropout, as Grokking Deep Learning's chapter 8 does it: while training, each activation is kept or zeroed
/// by a 0/1 mask, the kept ones scaled by 1 / (1 - p) so the next layer sees the same expected sum, and the
/// delta is masked the same way; at evaluation it passes values through untouched.
/// </summary>
/// <remarks>
/// With p = 0.5 the mask is the book's <c>np.random.randint(2, size=layer_1.shape)</c>, drawn from the same
/// <see cref="NumpyRandom"/>; for other p it is <c>np.random.random_sample(shape) &gt;= p</c>.
/// </remarks>
public sealed class Dropout<T> : ILayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NumpyRandom _random;
    private readonly T _keepScale;
    private Matrix<T>? _mask, _output, _inputDelta;
    private bool _maskApplied;

    /// <summary>Drops each activation with probability <paramref name="p"/> (0 ≤ p &lt; 1), drawing masks from <paramref name="random"/>.</summary>
    public Dropout(double p, NumpyRandom random)
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout probability must be at least 0 and below 1, not {p}.");
        P = p;
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _keepScale = T.CreateChecked(1 / (1 - p));
    }

    /// <summary>The probability of dropping an activation.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public string Name => "dropout";

    /// <inheritdoc/>
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <inheritdoc/>
    public Matrix<T> Forward(Matrix<T> input, bool training)
    {
        _maskApplied = training && P > 0;
        if (!_maskApplied) return input;
        var mask = Buffers.Ensure(ref _mask, input.Rows, input.Columns);
        var output = Buffers.Ensure(ref _output, input.Rows, input.Columns);
        Span<T> m = mask.Span, y = output.Span;
        ReadOnlySpan<T> x = input.Span;
        for (int i = 0; i < m.Length; i++)
        {
            bool keep = P == 0.5 ? _random.RandInt(2) == 1 : _random.RandomSample() >= P;
            m[i] = keep ? _keepScale : T.Zero;
            y[i] = x[i] * m[i];
        }
        return output;
    }

    /// <inheritdoc/>
    public Matrix<T>? Backward(Matrix<T> outputDelta, bool needInputDelta)
    {
        if (!needInputDelta) return null;
        if (!_maskApplied) return outputDelta;
        var inputDelta = Buffers.Ensure(ref _inputDelta, outputDelta.Rows, outputDelta.Columns);
        ReadOnlySpan<T> m = _mask!.Span, d = outputDelta.Span;
        Span<T> dx = inputDelta.Span;
        for (int i = 0; i < dx.Length; i++) dx[i] = d[i] * m[i];
        return inputDelta;
    }
}
