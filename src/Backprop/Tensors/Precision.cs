namespace Backprop.Tensors;

/// <summary>The element type a network computes in: f32 (float, fast) or f64 (double, the notes' digits).</summary>
public enum Precision
{
    /// <summary>float: half the memory, twice the lanes of a vector; the fast path for real data.</summary>
    F32,

    /// <summary>double: what numpy computes in, so the notes' printed digits come out the same.</summary>
    F64,
}
