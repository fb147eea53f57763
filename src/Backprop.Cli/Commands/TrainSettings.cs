namespace Backprop.Cli;

/// <summary>
/// Everything <c>train</c> (and the commands that build a network the same way) was asked to do: the recipe as the
/// flags give it (settings left null are the library's to choose from the data) and what only the command line has.
/// </summary>
internal sealed record TrainSettings
{
    public required Recipe Recipe { get; init; }
    /// <summary>Lines to show before training: what the command line changed in what was asked (e.g. a thread count capped at the cores).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    public required IReadOnlyList<string> Targets { get; init; }
    public IReadOnlyList<string>? Classes { get; init; }
    public double? ValidationFraction { get; init; }
    /// <summary>--validation-split: which rows --validation holds out.</summary>
    public Backprop.Data.SplitKind ValidationSplit { get; init; }
    public string? ValidationData { get; init; }
    public string? TestData { get; init; }
    public string? Save { get; init; }
    public string? History { get; init; }
    public string? Plot { get; init; }
    /// <summary>--html: the page to write (train, trace and explain each write their own).</summary>
    public string? Html { get; init; }
    public bool Quiet { get; init; }
    /// <summary>--verbose: every epoch's line, however long the run.</summary>
    public bool Verbose { get; init; }
    /// <summary>How CSV files are read (delimiter, missing cells, unseen categories); targets and classes are set when loading.</summary>
    public Backprop.Data.CsvOptions Csv { get; init; } = new();
}
