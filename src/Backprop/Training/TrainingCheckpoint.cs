using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// Everything <see cref="Trainer{T}"/>'s Fit needs to go on from where it was, after a batch or an epoch, with the same
/// numbers as a run that never stopped: the parameters, the optimizer's state, the random streams (shuffling and
/// dropout), the position in the epoch with that epoch's order and running totals, early stopping's bookkeeping with
/// the weights it keeps, the learning-rate schedule's state, and the history so far. Values are in float64 (float32 widened: they narrow back exactly).
/// A checkpoint (the root namespace's Checkpoint) holds it with what it was trained on, and writes it to a file.
/// </summary>
/// <param name="Epoch">The epoch in progress, from 1 (one past the last when training is at its end).</param>
/// <param name="Position">Examples of that epoch already trained on (0: the epoch has not started; its order is drawn on resuming).</param>
/// <param name="Order">The epoch's order of examples when shuffling and <paramref name="Position"/> is above 0; else null.</param>
/// <param name="TotalLoss">The epoch's loss summed so far.</param>
/// <param name="Correct">The epoch's right classes counted so far.</param>
/// <param name="Parameters">The network's parameters, in <see cref="Backprop.Layers.Network{T}.Parameters"/> order, row-major.</param>
/// <param name="LastGood">The parameters at the end of the last finished epoch (what divergence and Ctrl-C go back to), or null when they are <paramref name="Parameters"/> (at an epoch's start).</param>
/// <param name="Optimizer">The optimizer's running state.</param>
/// <param name="Randoms">The random streams the trainer and its dropout layers draw from, in <see cref="Trainer{T}"/>'s order.</param>
/// <param name="EarlyStopping">Early stopping's bookkeeping, or null without early stopping.</param>
/// <param name="History">The results of every finished epoch.</param>
/// <param name="LearningRate">The learning-rate schedule's state, with the rate of epoch <paramref name="Epoch"/>; null in a checkpoint made before schedules (its run's rate was constant).</param>
/// <param name="DeadSoFar">Within an epoch (<paramref name="Position"/> above 0), the relu layers (k of <c>layer_k</c>) no unit of which has output more than 0 for the epoch's examples so far (<see cref="DeadLayerWatch{T}.NotSeenOn"/>); null when there are none, at an epoch's start, or in a checkpoint made before this was recorded.</param>
internal sealed record TrainingCheckpoint(
    int Epoch, int Position, int[]? Order, double TotalLoss, int Correct,
    IReadOnlyList<double[]> Parameters, IReadOnlyList<double[]>? LastGood, OptimizerState Optimizer,
    IReadOnlyList<NumpyRandomState> Randoms, EarlyStoppingState? EarlyStopping, IReadOnlyList<EpochResult> History,
    LearningRateState? LearningRate = null, IReadOnlyList<int>? DeadSoFar = null);
