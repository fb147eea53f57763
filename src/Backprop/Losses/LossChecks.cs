using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Losses;

internal static class LossChecks
{
    public static void SameShape<T>(Matrix<T> prediction, Matrix<T> target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (prediction.Rows != target.Rows || prediction.Columns != target.Columns) Throw(prediction, target);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn, System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Throw<T>(Matrix<T> prediction, Matrix<T> target) where T : unmanaged, IFloatingPointIeee754<T> =>
        throw new ShapeMismatchException($"Prediction of shape {prediction.Shape} and target of shape {target.Shape} differ.");
}
