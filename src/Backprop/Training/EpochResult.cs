namespace Backprop.Training;

/// <summary>What one epoch of training measured.</summary>
/// <param name="Epoch">1 for the first epoch.</param>
/// <param name="TotalLoss">The loss summed over the epoch's examples as each was met, before its update (the notes' error_for_all_lights).</param>
/// <param name="Examples">How many examples the epoch went through.</param>
public readonly record struct EpochResult(int Epoch, double TotalLoss, int Examples)
{
    /// <summary>The total loss divided by the number of examples.</summary>
    public double MeanLoss => TotalLoss / Examples;

    /// <summary>Share of training examples whose class was predicted right as they were met; null unless classes are counted.</summary>
    public double? TrainAccuracy { get; init; }

    /// <summary>Mean loss an example on the validation data after the epoch; null without validation data.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>Share of validation examples predicted right after the epoch; null without validation data or classes.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>Mean absolute error on the validation data after the epoch (averaged over output columns); null without validation data, or for classes.</summary>
    public double? ValidationMae { get; init; }

    /// <summary>The learning rate the epoch used, as its <see cref="LearningRateSchedule"/> gave it (in float64; the optimizer takes it in its precision); null when not recorded.</summary>
    public double? LearningRate { get; init; }
}
