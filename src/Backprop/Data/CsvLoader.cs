using System.Globalization;

namespace Backprop.Data;

/// <summary>
/// Loads a comma-separated file with a header row into a <see cref="Dataset"/>. Every problem with the file is
/// a <see cref="DataException"/> located at its line (as in the file, 1-based) and field number.
/// </summary>
/// <remarks>
/// Feature cells must be finite numbers in invariant culture (<c>-2.5</c>, <c>1e-3</c>; spaces around them are
/// allowed). A single target column becomes one-hot classes when <see cref="CsvOptions.Classes"/> is given or
/// when some of its values are not numbers; otherwise each target column is one numeric output.
/// </remarks>
public static class CsvLoader
{
    /// <summary>Reads <paramref name="path"/>; throws <see cref="DataException"/> for bad data and <see cref="ArgumentException"/> for bad options.</summary>
    public static Dataset Load(string path, CsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        CheckOptions(options);
        if (Directory.Exists(path)) throw new DataException(path, "this is a folder; expected a CSV file");
        if (!File.Exists(path)) throw new DataException(path, "file not found");
        try
        {
            using var reader = new CsvRecordReader(path);
            return Read(path, reader, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, "cannot read the file: " + e.Message);
        }
    }

    private static void CheckOptions(CsvOptions options)
    {
        if (options.TargetColumns.Count == 0 && options.ExpectFeatures is null)
            throw new ArgumentException("Name at least one target column.", nameof(options));
        if (FirstDuplicate(options.TargetColumns) is { } target)
            throw new ArgumentException($"Target column '{target}' is named twice.", nameof(options));
        if (options.ExpectFeatures is { } expected && FirstDuplicate(expected) is { } feature)
            throw new ArgumentException($"Expected feature '{feature}' is named twice.", nameof(options));
        if (options.Classes is not { } classes) return;
        if (options.TargetColumns.Count != 1)
            throw new ArgumentException($"Classes apply to a single target column, not {options.TargetColumns.Count}.", nameof(options));
        if (classes.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("A class label cannot be empty.", nameof(options));
        if (classes.Count < 2)
            throw new ArgumentException($"Give at least two classes; got only '{classes.FirstOrDefault()}'.", nameof(options));
        if (FirstDuplicate(classes.Select(c => c.Trim())) is { } label)
            throw new ArgumentException($"Class '{label}' is listed twice.", nameof(options));
    }

    private static Dataset Read(string path, CsvRecordReader reader, CsvOptions options)
    {
        if (!reader.Read()) throw new DataException(path, "the file is empty; expected a header row naming the columns");
        int headerLine = reader.Line;
        string[] header = ReadHeader(path, reader);

        if (options.TargetColumns.Count == 0) return ReadFeaturesOnly(path, reader, header, headerLine, options.ExpectFeatures!);
        int[] targetColumns = options.TargetColumns.Select(name => Array.IndexOf(header, name) is var i and >= 0 ? i
            : throw new DataException(path, $"no column named {Quote(name)}; the columns are: {MessageText.List(header)}", headerLine)).ToArray();
        int[] featureColumns = Enumerable.Range(0, header.Length).Where(c => !targetColumns.Contains(c)).ToArray();
        if (featureColumns.Length == 0)
            throw new DataException(path, "every column is a target; no feature columns are left", headerLine);
        string[] featureNames = featureColumns.Select(c => header[c]).ToArray();
        if (options.ExpectFeatures is { } expected) CheckFeatures(path, headerLine, featureNames, featureColumns, expected);

        var features = new List<double[]>();
        var targetCells = targetColumns.Select(_ => new List<Cell>()).ToArray();
        var budget = new RowBudget(path, featureColumns.Length, targetColumns.Length);
        while (reader.Read())
        {
            if (reader.Count != header.Length)
                throw new DataException(path,
                    $"line {reader.Line} has {Plural(reader.Count, "field")}; the header has {header.Length}", reader.Line);
            budget.Add(reader.Line);
            var row = new double[featureColumns.Length];
            for (int f = 0; f < row.Length; f++)
            {
                int c = featureColumns[f];
                row[f] = ParseNumber(path, reader.Field(c), reader.FieldLine(c), c + 1, header[c], "column");
            }
            features.Add(row);
            for (int t = 0; t < targetColumns.Length; t++)
            {
                int c = targetColumns[t];
                var text = reader.Field(c).Trim();
                budget.AddText(text.Length);
                targetCells[t].Add(new Cell(text.ToString(), reader.FieldLine(c), c + 1));
            }
        }
        int rows = features.Count;
        if (rows == 0) throw new DataException(path, "the file has a header but no data rows", headerLine);

        var x = new Matrix<double>(rows, featureColumns.Length);
        for (int r = 0; r < rows; r++) features[r].CopyTo(x.RowSpan(r));
        string[] targetNames = targetColumns.Select(c => header[c]).ToArray();
        bool classes = targetColumns.Length == 1
            && (options.Classes is not null || targetCells[0].Any(cell => cell.Text.Length > 0 && !IsNumber(cell.Text)));
        return classes
            ? ClassTargets(path, x, featureNames, targetNames[0], targetCells[0], options.Classes, headerLine)
            : new Dataset(x, NumericTargets(path, targetCells, targetNames), featureNames, targetNames, null, path);
    }

    // Prediction: only the model's feature columns, found by name (other columns, such as targets, are ignored).
    private static Dataset ReadFeaturesOnly(string path, CsvRecordReader reader, string[] header, int headerLine, IReadOnlyList<string> names)
    {
        int[] columns = names.Select(name => Array.IndexOf(header, name) is var i and >= 0 ? i
            : throw new DataException(path, $"no column named {Quote(name)}, which the model takes as input; the columns are: {MessageText.List(header)}", headerLine)).ToArray();
        var rows = new List<double[]>();
        var budget = new RowBudget(path, columns.Length, 0);
        while (reader.Read())
        {
            if (reader.Count != header.Length)
                throw new DataException(path, $"line {reader.Line} has {Plural(reader.Count, "field")}; the header has {header.Length}", reader.Line);
            budget.Add(reader.Line);
            var row = new double[columns.Length];
            for (int f = 0; f < row.Length; f++)
                row[f] = ParseNumber(path, reader.Field(columns[f]), reader.FieldLine(columns[f]), columns[f] + 1, header[columns[f]], "column");
            rows.Add(row);
        }
        if (rows.Count == 0) throw new DataException(path, "the file has a header but no data rows", headerLine);
        var x = new Matrix<double>(rows.Count, columns.Length);
        for (int r = 0; r < rows.Count; r++) rows[r].CopyTo(x.RowSpan(r));
        return new Dataset(x, new Matrix<double>(rows.Count, 0), names.ToArray(), [], null, path);
    }

    /// <summary>
    /// What the rows read so far will take once loaded, checked row by row against the memory the machine has and the
    /// largest array, so that a file too large to load fails when that is certain rather than when memory runs out.
    /// </summary>
    private sealed class RowBudget(string path, int features, int targets)
    {
        // A row's features (an array, then its copy in the matrix), its place in the list, and each target's cell and output.
        private readonly long _perRow = 16L * features + 40 + 64L * targets;
        private readonly long _available = MemoryBudget.Available;
        private readonly long _maxRows = Array.MaxLength / Math.Max(1, Math.Max(features, targets));
        private long _rows, _bytes;

        /// <summary>Counts one more row, starting at <paramref name="line"/>.</summary>
        public void Add(int line)
        {
            _rows++;
            _bytes += _perRow;
            if (_bytes > _available)
                throw new DataException(path,
                    $"needs more than {MessageText.Size(_bytes)} for the {_rows} rows read by this line ({Plural(features, "feature")}" +
                    $"{(targets > 0 ? $" and {Plural(targets, "target")}" : "")} each); this machine has {MessageText.Size(_available)} available", line);
            if (_rows > _maxRows)
                throw new DataException(path, $"{_rows} rows of {Math.Max(features, targets)} values are too many to load at once", line);
        }

        /// <summary>Counts a target cell's text, kept until every row is read.</summary>
        public void AddText(int length) => _bytes += 2L * length;
    }

    /// <summary>A target cell kept until all rows are read, when it is known whether the column holds classes.</summary>
    private readonly record struct Cell(string Text, int Line, int Column); // Column is 1-based, as in messages

    private static string[] ReadHeader(string path, CsvRecordReader reader)
    {
        var header = new string[reader.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < header.Length; c++)
        {
            string name = reader.Field(c).Trim().ToString();
            if (name.Length == 0)
                throw new DataException(path, $"column {c + 1} has no name in the header; every column needs one", reader.FieldLine(c), c + 1);
            if (!seen.TryAdd(name, c))
                throw new DataException(path, $"duplicate column name {Quote(name)} (also column {seen[name] + 1})", reader.FieldLine(c), c + 1);
            header[c] = name;
        }
        return header;
    }

    /// <summary>The file's feature columns must be the model's, in the same order; reports the first difference.</summary>
    private static void CheckFeatures(string path, int line, string[] found, int[] columns, IReadOnlyList<string> expected)
    {
        string want = "the model's features are: " + MessageText.List(expected);
        for (int i = 0; i < Math.Max(found.Length, expected.Count); i++)
        {
            if (i < found.Length && i < expected.Count && found[i] == expected[i]) continue;
            if (i < expected.Count && !found.Contains(expected[i]))
                throw new DataException(path, $"missing feature column {Quote(expected[i])}; {want}", line);
            if (!expected.Contains(found[i]))
                throw new DataException(path, $"column {Quote(found[i])} is not a feature of the model; {want}", line, columns[i] + 1);
            throw new DataException(path,
                $"feature columns are in a different order: column {Quote(found[i])} is where the model expects {Quote(expected[i])}; {want}",
                line, columns[i] + 1);
        }
    }

    private static Dataset ClassTargets(string path, Matrix<double> x, string[] featureNames, string column,
        List<Cell> cells, IReadOnlyList<string>? given, int headerLine)
    {
        var names = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string label in given ?? [])
        {
            index.Add(label.Trim(), names.Count);
            names.Add(label.Trim());
        }
        var labels = new int[cells.Count];
        for (int r = 0; r < cells.Count; r++)
        {
            var cell = cells[r];
            if (cell.Text.Length == 0)
                throw new DataException(path, $"empty class label in column {Quote(column)}", cell.Line, cell.Column);
            if (!index.TryGetValue(cell.Text, out labels[r]))
            {
                if (given is not null)
                    throw new DataException(path,
                        $"class {Quote(cell.Text)} in column {Quote(column)} is not one of the given classes: {MessageText.List(names)}",
                        cell.Line, cell.Column);
                labels[r] = index[cell.Text] = names.Count;
                names.Add(cell.Text);
            }
        }
        if (names.Count < 2)
            throw new DataException(path,
                $"column {Quote(column)} holds a single class, {Quote(names[0])}; classification needs at least two", headerLine, cells[0].Column);

        string targets = $"the one-hot targets of {Plural(cells.Count, "row")} and {names.Count} classes (column {Quote(column)})";
        if ((double)cells.Count * names.Count > Array.MaxLength)
            throw new DataException(path, $"{targets} are too many values to load at once", headerLine, cells[0].Column);
        MemoryBudget.Check(path, 8.0 * cells.Count * names.Count, targets, headerLine);
        var y = new Matrix<double>(cells.Count, names.Count);
        for (int r = 0; r < labels.Length; r++) y[r, labels[r]] = 1;
        return new Dataset(x, y, featureNames, [column], names, path);
    }

    private static Matrix<double> NumericTargets(string path, List<Cell>[] cells, string[] names)
    {
        var y = new Matrix<double>(cells[0].Count, names.Length);
        string hint = names.Length > 1 ? " (class labels need a single target column)" : "";
        for (int t = 0; t < names.Length; t++)
            for (int r = 0; r < cells[t].Count; r++)
            {
                var cell = cells[t][r];
                y[r, t] = ParseNumber(path, cell.Text, cell.Line, cell.Column, names[t], "target column", hint);
            }
        return y;
    }

    private static double ParseNumber(string path, ReadOnlySpan<char> cell, int line, int column, string name, string what, string hint = "")
    {
        var text = cell.Trim();
        if (text.IsEmpty)
            throw new DataException(path, $"empty cell in {what} {Quote(name)}; expected a number", line, column);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new DataException(path, $"{Quote(text)} in {what} {Quote(name)} is not a number{hint}", line, column);
        if (double.IsNaN(value))
            throw new DataException(path, $"{Quote(text)} in {what} {Quote(name)} is NaN; expected a finite number", line, column);
        if (double.IsInfinity(value))
            throw new DataException(path, $"{Quote(text)} in {what} {Quote(name)} is infinite; expected a finite number", line, column);
        return value;
    }

    private static bool IsNumber(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>A cell or name quoted for a one-line message: what does not print escaped (\n, \x00), long text shortened.</summary>
    private static string Quote(ReadOnlySpan<char> text) => MessageText.Quote(text);

    private static string Plural(int n, string noun) => MessageText.Plural(n, noun);

    private static string? FirstDuplicate(IEnumerable<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return names.FirstOrDefault(name => !seen.Add(name));
    }
}
