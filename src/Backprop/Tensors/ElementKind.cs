using System.Numerics;
using System.Runtime.InteropServices;
using Backprop.Formatting;

namespace Backprop.Tensors;

/// <summary>What a matrix's elements stand for, as numpy's dtype would say: it changes printing only.</summary>
internal enum ElementKind
{
    /// <summary>Floating-point values (numpy float64 or float32).</summary>
    Float,
    /// <summary>Integers, as in a numpy int array built from integer literals: printed without a decimal point.</summary>
    Integer,
    /// <summary>0/1 truth values, as numpy's comparison results: printed as False/True.</summary>
    Boolean,
}
