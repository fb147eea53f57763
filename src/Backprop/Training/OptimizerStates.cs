using System.Numerics;
using Backprop.Layers;

namespace Backprop.Training;

/// <summary>The bookkeeping the optimizers share for <see cref="IResumableOptimizer{T}"/>: widening buffers out, checking and narrowing them back.</summary>
internal static class OptimizerStates
{
    /// <summary>A buffer in float64 (zeros when the optimizer has none yet for its parameter).</summary>
    public static double[] Widen<T>(T[]? buffer, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var wide = new double[length];
        if (buffer is not null) for (int i = 0; i < length; i++) wide[i] = double.CreateTruncating(buffer[i]);
        return wide;
    }

    /// <summary>Checks that <paramref name="state"/> is <paramref name="name"/>'s with <paramref name="perParameter"/> buffers a parameter of the right lengths.</summary>
    public static void Check<T>(OptimizerState state, string name, int perParameter, IReadOnlyList<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parameters);
        if (state.Name != name) throw new ArgumentException($"The optimizer state is {state.Name}'s, not {name}'s.", nameof(state));
        if (state.Steps < 0) throw new ArgumentException($"The optimizer state has {state.Steps} steps.", nameof(state));
        if (state.Buffers.Count != perParameter * parameters.Count)
            throw new ArgumentException($"The {name} state has {state.Buffers.Count} buffers; {parameters.Count} parameters need {perParameter * parameters.Count}.", nameof(state));
        for (int i = 0; i < state.Buffers.Count; i++)
            if (state.Buffers[i].Length != parameters[i / perParameter].Value.Length)
                throw new ArgumentException($"The {name} state's buffer {i} has {state.Buffers[i].Length} values; its parameter has {parameters[i / perParameter].Value.Length}.", nameof(state));
    }

    /// <summary>A float64 buffer back in T (exact for values that came from T).</summary>
    public static T[] Narrow<T>(double[] buffer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var narrow = new T[buffer.Length];
        for (int i = 0; i < buffer.Length; i++) narrow[i] = T.CreateTruncating(buffer[i]);
        return narrow;
    }
}
