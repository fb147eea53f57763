namespace Backprop.Training;

/// <summary>The same rate every epoch (the default, and the notes' way).</summary>
internal sealed record ConstantSchedule : LearningRateSchedule
{
    /// <inheritdoc/>
    public override string Name => "constant";

    /// <inheritdoc/>
    internal override LearningRateState Next(LearningRateState state, int epoch, int epochs, double monitored) => state;
}
