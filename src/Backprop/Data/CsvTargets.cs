using Backprop.Tensors;

namespace Backprop.Data;

/// <summary>
/// The target columns of a CSV file as <see cref="CsvTable"/> reads them, row by row: each as numbers, and a single
/// target column also as labels (codes of its distinct values), until the end of the file tells which it is: classes
/// when labels are given or some value is not a number; for a single column of numbers, the task asked for, or else
/// <see cref="TaskKinds.Infer"/>'s rule (few distinct whole numbers are classes); numbers otherwise.
/// </summary>
internal sealed class CsvTargets
{
    private readonly string _path;
    private readonly string[] _names;
    private readonly int[] _columns;                  // 0-based, in the file
    private readonly IReadOnlyList<string>? _given;
    private readonly Dictionary<double, int>? _givenNumbers; // the given classes that are numbers: "1.0" matches class "1"
    private readonly TaskKind? _task;
    private readonly bool _infer;
    private readonly CsvColumn? _labels;              // a single target column's distinct values
    private double[][] _values;
    private int[] _codes;
    private (string Text, int Line, int Column)? _firstText, _firstMissing, _firstNotFinite;

    public CsvTargets(string path, string[] names, int[] columns, CsvOptions options, int capacity)
    {
        _path = path;
        _names = names;
        _columns = columns;
        var classes = options.Classes;
        _given = classes;
        _task = classes is null ? options.Task : TaskKind.Classification;
        _infer = options.InferClasses;
        if (classes is not null)
        {
            _givenNumbers = [];
            for (int i = 0; i < classes.Count; i++)
                if (FastNumber.TryParse(classes[i].Trim(), out double v) && double.IsFinite(v)) _givenNumbers.TryAdd(v == 0 ? 0 : v, i);
        }
        if (columns.Length == 1)
        {
            _labels = new CsvColumn(names[0], null);
            foreach (string label in classes ?? []) _labels.Add(label.Trim());
        }
        _values = names.Select(_ => new double[capacity]).ToArray();
        _codes = new int[_labels is null ? 0 : capacity];
    }

    /// <summary>Makes room for <paramref name="capacity"/> rows.</summary>
    public void Grow(int capacity)
    {
        for (int t = 0; t < _values.Length; t++) Array.Resize(ref _values[t], capacity);
        if (_labels is not null) Array.Resize(ref _codes, capacity);
    }

    /// <summary>Reads the targets of the reader's record as row <paramref name="row"/>.</summary>
    public void Read(CsvRecordReader reader, int row)
    {
        for (int t = 0; t < _columns.Length; t++)
        {
            int c = _columns[t];
            var raw = reader.Field(c);
            if (FastNumber.TryParseFast(raw, out double fast))
            {
                _values[t][row] = fast;
                if (_labels is not null) _codes[row] = Label(raw, reader.FieldLine(c), c + 1);
                continue;
            }
            var text = raw.Trim();
            if (MissingCells.IsMissing(text))
            {
                _firstMissing ??= (text.ToString(), reader.FieldLine(c), c + 1);
                _values[t][row] = double.NaN;
                if (_labels is not null) _codes[row] = -1;
                continue;
            }
            if (FastNumber.TryParse(text, out double value))
            {
                _values[t][row] = value;
                if (!double.IsFinite(value)) _firstNotFinite ??= (text.ToString(), reader.FieldLine(c), c + 1);
            }
            else
            {
                if (_labels is null)
                    throw new DataException(_path, $"{Quote(text)} in target column {Quote(_names[t])} is not a number (class labels need a single target column)",
                        reader.FieldLine(c), c + 1);
                _firstText ??= (text.ToString(), reader.FieldLine(c), c + 1);
                _values[t][row] = double.NaN;
            }
            if (_labels is not null) _codes[row] = Label(text, reader.FieldLine(c), c + 1);
        }
    }

    private int Label(ReadOnlySpan<char> text, int line, int column)
    {
        text = text.Trim();
        int code = _labels!.Code(text);
        if (code >= 0) return code;
        if (_givenNumbers is not null && FastNumber.TryParse(text, out double v) && _givenNumbers.TryGetValue(v == 0 ? 0 : v, out code)) return code;
        if (_given is not null)
            throw new DataException(_path,
                $"class {Quote(text)} in column {Quote(_names[0])} is not one of the given classes: {MessageText.List(_labels.Categories)}", line, column);
        return _labels.Add(text);
    }

    /// <summary>True when the targets are classes: labels were given, or a value of the single target column is not a number.</summary>
    public bool AreClasses => _labels is not null && (_given is not null || _firstText is not null);

    /// <summary>
    /// The targets of the first <paramref name="rows"/> rows, checked: one-hot classes, or numbers; with the words that
    /// say why a single column of whole numbers was read as one or the other when no task was given (else null).
    /// </summary>
    public (Matrix<double> Targets, IReadOnlyList<string>? Classes, InferredTask? Inferred) Finish(int rows, int headerLine)
    {
        if (AreClasses && _task == TaskKind.Regression && _firstText is { } label)
            throw new DataException(_path, $"{Quote(label.Text)} in target column {Quote(_names[0])} is not a number; regression (task regression) needs numbers to predict, "
                + "and text labels are classes: leave the task to the data or ask for classification", label.Line, label.Column);
        if (AreClasses)
        {
            if (_firstMissing is { } missing)
                throw new DataException(_path, (missing.Text.Length == 0 ? $"empty class label in column {Quote(_names[0])}"
                    : $"missing class label {Quote(missing.Text)} in column {Quote(_names[0])}") + MissingTarget, missing.Line, missing.Column);
            var names = _labels!.Categories;
            int column = _columns[0] + 1;
            if (names.Count < 2)
                throw new DataException(_path,
                    $"column {Quote(_names[0])} holds a single class, {Quote(names[0])}; classification needs at least two", headerLine, column);
            string what = $"the one-hot targets of {MessageText.Plural(rows, "row")} and {names.Count} classes (column {Quote(_names[0])})";
            if ((double)rows * names.Count > Array.MaxLength)
                throw new DataException(_path, $"{what} are too many values to load at once", headerLine, column);
            MemoryBudget.Check(_path, 8.0 * rows * names.Count, what, headerLine);
            var y = new Matrix<double>(rows, names.Count);
            for (int r = 0; r < rows; r++) y[r, _codes[r]] = 1;
            return (y, names.ToArray(), null);
        }
        if (_firstMissing is { } empty)
        {
            string name = _names[Array.IndexOf(_columns, empty.Column - 1)];
            throw new DataException(_path, MissingCells.Problem(empty.Text, name, "target column", "a number") + MissingTarget, empty.Line, empty.Column);
        }
        if (_firstNotFinite is { } bad)
        {
            string name = _names[Array.IndexOf(_columns, bad.Column - 1)];
            throw new DataException(_path, $"{Quote(bad.Text)} in target column {Quote(name)} is {(FastNumber.TryParse(bad.Text, out double v) && double.IsNaN(v) ? "NaN" : "infinite")}; expected a finite number",
                bad.Line, bad.Column);
        }
        InferredTask? inferred = null;
        if (_columns.Length == 1 && (_task == TaskKind.Classification || (_task is null && _infer)))
        {
            var values = _values[0].AsSpan(0, rows);
            if (_task == TaskKind.Classification) return NumericClasses(values, headerLine, null);
            var (task, why) = TaskKinds.Infer(values);
            inferred = why is null ? null : new InferredTask(task, $"column {Quote(_names[0])} holds {why}");
            if (task == TaskKind.Classification) return NumericClasses(values, headerLine, inferred);
        }
        else if (_task == TaskKind.Classification)
            throw new DataException(_path, $"classification (task classification) takes a single target column of labels, not {_names.Length}: {MessageText.List(_names)}", headerLine);
        var targets = new Matrix<double>(rows, _names.Length);
        for (int t = 0; t < _names.Length; t++)
            for (int r = 0; r < rows; r++) targets[r, t] = _values[t][r];
        return (targets, null, inferred);
    }

    // A single column of numbers read as classes: one class a distinct value, in increasing order, named as the shortest
    // text that reads back as the value ("0", "1", "2.5").
    private (Matrix<double>, IReadOnlyList<string>, InferredTask?) NumericClasses(ReadOnlySpan<double> values, int headerLine, InferredTask? inferred)
    {
        var distinct = new SortedSet<double>();
        foreach (double v in values)
            if (distinct.Add(v == 0 ? 0 : v) && distinct.Count > CsvLoader.MaxCategories)
                throw new DataException(_path, $"column {Quote(_names[0])} holds more than {CsvLoader.MaxCategories} distinct values, too many classes; "
                    + "it looks like numbers to predict (task regression)", headerLine, _columns[0] + 1);
        if (distinct.Count < 2)
            throw new DataException(_path, $"column {Quote(_names[0])} holds a single value, {Num(values[0])}; classification needs at least two classes", headerLine, _columns[0] + 1);
        string what = $"the one-hot targets of {MessageText.Plural(values.Length, "row")} and {distinct.Count} classes (column {Quote(_names[0])})";
        MemoryBudget.Check(_path, 8.0 * values.Length * distinct.Count, what, headerLine);
        var code = new Dictionary<double, int>();
        foreach (double v in distinct) code.Add(v, code.Count);
        var y = new Matrix<double>(values.Length, distinct.Count);
        for (int r = 0; r < values.Length; r++) y[r, code[values[r] == 0 ? 0 : values[r]]] = 1;
        return (y, distinct.Select(Num).ToArray(), inferred);
    }

    private static string Num(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static string Quote(ReadOnlySpan<char> text) => MessageText.Quote(text);

    // A row without its target cannot train or be measured: only dropping it helps.
    private const string MissingTarget = "; --missing drop leaves such rows out";
}
