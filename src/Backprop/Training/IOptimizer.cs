using System.Numerics;

namespace Backprop;

/// <summary>Moves parameters against their gradients; called once per batch after backpropagation.</summary>
public interface IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Updates each parameter's values from its gradient.</summary>
    void Update(ReadOnlySpan<Parameter<T>> parameters);
}
