using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Losses;

/// <summary>
/// Categorical cross-entropy, -Σ target · log(prediction), for probabilities from a softmax and one-hot targets;
/// with <see cref="ClassWeights"/>, each row's loss and delta times its row's class weight (see <see cref="Losses.ClassWeights"/>).
/// </summary>
internal sealed class CrossEntropy<T> : ILoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // log(0) is -inf; a prediction is held at least this far from 0 so that one confident mistake gives a large, finite loss.
    private static readonly T Floor = T.CreateChecked(1e-12);
    private readonly RowWeights<T>? _weights;
    private CrossEntropy<T>? _unweighted;

    /// <summary>Cross-entropy, each row weighed by its class's weight in <paramref name="classWeights"/> when given.</summary>
    /// <exception cref="ArgumentException">The class weights cannot be used (<see cref="ClassWeights.Problem"/>).</exception>
    public CrossEntropy(ClassWeights? classWeights = null)
    {
        ClassWeights = classWeights;
        _weights = classWeights is null ? null : new RowWeights<T>(classWeights);
    }

    /// <summary>The class weights, or null when every row weighs 1.</summary>
    public ClassWeights? ClassWeights { get; }

    /// <inheritdoc/>
    public LossKind Kind => LossKind.CrossEntropy;

    /// <inheritdoc/>
    public T Loss(Matrix<T> prediction, Matrix<T> target)
    {
        LossChecks.SameShape(prediction, target);
        if (_weights is not null) return WeightedLoss(prediction, target, _weights);
        ReadOnlySpan<T> p = prediction.Span, y = target.Span;
        T total = T.Zero;
        for (int i = 0; i < p.Length; i++)
            if (y[i] != T.Zero) total -= y[i] * T.Log(T.Max(p[i], Floor));
        return total;
    }

    private static T WeightedLoss(Matrix<T> prediction, Matrix<T> target, RowWeights<T> weights)
    {
        T total = T.Zero;
        for (int r = 0; r < prediction.Rows; r++)
        {
            ReadOnlySpan<T> p = prediction.RowSpan(r), y = target.RowSpan(r);
            T row = T.Zero;
            for (int i = 0; i < p.Length; i++)
                if (y[i] != T.Zero) row -= y[i] * T.Log(T.Max(p[i], Floor));
            total += weights.Of(y) * row;
        }
        return total;
    }

    /// <inheritdoc/>
    public void Delta(Matrix<T> prediction, Matrix<T> target, Matrix<T> delta)
    {
        LossChecks.SameShape(prediction, target);
        ReadOnlySpan<T> p = prediction.Span, y = target.Span;
        Span<T> d = delta.Span;
        for (int i = 0; i < d.Length; i++) d[i] = -y[i] / T.Max(p[i], Floor);
        _weights?.Scale(target, delta);
    }

    /// <inheritdoc/>
    public void WeighRows(Matrix<T> target, Matrix<T> delta) => _weights?.Scale(target, delta);

    /// <inheritdoc/>
    public ILoss<T> Unweighted => _weights is null ? this : _unweighted ??= new CrossEntropy<T>();

    /// <inheritdoc/>
    public Activation? FusedOutput => Activation.Softmax;
}
