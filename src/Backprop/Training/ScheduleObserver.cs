namespace Backprop.Training;

/// <summary>
/// A <see cref="LearningRateSchedule"/> at work in one session: at each epoch's start it sets the session's rate to
/// its state's (a constant schedule leaves the optimizer's rate to the caller), and after each epoch it moves its state
/// on with the monitored loss (validation loss, else training loss). Its state goes into checkpoints.
/// </summary>
internal sealed class ScheduleObserver(LearningRateSchedule schedule, double initial) : ITrainingObserver
{
    public LearningRateSchedule Schedule { get; } = schedule;

    /// <summary>The state: its Rate is the next epoch's (the current one's while an epoch runs).</summary>
    public LearningRateState State { get; private set; } = schedule.Start(initial);

    /// <summary>A constant schedule: the rate stays as the optimizer has it, and the state never moves.</summary>
    public bool Constant => Schedule is ConstantSchedule;

    public void EpochStarting(TrainingSession session)
    {
        if (!Constant) session.LearningRate = State.Rate;
    }

    public void EpochEnded(TrainingSession session, EpochResult result) =>
        State = Schedule.Next(State, result.Epoch, session.Epochs, result.ValidationLoss ?? result.MeanLoss);

    /// <summary>Goes on from a checkpoint's state, after checking that it is this schedule's.</summary>
    /// <exception cref="ArgumentException">The state is another schedule's, started from another rate, or not one a schedule makes.</exception>
    public void Restore(LearningRateState? state)
    {
        // A constant schedule has nothing to go on from (and a checkpoint made before schedules has no state): it starts afresh.
        if (Constant) return;
        if (state is null)
            throw new ArgumentException($"The checkpoint has no learning-rate schedule state (its rate was constant); this trainer's schedule is {Schedule.Name}.");
        if (state.Schedule != Schedule.Name)
            throw new ArgumentException($"The checkpoint's learning-rate schedule is {state.Schedule}; this trainer's is {Schedule.Name}.");
        if (state.Initial != State.Initial)
            throw new ArgumentException($"The checkpoint's learning-rate schedule started from {state.Initial:R}; this trainer's starts from {State.Initial:R}.");
        if (!(state.Rate >= 0 && double.IsFinite(state.Rate)) || state.BadEpochs < 0 || double.IsNaN(state.Best))
            throw new ArgumentException($"The checkpoint's learning-rate state is not one a schedule makes (rate {state.Rate:R}, best {state.Best:R}, {state.BadEpochs} bad epochs).");
        State = state;
    }
}
