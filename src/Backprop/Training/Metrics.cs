using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>Accuracy and its relatives, for networks that predict classes.</summary>
internal static class Metrics
{
    /// <summary>
    /// The class a row stands for: the index of its largest value (first on ties), or for a single column,
    /// 1 when the value is at least 0.5 (a sigmoid's yes/no).
    /// </summary>
    public static int ClassOf<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (row.Length == 1) return row[0] >= T.CreateChecked(0.5) ? 1 : 0;
        int best = 0;
        for (int i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
        return best;
    }

    /// <summary>How many rows of <paramref name="prediction"/> name the same class as the row of <paramref name="target"/>.</summary>
    public static int CountCorrect<T>(Matrix<T> prediction, Matrix<T> target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int correct = 0;
        for (int r = 0; r < prediction.Rows; r++)
            if (ClassOf<T>(prediction.RowSpan(r)) == ClassOf<T>(target.RowSpan(r))) correct++;
        return correct;
    }

    /// <summary>counts[actual, predicted] over pairs of class indices in 0..classes-1.</summary>
    public static int[,] ConfusionMatrix(IReadOnlyList<int> actual, IReadOnlyList<int> predicted, int classes)
    {
        if (actual.Count != predicted.Count) throw new ArgumentException("Actual and predicted classes differ in number.");
        var counts = new int[classes, classes];
        for (int i = 0; i < actual.Count; i++) counts[actual[i], predicted[i]]++;
        return counts;
    }

    /// <summary>Per class: precision (right among those predicted as it) and recall (found among those that are it); NaN where undefined.</summary>
    public static (double Precision, double Recall)[] PrecisionRecall(int[,] confusion)
    {
        int k = confusion.GetLength(0);
        var result = new (double, double)[k];
        for (int c = 0; c < k; c++)
        {
            int tp = confusion[c, c], predicted = 0, actual = 0;
            for (int j = 0; j < k; j++) { predicted += confusion[j, c]; actual += confusion[c, j]; }
            result[c] = (predicted == 0 ? double.NaN : (double)tp / predicted, actual == 0 ? double.NaN : (double)tp / actual);
        }
        return result;
    }
}
