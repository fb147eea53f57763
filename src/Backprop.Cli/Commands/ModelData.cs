using Backprop.Data;
using Backprop.Models;

namespace Backprop.Cli;

/// <summary>Loads data for an existing model: its input columns (and targets when asked), checked against what it was trained on.</summary>
internal static class ModelData
{
    /// <param name="csv">How to read a CSV file (delimiter, unseen categories); targets and columns come from the model.</param>
    public static Dataset Load(string path, Model model, bool withTargets, CsvOptions? csv = null)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new DataException(path, "no such file or folder");
        Dataset data;
        if (Directory.Exists(path)) data = IdxLoader.LoadFolder(path).Test;
        else if (IdxLoader.LooksLikeIdx(path)) data = IdxLoader.LoadPair(path);
        else
        {
            if (withTargets && model.TargetNames.Count == 0)
                throw new DataException(path, "the model names no target column, so its targets cannot be found in a CSV file");
            data = CsvLoader.Load(path, (csv ?? new CsvOptions()) with
            {
                TargetColumns = withTargets ? model.TargetNames : [],
                // A classifier's targets are its label column, or one column a class (one-hot, read as numbers).
                Classes = withTargets && model.TargetNames.Count == 1 ? model.ClassNames : null,
                // Numbers stay numbers, as the model was trained on them (a 0/1 column of a sigmoid model is not two classes).
                Task = withTargets && model.TargetNames.Count == 1 && model.ClassNames is not null ? TaskKind.Classification : TaskKind.Regression,
                ExpectFeatures = model.FeatureNames,
                Schema = model.Inputs,
            });
        }
        if (data.FeatureNames.Count != model.Spec.Inputs)
            throw new DataException(path, $"has {data.FeatureNames.Count} input columns; the model takes {model.Spec.Inputs}");
        if (withTargets && model.OutputTargets(data).Columns != model.Spec.Outputs)
            throw new DataException(path, $"has {data.Targets.Columns} outputs; the model gives {model.Spec.Outputs}");
        return data;
    }
}
