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

    /// <summary>The feature names a model was trained on: the file's feature columns must be exactly these, in this order.</summary>
    public IReadOnlyList<string>? ExpectFeatures { get; init; }
}
