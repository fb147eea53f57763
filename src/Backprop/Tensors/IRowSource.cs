using System.Numerics;

namespace Backprop.Tensors;

/// <summary>
/// Rows of inputs read one at a time: what a trainer gathers its batches from and what evaluation reads in chunks.
/// A <see cref="Matrix{TFloat}"/> is one; <see cref="Data.Dataset.RowsAs{T}"/> gives one for images that keeps
/// the pixels as bytes and converts each row as it is read (a quarter of the memory of float32 inputs).
/// </summary>
public interface IRowSource<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Number of rows (examples).</summary>
    int Rows { get; }

    /// <summary>Values a row (inputs of the network).</summary>
    int Columns { get; }

    /// <summary>Writes row <paramref name="row"/> into <paramref name="destination"/>, which holds <see cref="Columns"/> values.</summary>
    void CopyRow(int row, Span<T> destination);
}
