using System.Numerics;
using System.Runtime.InteropServices;
using Backprop.Formatting;

namespace Backprop.Tensors;

/// <summary>
/// A dense, row-major, contiguous matrix of float64 (exact path) or float32 (fast path), spelled so that
/// numpy code from the notes translates line by line: <c>a.Dot(b)</c>, <c>a.T</c>, <c>a[i..(i+1)]</c>,
/// <c>(a &gt; 0) * a</c>, <c>a.Sum()</c>.
/// </summary>
/// <remarks>
/// Like a numpy array it has a rank: 2 (a matrix), 1 (a vector, held as one row, e.g. <c>streetlights[0]</c>)
/// or 0 (a scalar, e.g. the dot product of two vectors). Rank and <see cref="Kind"/> follow numpy's rules so
/// that printing matches numpy; the arithmetic is the same for every rank.
/// </remarks>
public sealed partial class Matrix<TFloat> : IRowSource<TFloat> where TFloat : unmanaged, IFloatingPointIeee754<TFloat>
{
    // The elements are the first Length values of _data: a batch buffer's smaller last batch is a view of the same
    // storage as its full batches (see BatchBuffer), so that an epoch allocates nothing.
    private readonly TFloat[] _data;
    private readonly int _length;

    /// <summary>Number of rows (1 for a vector or scalar).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (1 for a scalar).</summary>
    public int Columns { get; }

    /// <summary>numpy rank: 2 for a matrix, 1 for a vector, 0 for a scalar.</summary>
    public int Rank { get; }

    /// <summary>What the elements stand for (float, integer, boolean); it affects printing only.</summary>
    internal ElementKind Kind { get; init; } = ElementKind.Float;

    /// <summary>Creates a zero-filled matrix of the given shape.</summary>
    public Matrix(int rows, int columns) : this(rows, columns, 2) { }

    /// <summary>Wraps <paramref name="data"/> (row-major, length rows*columns) without copying it.</summary>
    public Matrix(int rows, int columns, TFloat[] data) : this(rows, columns, 2, data) { }

    internal Matrix(int rows, int columns, int rank, TFloat[]? data = null, bool view = false)
    {
        if (rows < 0 || columns < 0)
            throw new ArgumentOutOfRangeException(nameof(rows), $"A matrix cannot have shape ({rows}, {columns}).");
        if (rank is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(rank));
        if (rank < 2 && rows != 1) throw new ArgumentException("A vector or scalar has exactly one row.");
        if (rank == 0 && columns != 1) throw new ArgumentException("A scalar has exactly one element.");
        int length = checked(rows * columns);
        data ??= new TFloat[length];
        if (view ? data.Length < length : data.Length != length)
            throw new ArgumentException($"Data of length {data.Length} does not fill shape ({rows}, {columns}).");
        Rows = rows;
        Columns = columns;
        Rank = rank;
        _data = data;
        _length = length;
    }

    /// <summary>Number of elements.</summary>
    public int Length => _length;

    /// <summary>The elements in row-major order; writes go straight into the matrix.</summary>
    public Span<TFloat> Span => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(_data), _length);

    /// <summary>The elements of row <paramref name="row"/>.</summary>
    public Span<TFloat> RowSpan(int row) => _data.AsSpan(row * Columns, Columns);

    /// <inheritdoc/>
    public void CopyRow(int row, Span<TFloat> destination) => RowSpan(row).CopyTo(destination);

    /// <summary>The element at (row, column).</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public TFloat this[int row, int column]
    {
        get => _data[Index(row, column)];
        set => _data[Index(row, column)] = value;
    }

    private int Index(int row, int column)
    {
        if ((uint)row >= (uint)Rows || (uint)column >= (uint)Columns)
            throw new IndexOutOfRangeException($"Index ({row}, {column}) is outside a matrix of shape {Shape}.");
        return row * Columns + column;
    }

    /// <summary>numpy's <c>a[i]</c>: of a matrix, row i as a vector (rank 1); of a vector, element i as a scalar (rank 0). Copied.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public Matrix<TFloat> this[int index]
    {
        get
        {
            if (Rank == 0) throw new InvalidOperationException("Cannot index a scalar (shape ()).");
            int count = Rank == 2 ? Rows : Columns;
            if ((uint)index >= (uint)count)
                throw new IndexOutOfRangeException($"Index {index} is outside an array of shape {Shape}.");
            return Rank == 2
                ? new Matrix<TFloat>(1, Columns, 1, RowSpan(index).ToArray()) { Kind = Kind }
                : new Matrix<TFloat>(1, 1, 0, [_data[index]]) { Kind = Kind };
        }
    }

    /// <summary>numpy's <c>a[i:j]</c>: a block of rows as a matrix (rank 2), copied; out-of-range ends are clipped as numpy clips them.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public Matrix<TFloat> this[Range rows]
    {
        get
        {
            if (Rank != 2) throw new InvalidOperationException($"Cannot slice rows of an array of shape {Shape}.");
            int start = Math.Clamp(rows.Start.IsFromEnd ? Rows - rows.Start.Value : rows.Start.Value, 0, Rows);
            int end = Math.Clamp(rows.End.IsFromEnd ? Rows - rows.End.Value : rows.End.Value, 0, Rows);
            int count = Math.Max(0, end - start);
            return new Matrix<TFloat>(count, Columns, 2, _data.AsSpan(start * Columns, count * Columns).ToArray()) { Kind = Kind };
        }
    }

    /// <summary>The shape as numpy prints it: <c>(3, 4)</c>, <c>(3,)</c> or <c>()</c>.</summary>
    public string Shape => Rank switch { 2 => $"({Rows}, {Columns})", 1 => $"({Columns},)", _ => "()" };

    /// <summary>numpy's <c>a.item()</c>: the single element of a one-element array.</summary>
    public TFloat Item()
    {
        if (Length != 1) throw new InvalidOperationException($"Item() needs exactly one element; the array has shape {Shape}.");
        return _data[0];
    }

    /// <summary>numpy's <c>a.T</c>: the transpose (a vector or scalar is its own transpose, as in numpy).</summary>
    public Matrix<TFloat> T
    {
        get
        {
            if (Rank < 2) return Copy();
            var result = new Matrix<TFloat>(Columns, Rows) { Kind = Kind };
            for (int r = 0; r < Rows; r++)
                for (int c = 0; c < Columns; c++)
                    result._data[c * Rows + r] = _data[r * Columns + c];
            return result;
        }
    }

    /// <summary>A copy with its own storage.</summary>
    public Matrix<TFloat> Copy() => new(Rows, Columns, Rank, Span.ToArray()) { Kind = Kind };

    /// <summary>The same elements as a float64 or float32 matrix (float32 rounds to nearest).</summary>
    public Matrix<TOut> Cast<TOut>() where TOut : unmanaged, IFloatingPointIeee754<TOut>
    {
        var result = new Matrix<TOut>(Rows, Columns, Rank) { Kind = Kind };
        for (int i = 0; i < _length; i++) result.Span[i] = TOut.CreateChecked(_data[i]);
        return result;
    }

    /// <summary>numpy's <c>repr(a)</c>, e.g. <c>array([[1, 0, 1]])</c>.</summary>
    public override string ToString() => NumpyFormat.ArrayRepr(ToDoubles(), NumpyShape(), Dtype());

    /// <summary>numpy's <c>str(a)</c>, what <c>print(a)</c> shows, e.g. <c>[[1 0 1]]</c>.</summary>
    public string ToStr() => NumpyFormat.ArrayStr(ToDoubles(), NumpyShape(), Dtype());

    private double[] ToDoubles()
    {
        var values = new double[_length];
        for (int i = 0; i < values.Length; i++) values[i] = double.CreateTruncating(_data[i]);
        return values;
    }

    private int[] NumpyShape() => Rank switch { 2 => [Rows, Columns], 1 => [Columns], _ => [] };

    private NumpyDtype Dtype() => Kind switch
    {
        ElementKind.Integer => NumpyDtype.Int64,
        ElementKind.Boolean => NumpyDtype.Bool,
        _ => typeof(TFloat) == typeof(float) ? NumpyDtype.Float32 : NumpyDtype.Float64,
    };
}
