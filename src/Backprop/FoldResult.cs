using Backprop.Training;

namespace Backprop;

/// <summary>One fold of a cross-validation: its number (from 1) and its trained model, measured on the fold's rows after each epoch.</summary>
public sealed class FoldResult
{
    internal FoldResult(int fold, Trained trained) => (Fold, Trained) = (fold, trained);

    /// <summary>The fold's number, from 1.</summary>
    public int Fold { get; }

    /// <summary>The model trained on the other folds' rows, with its history (validation: this fold's rows).</summary>
    public Trained Trained { get; }

    /// <summary>The epoch whose weights the model kept (the last, or the best with early stopping), or null when none finished.</summary>
    public EpochResult? Kept => Trained.History.Epochs.Count == 0 ? null : Trained.History.Epochs[Trained.History.BestEpoch - 1];

    /// <summary>The measure <paramref name="name"/> (train_loss, train_accuracy, validation_loss, validation_accuracy, validation_mae) of the kept epoch, or null when it does not apply.</summary>
    public double? Metric(string name) => Kept is { } epoch ? HistoryMetrics.Of(epoch, name) : null;
}
