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

    /// <summary>
    /// The relu layers (k of <c>layer_k</c>, input side first) none of whose units output more than 0 for any training
    /// example of the epoch, the notes' "off" units: such a layer is dead, and nothing below it can learn. Null when
    /// there were none (or the epoch was not watched whole: resumed within it from a checkpoint that did not record this).
    /// </summary>
    public IReadOnlyList<int>? DeadLayers { get; init; }

    /// <summary>Equal when every member is: numbers as <see cref="double.Equals(double)"/> compares them (NaN equals NaN), dead layers by their numbers.</summary>
    public bool Equals(EpochResult other) =>
        Epoch == other.Epoch && TotalLoss.Equals(other.TotalLoss) && Examples == other.Examples
        && Nullable.Equals(TrainAccuracy, other.TrainAccuracy) && Nullable.Equals(ValidationLoss, other.ValidationLoss)
        && Nullable.Equals(ValidationAccuracy, other.ValidationAccuracy) && Nullable.Equals(ValidationMae, other.ValidationMae)
        && Nullable.Equals(LearningRate, other.LearningRate)
        && (DeadLayers is null ? other.DeadLayers is null : other.DeadLayers is not null && DeadLayers.SequenceEqual(other.DeadLayers));

    /// <summary>A hash of the members <see cref="Equals(EpochResult)"/> compares.</summary>
    public override int GetHashCode() =>
        HashCode.Combine(HashCode.Combine(Epoch, TotalLoss, Examples, TrainAccuracy, ValidationLoss, ValidationAccuracy, ValidationMae, LearningRate),
            DeadLayers is null ? -1 : DeadLayers.Aggregate(DeadLayers.Count, HashCode.Combine));
}
