using Backprop.Data;
using Backprop.Layers;
using Backprop.Training;

namespace Backprop;

/// <summary>
/// A checkpoint file's contents (docs/model-format.md, "Checkpoint files"): the resolved recipe, fingerprints of the
/// training and validation data, the input scaling, and the trainer's whole state. <see cref="Learner{T}"/> makes one
/// and checks that one fits before going on from it; <see cref="CheckpointFile"/> writes and reads it.
/// </summary>
/// <param name="Recipe">The recipe as resolved for the training data (every setting set).</param>
/// <param name="Train">The training data's fingerprint.</param>
/// <param name="Validation">The validation data's fingerprint, or null when training had none.</param>
/// <param name="Normalization">The input scaling training used.</param>
/// <param name="State">Where training stood.</param>
public sealed record Checkpoint(Recipe Recipe, DataFingerprint Train, DataFingerprint? Validation, Normalization Normalization, TrainingCheckpoint State)
{
    /// <summary>The training data's target columns (a class column, or the columns of numbers), so that resuming needs no --target; null in checkpoints made before they were kept.</summary>
    public IReadOnlyList<string>? TargetNames { get; init; }

    /// <summary>Reads a checkpoint file (<see cref="CheckpointFile.Load"/>): a damaged or forged one is a <see cref="DataException"/> naming what is wrong.</summary>
    public static Checkpoint Load(string path) => CheckpointFile.Load(path);

    /// <summary>Writes this checkpoint to <paramref name="path"/>, written aside, then renamed (<see cref="CheckpointFile.Save"/>).</summary>
    public void Save(string path) => CheckpointFile.Save(this, path);

    /// <summary>The network the recipe builds for the data: its parameters are what the state holds.</summary>
    public NetworkSpec Spec => Recipe.SpecFor(Train.Inputs, Train.Outputs);

    /// <summary>The sizes of the network's layers, as "3-8-3".</summary>
    public static string Shape(NetworkSpec spec) => string.Join("-", new[] { spec.Inputs }.Concat(spec.Hidden).Append(spec.Outputs));
}
