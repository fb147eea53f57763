using System.Globalization;

namespace Backprop.Data;

/// <summary>
/// What a careful person would point out about a CSV table before training on it (<see cref="Dataset.Notes"/>): column
/// names that are numbers, a text column with about one row a category, a column of numbers that counts the rows. Each
/// is said, not acted on: the file decides.
/// </summary>
internal static class DataNotes
{
    public static IReadOnlyList<string> Of(Dataset data)
    {
        if (data.IsImages) return [];
        var notes = new List<string>();
        if (CsvLoader.NumbersAsNames([.. data.FeatureNames, .. data.TargetNames]) is string numbers)
            notes.Add($"{data.Source}: {numbers}: its first line is read as the header, not as data; if the file has none, add a line naming the columns");
        notes.AddRange(TextIdentifiers(data));
        notes.AddRange(RowCounters(data));
        return notes;
    }

    // Text columns with at least 20 different texts and at most two rows a text on average (names, ticket numbers,
    // identifiers): one-hot, each of their inputs stands for a row or two, which a network can only memorize.
    private static IEnumerable<string> TextIdentifiers(Dataset data)
    {
        if (data.Schema is not { } schema) yield break;
        foreach (var column in schema.Columns)
            if (column.Categories is { Count: >= 20 } categories && 2L * categories.Count >= data.Count)
                yield return $"column {MessageText.Quote(column.Name)} holds {categories.Count} different texts in {data.Count} rows "
                    + $"({((double)data.Count / categories.Count).ToString("0.0", CultureInfo.InvariantCulture)} rows a text): one-hot, each of its inputs stands for a row or two, "
                    + "which a network can only memorize; if it is a name or an identifier, remove it from the file";
    }

    // Columns of numbers that count the rows (v, v+1, v+2, ... in file order, over at least 20 rows): a row number tells
    // the network where a row is in the file, not what it is, and in a file sorted by class gives the answer away. The
    // scan stops as soon as no column is still counting (usually at the second row).
    private static IEnumerable<string> RowCounters(Dataset data)
    {
        if (data.Count < 20) return [];
        var rows = data.Raw;
        bool[] oneHot = data.Schema?.OneHotInputs() ?? new bool[rows.Columns];
        var counting = Enumerable.Range(0, rows.Columns).Where(c => !oneHot[c]).ToList();
        var first = new double[rows.Columns];
        var row = new double[rows.Columns];
        rows.CopyRow(0, first);
        counting.RemoveAll(c => first[c] != Math.Floor(first[c]) || Math.Abs(first[c]) > 1e15);
        for (int r = 1; r < rows.Rows && counting.Count > 0; r++)
        {
            rows.CopyRow(r, row);
            counting.RemoveAll(c => row[c] != first[c] + r);
        }
        return counting.Select(c =>
            $"column {MessageText.Quote(data.FeatureNames[c])} counts the rows ({first[c].ToString(CultureInfo.InvariantCulture)} to "
            + $"{(first[c] + rows.Rows - 1).ToString(CultureInfo.InvariantCulture)} in file order): as an input it tells the network where a row is in the file, "
            + "not what it is (and in a file sorted by class it gives the answer away); if it is a row number or an identifier, remove it from the file");
    }
}
