using System.Globalization;

namespace Backprop.Data;

/// <summary>How <see cref="CsvLoader"/> reads a file: which columns are targets, and what the data must match.</summary>
public sealed record CsvOptions
{
    /// <summary>
    /// The target columns, by their names in the header row. Every other column is a feature. Empty only with
    /// <see cref="ExpectFeatures"/>: then just those columns are read (for prediction) and the rest are ignored.
    /// </summary>
    public IReadOnlyList<string> TargetColumns { get; init; } = [];

    /// <summary>The class labels in order (e.g. 0,1,2 or cat,dog): makes the single target column a class column; other labels are errors.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>
    /// Whether the targets are classes or numbers; null (default) decides from the file: a column of text labels holds
    /// classes, several target columns hold numbers, and a single column of numbers follows <see cref="TaskKinds.Infer"/>
    /// (few distinct whole numbers are classes) unless <see cref="InferClasses"/> is false.
    /// </summary>
    public TaskKind? Task { get; init; }

    /// <summary>
    /// With no <see cref="Task"/>: true (default) reads a single target column of few distinct whole numbers as classes;
    /// false reads every column of numbers as numbers, as the notes read their 0/1 targets.
    /// </summary>
    public bool InferClasses { get; init; } = true;

    /// <summary>
    /// The feature names a model was trained on: the file's feature columns must be exactly these, in this order (all
    /// numbers). <see cref="Schema"/>, when given, says more and takes its place.
    /// </summary>
    public IReadOnlyList<string>? ExpectFeatures { get; init; }

    /// <summary>
    /// The input columns a model was trained on (names, numbers or text categories, fill values and the missing-value
    /// policy), as <see cref="Dataset.Schema"/> gives them: the file's feature columns must be these, in this order, and
    /// are read as the training file was. Without it the columns are learned from this file: a column whose first
    /// value is a number holds numbers, one whose first value is text holds categories.
    /// </summary>
    internal InputSchema? Schema { get; init; }

    /// <summary>The field delimiter: one of , ; tab | or a space (<see cref="CsvRecordReader.Delimiters"/>; with a space, runs of spaces are one delimiter), or null to find it in the header line.</summary>
    public char? Delimiter { get; init; }

    /// <summary>What a missing cell does when there is no <see cref="Schema"/>: one of <see cref="InputSchema.MissingPolicies"/> (default error).</summary>
    public string Missing { get; init; } = "error";

    /// <summary>A text value that is none of a <see cref="Schema"/> column's categories: error (default), or ignore (all its one-hot inputs 0).</summary>
    public string Unknown { get; init; } = "error";

    /// <summary>
    /// A cache file of the table's rows, or null (default) to hold them in memory. When set, the CSV is converted once
    /// (a row at a time) into this binary file, reused while the CSV and these options are unchanged and made again
    /// otherwise, and the dataset's inputs are read from it memory-mapped: training holds the targets, not the inputs,
    /// so a table larger than memory trains, to the same model as in memory. Values are stored in float32 when every
    /// one is exact in float32, else in float64.
    /// </summary>
    public string? Cache { get; init; }

    /// <summary>The values of <see cref="Unknown"/>.</summary>
    public static IReadOnlyList<string> UnknownPolicies { get; } = ["error", "ignore"];
}
