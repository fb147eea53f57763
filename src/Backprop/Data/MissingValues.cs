using System.Runtime.InteropServices;

namespace Backprop.Data;

/// <summary>
/// Fills the missing cells of numeric columns (NaN in <see cref="Dataset.Features"/>, under the mean and median
/// policies of <see cref="InputSchema.Missing"/>) with each column's mean or median over the training rows, as
/// numpy's <c>np.nanmean</c> and <c>np.nanmedian</c> compute them: learned on training data only, then applied to
/// it and to any other data (validation, test, prediction), so that all of them are filled the same way.
/// </summary>
internal static class MissingValues
{
    /// <summary>
    /// <paramref name="train"/>'s schema with each numeric column's fill: the mean (sum over count, in row order) or
    /// the median (the middle value, or the mean of the two middle values) of its values that are not missing.
    /// </summary>
    /// <exception cref="DataException">A numeric column has no value at all in the training rows.</exception>
    public static InputSchema Fit(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        var schema = train.Schema ?? throw new ArgumentException("The data has no table schema; only CSV data has missing values.", nameof(train));
        if (schema.Missing is not ("mean" or "median")) return schema;
        // One pass over the rows (a table's are read, not made into a matrix): each numeric column's values that are
        // not missing, in row order (the mean sums them in that order).
        var x = train.Raw;
        var columns = new InputColumn[schema.Columns.Count];
        var places = new List<(int Input, int Column)>();
        int at = 0;
        for (int i = 0; i < columns.Length; i++)
        {
            columns[i] = schema.Columns[i];
            if (!columns[i].IsCategorical) places.Add((at, i));
            at += columns[i].Width;
        }
        bool mean = schema.Missing == "mean";
        var sums = new double[places.Count];
        var counts = new int[places.Count];
        var values = mean ? null : places.Select(_ => new List<double>()).ToArray();
        var row = new double[x.Columns];
        for (int r = 0; r < train.Count; r++)
        {
            x.CopyRow(r, row);
            for (int p = 0; p < places.Count; p++)
            {
                double v = row[places[p].Input];
                if (double.IsNaN(v)) continue;
                counts[p]++;
                if (mean) sums[p] += v;
                else values![p].Add(v);
            }
        }
        for (int p = 0; p < places.Count; p++)
        {
            var column = columns[places[p].Column];
            if (counts[p] == 0)
                throw new DataException(train.Source, $"column {MessageText.Quote(column.Name)} has no values in the {MessageText.Plural(train.Count, "training row")}, "
                    + $"so its missing cells have no {schema.Missing} to be filled with");
            columns[places[p].Column] = column with { Fill = mean ? sums[p] / counts[p] : Median(CollectionsMarshal.AsSpan(values![p])) };
        }
        return schema with { Columns = columns };
    }

    /// <summary>
    /// Replaces, in place, every missing value (NaN) of <paramref name="data"/>'s numeric columns with the fill
    /// <paramref name="schema"/> gives the column; returns the data with that schema.
    /// </summary>
    public static Dataset Fill(Dataset data, InputSchema schema)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(schema);
        if (data.IsImages || schema.Width != data.FeatureNames.Count) return data;
        var fills = new double[schema.Width];
        fills.AsSpan().Fill(double.NaN);
        int at = 0;
        foreach (var column in schema.Columns)
        {
            if (!column.IsCategorical && column.Fill is double fill) fills[at] = fill;
            at += column.Width;
        }
        // A table's cells are filled as its rows are read; a matrix made in code is filled in place.
        if (data.Table is not null) return data.WithFills(schema, fills);
        var span = data.Features.Span;
        int width = schema.Width;
        for (int i = 0; i < span.Length; i++)
            if (double.IsNaN(span[i]) && !double.IsNaN(fills[i % width])) span[i] = fills[i % width];
        return data.Schema == schema ? data : data.WithSchema(schema);
    }

    // The middle of the values (quickselect, the span reordered), or the mean of the two middle ones, as np.median.
    private static double Median(Span<double> values)
    {
        int n = values.Length, k = n / 2;
        double upper = Select(values, k);
        if (n % 2 == 1) return upper;
        double lower = double.NegativeInfinity;
        foreach (double v in values[..k]) lower = Math.Max(lower, v);
        double mean = (lower + upper) / 2;
        return double.IsFinite(mean) ? mean : lower / 2 + upper / 2;   // the sum of two huge values overflows
    }

    // The k-th smallest value; afterwards values[..k] hold the smaller ones (Hoare's selection).
    private static double Select(Span<double> values, int k)
    {
        int lo = 0, hi = values.Length - 1;
        while (lo < hi)
        {
            double pivot = values[lo + (hi - lo) / 2];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j) { (values[i], values[j]) = (values[j], values[i]); i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else break;
        }
        return values[k];
    }
}
