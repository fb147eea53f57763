using System.CommandLine;
using Backprop.Data;

namespace Backprop.Cli;

/// <summary>cv's and sweep's <c>--folds</c> and <c>--fold-split</c>: how many folds, and how the rows are dealt into them.</summary>
internal sealed class FoldFlags(bool required)
{
    public Option<string?> Folds { get; } = new("--folds")
    {
        Description = required
            ? "The number of folds, K (at least 2): each fold's rows validate a model trained on the others'. Default 5."
            : "Measure each trial by K-fold cross-validation (the mean over the folds) instead of --validation.",
    };

    public Option<string?> FoldSplit { get; } = new("--fold-split")
    {
        Description = "How the rows are dealt into folds: shuffled (after --seed; for classes stratified, each fold getting its share of every class, as scikit-learn's StratifiedKFold(K, shuffle=True, random_state=SEED); for numbers KFold(K, shuffle=True, random_state=SEED)) or contiguous (the file's rows in K consecutive blocks, as KFold(K), for time-ordered data). Default shuffled.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Folds);
        command.Options.Add(FoldSplit);
    }

    /// <summary>The folds asked for (5 when required and not given; null when not required and not given) and how they are dealt.</summary>
    public (int? Folds, FoldKind Split) Read(ParseResult result)
    {
        int? folds = result.GetValue(Folds) is string text ? Parse(text) : required ? 5 : null;
        FoldKind split = FoldKind.Shuffled;
        if (result.GetValue(FoldSplit) is string kind)
        {
            if (folds is null) throw new UsageException("--fold-split says how --folds deals the rows; give --folds K too.");
            try { split = Vocabulary.Parse<FoldKind>(kind); }
            catch (FormatException e) { throw new UsageException($"--fold-split: {e.Message}"); }
        }
        return (folds, split);
    }

    private static int Parse(string text)
    {
        try { return NetworkFlags.Count(text, min: 2); }
        catch (FormatException e) { throw new UsageException($"--folds: {e.Message}"); }
    }
}
