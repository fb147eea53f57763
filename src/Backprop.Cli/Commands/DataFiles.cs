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

    /// <summary>The library's notes on the data (<see cref="Dataset.Notes"/>), as the screen prints them: "note: ...".</summary>
    public static IEnumerable<string> NoteLines(Dataset data) => data.Notes().Select(note => "note: " + note);

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
