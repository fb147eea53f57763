using System.Globalization;
using Backprop.Tensors;

namespace Backprop.Data;

/// <summary>
/// Which fold validates each row of a dataset, for k-fold cross-validation: the model of fold f trains on every row
/// outside fold f and is measured on the rows in it. <see cref="Of"/> deals the rows as scikit-learn's
/// <c>StratifiedKFold</c> and <c>KFold</c> do (<see cref="FoldKind"/>); folds are numbered from 1.
/// </summary>
internal sealed class FoldAssignment
{
    private readonly int[] _fold;   // from 0, as scikit-learn's test_folds

    private FoldAssignment(int[] fold, int count, FoldKind kind, uint seed, bool stratified, string? warning)
    {
        (_fold, Count, Kind, Seed, Stratified, Warning) = (fold, count, kind, seed, stratified, warning);
    }

    /// <summary>The number of folds, k.</summary>
    public int Count { get; }

    /// <summary>How the rows were dealt.</summary>
    public FoldKind Kind { get; }

    /// <summary>The seed the rows were shuffled with (unused by <see cref="FoldKind.Contiguous"/>).</summary>
    public uint Seed { get; }

    /// <summary>True when every fold got its share of every class (<see cref="FoldKind.Shuffled"/> on classes).</summary>
    public bool Stratified { get; }

    /// <summary>The number of rows dealt.</summary>
    public int Rows => _fold.Length;

    /// <summary>
    /// When a class has fewer rows than there are folds, so that some folds validate without it, a sentence naming it
    /// (scikit-learn warns the same); else null.
    /// </summary>
    public string? Warning { get; }

    /// <summary>The fold, from 1, whose model is measured on row <paramref name="row"/> (from 0).</summary>
    public int FoldOf(int row) => _fold[row] + 1;

    /// <summary>The rows (from 0, ascending) that fold <paramref name="fold"/> (from 1) validates on.</summary>
    public int[] ValidationRows(int fold)
    {
        CheckFold(fold);
        return [.. Enumerable.Range(0, Rows).Where(r => _fold[r] == fold - 1)];
    }

    /// <summary>The rows (from 0, ascending) that fold <paramref name="fold"/> (from 1) trains on: every row outside it.</summary>
    public int[] TrainingRows(int fold)
    {
        CheckFold(fold);
        return [.. Enumerable.Range(0, Rows).Where(r => _fold[r] != fold - 1)];
    }

    /// <summary>Fold <paramref name="fold"/>'s training and validation rows of <paramref name="data"/> (the data dealt), each in the file's order.</summary>
    public (Dataset Train, Dataset Validation) Split(Dataset data, int fold)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count != Rows) throw new ArgumentException($"The folds deal {Rows} rows; {data.Source} has {data.Count}.", nameof(data));
        return (data.Take(TrainingRows(fold)), data.Take(ValidationRows(fold)));
    }

    private void CheckFold(int fold)
    {
        if (fold < 1 || fold > Count) throw new ArgumentOutOfRangeException(nameof(fold), $"Folds are numbered from 1 to {Count}, not {fold}.");
    }

    /// <summary>
    /// Deals the rows of <paramref name="data"/> into <paramref name="folds"/> folds as <paramref name="kind"/> says.
    /// Shuffled classes follow scikit-learn's <c>StratifiedKFold(folds, shuffle=True, random_state=seed)</c> step by
    /// step: the classes in the order they first appear; each fold's count of each class dealt round-robin over the rows
    /// sorted by class (fold 1 gets the first row, fold 2 the second, ...), so that fold sizes differ by at most one and
    /// each class's counts by at most one; then, class by class, that class's list of fold numbers (fold 1's count of
    /// 1s, then fold 2's of 2s, ...) is shuffled with numpy's <c>RandomState(seed).shuffle</c>, one stream for all the
    /// classes, and given to its rows in file order. Shuffled numbers are <c>KFold(folds, shuffle=True, random_state=seed)</c>:
    /// the row numbers shuffled by that stream, then cut into consecutive blocks, the first <c>n % folds</c> one row
    /// longer. Contiguous rows are those blocks of the unshuffled rows.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 folds, more folds than rows, or (stratified) every class has fewer rows than there are folds.</exception>
    public static FoldAssignment Of(Dataset data, int folds, FoldKind kind = FoldKind.Shuffled, uint seed = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (folds < 2) throw new ArgumentException($"cross-validation needs at least 2 folds, not {folds}.", nameof(folds));
        int n = data.Count;
        if (folds > n) throw new ArgumentException($"{folds} folds need at least {folds} rows; {data.Source} has {n}.", nameof(folds));
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), $"{kind} is not a fold kind.");
        int[]? labels = kind == FoldKind.Shuffled ? data.Labels() : null;
        if (labels is null)
        {
            int[] order = kind == FoldKind.Shuffled ? new NumpyRandom(seed).Permutation(n) : [.. Enumerable.Range(0, n)];
            var fold = new int[n];
            int at = 0;
            for (int f = 0; f < folds; f++)
            {
                int size = n / folds + (f < n % folds ? 1 : 0);
                for (int i = 0; i < size; i++) fold[order[at++]] = f;
            }
            return new FoldAssignment(fold, folds, kind, seed, stratified: false, warning: null);
        }

        // The classes coded by first appearance (scikit-learn's y_encoded), and their counts.
        var code = new Dictionary<int, int>();
        var encoded = new int[n];
        for (int r = 0; r < n; r++)
        {
            if (!code.TryGetValue(labels[r], out int c)) code[labels[r]] = c = code.Count;
            encoded[r] = c;
        }
        int classes = code.Count;
        var counts = new int[classes];
        foreach (int c in encoded) counts[c]++;
        if (counts.All(count => count < folds))
            throw new ArgumentException($"{folds} folds need a class with at least {folds} rows; {data.Source}'s largest class has {counts.Max()}.", nameof(folds));
        // allocation[f, c]: class c's rows in fold f, dealt round-robin over the codes sorted (np.bincount(y_order[f::folds])).
        var allocation = new int[folds, classes];
        int position = 0;
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < counts[c]; i++, position++) allocation[position % folds, c]++;
        var random = new NumpyRandom(seed);
        var result = new int[n];
        for (int c = 0; c < classes; c++)
        {
            var foldsForClass = new int[counts[c]];
            int k = 0;
            for (int f = 0; f < folds; f++)
                for (int i = 0; i < allocation[f, c]; i++) foldsForClass[k++] = f;
            random.Shuffle<int>(foldsForClass);
            k = 0;
            for (int r = 0; r < n; r++)
                if (encoded[r] == c) result[r] = foldsForClass[k++];
        }
        var names = data.ClassNames!;
        var few = code.OrderBy(p => p.Value).Where(p => counts[p.Value] < folds).Select(p => (Name: names[p.Key], Count: counts[p.Value])).ToArray();
        static string Rows(int count) => $"{count.ToString(CultureInfo.InvariantCulture)} row{(count == 1 ? "" : "s")}";
        string? warning = few.Length switch
        {
            0 => null,
            1 => $"class {MessageText.Quote(few[0].Name)} has {Rows(few[0].Count)}, fewer than the {folds} folds: some folds validate without it",
            _ => $"classes {string.Join(", ", few[..^1].Select((f, i) => $"{MessageText.Quote(f.Name)} ({(i == 0 ? Rows(f.Count) : f.Count.ToString(CultureInfo.InvariantCulture))})"))} "
                + $"and {MessageText.Quote(few[^1].Name)} ({few[^1].Count.ToString(CultureInfo.InvariantCulture)}) have fewer rows than the {folds} folds: some folds validate without them",
        };
        return new FoldAssignment(result, folds, kind, seed, stratified: true, warning);
    }
}
