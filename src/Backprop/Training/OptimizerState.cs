namespace Backprop.Training;

/// <summary>
/// What an optimizer carries from one update to the next, copied out so that training can stop and go on later
/// with the same numbers: its name, the updates done so far, and its running buffers, parameter by parameter in the
/// network's order (Adam: each parameter's first moment, then its second; momentum: each parameter's velocity;
/// plain gradient descent: none). Values are in float64 (float32 values are widened, so they narrow back exactly).
/// </summary>
/// <param name="Name">The optimizer: sgd, momentum or adam.</param>
/// <param name="Steps">Updates done so far (Adam's t).</param>
/// <param name="Buffers">The running buffers, each as long as its parameter.</param>
internal sealed record OptimizerState(string Name, int Steps, IReadOnlyList<double[]> Buffers);
