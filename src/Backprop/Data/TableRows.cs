using System.IO.MemoryMappedFiles;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Backprop.Tensors;

namespace Backprop.Data;

/// <summary>
/// The inputs of a table as the file holds them, held once: float32 when every value read is exact in float32 (whole
/// numbers such as pixels and counts, 0.5, one-hot 0/1; widening back to float64 gives the parsed value to the last
/// bit), else as decimal codes when every value is a short decimal (5.1, 12345.67: <see cref="DecimalCode"/>, four
/// bytes a value, decoded to the parsed value to the last bit), else float64; in a pinned array, or mapped from a
/// cache file (<c>train --cache</c>, float32 or float64). A learned text
/// column holds its category's code, made one-hot as a row is read; a missing cell is NaN, filled by the view
/// (<see cref="TableView"/>). Every reader sees the float64 values <see cref="Dataset.Features"/> holds.
/// </summary>
internal sealed unsafe class TableRows
{
    private readonly object? _owner;                 // the pinned array, or the mapping
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _values;
    private readonly int[]?[]? _places;              // each stored column's one-hot place of a code, or null for a number

    /// <summary>
    /// Rows held in an array of <paramref name="count"/> rows of <paramref name="stored"/> values, allocated pinned
    /// (GC.AllocateArray(pinned: true)): its address is kept. A float[] holds float32 values, a double[] float64 ones,
    /// an int[] decimal codes; <paramref name="storage"/> says what a four-byte array holds when it is not its type's
    /// (a float[] whose values were turned into decimal codes in place).
    /// </summary>
    public TableRows(Array pinned, int count, int stored, int[]?[]? places, TableStorage? storage = null)
    {
        var natural = pinned switch
        {
            float[] => TableStorage.Single,
            double[] => TableStorage.Double,
            int[] => TableStorage.Decimal,
            _ => throw new ArgumentException("Rows are float32, float64 or decimal codes.", nameof(pinned)),
        };
        Storage = storage ?? natural;
        if ((Storage == TableStorage.Double) != (natural == TableStorage.Double)) throw new ArgumentException($"A {pinned.GetType().Name} cannot hold {Storage} values.", nameof(storage));
        _owner = pinned;
        _values = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0);
        (Count, Stored, _places) = (count, stored, places);
        Columns = Width(stored, places);
    }

    /// <summary>Rows mapped from a file: <paramref name="values"/> points at the first, inside <paramref name="view"/>'s acquired pointer.</summary>
    public TableRows(MemoryMappedFile map, MemoryMappedViewAccessor view, byte* values, bool isDouble, int count, int stored, int[]?[]? places)
    {
        (_owner, _view, Count, Stored, _places) = (map, view, count, stored, places);
        Storage = isDouble ? TableStorage.Double : TableStorage.Single;
        _values = values;
        Columns = Width(stored, places);
    }

    /// <summary>The shape of rows held elsewhere (a cache file being written), with no values to read.</summary>
    public static TableRows Shape(int count, int stored, int[]?[]? places, bool isDouble) => new(count, stored, places, isDouble);

    private TableRows(int count, int stored, int[]?[]? places, bool isDouble)
    {
        (Count, Stored, _places) = (count, stored, places);
        Storage = isDouble ? TableStorage.Double : TableStorage.Single;
        Columns = Width(stored, places);
    }

    ~TableRows()
    {
        if (_view is null) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        ((MemoryMappedFile)_owner!).Dispose();
    }

    private static int Width(int stored, int[]?[]? places)
    {
        if (places is null) return stored;
        long width = 0;
        for (int i = 0; i < stored; i++) width += places[i]?.Length ?? 1;
        return (int)Math.Min(width, int.MaxValue);
    }

    /// <summary>How the values are held.</summary>
    public TableStorage Storage { get; }

    /// <summary>True when values are float64 (some value is neither exact in float32 nor a short decimal).</summary>
    public bool IsDouble => Storage == TableStorage.Double;

    /// <summary>True when the rows are mapped from a cache file.</summary>
    public bool IsMapped => _view is not null;

    /// <summary>Rows held.</summary>
    public int Count { get; }

    /// <summary>Values a stored row (a learned text column is one code).</summary>
    public int Stored { get; }

    /// <summary>Values a row as read (a learned text column one a category).</summary>
    public int Columns { get; }

    /// <summary>True when a stored row is the row as read (no text column to make one-hot).</summary>
    public bool Plain => _places is null;

    /// <summary>Bytes the values take.</summary>
    public long Bytes => (long)Count * Stored * (IsDouble ? 8 : 4);

    /// <summary>Row <paramref name="row"/>'s stored float32 values (only when <see cref="Storage"/> is Single).</summary>
    public ReadOnlySpan<float> Singles(int row) => new((float*)_values + (long)row * Stored, Stored);

    /// <summary>Row <paramref name="row"/>'s stored float64 values (only when <see cref="IsDouble"/>).</summary>
    public ReadOnlySpan<double> Doubles(int row) => new((double*)_values + (long)row * Stored, Stored);

    /// <summary>Row <paramref name="row"/>'s stored decimal codes (only when <see cref="Storage"/> is Decimal).</summary>
    public ReadOnlySpan<int> Codes(int row) => new((int*)_values + (long)row * Stored, Stored);

    // The value at place i of the values held.
    private double At(long i) => Storage switch
    {
        TableStorage.Single => ((float*)_values)[i],
        TableStorage.Double => ((double*)_values)[i],
        _ => DecimalCode.Decode(((int*)_values)[i]),
    };

    /// <summary>Writes row <paramref name="row"/> as read, in float64, into <paramref name="to"/> (<see cref="Columns"/> values).</summary>
    public void Read(int row, Span<double> to)
    {
        if ((uint)row >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside {Count} rows.");
        if (_places is null)
        {
            switch (Storage)
            {
                case TableStorage.Double: Doubles(row).CopyTo(to); break;
                case TableStorage.Single: Widen(Singles(row), to); break;
                default: Decode(Codes(row), to); break;
            }
            return;
        }
        to[..Columns].Clear();
        int at = 0;
        for (int i = 0; i < Stored; i++)
        {
            double v = At((long)row * Stored + i);
            if (_places[i] is { } place)
            {
                if (!double.IsNaN(v)) to[at + place[(int)v]] = 1;
                at += place.Length;
            }
            else to[at++] = v;
        }
    }

    /// <summary>
    /// The first row (from 0) whose text column holds no code of that column (a whole number from 0 to its categories
    /// less one, or NaN for a missing cell), or null when every row is sound: a cache file's rows are checked so before
    /// one is used, since its checksum proves only that they are the rows it was written with.
    /// </summary>
    public int? FirstBadCode()
    {
        if (_places is null) return null;
        for (int row = 0; row < Count; row++)
            for (int i = 0; i < Stored; i++)
            {
                if (_places[i] is not { } place) continue;
                double v = At((long)row * Stored + i);
                if (!double.IsNaN(v) && !(v >= 0 && v < place.Length && v == Math.Floor(v))) return row;
            }
        return null;
    }

    /// <summary>float32 values widened to float64 (exact).</summary>
    public static void Widen(ReadOnlySpan<float> from, Span<double> to)
    {
        int i = 0;
        if (Avx.IsSupported)
            fixed (float* f = from)
            fixed (double* d = to)
                for (; i + 4 <= from.Length; i += 4) Avx.Store(d + i, Avx.ConvertToVector256Double(Sse.LoadVector128(f + i)));
        for (; i < from.Length; i++) to[i] = from[i];
    }

    /// <summary>Decimal codes decoded (to the parsed values, to the bit).</summary>
    public static void Decode(ReadOnlySpan<int> codes, Span<double> to)
    {
        for (int i = 0; i < codes.Length; i++) to[i] = DecimalCode.Decode(codes[i]);
    }

    /// <summary>True when <paramref name="value"/> widened back from float32 is itself (NaN included: it is a missing cell).</summary>
    public static bool ExactInSingle(double value) => (double)(float)value == value || double.IsNaN(value);
}

/// <summary>How a <see cref="TableRows"/> holds its values.</summary>
internal enum TableStorage
{
    /// <summary>float32: every value is exact in it.</summary>
    Single,

    /// <summary><see cref="DecimalCode"/>s: every value is a short decimal.</summary>
    Decimal,

    /// <summary>float64.</summary>
    Double,
}

/// <summary>
/// Rows of a <see cref="TableRows"/> as one dataset sees them: all of them or some in a given order (a split, a fold:
/// no copy), with missing cells filled (<see cref="MissingValues.Fill"/>), in float64.
/// </summary>
internal sealed class TableView(TableRows table, int[]? index, double[]? fills) : IRowSource<double>
{
    [ThreadStatic] private static double[]? t_scratch;

    public TableRows Table { get; } = table;

    /// <summary>The table's row of each of these rows, or null for all of them in order.</summary>
    public int[]? Index { get; } = index;

    /// <summary>Each column's fill for a missing cell (NaN: none), or null when nothing is filled.</summary>
    public double[]? Fills { get; } = fills;

    public int Rows => Index?.Length ?? Table.Count;

    public int Columns => Table.Columns;

    /// <summary>The table's row behind row <paramref name="row"/>.</summary>
    public int Stored(int row) => Index is null ? row : Index[row];

    public void CopyRow(int row, Span<double> destination)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside {Rows} rows.");
        Table.Read(Stored(row), destination);
        if (Fills is { } fills) Fill(destination, fills);
    }

    private static void Fill(Span<double> row, double[] fills)
    {
        for (int c = 0; c < fills.Length; c++)
            if (double.IsNaN(row[c]) && !double.IsNaN(fills[c])) row[c] = fills[c];
    }

    /// <summary>These rows with <paramref name="rows"/> picked out, in that order.</summary>
    public TableView Take(IReadOnlyList<int> rows)
    {
        var index = new int[rows.Count];
        for (int i = 0; i < index.Length; i++)
        {
            int row = rows[i];
            if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(rows), $"Row {row} is outside a dataset of {Rows} rows.");
            index[i] = Stored(row);
        }
        return new TableView(Table, index, Fills);
    }

    /// <summary>A float64 matrix of every row.</summary>
    public Matrix<double> ToMatrix()
    {
        var m = new Matrix<double>(Rows, Columns);
        for (int r = 0; r < Rows; r++) CopyRow(r, m.RowSpan(r));
        return m;
    }

    /// <summary>A scratch row of this thread, of at least <paramref name="length"/> values.</summary>
    internal static double[] Scratch(int length)
    {
        var s = t_scratch;
        if (s is null || s.Length < length) t_scratch = s = new double[Math.Max(length, 64)];
        return s;
    }
}

/// <summary>
/// The rows of a <see cref="TableView"/> scaled into the network's precision as they are read: each value
/// <c>T.CreateChecked((x - offset[c]) / scale[c])</c> computed in float64 from the value as parsed, the same values
/// <see cref="Normalization.Apply{T}(Matrix{double})"/> gives for the whole matrix, with no copy of the table.
/// </summary>
internal sealed unsafe class ScaledRows<T>(TableView view, Normalization normalization) : IRowSource<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly double[] _offset = normalization.Offset, _scale = normalization.Scale;
    // A stored row is the row as read (no one-hot codes, nothing to fill): scaled straight from the table.
    private readonly bool _direct = view.Table.Plain && view.Fills is null;

    public int Rows => view.Rows;

    public int Columns => view.Columns;

    public void CopyRow(int row, Span<T> destination)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside {Rows} rows.");
        int columns = Columns;
        if (destination.Length < columns) throw new ArgumentException($"A row needs {columns} values; the destination holds {destination.Length}.", nameof(destination));
        if (_direct && view.Table.Storage == TableStorage.Single) Scale(view.Table.Singles(view.Stored(row)), _offset, _scale, destination);
        else if (_direct && view.Table.Storage == TableStorage.Decimal) Scale(view.Table.Codes(view.Stored(row)), _offset, _scale, destination);
        else if (_direct) Scale(view.Table.Doubles(view.Stored(row)), _offset, _scale, destination);
        else
        {
            var scratch = TableView.Scratch(columns);
            view.CopyRow(row, scratch);
            Scale(new ReadOnlySpan<double>(scratch, 0, columns), _offset, _scale, destination);
        }
    }

    // T.CreateChecked(((double)x - offset) / scale), four at a time where AVX is: widening float32 to float64 (or
    // decoding a decimal code: its whole number over its power of ten, read from the table with AVX2's gather), the
    // subtraction, the division and the rounding to float32 (to nearest) are the IEEE operations the scalar code does,
    // so the results are the same to the bit.
    private static void Scale<TFrom>(ReadOnlySpan<TFrom> x, double[] offset, double[] scale, Span<T> to) where TFrom : unmanaged
    {
        int i = 0, n = x.Length;
        fixed (TFrom* f = x)
        fixed (double* o = offset, s = scale)
        fixed (T* d = to)
        {
            if (Avx.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && (typeof(TFrom) != typeof(int) || Avx2.IsSupported))
                for (; i + 4 <= n; i += 4)
                {
                    var v = typeof(TFrom) == typeof(float) ? Avx.ConvertToVector256Double(Sse.LoadVector128((float*)f + i))
                        : typeof(TFrom) == typeof(int) ? DecodeFour((int*)f + i)
                        : Avx.LoadVector256((double*)f + i);
                    v = Avx.Divide(Avx.Subtract(v, Avx.LoadVector256(o + i)), Avx.LoadVector256(s + i));
                    if (typeof(T) == typeof(float)) Sse.Store((float*)d + i, Avx.ConvertToVector128Single(v));
                    else Avx.Store((double*)d + i, v);
                }
            for (; i < n; i++)
            {
                double v = typeof(TFrom) == typeof(float) ? ((float*)f)[i] : typeof(TFrom) == typeof(int) ? DecimalCode.Decode(((int*)f)[i]) : ((double*)f)[i];
                d[i] = T.CreateChecked((v - o[i]) / s[i]);
            }
        }
    }

    // Four decimal codes' values: (double)(code >> 4) / 10^(code & 15); a missing cell's 0 / 0 is NaN, the default NaN
    // x64 makes, the bits of double.NaN that DecimalCode.Decode gives.
    private static Vector256<double> DecodeFour(int* codes)
    {
        var c = Sse2.LoadVector128(codes);
        var whole = Avx.ConvertToVector256Double(Sse2.ShiftRightArithmetic(c, 4));
        fixed (double* divisors = DecimalCode.Divisors)
            return Avx.Divide(whole, Avx2.GatherVector256(divisors, Sse2.And(c, Vector128.Create(15)), 8));
    }
}

/// <summary>Where a loader puts a table's rows as it reads them: in memory (<see cref="MemoryTable"/>) or a cache file.</summary>
internal abstract class TableSink
{
    /// <summary>Appends a row of stored values.</summary>
    public abstract void Add(ReadOnlySpan<double> row);

    /// <summary>Room for <paramref name="capacity"/> rows (a file of unknown length grows).</summary>
    public abstract void Grow(int capacity);

    /// <summary>The first <paramref name="rows"/> rows added, with each stored column's one-hot places (null: none).</summary>
    public abstract TableRows Finish(int rows, int[]?[]? places);

    /// <summary>
    /// Writes <paramref name="row"/> as float32 into <paramref name="to"/> when every value is exact in float32 (NaN
    /// included), else returns false (what was written is then to be ignored).
    /// </summary>
    public static bool TryNarrow(ReadOnlySpan<double> row, Span<float> to)
    {
        for (int i = 0; i < row.Length; i++)
        {
            double v = row[i];
            float f = (float)v;
            if (f != v && !double.IsNaN(v)) return false;
            to[i] = f;
        }
        return true;
    }
}

/// <summary>
/// Rows held in memory, in one pinned array: float32 until the first value float32 does not hold exactly; then decimal
/// codes while every value is a short decimal (the float32 values turned into codes in place, in the same array);
/// then float64 (the rows so far widened or decoded, exactly). The check is asked before each allocation, with its bytes.
/// </summary>
internal sealed class MemoryTable : TableSink
{
    private readonly int _width;
    private readonly Action<double> _check;
    private float[]? _f32;          // float32 values, or decimal codes when _codes
    private bool _codes;
    private double[]? _f64;
    private int _capacity, _rows;

    public MemoryTable(int width, int capacity, Action<double> check)
    {
        (_width, _capacity, _check) = (width, capacity, check);
        _check(4.0 * capacity * width);
        _f32 = GC.AllocateUninitializedArray<float>(checked(capacity * width), pinned: true);
    }

    public override void Add(ReadOnlySpan<double> row)
    {
        if (_f32 is not null && !_codes && !TryNarrow(row, _f32.AsSpan(_rows * _width, _width)) && !ToCodes(row)) ToDoubles();
        if (_f32 is not null && _codes && !TryEncode(row, Codes(_rows * _width, _width))) ToDoubles();
        if (_f64 is not null) row.CopyTo(_f64.AsSpan(_rows * _width, _width));
        _rows++;
    }

    private Span<int> Codes(int start, int length) => MemoryMarshal.Cast<float, int>(_f32.AsSpan(start, length));

    // Every value so far and every value of `row` a short decimal: the float32 values so far become their codes, in place.
    private bool ToCodes(ReadOnlySpan<double> row)
    {
        var held = _f32.AsSpan(0, _rows * _width);
        foreach (float v in held)
            if (!DecimalCode.TryEncode(v, out _)) return false;
        foreach (double v in row)
            if (!DecimalCode.TryEncode(v, out _)) return false;
        var codes = Codes(0, held.Length);
        for (int i = 0; i < held.Length; i++)
        {
            DecimalCode.TryEncode(held[i], out int code);
            codes[i] = code;
        }
        _codes = true;
        return true;
    }

    // Each column's digits after the point in its last code: the first tried for its next value.
    private int[]? _digits;

    private bool TryEncode(ReadOnlySpan<double> row, Span<int> to)
    {
        var digits = _digits ??= new int[_width];
        for (int i = 0; i < row.Length; i++)
            if (!DecimalCode.TryEncode(row[i], out to[i], ref digits[i])) return false;
        return true;
    }

    private void ToDoubles()
    {
        _check(8.0 * _capacity * _width);
        var f64 = GC.AllocateUninitializedArray<double>(_capacity * _width, pinned: true);
        if (_codes) TableRows.Decode(Codes(0, _rows * _width), f64);
        else TableRows.Widen(_f32.AsSpan(0, _rows * _width), f64);
        (_f64, _f32, _codes) = (f64, null, false);
    }

    public override void Grow(int capacity)
    {
        _check((_f64 is null ? 4.0 : 8.0) * capacity * _width);
        if (_f32 is not null) _f32 = Resize(_f32, capacity);
        else _f64 = Resize(_f64!, capacity);
        _capacity = capacity;
    }

    private T[] Resize<T>(T[] values, int capacity)
    {
        var grown = GC.AllocateArray<T>(checked(capacity * _width), pinned: true);
        values.AsSpan(0, _rows * _width).CopyTo(grown);
        return grown;
    }

    // The rows held, in an array of their size unless little of it went unused.
    public override TableRows Finish(int rows, int[]?[]? places)
    {
        long used = (long)rows * _width;
        Array values = _f32 is not null
            ? (_f32.Length - used <= _f32.Length / 8 ? _f32 : Resize(_f32, rows))
            : (_f64!.Length - used <= _f64.Length / 8 ? _f64 : Resize(_f64, rows));
        var storage = _f32 is null ? TableStorage.Double : _codes ? TableStorage.Decimal : TableStorage.Single;
        (_f32, _f64, _codes) = (null, null, false);
        return new TableRows(values, rows, _width, places, storage);
    }
}
