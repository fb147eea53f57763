namespace Backprop.Data;

/// <summary>What the targets are: classes to tell apart, or numbers to predict.</summary>
public enum TaskKind
{
    /// <summary>Each row belongs to one of a few classes: one-hot targets, a softmax output, cross-entropy, accuracy.</summary>
    Classification,

    /// <summary>Each row has numbers to predict: one target column a value, an identity output, mean squared error.</summary>
    Regression,
}

/// <summary>The rule that reads a single target column of numbers as classes or as numbers when no task is given.</summary>
internal static class TaskKinds
{
    /// <summary>
    /// The rule for a single target column of numbers when no task is given, as a careful person reads one (and as
    /// scikit-learn's <c>type_of_target</c> does, with a limit): whole numbers with at least 2 and at most
    /// <see cref="CsvLoader.MaxInferredClasses"/> distinct values, each seen twice on average (distinct values at most half the
    /// rows), are classes (labels 0-9, 0/1, 1-5 stars); fractions, or many distinct whole numbers, are numbers to predict.
    /// </summary>
    /// <param name="values">The column's values (finite).</param>
    /// <returns>The task, and the words that say why ("10 distinct whole numbers"), or null words for fractions (no choice was open).</returns>
    public static (TaskKind Task, string? Why) Infer(ReadOnlySpan<double> values)
    {
        var distinct = new HashSet<double>();
        foreach (double v in values)
        {
            if (v != Math.Floor(v) || !double.IsFinite(v)) return (TaskKind.Regression, null);
            distinct.Add(v == 0 ? 0 : v);   // -0 and 0 are one class
        }
        int k = distinct.Count;
        string why = $"{k} distinct whole number{(k == 1 ? "" : "s")}";
        if (k >= 2 && k <= CsvLoader.MaxInferredClasses && 2L * k <= values.Length) return (TaskKind.Classification, why);
        return (TaskKind.Regression, why + (k > CsvLoader.MaxInferredClasses ? $", more than {CsvLoader.MaxInferredClasses}" : k < 2 ? "" : ", too few rows each for classes"));
    }
}

/// <summary>How a loader read a single target column of whole numbers when no task was given: as <paramref name="Task"/>, because of <paramref name="Reason"/> ("column 'digit' holds 10 distinct whole numbers").</summary>
internal sealed record InferredTask(TaskKind Task, string Reason);
