using System.Numerics;
using Backprop.Layers;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>Moves parameters against their gradients; called once per batch after backpropagation.</summary>
public interface IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Updates each parameter's values from its gradient.</summary>
    /// <param name="parameters">The parameters, with the gradients of the last backward pass.</param>
    /// <param name="compute">The threads a long parameter's update may use (null: one); the result is the same either way.</param>
    void Update(ReadOnlySpan<Parameter<T>> parameters, Compute? compute = null);

    /// <summary>
    /// The learning rate, in float64 as it was given (0.001, not float32's 0.0010000000474974513): the one place it
    /// lives. Each update takes it in the parameters' precision. A schedule sets it at the start of every epoch;
    /// changing it keeps the optimizer's running state (momentum's velocity, Adam's moments and step count).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value (0 is allowed: a step of nothing, as a rate too small for the precision becomes).</exception>
    double LearningRate { get; set; }
}
