using Backprop.Tensors;

namespace Backprop.Data;

/// <summary>
/// Reads the rows of a CSV file, after its header, one at a time into a sink (<see cref="MemoryTable"/>, or a cache
/// file's): each cell is parsed into its row's place, with no list of rows. A learned text column holds a code a row,
/// made one-hot as the rows are read later (<see cref="TableRows"/>); with a schema the one-hot inputs are written as
/// the rows are read.
/// </summary>
internal sealed class CsvTable
{
    private readonly string _path;
    private readonly CsvRecordReader _reader;
    private readonly string[] _header;
    private readonly int _headerLine;
    private readonly int[] _inputs;        // each input column's place in the file (0-based)
    private readonly CsvColumn[] _columns;
    private readonly int[] _slot;          // each input column's first value in a row of the buffer
    private readonly int _width;           // values a row of the buffer
    private readonly string _missing;
    private readonly bool _ignoreUnknown, _predicting, _modelSchema;
    private readonly CsvTargets? _targets;
    private readonly int[] _targetColumns;
    private readonly TableSink _sink;
    private readonly double[] _row;
    private int _capacity, _rows, _dropped;

    // sink: where the rows go (a cache file), given the values a row and the rows to expect; null: in memory.
    public CsvTable(string path, CsvRecordReader reader, string[] header, int headerLine, int[] inputs, int[] targets,
        InputSchema? schema, CsvOptions options, int capacity, Func<int, int, TableSink>? sink = null)
    {
        _path = path;
        _reader = reader;
        _header = header;
        _headerLine = headerLine;
        _inputs = inputs;
        _targetColumns = targets;
        _missing = schema?.Missing ?? options.Missing;
        _ignoreUnknown = options.Unknown == "ignore";
        _predicting = targets.Length == 0;
        _modelSchema = schema is not null;
        _columns = inputs.Select((c, i) => new CsvColumn(header[c], schema?.Columns[i])).ToArray();
        _slot = new int[inputs.Length];
        for (int i = 1; i < inputs.Length; i++) _slot[i] = _slot[i - 1] + (schema is null ? 1 : schema.Columns[i - 1].Width);
        _width = schema?.Width ?? inputs.Length;
        _capacity = capacity;
        CheckBudget(targets.Length, sink is null);
        _row = new double[_width];
        _sink = sink?.Invoke(_width, _capacity) ?? new MemoryTable(_width, _capacity,
            bytes => MemoryBudget.Check(_path, bytes + 12.0 * targets.Length * _capacity, Rows(targets.Length), _headerLine));
        if (targets.Length > 0)
            _targets = new CsvTargets(path, targets.Select(c => header[c]).ToArray(), targets, options, _capacity);
    }

    // The features (float32 to start with: see MemoryTable) and targets of every row the file can hold (its line count),
    // before any is allocated; in a cache file only the targets are held.
    private void CheckBudget(int targets, bool inMemory)
    {
        long perRow = (inMemory ? 4L * _width : 0) + 12L * targets;
        if (inMemory && (long)_capacity * Math.Max(1, _width) > Array.MaxLength)
            throw new DataException(_path, $"{Rows(targets)} are too many values to load at once", _headerLine);
        MemoryBudget.Check(_path, (double)perRow * _capacity, Rows(targets), _headerLine);
    }

    private string Rows(int targets) => $"the {MessageText.Plural(_capacity, "row")} of the file ({MessageText.Plural(_inputs.Length, "feature")}"
        + (targets > 0 ? $" and {MessageText.Plural(targets, "target")}" : "") + " each)";

    /// <summary>Reads every row, then makes the dataset.</summary>
    public Dataset Read()
    {
        ReadRows(int.MaxValue);
        return Finish();
    }

    /// <summary>
    /// Reads the next <paramref name="maxRows"/> rows (fewer at the end of the file; rows left out for a missing cell
    /// are not counted), then makes them a dataset; null when no row was left (<see cref="Dropped"/> says how many
    /// were left out on the way). <see cref="CsvChunkReader"/> reads a file in chunks this way, a table each.
    /// </summary>
    public Dataset? ReadChunk(int maxRows)
    {
        ReadRows(maxRows);
        return _rows == 0 ? null : Finish();
    }

    /// <summary>The rows left out so far for a missing cell (<c>--missing drop</c>).</summary>
    public int Dropped => _dropped;

    private void ReadRows(int maxRows)
    {
        bool drop = _missing == "drop";
        while (_rows < maxRows && _reader.Read())
        {
            if (_reader.Count != _header.Length)
                throw new DataException(_path,
                    $"line {_reader.Line} has {MessageText.Plural(_reader.Count, "field")}; the header has {_header.Length}{CsvLoader.NoHeaderHint(_header)}", _reader.Line);
            if (drop && !_predicting && HasMissing())
            {
                _dropped++;
                continue;
            }
            if (_rows == _capacity) Grow();
            var row = _row.AsSpan();
            row.Clear();
            for (int i = 0; i < _inputs.Length; i++)
            {
                var column = _columns[i];
                var cell = _reader.Field(_inputs[i]);
                // Most cells of most files: a plain number, parsed as it stands.
                if (column.Kind == CsvColumnKind.Number && FastNumber.TryParseFast(cell, out double value)) row[_slot[i]] = value;
                else ReadCell(i, cell.Trim(), row);
            }
            _sink.Add(row);
            _targets?.Read(_reader, _rows);
            _rows++;
        }
    }

    private bool HasMissing()
    {
        foreach (int c in _inputs)
            if (MissingCells.IsMissing(_reader.Field(c).Trim())) return true;
        foreach (int c in _targetColumns)
            if (MissingCells.IsMissing(_reader.Field(c).Trim())) return true;
        return false;
    }

    // A file with no known length (a device, a pipe) is read into buffers that double.
    private void Grow()
    {
        int capacity = (int)Math.Min(Math.Max(1024, 2L * _capacity), Array.MaxLength / Math.Max(1, _width));
        if (capacity <= _capacity)
            throw new DataException(_path, $"{_rows + 1} rows of {_width} values are too many to load at once", _reader.Line);
        _capacity = capacity;
        CheckBudget(_targetColumns.Length, false);
        _sink.Grow(capacity);
        _targets?.Grow(capacity);
    }

    private void ReadCell(int i, ReadOnlySpan<char> text, Span<double> row)
    {
        var column = _columns[i];
        int line = _reader.FieldLine(_inputs[i]), at = _inputs[i] + 1;
        if (MissingCells.IsMissing(text))
        {
            Missing(column, text, line, at, row, _slot[i]);
            return;
        }
        bool number = FastNumber.TryParse(text, out double value);
        if (column.Kind == CsvColumnKind.Unknown)
        {
            if (number) column.Kind = CsvColumnKind.Number;
            else
            {
                // A number written with a decimal comma is a mistake more often than a category.
                if (FastNumber.TryParse(text.ToString().Replace(',', '.'), out _))
                    throw new DataException(_path, $"{Quote(text)} in column {Quote(column.Name)} is not a number; write decimals with a point ({Quote(text.ToString().Replace(',', '.'))})", line, at);
                column.Kind = CsvColumnKind.Text;
                column.FirstText = (text.ToString(), line);
            }
        }
        if (column.Kind == CsvColumnKind.Number)
        {
            if (!number) throw new DataException(_path, $"{Quote(text)} in column {Quote(column.Name)} is not a number", line, at);
            if (!double.IsFinite(value))
                throw new DataException(_path, $"{Quote(text)} in column {Quote(column.Name)} is {(double.IsNaN(value) ? "NaN" : "infinite")}; expected a finite number", line, at);
            row[_slot[i]] = value;
            return;
        }
        int code = column.Code(text);
        if (column.Known)
        {
            if (code >= 0) row[_slot[i] + code] = 1;
            else if (!_ignoreUnknown)
                throw new DataException(_path, $"{Quote(text)} in column {Quote(column.Name)} is not one of the categories the model knows: "
                    + $"{MessageText.List(column.Categories)}", line, at);
            return;   // ignored: all of the column's inputs stay 0
        }
        if (number)
            throw new DataException(_path, $"{Quote(text)} in column {Quote(column.Name)} is a number, but the column holds text: its first value, "
                + $"{Quote(column.FirstText.Text)} on line {column.FirstText.Line}, is text; a column holds numbers or text categories, not both", line, at);
        if (code < 0)
        {
            if (column.Categories.Count == CsvLoader.MaxCategories)
                throw new DataException(_path, $"column {Quote(column.Name)} has more than {CsvLoader.MaxCategories} different text values, the most a "
                    + $"text column may have (each becomes an input); {Quote(text)} is one more", line, at);
            code = column.Add(text);
        }
        row[_slot[i]] = code;
    }

    private void Missing(CsvColumn column, ReadOnlySpan<char> text, int line, int at, Span<double> row, int slot)
    {
        string expected = column.Kind == CsvColumnKind.Text ? "a value" : "a number";
        if (_missing == "error")
            throw new DataException(_path, MissingCells.Problem(text.ToString(), column.Name, "column", expected)
                + (_modelSchema ? "; the model was trained with --missing error, so it has no value to fill in (train it with --missing mean or median to fill such cells)"
                    : "; --missing drop leaves such rows out, --missing mean or median fills them"), line, at);
        if (_missing == "drop")   // only when predicting: every row needs its prediction
            throw new DataException(_path, MissingCells.Problem(text.ToString(), column.Name, "column", expected)
                + "; the model was trained on rows without missing cells (drop), so it cannot predict this row", line, at);
        if (column.Known && column.Kind == CsvColumnKind.Text) return;   // no category: all of its inputs 0
        row[slot] = column.Fill ?? double.NaN;   // a learned text column: no code; a number: filled once the fill is learned
    }

    private Dataset Finish()
    {
        if (_rows == 0) throw NoRows(_path, _dropped, _headerLine);
        var (targets, classes, inferred) = _targets?.Finish(_rows, _headerLine) ?? (new Matrix<double>(_rows, 0), null, null);
        var schema = Schema();
        var names = schema.InputNames;
        CheckNames(names);
        // A learned text column holds a code a row, made one-hot (categories sorted) as rows are read.
        var places = _columns.Any(c => !c.Known && c.Kind == CsvColumnKind.Text)
            ? _columns.Select(c => c.Kind == CsvColumnKind.Text ? c.Sorted().Place : null).ToArray() : null;
        var rows = _sink.Finish(_rows, places);
        return new Dataset(new TableView(rows, null, null), targets, names, _targetColumns.Select(c => _header[c]).ToArray(), classes, _path)
        {
            Schema = schema,
            Delimiter = _reader.Delimiter,
            DelimiterDetected = _reader.Detected,
            DroppedRows = _dropped,
            InferredTask = inferred,
        };
    }

    /// <summary>The error for a file with no row to read: none after the header, or every one dropped.</summary>
    public static DataException NoRows(string path, long dropped, int headerLine) => new(path, dropped > 0
        ? $"every one of the {MessageText.Plural(dropped, "row")} has a missing cell; none is left after dropping them"
        : "the file has a header but no data rows", headerLine);

    private InputSchema Schema() => new(_columns.Select(c => c.Known
        ? new InputColumn(c.Name, c.Kind == CsvColumnKind.Text ? c.Categories.ToArray() : null, c.Fill)
        : new InputColumn(c.Name, c.Kind == CsvColumnKind.Text ? c.Sorted().Sorted : null)).ToArray(), _missing);

    // One-hot names (colour=red) must not be another column's name.
    private void CheckNames(IReadOnlyList<string> names)
    {
        var seen = new HashSet<string>(_targetColumns.Select(c => _header[c]), StringComparer.Ordinal);
        foreach (string name in names)
            if (!seen.Add(name))
                throw new DataException(_path, $"the one-hot input {Quote(name)} of a text column has the name of another column; rename one of them", _headerLine);
    }

    private static string Quote(ReadOnlySpan<char> text) => MessageText.Quote(text);
}
