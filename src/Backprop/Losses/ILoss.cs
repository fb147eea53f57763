using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Losses;

/// <summary>How wrong a batch of predictions is, and in which direction to move them.</summary>
public interface ILoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Which loss this is (its name, for flags and files: <see cref="Vocabulary.Name{TEnum}"/>).</summary>
    LossKind Kind { get; }

    /// <summary>The loss of a batch (B, out), summed over its rows (the notes' error_for_all_lights adds these up).</summary>
    T Loss(Matrix<T> prediction, Matrix<T> target);

    /// <summary>delta (B, out) = d (<see cref="DeltaScale"/> · loss) / d prediction, row by row (not divided by the batch size).</summary>
    void Delta(Matrix<T> prediction, Matrix<T> target, Matrix<T> delta);

    /// <summary>
    /// The delta is the derivative of this multiple of the loss: 1 for most losses; ½ for the notes' squared
    /// error, whose delta (prediction - goal) leaves out the 2 of d/dp (p - y)², as if folded into alpha.
    /// </summary>
    double DeltaScale => 1;

    /// <summary>
    /// The output activation through which this loss's delta is exactly prediction - target (softmax for
    /// cross-entropy, sigmoid for binary cross-entropy), or null: a network with that output starts backpropagation
    /// at the activation's input (BackwardStart.BelowOutputActivation, in the network above).
    /// </summary>
    Activation? FusedOutput => null;

    /// <summary>
    /// Multiplies each row of <paramref name="delta"/> by the weight of the row of <paramref name="target"/> (class weights):
    /// a network starting backpropagation below the output activation calls it after prediction - target, so that the
    /// delta there is the weighted loss's. The default weighs every row 1 and does nothing.
    /// </summary>
    void WeighRows(Matrix<T> target, Matrix<T> delta) { }

    /// <summary>This loss without class weights (itself when it has none): what validation and evaluation measure.</summary>
    ILoss<T> Unweighted => this;
}
