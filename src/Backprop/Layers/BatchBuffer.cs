using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// A layer's reused output (or delta) matrix for the current batch. A smaller batch (an epoch's last) is a view of
/// the largest batch's storage, and the last two shapes are kept, so that alternating full and partial batches, epoch
/// after epoch, allocates nothing.
/// </summary>
internal struct BatchBuffer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[]? _storage;
    private Matrix<T>? _other;

    /// <summary>The matrix last handed out by <see cref="Get"/>, or null before the first call.</summary>
    public Matrix<T>? Current { get; private set; }

    /// <summary>A (rows, columns) matrix over this buffer's storage; its contents are whatever was there before.</summary>
    public Matrix<T> Get(int rows, int columns)
    {
        var current = Current;
        if (current is not null && current.Rows == rows && current.Columns == columns) return current;
        return Switch(rows, columns);
    }

    // Off the hot path, so that a layer's step does not carry it inlined.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private Matrix<T> Switch(int rows, int columns)
    {
        var other = _other;
        _other = Current;
        if (other is not null && other.Rows == rows && other.Columns == columns) return Current = other;
        int length = checked(rows * columns);
        if (_storage is null || _storage.Length < length)
        {
            _storage = new T[length];
            _other = null; // views of the old storage are dropped with it
        }
        return Current = new Matrix<T>(rows, columns, 2, _storage, view: true);
    }
}
