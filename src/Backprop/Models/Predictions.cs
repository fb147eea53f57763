using System.Collections;
using System.Globalization;
using Backprop.Tensors;

namespace Backprop.Models;

/// <summary>
/// A model's predictions for a dataset's rows, in order: the network's outputs, and one <see cref="Prediction"/> a row
/// with the class and its probabilities named as the model names them. <see cref="WriteCsv"/> writes what
/// <c>backprop predict</c> writes.
/// </summary>
public sealed class Predictions : IReadOnlyList<Prediction>
{
    private readonly bool _binary;

    internal Predictions(Matrix<double> outputs, IReadOnlyList<string>? classes, IReadOnlyList<string> targets, bool binary)
    {
        Outputs = outputs;
        ClassNames = classes;
        _binary = binary;
        Columns = classes ?? (targets.Count == outputs.Columns ? targets : [.. Enumerable.Range(1, outputs.Columns).Select(i => $"y{i}")]);
    }

    /// <summary>The network's outputs (rows, outputs): probabilities for classes (a yes/no model's one, the second class's), values otherwise.</summary>
    public Matrix<double> Outputs { get; }

    /// <summary>The model's class names, or null for a model of numbers.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>What each of a prediction's <see cref="Prediction.Values"/> is: the class names, or the target columns.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The number of rows.</summary>
    public int Count => Outputs.Rows;

    /// <summary>Row <paramref name="index"/>'s prediction.</summary>
    public Prediction this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"Row {index} is outside {Count} predictions.");
            var row = Outputs.RowSpan(index);
            if (ClassNames is null) return new Prediction(null, row.ToArray());
            // A yes/no model's one output is the second class's probability; the first's is what is left.
            double[] probabilities = _binary ? [1 - row[0], row[0]] : row.ToArray();
            int best = Training.Metrics.ClassOf<double>(row);   // the largest output, or a yes/no output's "yes" from 0.5 on
            return new Prediction(ClassNames[best], probabilities) { Probability = probabilities[best] };
        }
    }

    /// <summary>Each row's prediction, in order.</summary>
    public IEnumerator<Prediction> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The predictions as CSV, a row each: for classes <c>class,p_CLASS1,p_CLASS2,...</c> (the class and each class's
    /// probability), for numbers the target columns' values; numbers in shortest round-trip form.
    /// </summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        WriteHeader(writer);
        WriteRows(writer);
    }

    /// <summary>The CSV's header line (<see cref="WriteCsv"/>'s first).</summary>
    internal void WriteHeader(TextWriter writer)
    {
        writer.Write(string.Join(',', ClassNames is null ? Columns.Select(Quote) : Columns.Select(c => Quote("p_" + c)).Prepend("class")));
        writer.Write('\n');
    }

    /// <summary>The CSV's rows, one a prediction (<see cref="WriteCsv"/> after the header).</summary>
    internal void WriteRows(TextWriter writer)
    {
        foreach (var p in this)
        {
            if (p.Label is string label) writer.Write(Quote(label) + ",");
            for (int c = 0; c < p.Values.Count; c++)
            {
                if (c > 0) writer.Write(',');
                writer.Write(p.Values[c].ToString("R", CultureInfo.InvariantCulture));
            }
            writer.Write('\n');
        }
    }

    // CSV quoting for names that hold a comma, quote or line break.
    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
