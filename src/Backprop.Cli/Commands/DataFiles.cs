using Backprop.Data;

namespace Backprop.Cli;

/// <summary>Finds the loader for a DATA argument: an IDX file or folder (MNIST format), or a CSV file.</summary>
internal static class DataFiles
{
    /// <summary>
    /// Loads <paramref name="path"/> for training. A folder of IDX train/t10k pairs also yields its test set.
    /// </summary>
    public static (Dataset Train, Dataset? Test, bool IsImages) LoadForTraining(string path, CsvOptions csv)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new DataException(path, "no such file or folder");
        if (Directory.Exists(path))
        {
            var (train, test) = IdxLoader.LoadFolder(path);
            CheckLike(test, train);
            return (train, test, true);
        }
        if (IdxLoader.LooksLikeIdx(path)) return (IdxLoader.LoadPair(path), null, true);
        if (csv.TargetColumns.Count == 0)
            throw new UsageException($"{path}: name the output column(s) of this CSV file with --target COL[,COL...]");
        return (CsvLoader.Load(path, csv), null, false);
    }

    /// <summary>
    /// A note when some column names of a CSV file are numbers ("note: iris.csv: 2 of the 5 column names are numbers
    /// (150, 4): ..."): its first line may be data or a line of counts rather than a header; null otherwise.
    /// </summary>
    public static string? HeaderNote(Dataset data) =>
        !data.IsImages && Backprop.Data.CsvLoader.NumbersAsNames([.. data.FeatureNames, .. data.TargetNames]) is string numbers
            ? $"note: {data.Source}: {numbers}: its first line is read as the header, not as data; if the file has none, add a line naming the columns"
            : null;

    /// <summary>
    /// A note for each text column with at least 20 different texts and at most two rows a text on average (names,
    /// ticket numbers, identifiers): one-hot, each of its inputs stands for a row or two, which a network can only
    /// memorize. A careful person drops such a column; the file decides, so this is said, not done.
    /// </summary>
    public static IEnumerable<string> TextIdentifierNotes(Dataset data)
    {
        if (data.Schema is not { } schema) yield break;
        foreach (var column in schema.Columns)
            if (column.Categories is { Count: >= 20 } categories && 2L * categories.Count >= data.Count)
                yield return $"note: column {Backprop.Data.MessageText.Quote(column.Name)} holds {categories.Count} different texts in {data.Count} rows "
                    + $"({((double)data.Count / categories.Count).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} rows a text): one-hot, each of its inputs stands for a row or two, "
                    + "which a network can only memorize; if it is a name or an identifier, remove it from the file";
    }

    /// <summary>
    /// A note for each column of numbers that counts the rows (v, v+1, v+2, ... in file order, over at least 20 rows):
    /// a row number or an identifier. As an input it tells the network where a row is in the file, not what it is,
    /// and in a file sorted by class it gives the answer away.
    /// </summary>
    public static IEnumerable<string> RowCounterNotes(Dataset data)
    {
        if (data.IsImages || data.Count < 20) return [];
        var rows = data.Raw;
        bool[] oneHot = data.Schema?.OneHotInputs() ?? new bool[rows.Columns];
        var counting = Enumerable.Range(0, rows.Columns).Where(c => !oneHot[c]).ToList();
        var first = new double[rows.Columns];
        var row = new double[rows.Columns];
        rows.CopyRow(0, first);
        counting.RemoveAll(c => first[c] != Math.Floor(first[c]) || Math.Abs(first[c]) > 1e15);
        for (int r = 1; r < rows.Rows && counting.Count > 0; r++)
        {
            rows.CopyRow(r, row);
            counting.RemoveAll(c => row[c] != first[c] + r);
        }
        return counting.Select(c =>
            $"note: column {Backprop.Data.MessageText.Quote(data.FeatureNames[c])} counts the rows ({first[c].ToString(System.Globalization.CultureInfo.InvariantCulture)} to "
            + $"{(first[c] + rows.Rows - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)} in file order): as an input it tells the network where a row is in the file, "
            + "not what it is (and in a file sorted by class it gives the answer away); if it is a row number or an identifier, remove it from the file");
    }

    /// <summary>Loads extra data (validation or test) shaped like the training data: the same kind of file, inputs and outputs.</summary>
    public static Dataset LoadLike(string path, Dataset like, CsvOptions csv)
    {
        if (!File.Exists(path)) throw new DataException(path, Directory.Exists(path) ? "is a folder; name the data file" : "no such file");
        bool idx = IdxLoader.LooksLikeIdx(path);
        if (idx != like.IsImages)
            throw new DataException(path, like.IsImages
                ? "is not an IDX images file; the training data is IDX images, so this must be too"
                : "is an IDX images file; the training data is a CSV file, so this must be too");
        var data = idx ? IdxLoader.LoadPair(path)
            : CsvLoader.Load(path, csv with { Cache = null, ExpectFeatures = like.FeatureNames, Schema = like.Schema, Classes = like.ClassNames ?? csv.Classes, Task = like.Task });
        CheckLike(data, like);
        return data;
    }

    /// <summary>Extra data (validation or test) must fit the network the training data builds: checked before training, not after it.</summary>
    public static void CheckLike(Dataset data, Dataset like)
    {
        if (data.FeatureNames.Count != like.FeatureNames.Count)
            throw new DataException(data.Source, like.IsImages
                ? $"has images of {data.FeatureNames.Count} pixels; the training images have {like.FeatureNames.Count}"
                : $"has {data.FeatureNames.Count} input columns; the training data has {like.FeatureNames.Count}");
        if (data.Targets.Columns != like.Targets.Columns)
            throw new DataException(data.Source, like.ClassNames is { } classes && data.ClassNames is not null
                ? $"has labels of {data.Targets.Columns} classes; the training labels have {classes.Count}"
                : $"has {data.Targets.Columns} outputs; the training data has {like.Targets.Columns}");
    }
}
