using Backprop.Training;

namespace Backprop;

/// <summary>One fold of a cross-validation: its number (from 1) and its trained model, measured on the fold's rows after each epoch.</summary>
/// <param name="Fold">The fold's number, from 1.</param>
/// <param name="Trained">The model trained on the other folds' rows, with its history (validation: this fold's rows).</param>
public sealed record FoldResult(int Fold, Trained Trained)
{
    /// <summary>The epoch whose weights the model kept (the last, or the best with early stopping), or null when none finished.</summary>
    public EpochResult? Kept => Trained.History.Epochs.Count == 0 ? null : Trained.History.Epochs[Trained.History.BestEpoch - 1];

    /// <summary>The measure <paramref name="name"/> (<see cref="HistoryMetrics.Names"/>) of the kept epoch, or null when it does not apply.</summary>
    public double? Metric(string name) => Kept is { } epoch ? HistoryMetrics.Of(epoch, name) : null;
}
