using System.Numerics;

namespace Backprop;

/// <summary>How wrong a batch of predictions is, and in which direction to move them.</summary>
public interface ILoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A short name: sse, mse, cross-entropy, binary-cross-entropy.</summary>
    string Name { get; }

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
    /// True when, after <paramref name="outputLayer"/>, the delta at that layer's input is exactly
    /// prediction - target (softmax with cross-entropy, sigmoid with binary cross-entropy): the network then
    /// starts backpropagation there, which is exact and stable where -y/p through the Jacobian is not.
    /// </summary>
    bool FusesWith(ILayer<T> outputLayer) => false;
}
