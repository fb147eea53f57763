namespace Backprop.Models;

/// <summary>One array of an .npz archive: its entry's name without ".npy", element type, shape and values.</summary>
/// <param name="Name">The array's name, as <c>np.load(...)[name]</c> finds it.</param>
/// <param name="Descr">numpy's type string: "&lt;f4" (float32) or "&lt;f8" (float64), little-endian.</param>
/// <param name="Shape">Sizes of the dimensions (one for a vector, two for a matrix), C (row-major) order.</param>
/// <param name="Values">The values in row-major order, float32 ones widened exactly.</param>
internal sealed record NpyArray(string Name, string Descr, int[] Shape, double[] Values)
{
    /// <summary>The shape as Python writes a tuple: (3,) or (3, 4).</summary>
    public string ShapeText => NpyFormat.ShapeText(Shape);
}
