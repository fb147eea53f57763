using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Training;

/// <summary>Where the optimizers' running values stop being worth keeping (see <see cref="Adam{T}"/>).</summary>
internal static class Tiny
{
    // Parameters of at least this many values are updated on two threads.
    public const int ParallelLength = 1 << 16;

    /// <summary>The smallest positive normal number of T (below it, subnormal numbers).</summary>
    public static T Normal<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? T.CreateTruncating(1.17549435E-38f) : T.CreateTruncating(2.2250738585072014E-308);
}
