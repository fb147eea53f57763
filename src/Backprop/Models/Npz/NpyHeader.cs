namespace Backprop.Models;

/// <summary>What an .npy file's header says: element type, layout and shape, and how many bytes it and the data take.</summary>
/// <param name="Descr">numpy's type string, e.g. "&lt;f8".</param>
/// <param name="FortranOrder">True when the data is column-major.</param>
/// <param name="Shape">Sizes of the dimensions.</param>
/// <param name="HeaderBytes">Bytes from the file's start to its data: magic, version, length, header text.</param>
internal sealed record NpyHeader(string Descr, bool FortranOrder, int[] Shape, int HeaderBytes)
{
    /// <summary>Bytes an element takes: 4 for float32, 8 for float64.</summary>
    public int ItemSize => Descr == "<f4" ? 4 : 8;

    /// <summary>Number of elements (the product of the shape).</summary>
    public long Count => Shape.Aggregate(1L, (product, size) => product * size);

    /// <summary>Bytes the data takes.</summary>
    public long DataBytes => Count * ItemSize;
}
