namespace Backprop.Training;

/// <summary>Why training stopped.</summary>
public enum StopReason
{
    /// <summary>All the epochs asked for ran.</summary>
    Completed,
    /// <summary>The monitored loss did not improve for the patience asked for; the best weights were restored.</summary>
    EarlyStopping,
    /// <summary>The loss became NaN or infinite; the weights from before that epoch were restored.</summary>
    Diverged,
    /// <summary>The cancellation token was cancelled (Ctrl-C); training stopped after the batch it was in, and the weights of the last completed epoch were restored.</summary>
    Cancelled,
}
