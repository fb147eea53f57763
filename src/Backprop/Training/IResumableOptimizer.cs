using System.Numerics;
using Backprop.Layers;

namespace Backprop.Training;

/// <summary>An optimizer whose running state can be copied out and put back, so that training resumed from a checkpoint updates as if it had never stopped.</summary>
internal interface IResumableOptimizer<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A copy of the running state for <paramref name="parameters"/> (a parameter not yet updated has zeros).</summary>
    OptimizerState SaveState(IReadOnlyList<Parameter<T>> parameters);

    /// <summary>Puts back a state that <see cref="SaveState"/> gave for parameters of the same shapes.</summary>
    /// <exception cref="ArgumentException">The state is another optimizer's, or its buffers do not fit the parameters.</exception>
    void RestoreState(OptimizerState state, IReadOnlyList<Parameter<T>> parameters);
}
