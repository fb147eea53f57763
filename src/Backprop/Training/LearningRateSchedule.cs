namespace Backprop.Training;

/// <summary>
/// How the learning rate changes from epoch to epoch. The trainer asks for a <see cref="Start"/> when a run begins,
/// uses <see cref="LearningRateState.Rate"/> for the epoch, and after it asks for the <see cref="Next"/> state with the
/// epoch's monitored loss (validation loss when there is validation data, else training loss). A schedule is an
/// immutable description; everything that changes is in the <see cref="LearningRateState"/>.
/// <see cref="LearningRateSchedules.Parse"/> reads one from its <see cref="Name"/>.
/// </summary>
public abstract record LearningRateSchedule
{
    /// <summary>The schedule as <see cref="LearningRateSchedules.Parse"/> reads it: constant, step:EVERY,FACTOR, cosine, plateau:PATIENCE,FACTOR.</summary>
    public abstract string Name { get; }

    /// <summary>The state before the first epoch of a run that starts from rate <paramref name="initial"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initial"/> is not a finite number above 0.</exception>
    public LearningRateState Start(double initial) =>
        initial > 0 && double.IsFinite(initial) ? new LearningRateState(Name, initial, initial, double.PositiveInfinity, 0)
        : throw new ArgumentOutOfRangeException(nameof(initial), $"The initial learning rate must be a finite number above 0, not {initial}.");

    /// <summary>
    /// The state after epoch <paramref name="epoch"/> (from 1) of a run of <paramref name="epochs"/> epochs, whose
    /// monitored loss was <paramref name="monitored"/>: its <see cref="LearningRateState.Rate"/> is epoch
    /// <paramref name="epoch"/> + 1's.
    /// </summary>
    public abstract LearningRateState Next(LearningRateState state, int epoch, int epochs, double monitored);

    /// <summary>The <see cref="Name"/>.</summary>
    public sealed override string ToString() => Name;
}
