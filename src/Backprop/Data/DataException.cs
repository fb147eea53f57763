namespace Backprop.Data;

/// <summary>
/// Bad input data, located: the message reads <c>file:line:column: what is wrong</c> (line and column when
/// they apply, 1-based), ready to show a user as one line.
/// </summary>
public sealed class DataException : Exception
{
    /// <summary>A problem in <paramref name="file"/>, at <paramref name="line"/> and <paramref name="column"/> when known.</summary>
    public DataException(string file, string problem, int? line = null, int? column = null)
        : base(Locate(file, line, column) + ": " + problem)
    {
        File = file;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>The file the problem is in.</summary>
    public string File { get; }

    /// <summary>1-based line, when it applies.</summary>
    public int? Line { get; }

    /// <summary>1-based column (for CSV, the field number), when it applies.</summary>
    public int? Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    private static string Locate(string file, int? line, int? column) =>
        file + (line is null ? "" : $":{line}") + (line is null || column is null ? "" : $":{column}");
}
