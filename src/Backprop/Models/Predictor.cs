using System.Globalization;
using Backprop.Data;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Models;

/// <summary>
/// A model made ready to predict, built once and shared: safe to call from many threads at once (a web service's
/// requests), it predicts one row or a batch, from numbers in the model's input order or from named values as a
/// file's row holds them. <see cref="Model.Predict(Dataset)"/> and <c>backprop predict</c> use it, so its answers are
/// theirs, bit for bit.
/// </summary>
/// <remarks>
/// Inputs are raw, as the training file held them: the predictor scales them as the model's training data was
/// scaled (<see cref="Model.Normalization"/>), in float64, then computes in the model's precision. After the first
/// call on a thread, predicting a row from a span allocates nothing.
/// </remarks>
public sealed class Predictor
{
    private readonly PredictorEngine<float>? _f32;
    private readonly PredictorEngine<double>? _f64;
    private readonly InputSchema _schema;
    private readonly int[] _slot;                                   // each column's first input
    private readonly Dictionary<string, int>?[] _categories;        // a text column's category codes
    private readonly Dictionary<string, int> _columnIndex;

    /// <summary>Makes <paramref name="model"/> ready to predict: its network built once, in its precision.</summary>
    public Predictor(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        if (model.Precision == Precision.F64) _f64 = new PredictorEngine<double>(model);
        else _f32 = new PredictorEngine<float>(model);
        _schema = model.Inputs ?? InputSchema.Numeric(model.FeatureNames);
        if (_schema.Width != model.Spec.Inputs) _schema = InputSchema.Numeric(Enumerable.Range(1, model.Spec.Inputs).Select(i => $"x{i}"));
        _slot = new int[_schema.Columns.Count];
        for (int c = 1; c < _slot.Length; c++) _slot[c] = _slot[c - 1] + _schema.Columns[c - 1].Width;
        _categories = _schema.Columns.Select(c => c.Categories is { } names
            ? names.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal) : null).ToArray();
        _columnIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < _schema.Columns.Count; c++) _columnIndex.TryAdd(_schema.Columns[c].Name, c);
        Columns = _schema.Columns.Select(c => c.Name).ToArray();
        OutputNames = new Predictions(new Matrix<double>(0, model.Spec.Outputs), model.ClassNames, model.TargetNames, model.IsBinaryClassifier).Columns;
    }

    /// <summary>The model it predicts with.</summary>
    public Model Model { get; }

    /// <summary>
    /// The columns named values give, in order: the training file's input columns (a text column is one column here,
    /// and several one-hot inputs of the network).
    /// </summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The number of inputs a row of numbers holds: the network's inputs, named by <see cref="Model.FeatureNames"/> (a text column's category <c>colour=red</c> is 1 or 0).</summary>
    public int Inputs => _f32?.Inputs ?? _f64!.Inputs;

    /// <summary>The number of outputs a row of numbers gets: each class's probability (a yes/no model's one, the second class's), or each target's value.</summary>
    public int Outputs => _f32?.Outputs ?? _f64!.Outputs;

    /// <summary>What each of a <see cref="Prediction"/>'s values is: the class names, or the target columns.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The model's class names, or null for a model of numbers.</summary>
    public IReadOnlyList<string>? ClassNames => Model.ClassNames;

    /// <summary>A text value that is not one of a column's known categories gives that column no category (all its inputs 0), as <c>predict --unknown ignore</c> does, instead of an error.</summary>
    public bool IgnoreUnknown { get; init; }

    /// <summary>
    /// Predicts one row of numbers in the model's input order (<see cref="Inputs"/> of them, raw) into
    /// <paramref name="outputs"/> (<see cref="Outputs"/> of them); allocates nothing after warm-up.
    /// </summary>
    /// <returns>The index of the predicted class in <see cref="ClassNames"/>, or -1 for a model of numbers.</returns>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public int Predict(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        CheckLengths(inputs.Length, outputs.Length);
        if (_f32 is not null)
        {
            _f32.PredictRaw(inputs, outputs);
            return ClassOf<float>(outputs);
        }
        Span<double> wide = Outputs <= 256 ? stackalloc double[Outputs] : new double[Outputs];
        _f64!.PredictRaw(inputs, wide);
        for (int i = 0; i < wide.Length; i++) outputs[i] = (float)wide[i];
        return ClassOf<double>(wide);
    }

    /// <inheritdoc cref="Predict(ReadOnlySpan{float}, Span{float})"/>
    public int Predict(ReadOnlySpan<double> inputs, Span<double> outputs)
    {
        CheckLengths(inputs.Length, outputs.Length);
        if (_f64 is not null)
        {
            _f64.PredictRaw(inputs, outputs);
            return ClassOf<double>(outputs);
        }
        Span<float> narrow = Outputs <= 256 ? stackalloc float[Outputs] : new float[Outputs];
        _f32!.PredictRaw(inputs, narrow);
        for (int i = 0; i < narrow.Length; i++) outputs[i] = narrow[i];
        return ClassOf<float>(narrow);
    }

    /// <summary>The prediction for one row of numbers in the model's input order (<see cref="Inputs"/> of them, raw).</summary>
    /// <exception cref="ArgumentException">The row has the wrong length.</exception>
    public Prediction Predict(ReadOnlySpan<double> inputs)
    {
        var outputs = new Matrix<double>(1, Outputs);
        Predict(inputs, outputs.Span);
        return Wrap(outputs)[0];
    }

    /// <summary>
    /// The prediction for one row of named values, as a file's row holds them: a number (or its text) for a numeric
    /// column, the category's text for a text column, null (or a missing marker such as "" or "NA") for a missing
    /// value, which the model fills or refuses as it was trained to.
    /// </summary>
    /// <exception cref="DataException">A column is missing or unknown, or a value does not fit its column; names the column.</exception>
    public Prediction Predict(IReadOnlyDictionary<string, object?> values) => Predict([values], single: true)[0];

    /// <summary>The predictions for rows of named values (see <see cref="Predict(IReadOnlyDictionary{string, object?})"/>), in order.</summary>
    /// <exception cref="DataException">A row does not fit the model; names the row (from 1) and the column.</exception>
    public Predictions Predict(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows) => Predict(rows, single: false);

    private Predictions Predict(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, bool single)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var raw = new Matrix<double>(rows.Count, Inputs);
        for (int r = 0; r < rows.Count; r++) Read(rows[r], raw.RowSpan(r), single ? "the row" : $"row {r + 1}");
        return Predict(raw);
    }

    /// <summary>The predictions for rows of numbers (rows, <see cref="Inputs"/>) in the model's input order, raw.</summary>
    /// <exception cref="ArgumentException">The rows have the wrong number of columns.</exception>
    public Predictions Predict(Matrix<double> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Columns != Inputs) throw new ArgumentException($"The rows have {inputs.Columns} columns; the model takes {Inputs} inputs.", nameof(inputs));
        var outputs = new Matrix<double>(inputs.Rows, Outputs);
        if (_f64 is not null) _f64.PredictRawRows(inputs.Span, outputs.Span, inputs.Rows);
        else
        {
            var narrow = new float[inputs.Rows * Outputs];
            _f32!.PredictRawRows(inputs.Span, narrow, inputs.Rows);
            Widen(narrow, outputs.Span);
        }
        return Wrap(outputs);
    }

    /// <summary>The predictions for the rows of <paramref name="data"/> (read for this model: <see cref="Model.ReadData"/>), scaled as the model's training data was.</summary>
    /// <exception cref="ArgumentException">The data's inputs do not fit the model.</exception>
    public Predictions Predict(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureNames.Count != Inputs)
            throw new ArgumentException($"{data.Source} has {data.FeatureNames.Count} input columns; the model takes {Inputs}.", nameof(data));
        var outputs = new Matrix<double>(data.Count, Outputs);
        if (_f64 is not null) _f64.ForwardScaled(Scaled<double>(data), outputs.Span, data.Count);
        else
        {
            var narrow = new float[data.Count * Outputs];
            _f32!.ForwardScaled(Scaled<float>(data), narrow, data.Count);
            Widen(narrow, outputs.Span);
        }
        return Wrap(outputs);
    }

    /// <summary>
    /// The predictions for <paramref name="rows"/> rows already scaled, in the model's precision <typeparamref name="T"/>
    /// (<see cref="Dataset.RowsAs{T}"/> with the model's normalization): what <see cref="Predict(Dataset)"/> computes for them.
    /// </summary>
    internal Predictions PredictScaled<T>(ReadOnlySpan<T> x, int rows) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (Model.PrecisionOf<T>() != Model.Precision)
            throw new ArgumentException($"The rows are {typeof(T).Name}; the model computes in {Model.Precision}.", nameof(x));
        var outputs = new Matrix<double>(rows, Outputs);
        if (_f64 is not null) _f64.ForwardScaled(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(x), outputs.Span, rows);
        else
        {
            var narrow = new float[rows * Outputs];
            _f32!.ForwardScaled(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x), narrow, rows);
            Widen(narrow, outputs.Span);
        }
        return Wrap(outputs);
    }

    // The data's inputs scaled and in T, as Model.Predict always read them (images converted from their bytes).
    private ReadOnlySpan<T> Scaled<T>(Dataset data) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var rows = data.RowsAs<T>(Model.Normalization);
        if (rows is Matrix<T> matrix) return matrix.Span;
        var copy = new Matrix<T>(rows.Rows, rows.Columns);
        for (int r = 0; r < rows.Rows; r++) rows.CopyRow(r, copy.RowSpan(r));
        return copy.Span;
    }

    private static void Widen(ReadOnlySpan<float> from, Span<double> to)
    {
        for (int i = 0; i < from.Length; i++) to[i] = from[i];
    }

    private Predictions Wrap(Matrix<double> outputs) => new(outputs, Model.ClassNames, Model.TargetNames, Model.IsBinaryClassifier);

    private int ClassOf<T>(ReadOnlySpan<T> outputs) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Model.ClassNames is null ? -1 : Metrics.ClassOf(outputs);

    private void CheckLengths(int inputs, int outputs)
    {
        if (inputs != Inputs) throw new ArgumentException($"A row has {inputs} values; the model takes {Inputs} inputs.", nameof(inputs));
        if (outputs != Outputs) throw new ArgumentException($"The outputs hold {outputs} values; the model gives {Outputs}.", nameof(outputs));
    }

    // One row of named values into the network's raw inputs, as CsvTable reads a file's row with the model's schema.
    private void Read(IReadOnlyDictionary<string, object?> values, Span<double> row, string where)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var name in values.Keys)
            if (!_columnIndex.ContainsKey(name))
                throw new DataException(where, $"no input column {MessageText.Quote(name)}; the model's columns are: {Data.MessageText.List(Columns)}");
        for (int c = 0; c < _schema.Columns.Count; c++)
        {
            var column = _schema.Columns[c];
            if (!values.TryGetValue(column.Name, out object? value))
                throw new DataException(where, $"no value for column {MessageText.Quote(column.Name)}, which the model takes as input");
            string? text;
            bool isNumber = false;
            double number = 0;
            switch (value)
            {
                case null: text = null; break;
                case string s: text = s.Trim(); break;
                case double or float or int or long or short or byte or decimal or uint or ulong or ushort or sbyte:
                    number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    isNumber = true;
                    text = double.IsNaN(number) ? null : number.ToString("R", CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new DataException(where, $"column {MessageText.Quote(column.Name)} holds a {value.GetType().Name}; expected a number, text or null");
            }
            if (text is null || MissingCells.IsMissing(text))
            {
                Missing(column, text ?? "", row, c, where);
                continue;
            }
            if (_categories[c] is { } codes)
            {
                if (codes.TryGetValue(text, out int code)) row[_slot[c] + code] = 1;
                else if (!IgnoreUnknown)
                    throw new DataException(where, $"{MessageText.Quote(text)} in column {MessageText.Quote(column.Name)} is not one of the categories the model knows: {Data.MessageText.List(column.Categories!)}");
                continue;
            }
            if (!isNumber && !FastNumber.TryParse(text, out number))
                throw new DataException(where, FastNumber.TryParse(text.Replace(',', '.'), out _)
                    ? $"{MessageText.Quote(text)} in column {MessageText.Quote(column.Name)} is not a number; write decimals with a point ({MessageText.Quote(text.Replace(',', '.'))})"
                    : $"{MessageText.Quote(text)} in column {MessageText.Quote(column.Name)} is not a number");
            if (!double.IsFinite(number))
                throw new DataException(where, $"{MessageText.Quote(text)} in column {MessageText.Quote(column.Name)} is {(double.IsNaN(number) ? "NaN" : "infinite")}; expected a finite number");
            row[_slot[c]] = number;
        }
    }

    // A missing value, as CsvTable handles one when predicting: filled, no category, or an error naming the column.
    private void Missing(InputColumn column, string text, Span<double> row, int c, string where)
    {
        string expected = column.IsCategorical ? "a value" : "a number";
        string problem = text.Length == 0 ? $"no value in column {MessageText.Quote(column.Name)}; expected {expected}"
            : MissingCells.Problem(text, column.Name, "column", expected);
        if (_schema.Missing == "error")
            throw new DataException(where, problem + "; the model was trained with --missing error, so it has no value to fill in");
        if (_schema.Missing == "drop")
            throw new DataException(where, problem + "; the model was trained on rows without missing cells (drop), so it cannot predict this row");
        if (column.IsCategorical) return;   // no category: all of its inputs 0
        row[_slot[c]] = column.Fill ?? throw new DataException(where, problem + "; the model has no value to fill in");
    }
}
