namespace Backprop.Training;

/// <summary>
/// The measures of an epoch by the names the history file gives them (<see cref="HistoryCsv.Header"/>):
/// train_loss, train_accuracy, validation_loss, validation_accuracy, validation_mae. Cross-validation and sweeps
/// report their results under these names.
/// </summary>
internal static class HistoryMetrics
{
    /// <summary>Every name, in the history file's order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["train_loss", "train_accuracy", "validation_loss", "validation_accuracy", "validation_mae"];

    /// <summary>The value of the measure <paramref name="name"/> in <paramref name="epoch"/>, or null when it does not apply (accuracy of numbers, validation without validation data).</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static double? Of(EpochResult epoch, string name) => name switch
    {
        "train_loss" => epoch.MeanLoss,
        "train_accuracy" => epoch.TrainAccuracy,
        "validation_loss" => epoch.ValidationLoss,
        "validation_accuracy" => epoch.ValidationAccuracy,
        "validation_mae" => epoch.ValidationMae,
        _ => throw new ArgumentException($"'{name}' is not one of {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Whether a larger value of <paramref name="name"/> is better (the accuracies) rather than a smaller one (the losses and errors).</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static bool HigherIsBetter(string name) => Names.Contains(name)
        ? name.EndsWith("_accuracy", StringComparison.Ordinal)
        : throw new ArgumentException($"'{name}' is not one of {string.Join(", ", Names)}.", nameof(name));
}
