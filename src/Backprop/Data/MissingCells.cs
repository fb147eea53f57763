namespace Backprop.Data;

/// <summary>
/// What counts as a missing cell in a CSV file: an empty one (spaces only), or, in any letter case, <c>NA</c>,
/// <c>N/A</c>, <c>NaN</c> or <c>null</c> (the markers pandas, R and spreadsheets write most).
/// </summary>
internal static class MissingCells
{
    /// <summary>True when <paramref name="text"/> (trimmed) is a missing cell.</summary>
    public static bool IsMissing(ReadOnlySpan<char> text) => text.Length switch
    {
        0 => true,
        2 => text.Equals("na", StringComparison.OrdinalIgnoreCase),
        3 => text.Equals("n/a", StringComparison.OrdinalIgnoreCase) || text.Equals("nan", StringComparison.OrdinalIgnoreCase),
        4 => text.Equals("null", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>The message for a missing cell that is an error: <c>empty cell in column 'b'; expected a number</c>.</summary>
    public static string Problem(string text, string column, string what, string expected) =>
        text.Length == 0 ? $"empty cell in {what} {MessageText.Quote(column)}; expected {expected}"
        : text.Equals("nan", StringComparison.OrdinalIgnoreCase) ? $"{MessageText.Quote(text)} in {what} {MessageText.Quote(column)} is NaN; expected a finite number"
        : $"{MessageText.Quote(text)} in {what} {MessageText.Quote(column)} marks a missing value; expected {expected}";
}
