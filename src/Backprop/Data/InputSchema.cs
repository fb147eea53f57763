namespace Backprop.Data;

/// <summary>
/// How a table's columns become a network's inputs: each input column in order (numbers, or text categories one-hot
/// encoded), and what is done with a missing cell. Learned from the training file and saved in the model, so that
/// evaluation and prediction read new files exactly as the training file was read.
/// </summary>
/// <param name="Columns">The input columns, in the order of their inputs.</param>
/// <param name="Missing">What a missing cell does: one of <see cref="MissingPolicies"/>.</param>
internal sealed record InputSchema(IReadOnlyList<InputColumn> Columns, string Missing = "error")
{
    /// <summary>
    /// error (a missing cell is an error), drop (its row is left out), mean or median (a numeric cell becomes the
    /// training rows' mean or median of its column; a text cell becomes no category: all its one-hot inputs 0).
    /// </summary>
    public static IReadOnlyList<string> MissingPolicies { get; } = ["error", "drop", "mean", "median"];

    /// <summary>Every column a number, missing cells an error: how a file without text columns is read, and what a model saved before schemas means.</summary>
    public static InputSchema Numeric(IEnumerable<string> names) => new(names.Select(n => new InputColumn(n)).ToArray());

    /// <summary>The network inputs' names, in order (a text column gives one a category: <c>colour=red</c>).</summary>
    public IReadOnlyList<string> InputNames => Columns.SelectMany(c => c.InputNames).ToArray();

    /// <summary>The number of network inputs.</summary>
    public int Width => Columns.Sum(c => c.Width);

    /// <summary>True when there is nothing to say beyond numeric columns whose missing cells are errors (a model file then leaves the schema out).</summary>
    public bool IsPlain => Missing == "error" && Columns.All(c => !c.IsCategorical && c.Fill is null);

    /// <summary>True when the missing cells of numeric columns are filled but the values to fill them with are not yet learned.</summary>
    public bool NeedsFit => Missing is "mean" or "median" && Columns.Any(c => !c.IsCategorical && c.Fill is null);

    /// <summary>For each network input, whether it is a one-hot category input.</summary>
    public bool[] OneHotInputs() => Columns.SelectMany(c => Enumerable.Repeat(c.IsCategorical, c.Width)).ToArray();

    /// <summary>Two schemas are equal when their columns and policy are.</summary>
    public bool Equals(InputSchema? other) =>
        other is not null && Missing == other.Missing && Columns.Count == other.Columns.Count
        && Columns.Zip(other.Columns).All(p => p.First.Name == p.Second.Name
            && (p.First.Categories is null ? p.Second.Categories is null : p.Second.Categories is not null && p.First.Categories.SequenceEqual(p.Second.Categories, StringComparer.Ordinal))
            && Nullable.Equals(p.First.Fill.HasValue ? BitConverter.DoubleToInt64Bits(p.First.Fill.Value) : (long?)null,
                               p.Second.Fill.HasValue ? BitConverter.DoubleToInt64Bits(p.Second.Fill.Value) : (long?)null));

    /// <summary>A hash consistent with <see cref="Equals(InputSchema?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Missing, Columns.Count);
}
