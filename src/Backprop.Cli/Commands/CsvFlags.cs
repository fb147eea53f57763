using System.CommandLine;
using Backprop.Data;

namespace Backprop.Cli;

/// <summary>How CSV files are read: the delimiter, missing cells (train), and text values a model has not seen (evaluate, predict).</summary>
internal sealed class CsvFlags
{
    public Option<string?> Delimiter { get; } = new("--delimiter") { Description = "The CSV field delimiter: , ; tab | or space (runs of spaces are one delimiter, as numpy's savetxt writes; a missing cell is NA). Default: found in the header line (of , ; tab |, the one that splits it into the most fields, comma on a tie; a space when none of them appears and spaces separate the names)." };
    public Option<string?> Missing { get; } = new("--missing") { Description = "What a missing cell (empty, NA, N/A, NaN or null) does: error, drop (its row), mean or median (of the column's training rows; a text cell: no category). Saved in the model. Default error." };
    public Option<string?> Unknown { get; } = new("--unknown") { Description = "A text value the model has no category for: error, or ignore (all of its column's one-hot inputs 0). Default error." };

    /// <summary>The delimiter flag's value: null (find it), or the character.</summary>
    public static char? ParseDelimiter(string? text) => text switch
    {
        null => null,
        "," or ";" or "|" => text[0],
        "tab" or "\\t" or "\t" => '\t',
        "space" or " " => ' ',
        _ => throw new UsageException($"--delimiter: '{text}' is not one of , ; tab | space."),
    };

    /// <summary>The options from the flags that <paramref name="result"/> has (those a command does not take stay at their defaults).</summary>
    public CsvOptions Read(ParseResult result, CsvOptions options)
    {
        string? missing = Has(result, Missing) ? result.GetValue(Missing) : null;
        string? unknown = Has(result, Unknown) ? result.GetValue(Unknown) : null;
        return options with
        {
            Delimiter = Has(result, Delimiter) ? ParseDelimiter(result.GetValue(Delimiter)) : null,
            Missing = missing is null ? options.Missing : OneOf("--missing", missing, InputSchema.MissingPolicies),
            Unknown = unknown is null ? options.Unknown : OneOf("--unknown", unknown, CsvOptions.UnknownPolicies),
        };
    }

    private static bool Has(ParseResult result, Option option) => result.CommandResult.Command.Options.Contains(option);

    private static string OneOf(string flag, string text, IReadOnlyList<string> allowed)
    {
        string t = text.Trim().ToLowerInvariant();
        return allowed.Contains(t) ? t : throw new UsageException($"{flag}: '{text}' is not one of {string.Join(", ", allowed)}.");
    }
}
