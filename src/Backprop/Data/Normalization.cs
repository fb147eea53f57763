using System.Globalization;
using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Data;

/// <summary>
/// Per-column scaling of inputs, x' = (x - Offset[c]) / Scale[c], fitted on training data and stored with the
/// model so that evaluation and prediction scale new data the same way.
/// </summary>
/// <param name="Kind">none, minmax (to 0..1) or standard (mean 0, standard deviation 1).</param>
/// <param name="Offset">Subtracted from each column.</param>
/// <param name="Scale">Each column is divided by this after the offset; never 0.</param>
public sealed record Normalization(NormalizationKind Kind, double[] Offset, double[] Scale)
{
    /// <summary>Leaves <paramref name="columns"/> columns as they are.</summary>
    public static Normalization None(int columns) => new(NormalizationKind.None, new double[columns], Enumerable.Repeat(1.0, columns).ToArray());

    /// <summary>
    /// Fits <paramref name="kind"/> to the columns of <paramref name="x"/>. A constant column gets scale 1, so it
    /// maps to 0 rather than to a division by zero.
    /// </summary>
    public static Normalization Fit<T>(NormalizationKind kind, IRowSource<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        return Fit(kind, x, null, null);
    }

    /// <summary>
    /// Fits <paramref name="kind"/> to the inputs of <paramref name="data"/> as the file holds them, in float64 (before
    /// anything is narrowed to <typeparamref name="T"/>, the network's precision), and checks the result on them: every
    /// offset and scale must be finite, and every scaled value must be finite in <typeparamref name="T"/>.
    /// </summary>
    /// <exception cref="DataException">A column overflows the scaling or <typeparamref name="T"/>; names the file and the column.</exception>
    public static Normalization Fit<T>(NormalizationKind kind, Dataset data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        // Pixels are bytes / 255, from 0 to 1: no scaling of them overflows.
        if (data.IsImages) return Fit(kind, data.RowsAs<double>(), null, null);
        int columns = data.FeatureNames.Count;
        var min = new double[columns];
        var max = new double[columns];
        var fitted = Fit(kind, data.Raw, min, max);
        // One-hot inputs of text columns stay 0 or 1: scaling them would make a rare category's 1 a large input.
        if (data.Schema is { } schema && schema.Columns.Any(c => c.IsCategorical) && schema.Width == columns)
        {
            bool[] oneHot = schema.OneHotInputs();
            for (int c = 0; c < columns; c++)
                if (oneHot[c]) { fitted.Offset[c] = 0; fitted.Scale[c] = 1; }
        }
        for (int c = 0; c < columns; c++)
        {
            if (data.Count == 0) break;
            double offset = fitted.Offset[c], scale = fitted.Scale[c];
            double extreme = Math.Abs(max[c]) >= Math.Abs(min[c]) ? max[c] : min[c];
            string values = $"column {MessageText.Quote(data.FeatureNames[c])}: values {(extreme < 0 ? "down" : "up")} to {extreme.ToString("G4", CultureInfo.InvariantCulture)}";
            if (!double.IsFinite(offset) || !double.IsFinite(scale))
                throw new DataException(data.Source, $"{values} overflow the {Vocabulary.Name(kind)} scaling; rescale the column");
            // Scaling is monotonic: the largest scaled values are those of the smallest and largest raw ones.
            foreach (double v in (ReadOnlySpan<double>)[min[c], max[c]])
                if (!T.IsFinite(T.CreateChecked((v - offset) / scale)))
                    throw new DataException(data.Source,
                        $"{values} overflow {Precision<T>()}{(kind == NormalizationKind.None ? "" : $" after the {Vocabulary.Name(kind)} scaling")}; rescale the column{(typeof(T) == typeof(double) ? "" : ", or train in float64")}");
        }
        return fitted;
    }

    // The fit, in float64 whatever T is; min and max, when given, receive each column's smallest and largest value.
    private static Normalization Fit<T>(NormalizationKind kind, IRowSource<T> x, double[]? min, double[]? max) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Rows, columns = x.Columns;
        var offset = new double[columns];
        var scale = new double[columns];
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a normalization.");
        // Row by row (a source of image rows converts each as it is read), each column's values in row order.
        var row = new T[columns];
        if (min is not null || max is not null || kind == NormalizationKind.Minmax)
        {
            min ??= new double[columns];
            max ??= new double[columns];
            min.AsSpan().Fill(double.PositiveInfinity);
            max.AsSpan().Fill(double.NegativeInfinity);
            for (int r = 0; r < n; r++)
            {
                x.CopyRow(r, row);
                for (int c = 0; c < columns; c++) { double v = double.CreateChecked(row[c]); min[c] = Math.Min(min[c], v); max[c] = Math.Max(max[c], v); }
            }
        }
        switch (kind)
        {
            case NormalizationKind.None:
                return None(columns);
            case NormalizationKind.Minmax:
                for (int c = 0; c < columns; c++)
                {
                    offset[c] = n == 0 ? 0 : min![c];
                    scale[c] = n == 0 || max![c] == min![c] ? 1 : max[c] - min[c];
                }
                break;
            default: // standard
                var mean = new double[columns];
                for (int r = 0; r < n; r++)
                {
                    x.CopyRow(r, row);
                    for (int c = 0; c < columns; c++) mean[c] += double.CreateChecked(row[c]);
                }
                for (int c = 0; c < columns; c++) mean[c] = n == 0 ? 0 : mean[c] / n;
                var variance = new double[columns];
                for (int r = 0; r < n; r++)
                {
                    x.CopyRow(r, row);
                    for (int c = 0; c < columns; c++) { double d = double.CreateChecked(row[c]) - mean[c]; variance[c] += d * d; }
                }
                for (int c = 0; c < columns; c++)
                {
                    double std = n == 0 ? 0 : Math.Sqrt(variance[c] / n);
                    offset[c] = mean[c];
                    scale[c] = std == 0 ? 1 : std;
                }
                break;
        }
        return new Normalization(kind, offset, scale);
    }

    private static string Precision<T>() =>
        typeof(T) == typeof(float) ? "float32" : typeof(T) == typeof(double) ? "float64" : typeof(T).Name;

    /// <summary>Number of columns it applies to.</summary>
    public int Columns => Offset.Length;

    /// <summary>Scales <paramref name="x"/> (n, Columns) in place, computing each value in float64: (x - offset) / scale.</summary>
    public void ApplyInPlace<T>(Matrix<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Columns != Columns)
            throw new ShapeMismatchException($"Normalization fitted on {Columns} columns cannot scale data of shape {x.Shape}.");
        if (Kind == NormalizationKind.None) return; // (x - 0) / 1 is x
        double[] offset = Offset, scale = Scale;
        for (int r = 0; r < x.Rows; r++)
        {
            Span<T> row = x.RowSpan(r);
            for (int c = 0; c < row.Length; c++) row[c] = T.CreateChecked((double.CreateChecked(row[c]) - offset[c]) / scale[c]);
        }
    }

    /// <summary>
    /// The inputs of <paramref name="data"/>, scaled, as a new matrix in the precision asked for: values from a file
    /// are scaled in float64, as the file holds them, then converted (a value too large for float32 can scale into
    /// it); pixels convert first, as <see cref="Dataset.RowsAs{T}"/> reads them.
    /// </summary>
    public Matrix<T> Apply<T>(Dataset data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.IsImages) return Apply<T>(data.Raw);
        var x = data.FeaturesAs<T>();
        ApplyInPlace(x);
        return x;
    }

    /// <summary>The scaled copy of <paramref name="x"/> (n, Columns), in the precision asked for.</summary>
    public Matrix<T> Apply<T>(Matrix<double> x) where T : unmanaged, IFloatingPointIeee754<T> => Apply<T>((IRowSource<double>)x);

    private static double[] Read(IRowSource<double> x, int row, double[] into)
    {
        x.CopyRow(row, into);
        return into;
    }

    /// <summary>The scaled copy of the rows of <paramref name="x"/>, in the precision asked for.</summary>
    internal Matrix<T> Apply<T>(IRowSource<double> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Columns != Columns)
            throw new ShapeMismatchException($"Normalization fitted on {Columns} columns cannot scale data of {x.Rows} rows of {x.Columns}.");
        var result = new Matrix<T>(x.Rows, x.Columns);
        double[] offset = Offset, scale = Scale;
        var row = x as Matrix<double> is null ? new double[x.Columns] : null;
        for (int r = 0; r < x.Rows; r++)
        {
            ReadOnlySpan<double> from = x is Matrix<double> m ? (ReadOnlySpan<double>)m.RowSpan(r) : Read(x, r, row!);
            Span<T> to = result.RowSpan(r);
            for (int c = 0; c < from.Length; c++) to[c] = T.CreateChecked((from[c] - offset[c]) / scale[c]);
        }
        return result;
    }
}
