namespace Backprop.Formatting;

/// <summary>The numpy element types the formatter knows how to print.</summary>
internal enum NumpyDtype
{
    /// <summary>numpy.float64 (implied in repr, no dtype suffix).</summary>
    Float64,
    /// <summary>numpy.float32: float32 shortest digits and a ", dtype=float32" suffix in repr.</summary>
    Float32,
    /// <summary>numpy.int64 (implied in repr).</summary>
    Int64,
    /// <summary>numpy.bool_ printed as True/False (implied in repr).</summary>
    Bool,
}
