using Backprop.Data;
using Backprop.Layers;
using Backprop.Training;

namespace Backprop;

/// <summary>
/// A checkpoint file's contents (docs/model-format.md, "Checkpoint files"): the resolved recipe, fingerprints of the
/// training and validation data, the input scaling, and the trainer's whole state. <see cref="Learner{T}"/> makes one
/// and checks that one fits before going on from it (<see cref="FitOptions.ResumeFrom"/>, <see cref="Recipe.ContinuedFrom"/>);
/// <see cref="Load"/> and <see cref="Save"/> read and write it.
/// </summary>
public sealed record Checkpoint
{
    /// <summary>A checkpoint of <paramref name="state"/>, trained by <paramref name="recipe"/> on the data <paramref name="train"/> fingerprints.</summary>
    /// <param name="recipe">The recipe as resolved for the training data (every setting set).</param>
    /// <param name="train">The training data's fingerprint.</param>
    /// <param name="validation">The validation data's fingerprint, or null when training had none.</param>
    /// <param name="normalization">The input scaling training used.</param>
    /// <param name="state">Where training stood.</param>
    internal Checkpoint(Recipe recipe, DataFingerprint train, DataFingerprint? validation, Normalization normalization, TrainingCheckpoint state)
    {
        Recipe = recipe;
        Train = train;
        Validation = validation;
        Normalization = normalization;
        State = state;
    }

    /// <summary>The recipe as resolved for the training data (every setting set).</summary>
    public Recipe Recipe { get; internal init; }

    /// <summary>The input scaling training used.</summary>
    public Normalization Normalization { get; }

    /// <summary>The training data's target columns (a class column, or the columns of numbers), so that resuming needs no --target; null in checkpoints made before they were kept.</summary>
    public IReadOnlyList<string>? TargetNames { get; init; }

    /// <summary>
    /// The SHA-256 (lowercase hex) of the weights the run started from (<see cref="FitOptions.StartFrom"/>, train's
    /// --init-from), or null for a run that started from drawn weights (and in checkpoints made before it was kept).
    /// </summary>
    internal string? StartedFrom { get; init; }

    /// <summary>The epoch in progress, from 1 (one past the last when training is at its end).</summary>
    public int Epoch => State.Epoch;

    /// <summary>Examples of that epoch already trained on (0: the epoch has not started).</summary>
    public int Position => State.Position;

    /// <summary>The finished epochs, first to last.</summary>
    public IReadOnlyList<EpochResult> History => State.History;

    /// <summary>The training data's fingerprint.</summary>
    internal DataFingerprint Train { get; }

    /// <summary>The validation data's fingerprint, or null when training had none.</summary>
    internal DataFingerprint? Validation { get; }

    /// <summary>Where training stood.</summary>
    internal TrainingCheckpoint State { get; init; }

    /// <summary>Reads a checkpoint file: a damaged or forged one is a <see cref="DataException"/> naming what is wrong.</summary>
    public static Checkpoint Load(string path) => CheckpointFile.Load(path);

    /// <summary>Writes this checkpoint to <paramref name="path"/>, written aside, then renamed: a file already there is left as it was on any failure.</summary>
    public void Save(string path) => CheckpointFile.Save(this, path);

    /// <summary>The network the recipe builds for the data: its parameters are what the state holds.</summary>
    public NetworkSpec Spec => Recipe.SpecFor(Train.Inputs, Train.Outputs);

    /// <summary>The sizes of the network's layers, as "3-8-3".</summary>
    internal static string Shape(NetworkSpec spec) => string.Join("-", new[] { spec.Inputs }.Concat(spec.Hidden).Append(spec.Outputs));
}
