namespace Backprop.Tensors;

/// <summary>How a matrix product rounds each step c += a·b of its sums.</summary>
public enum Summation
{
    /// <summary>
    /// A multiply, rounded, then an add, rounded: what numpy computed for the notes, so their printed digits come out
    /// the same. <see cref="Compute.Numpy"/> uses it for float64.
    /// </summary>
    NumpySeparate,

    /// <summary>
    /// One fused multiply-add, rounded once: a little more accurate, and faster (this is what BLAS libraries do).
    /// <see cref="Compute.Default"/> uses it.
    /// </summary>
    Fused,
}
