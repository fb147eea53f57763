using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop;

/// <summary>How a matrix product rounds each step c += a·b of its sums.</summary>
public enum Summation
{
    /// <summary>
    /// A multiply, rounded, then an add, rounded: what numpy computed for the notes, so their printed digits
    /// come out the same. The default for float64.
    /// </summary>
    Exact,

    /// <summary>
    /// One fused multiply-add, rounded once: a little more accurate, and on most processors faster (this is
    /// what BLAS libraries do). The default for float32, the fast path.
    /// </summary>
    Fused,
}
