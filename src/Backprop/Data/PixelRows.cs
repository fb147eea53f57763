using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Backprop.Tensors;

namespace Backprop.Data;

/// <summary>
/// The rows of an image dataset read straight from its pixel bytes: each value is what
/// <see cref="Dataset.FeaturesAs{T}"/> (then <see cref="Normalization.ApplyInPlace{T}"/>, when scaled) would hold,
/// to the last bit, but only the row being read is ever converted.
/// </summary>
/// <remarks>
/// A byte has 256 values, so each column's 256 possible results are worked out once, by the same code as the whole
/// matrix, and a row is a table look-up per pixel. Unscaled float32 rows take a SIMD path instead: v / 255 in float32
/// rounds to the same value as the table's (float)(v / 255.0) for every byte, which the constructor checks.
/// </remarks>
internal sealed class PixelRows<T> : IRowSource<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly byte[] _pixels;
    private readonly T[] _table;          // 256 values, or 256 for each column when scaled
    private readonly bool _perColumn, _divide;

    public PixelRows(byte[] pixels, int rows, int columns, Normalization? normalization)
    {
        _pixels = pixels;
        Rows = rows;
        Columns = columns;
        _perColumn = normalization is not null && normalization.Kind != NormalizationKind.None;
        if (_perColumn && normalization!.Columns != columns)
            throw new ShapeMismatchException($"Normalization fitted on {normalization.Columns} columns cannot scale images of {columns} pixels.");
        // Row v of this matrix is what the whole-matrix path makes of a pixel of value v in every column (one column
        // is enough when nothing depends on the column).
        var values = new Matrix<T>(256, _perColumn ? columns : 1);
        for (int v = 0; v < 256; v++) values.RowSpan(v).Fill(T.CreateChecked(v / 255.0));
        if (_perColumn) normalization!.ApplyInPlace(values);
        if (_perColumn)
        {
            _table = new T[columns * 256];
            for (int c = 0; c < columns; c++)
                for (int v = 0; v < 256; v++) _table[c * 256 + v] = values[v, c];
        }
        else
        {
            _table = new T[256];
            for (int v = 0; v < 256; v++) _table[v] = values[v, 0];
            _divide = typeof(T) == typeof(float) && Avx512F.IsSupported && DivisionMatchesTable();
        }
    }

    public int Rows { get; }

    public int Columns { get; }

    public void CopyRow(int row, Span<T> destination)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside {Rows} rows.");
        if (destination.Length < Columns) throw new ArgumentException($"A row needs {Columns} values; the destination holds {destination.Length}.", nameof(destination));
        ReadOnlySpan<byte> pixels = _pixels.AsSpan(row * Columns, Columns);
        if (_divide) { Divide(pixels, System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(destination)); return; }
        T[] table = _table;
        if (_perColumn) for (int c = 0; c < pixels.Length; c++) destination[c] = table[(c << 8) | pixels[c]];
        else for (int c = 0; c < pixels.Length; c++) destination[c] = table[pixels[c]];
    }

    /// <summary>
    /// Asks the processor to start loading row <paramref name="row"/>'s pixels into the cache (nothing happens to any
    /// value): a batch's rows are scattered over the images, and copying one while the next is on its way hides the
    /// memory's latency, which is most of the copy's time.
    /// </summary>
    public unsafe void Prefetch(int row)
    {
        if ((uint)row >= (uint)Rows || !Sse.IsSupported) return;
        fixed (byte* start = &_pixels[row * Columns])
        {
            // One touch a cache line (64 bytes), from the line holding the row's first byte to the one holding its last.
            byte* line = (byte*)((nuint)start & ~(nuint)63), end = start + Columns;
            for (; line < end; line += 64) Sse.Prefetch0(line);
        }
    }

    // float32 v / 255 for every byte v equals the table's (float)(v / 255.0): both are the correctly rounded quotient.
    private bool DivisionMatchesTable()
    {
        for (int v = 0; v < 256; v++)
            if ((float)v / 255f != float.CreateChecked(_table[v])) return false;
        return true;
    }

    // Sixteen pixels at a time: bytes widened to int32, converted to float32, divided by 255.
    private static unsafe void Divide(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        int i = 0;
        var divisor = Vector512.Create(255f);
        fixed (byte* from = pixels)
        fixed (float* to = destination)
        {
            for (; i + 16 <= pixels.Length; i += 16)
                (Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(from + i))) / divisor).Store(to + i);
        }
        for (; i < pixels.Length; i++) destination[i] = pixels[i] / 255f;
    }
}
