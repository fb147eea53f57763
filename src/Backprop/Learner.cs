using Backprop.Data;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Training;

namespace Backprop;

/// <summary>
/// A recipe made real for its data, ready to train: what <see cref="Recipe.Prepare"/> gives, with every setting
/// resolved and checked, before any epoch runs. <see cref="Run"/> trains to the end and gives the <see cref="Trained"/>
/// model; <see cref="Start"/> gives the open session to step through. <see cref="Learner{T}"/> is the network in its
/// precision, for looking inside.
/// </summary>
public abstract class Learner
{
    // A test hook: milliseconds to wait after a checkpoint's bytes are written and before the file is renamed into
    // place, so that a test can kill the process in the middle of a write.
    private static readonly int CheckpointPauseMs = int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_TEST_CHECKPOINT_PAUSE_MS"), out int ms) ? ms : 0;

    private protected Learner(Recipe recipe) => Recipe = recipe ?? throw new ArgumentNullException(nameof(recipe));

    /// <summary>The recipe with every setting set.</summary>
    public Recipe Recipe { get; }

    /// <summary>The settings <see cref="Recipe.Resolve"/> chose from the data because the recipe left them unset, as "name value".</summary>
    public IReadOnlyList<string> Chosen { get; init; } = [];

    /// <summary>How the run goes: validation data, checkpoints, observers, cancellation.</summary>
    public FitOptions Options { get; init; } = new();

    /// <summary>The data measured after each epoch (as the task reads it), or null.</summary>
    public Dataset? Validation { get; init; }

    /// <summary>When a class has rows on one side of the training/validation split only, a sentence naming it (<see cref="Dataset.MissingClasses"/>); else null.</summary>
    public string? MissingClasses { get; init; }

    /// <summary>The training data (as the task reads it, its missing cells filled when the schema fills them).</summary>
    public abstract Dataset Train { get; }

    /// <summary>How the training table's columns became inputs, with the fills learned on it; null for images.</summary>
    internal abstract InputSchema? Schema { get; }

    /// <summary>The input scaling, fitted on the training data (or the start model's).</summary>
    public abstract Normalization Normalization { get; }

    /// <summary>The network's architecture.</summary>
    public abstract NetworkSpec Spec { get; }

    /// <summary>The loss as the network's output takes it (cross-entropy after a sigmoid is binary cross-entropy).</summary>
    public abstract LossKind LossKind { get; }

    /// <summary>The recipe's class weights resolved on the training data (balanced: counted on its rows), or null for none.</summary>
    public abstract ClassWeights? ClassWeights { get; }

    /// <summary>
    /// The training session, not yet started, watched by the options' observers and <paramref name="observers"/>:
    /// checkpoints go to <see cref="FitOptions.CheckpointPath"/>, and a resumed run goes on from its checkpoint.
    /// </summary>
    public abstract TrainingSession Start(params IEnumerable<ITrainingObserver> observers);

    /// <summary>The trained network as it stands, with its scaling, names and class weights, ready to save or use.</summary>
    public abstract Model ToModel();

    /// <summary>A checkpoint file's contents for <paramref name="state"/>: it with the recipe, the data's fingerprints and the scaling.</summary>
    internal abstract Checkpoint Checkpoint(TrainingCheckpoint state);

    /// <summary>The SHA-256 of the start model's weights and biases (float64, little-endian, in the network's order), or null without one; checkpoints keep it.</summary>
    internal string? StartedFrom { get; private protected set; }

    private protected static string WeightsHash(Models.Model start)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var (weights, bias) in start.Weights.Zip(start.Biases))
        {
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()));
            if (bias is not null) hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(bias.AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Why <paramref name="checkpoint"/> cannot be resumed by this learner on its data, in words naming what differs (a
    /// setting, the training or validation data, the scaling), or null when it can.
    /// </summary>
    public abstract string? ResumeProblem(Checkpoint checkpoint);

    /// <summary>The last checkpoint written to <see cref="FitOptions.CheckpointPath"/> by <see cref="Run"/>, or null.</summary>
    internal TrainingCheckpoint? LastCheckpoint { get; private set; }

    /// <summary>
    /// Trains to the end (every epoch, early stopping, divergence or cancellation) and gives the model with its history.
    /// The model has the weights training kept: the last finished epoch's, or the best epoch's with early stopping.
    /// </summary>
    /// <param name="observers">Observers beyond the options' (a view of progress, a history file).</param>
    /// <exception cref="IOException">A checkpoint could not be written (training stops there).</exception>
    public Trained Run(params IEnumerable<ITrainingObserver> observers)
    {
        var history = Start(observers).Run(Options.Cancellation);
        // The validation rows with their missing cells filled as the training rows' were (as the session measured them).
        var validation = Validation is { Schema: not null } && Schema is not null ? MissingValues.Fill(Validation, Schema) : Validation;
        return new Trained(ToModel(), history, Recipe, Chosen) { LastCheckpoint = LastCheckpoint, Train = Train, Validation = validation };
    }

    // Each checkpoint the session hands out becomes the checkpoint file, written aside and renamed (a kill while it is
    // written leaves the previous one).
    private protected void WriteCheckpoint(TrainingCheckpoint state)
    {
        byte[] bytes = CheckpointFile.Serialize(Checkpoint(state));
        AtomicFile.Write(Options.CheckpointPath!, (Stream file) =>
        {
            file.Write(bytes);
            if (CheckpointPauseMs > 0) Thread.Sleep(CheckpointPauseMs);
        });
        LastCheckpoint = state;
    }

    // FitOptions.EpochEnded as an observer.
    private protected sealed class EpochCallback(Action<EpochResult> ended) : ITrainingObserver
    {
        public void EpochEnded(TrainingSession session, EpochResult result) => ended(result);
    }
}
