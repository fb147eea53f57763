using System.Numerics;

namespace Backprop.Tensors;

// The numpy-style operations of Matrix<TFloat>: each returns a new matrix, as numpy's do.
// Layers and the trainer use the in-place kernels (Gemm, Elementwise) instead, so that training allocates nothing.
public sealed partial class Matrix<TFloat>
{
    /// <summary>numpy's <c>np.dot(a, b)</c>: matrix·matrix, vector·matrix, matrix·vector or vector·vector (a scalar).</summary>
    /// <param name="other">The right operand.</param>
    /// <param name="compute">How to compute it (default <see cref="Compute.Numpy"/>: numpy's rounding, so the notes' digits).</param>
    public Matrix<TFloat> Dot(Matrix<TFloat> other, Compute? compute = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Rank == 0 || other.Rank == 0) return this * other;
        // A vector on the right is a column: (k,) acts as (k, 1).
        int k = Columns;
        int otherK = other.Rank == 1 ? other.Columns : other.Rows;
        if (k != otherK)
            throw new ShapeMismatchException(
                $"Cannot dot shapes {Shape} and {other.Shape}: {k} (dim {Rank - 1}) != {otherK} (dim 0).");
        int m = Rows;
        int n = other.Rank == 1 ? 1 : other.Columns;
        int rank = Rank == 2 && other.Rank == 2 ? 2 : Rank == 1 && other.Rank == 1 ? 0 : 1;
        var kind = ProductKind(this, other);
        var result = rank == 2 ? new Matrix<TFloat>(m, n) { Kind = kind } : new Matrix<TFloat>(1, m * n, rank) { Kind = kind };
        Gemm.Multiply<TFloat>(compute ?? Compute.Numpy, Span, other.Span, result.Span, m, k, n);
        return result;
    }

    /// <summary>numpy's <c>np.sum(a)</c>, with numpy's pairwise summation so the last digit agrees too.</summary>
    public TFloat Sum() => Elementwise.PairwiseSum<TFloat>(Span);

    /// <summary>Element-wise sum with numpy broadcasting.</summary>
    public static Matrix<TFloat> operator +(Matrix<TFloat> a, Matrix<TFloat> b) => Broadcast(a, b, static (x, y) => x + y, "+");

    /// <summary>Element-wise difference with numpy broadcasting.</summary>
    public static Matrix<TFloat> operator -(Matrix<TFloat> a, Matrix<TFloat> b) => Broadcast(a, b, static (x, y) => x - y, "-");

    /// <summary>Element-wise product with numpy broadcasting (not the matrix product: that is <see cref="Dot"/>).</summary>
    public static Matrix<TFloat> operator *(Matrix<TFloat> a, Matrix<TFloat> b) => Broadcast(a, b, static (x, y) => x * y, "*");

    /// <summary>Element-wise quotient with numpy broadcasting.</summary>
    public static Matrix<TFloat> operator /(Matrix<TFloat> a, Matrix<TFloat> b) => Broadcast(a, b, static (x, y) => x / y, "/");

    /// <summary>Adds a scalar to every element.</summary>
    public static Matrix<TFloat> operator +(Matrix<TFloat> a, TFloat s) => a.Map(x => x + s);

    /// <summary>Adds a scalar to every element.</summary>
    public static Matrix<TFloat> operator +(TFloat s, Matrix<TFloat> a) => a.Map(x => s + x);

    /// <summary>Subtracts a scalar from every element.</summary>
    public static Matrix<TFloat> operator -(Matrix<TFloat> a, TFloat s) => a.Map(x => x - s);

    /// <summary>Subtracts every element from a scalar.</summary>
    public static Matrix<TFloat> operator -(TFloat s, Matrix<TFloat> a) => a.Map(x => s - x);

    /// <summary>Multiplies every element by a scalar.</summary>
    public static Matrix<TFloat> operator *(Matrix<TFloat> a, TFloat s) => a.Map(x => x * s);

    /// <summary>Multiplies every element by a scalar.</summary>
    public static Matrix<TFloat> operator *(TFloat s, Matrix<TFloat> a) => a.Map(x => s * x);

    /// <summary>Divides every element by a scalar.</summary>
    public static Matrix<TFloat> operator /(Matrix<TFloat> a, TFloat s) => a.Map(x => x / s);

    /// <summary>Divides a scalar by every element.</summary>
    public static Matrix<TFloat> operator /(TFloat s, Matrix<TFloat> a) => a.Map(x => s / x);

    /// <summary>Negates every element.</summary>
    public static Matrix<TFloat> operator -(Matrix<TFloat> a) => a.Map(x => -x);

    /// <summary>numpy's <c>a &gt; s</c>: a mask of 1 where the comparison holds, 0 elsewhere.</summary>
    public static Matrix<TFloat> operator >(Matrix<TFloat> a, TFloat s) => a.Mask(x => x > s);

    /// <summary>numpy's <c>a &lt; s</c>: a mask of 1 where the comparison holds, 0 elsewhere.</summary>
    public static Matrix<TFloat> operator <(Matrix<TFloat> a, TFloat s) => a.Mask(x => x < s);

    /// <summary>numpy's <c>a &gt;= s</c>: a mask of 1 where the comparison holds, 0 elsewhere.</summary>
    public static Matrix<TFloat> operator >=(Matrix<TFloat> a, TFloat s) => a.Mask(x => x >= s);

    /// <summary>numpy's <c>a &lt;= s</c>: a mask of 1 where the comparison holds, 0 elsewhere.</summary>
    public static Matrix<TFloat> operator <=(Matrix<TFloat> a, TFloat s) => a.Mask(x => x <= s);

    /// <summary>numpy's <c>a ** p</c>, element-wise; squares are computed as <c>x * x</c>, as numpy does.</summary>
    public Matrix<TFloat> Pow(TFloat p) =>
        p == TFloat.CreateTruncating(2) ? Map(x => x * x) : Map(x => TFloat.Pow(x, p));

    /// <summary>Applies <paramref name="f"/> to every element (a new float matrix of the same shape).</summary>
    public Matrix<TFloat> Map(Func<TFloat, TFloat> f)
    {
        var result = new Matrix<TFloat>(Rows, Columns, Rank);
        for (int i = 0; i < _length; i++) result._data[i] = f(_data[i]);
        return result;
    }

    private Matrix<TFloat> Mask(Func<TFloat, bool> predicate)
    {
        var result = new Matrix<TFloat>(Rows, Columns, Rank) { Kind = ElementKind.Boolean };
        for (int i = 0; i < _length; i++) result._data[i] = predicate(_data[i]) ? TFloat.One : TFloat.Zero;
        return result;
    }

    private static ElementKind ProductKind(Matrix<TFloat> a, Matrix<TFloat> b) =>
        a.Kind != ElementKind.Float && b.Kind != ElementKind.Float ? ElementKind.Integer : ElementKind.Float;

    // numpy broadcasting for up to two dimensions: each dimension must match or be 1 on one side.
    private static Matrix<TFloat> Broadcast(Matrix<TFloat> a, Matrix<TFloat> b, Func<TFloat, TFloat, TFloat> f, string op)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int rows = BroadcastDim(a.Rows, b.Rows), columns = BroadcastDim(a.Columns, b.Columns);
        if (rows < 0 || columns < 0)
            throw new ShapeMismatchException($"Cannot broadcast shapes {a.Shape} and {b.Shape} together for '{op}'.");
        int rank = Math.Max(a.Rank, b.Rank);
        var result = new Matrix<TFloat>(rows, columns, rank) { Kind = op == "/" ? ElementKind.Float : ProductKind(a, b) };
        for (int r = 0; r < rows; r++)
        {
            int ra = a.Rows == 1 ? 0 : r, rb = b.Rows == 1 ? 0 : r;
            for (int c = 0; c < columns; c++)
            {
                int ca = a.Columns == 1 ? 0 : c, cb = b.Columns == 1 ? 0 : c;
                result._data[r * columns + c] = f(a._data[ra * a.Columns + ca], b._data[rb * b.Columns + cb]);
            }
        }
        return result;
    }

    private static int BroadcastDim(int x, int y) => x == y ? x : x == 1 ? y : y == 1 ? x : -1;
}
