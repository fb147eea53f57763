using System.Globalization;
using System.Text;
using Backprop.Data;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop;

/// <summary>
/// What <see cref="Recipe.CrossValidate"/> gives back: the folds as dealt and each fold's result, in fold order, with
/// each measure's mean and standard deviation over the folds. A run cancelled in a fold ends with that fold.
/// </summary>
public sealed class CrossValidation
{
    internal CrossValidation(FoldAssignment folds, IReadOnlyList<FoldResult> results) => (Folds, Results) = (folds, results);

    /// <summary>Which fold validates each row.</summary>
    internal FoldAssignment Folds { get; }

    /// <summary>Each fold's result, from fold 1; fewer than the folds when cancelled (<see cref="Finished"/> is then false).</summary>
    public IReadOnlyList<FoldResult> Results { get; }

    /// <summary>True when every fold ran to its end (not cancelled).</summary>
    public bool Finished => Results.Count == Folds.Count && Results.All(r => r.Trained.History.Stop != StopReason.Cancelled);

    /// <summary>The measures (by the history file's names: train_loss, train_accuracy, validation_loss, validation_accuracy, validation_mae) that every fold has: the losses, and the accuracies for classes or the validation MAE for numbers.</summary>
    public IReadOnlyList<string> Metrics => Results.Count == 0 ? [] : [.. HistoryMetrics.Names.Where(n => Results.All(r => r.Metric(n) is not null))];

    /// <summary>The mean of <paramref name="metric"/> over the folds (their sum in fold order, divided by their number).</summary>
    /// <exception cref="ArgumentException">A fold does not have the measure (see <see cref="Metrics"/>).</exception>
    public double Mean(string metric) => Summary.Mean(Values(metric));

    /// <summary>
    /// The standard deviation of <paramref name="metric"/> over the folds, as numpy's <c>np.std</c> (ddof 0: the root
    /// of the mean squared difference from the mean), as scikit-learn's examples report <c>scores.std()</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A fold does not have the measure (see <see cref="Metrics"/>).</exception>
    public double Std(string metric) => Summary.Std(Values(metric));

    /// <summary>The header of <see cref="ToCsv"/>: the fold, its rows, the kept epoch, why training stopped, and the history's measures.</summary>
    internal const string CsvHeader = "fold,train_examples,validation_examples,epoch,stop,train_loss,train_accuracy,validation_loss,validation_accuracy,validation_mae";

    /// <summary>
    /// One CSV row a fold, under <see cref="CsvHeader"/>: the fold's number, its training and validation rows, the epoch whose
    /// weights the model kept (the last, or the best with early stopping; empty when none finished), why training stopped
    /// (completed, early-stopping, diverged, cancelled) and that epoch's measures in round-trip precision, a cell that does
    /// not apply empty (as the history file's).
    /// </summary>
    public string ToCsv()
    {
        var text = new StringBuilder(CsvHeader).Append('\n');
        foreach (var r in Results)
        {
            var h = r.Trained.History;
            text.Append(CultureInfo.InvariantCulture, $"{r.Fold},{r.Trained.Train?.Count},{r.Trained.Validation?.Count},{r.Kept?.Epoch},{Vocabulary.Name(h.Stop)}");
            foreach (string name in HistoryMetrics.Names) text.Append(',').Append(r.Metric(name) is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "");
            text.Append('\n');
        }
        return text.ToString();
    }

    private double[] Values(string metric) =>
        [.. Results.Select(r => r.Metric(metric) ?? throw new ArgumentException($"Fold {r.Fold} has no {metric}.", nameof(metric)))];
}
