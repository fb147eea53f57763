namespace Backprop.Layers;

/// <summary>
/// Where backpropagation starts: a choice made by name, from the loss and the output activation
/// (<see cref="Backprop.Losses.ILoss{T}.FusedOutput"/>, <see cref="Network{T}.StartFor"/>).
/// </summary>
internal enum BackwardStart
{
    /// <summary>
    /// The loss's delta at the output (the notes' <c>layer_2_delta = layer_2 - goal</c> for squared error), carried
    /// back through the output activation's derivative.
    /// </summary>
    AtOutput,

    /// <summary>
    /// prediction - target at the output activation's input: softmax with cross-entropy, sigmoid with binary
    /// cross-entropy. It is exactly the delta there, and stable where -y/p through the activation's Jacobian is not.
    /// </summary>
    BelowOutputActivation,
}
