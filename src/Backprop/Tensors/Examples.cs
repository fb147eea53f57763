using System.Numerics;

namespace Backprop.Tensors;

/// <summary>Checks on inputs and targets that every consumer of examples (training, evaluation, attribution) makes alike.</summary>
internal static class Examples
{
    /// <summary>Throws <see cref="ShapeMismatchException"/> unless inputs and targets have the same number of rows (one example each).</summary>
    public static void CheckSameRows<T>(IRowSource<T> inputs, Matrix<T> targets) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inputs.Rows != targets.Rows)
            throw new ShapeMismatchException($"Inputs of shape ({inputs.Rows}, {inputs.Columns}) and targets of shape {targets.Shape} have different numbers of rows.");
    }
}
