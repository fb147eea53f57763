using System.Numerics;

namespace Backprop.Tensors;

/// <summary>Ways to make matrices, named after their numpy counterparts.</summary>
public static class Matrix
{
    /// <summary>numpy's <c>np.array([[...]])</c> of floats: a float64 matrix holding a copy of <paramref name="values"/>.</summary>
    public static Matrix<double> Array(double[,] values) => From<double>(values, ElementKind.Float);

    /// <summary>numpy's <c>np.array([[1, 0, 1], ...])</c> of integers: a float64 matrix that prints as an int array.</summary>
    public static Matrix<double> Array(int[,] values)
    {
        var doubles = new double[values.GetLength(0), values.GetLength(1)];
        for (int r = 0; r < doubles.GetLength(0); r++)
            for (int c = 0; c < doubles.GetLength(1); c++)
                doubles[r, c] = values[r, c];
        return From<double>(doubles, ElementKind.Integer);
    }

    /// <summary>numpy's <c>np.array([...])</c> of floats: a float64 vector (rank 1).</summary>
    public static Matrix<double> Vector(params double[] values) => new(1, values.Length, 1, (double[])values.Clone());

    /// <summary>numpy's <c>np.array([...])</c> of integers: a float64 vector (rank 1) that prints as an int array.</summary>
    public static Matrix<double> Vector(params int[] values) =>
        new(1, values.Length, 1, values.Select(v => (double)v).ToArray()) { Kind = ElementKind.Integer };

    /// <summary>A matrix of the given shape filled with zeros.</summary>
    public static Matrix<T> Zeros<T>(int rows, int columns) where T : unmanaged, IFloatingPointIeee754<T> => new(rows, columns);

    /// <summary>
    /// numpy's <c>np.random.random((rows, columns))</c>: uniform [0, 1) values drawn in row-major order from
    /// <paramref name="random"/> (float32 matrices draw float64 values and round them).
    /// </summary>
    public static Matrix<T> Random<T>(NumpyRandom random, int rows, int columns) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(random);
        var result = new Matrix<T>(rows, columns);
        var span = result.Span;
        for (int i = 0; i < span.Length; i++) span[i] = T.CreateTruncating(random.RandomSample());
        return result;
    }

    /// <summary>numpy's <c>np.random.random((rows, columns))</c> as a float64 matrix.</summary>
    public static Matrix<double> Random(NumpyRandom random, int rows, int columns) => Random<double>(random, rows, columns);

    private static Matrix<T> From<T>(double[,] values, ElementKind kind) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), columns = values.GetLength(1);
        var result = new Matrix<T>(rows, columns) { Kind = kind };
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                result[r, c] = T.CreateTruncating(values[r, c]);
        return result;
    }
}
