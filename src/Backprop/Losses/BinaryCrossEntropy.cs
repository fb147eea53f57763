using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Losses;

/// <summary>
/// Binary cross-entropy, -Σ y log p + (1 - y) log(1 - p), for independent probabilities from a sigmoid; with
/// <see cref="ClassWeights"/>, each row's loss and delta times its row's class weight (see <see cref="Losses.ClassWeights"/>).
/// </summary>
internal sealed class BinaryCrossEntropy<T> : ILoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Floor = T.CreateChecked(1e-12);
    private readonly RowWeights<T>? _weights;
    private BinaryCrossEntropy<T>? _unweighted;

    /// <summary>Binary cross-entropy, each row weighed by its class's weight in <paramref name="classWeights"/> when given.</summary>
    /// <exception cref="ArgumentException">The class weights cannot be used (<see cref="ClassWeights.Problem"/>).</exception>
    public BinaryCrossEntropy(ClassWeights? classWeights = null)
    {
        ClassWeights = classWeights;
        _weights = classWeights is null ? null : new RowWeights<T>(classWeights);
    }

    /// <summary>The class weights, or null when every row weighs 1.</summary>
    public ClassWeights? ClassWeights { get; }

    /// <inheritdoc/>
    public LossKind Kind => LossKind.BinaryCrossEntropy;

    /// <inheritdoc/>
    public T Loss(Matrix<T> prediction, Matrix<T> target)
    {
        LossChecks.SameShape(prediction, target);
        T total = T.Zero;
        for (int r = 0; r < prediction.Rows; r++)
        {
            ReadOnlySpan<T> p = prediction.RowSpan(r), y = target.RowSpan(r);
            if (_weights is null)
                for (int i = 0; i < p.Length; i++) total -= Term(p[i], y[i]);
            else
            {
                T row = T.Zero;
                for (int i = 0; i < p.Length; i++) row -= Term(p[i], y[i]);
                total += _weights.Of(y) * row;
            }
        }
        return total;
    }

    private static T Term(T p, T y)
    {
        T q = T.Clamp(p, Floor, T.One - Floor);
        return y * T.Log(q) + (T.One - y) * T.Log(T.One - q);
    }

    /// <inheritdoc/>
    public void Delta(Matrix<T> prediction, Matrix<T> target, Matrix<T> delta)
    {
        LossChecks.SameShape(prediction, target);
        ReadOnlySpan<T> p = prediction.Span, y = target.Span;
        Span<T> d = delta.Span;
        for (int i = 0; i < d.Length; i++)
        {
            T q = T.Clamp(p[i], Floor, T.One - Floor);
            d[i] = (q - y[i]) / (q * (T.One - q));
        }
        _weights?.Scale(target, delta);
    }

    /// <inheritdoc/>
    public void WeighRows(Matrix<T> target, Matrix<T> delta) => _weights?.Scale(target, delta);

    /// <inheritdoc/>
    public ILoss<T> Unweighted => _weights is null ? this : _unweighted ??= new BinaryCrossEntropy<T>();

    /// <inheritdoc/>
    public Activation? FusedOutput => Activation.Sigmoid;
}
