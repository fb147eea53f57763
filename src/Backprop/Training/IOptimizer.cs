using System.Numerics;

namespace Backprop.Training;

/// <summary>Moves parameters against their gradients; called once per batch after backpropagation.</summary>
public interface IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Updates each parameter's values from its gradient.</summary>
    /// <param name="parameters">The parameters, with the gradients of the last backward pass.</param>
    /// <param name="compute">The threads a long parameter's update may use (null: one); the result is the same either way.</param>
    void Update(ReadOnlySpan<Parameter<T>> parameters, Compute? compute = null);

    /// <summary>
    /// The learning rate. The trainer sets it at the start of every epoch from its <see cref="LearningRateSchedule"/>;
    /// changing it keeps the optimizer's running state (momentum's velocity, Adam's moments and step count).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value (0 is allowed: a step of nothing, as a rate too small for the precision becomes).</exception>
    T Alpha { get; set; }
}
