using Backprop.Data;
using Backprop.Models;
using Backprop.Training;

namespace Backprop;

/// <summary>
/// How <see cref="Recipe.Fit"/> runs, beyond what to build and how to train it: the data to validate on, a model to
/// start from or a checkpoint to go on from, where checkpoints go, who watches, and when to stop.
/// </summary>
/// <example>
/// <code>
/// var trained = new Recipe { Epochs = 30 }.Fit(train, new FitOptions { Validation = validation, CheckpointPath = "run.ckpt" });
/// </code>
/// </example>
public sealed record FitOptions
{
    /// <summary>Data measured after each epoch (validation loss, accuracy or MAE); null for none.</summary>
    public Dataset? Validation { get; init; }

    /// <summary>
    /// Instead of <see cref="Validation"/>: this fraction of the data's rows (0 to 1, rounded to a row) held out to
    /// validate on, as <see cref="ValidationSplit"/> chooses them (Keras's <c>validation_split</c>); null for none.
    /// </summary>
    public double? ValidationFraction { get; init; }

    /// <summary>Which rows <see cref="ValidationFraction"/> holds out (default <see cref="SplitKind.Shuffled"/>: drawn after the recipe's seed, stratified by class).</summary>
    public SplitKind ValidationSplit { get; init; }

    /// <summary>
    /// A model whose weights the network starts from (fine-tuning): its task, layers, activations, bias, loss and
    /// precision are used where the recipe leaves them unset, and its input scaling is kept; null to start afresh.
    /// </summary>
    public Model? StartFrom { get; init; }

    /// <summary>
    /// A checkpoint to go on from (<see cref="Checkpoint.Load"/>): its recipe is the run's (the recipe's own settings must
    /// agree with it; only <see cref="Recipe.Epochs"/> and threads may differ), and the run ends bit for bit as the one
    /// that made it would have; null to start afresh.
    /// </summary>
    public Checkpoint? ResumeFrom { get; init; }

    /// <summary>Where checkpoints are written (written aside, then renamed): after every epoch, the last included, and when cancelled; null for none.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// Go on from <see cref="CheckpointPath"/> when that file holds this same run's checkpoint, as Keras's
    /// BackupAndRestore does, so that the same call (or command) run again after a kill continues where it stopped:
    /// the same recipe as resolved on the same training data, with the same validation data and input scaling (the
    /// epochs may grow, as with <see cref="ResumeFrom"/>, and the threads differ). No file there: the run starts.
    /// A file that holds another run's checkpoint is refused (a <see cref="RecipeException"/> whose setting is
    /// "checkpoint", naming what differs), never overwritten. The prepared learner's <see cref="Learner.Options"/> then
    /// have the checkpoint as <see cref="ResumeFrom"/>. Ignored when <see cref="ResumeFrom"/> is given, and for a
    /// device or pipe; default false (the file is overwritten).
    /// </summary>
    public bool ContinueIfSameRun { get; init; }

    /// <summary>Also write the checkpoint after every this many batches within an epoch (0: epoch ends only).</summary>
    public int CheckpointEveryBatches { get; init; }

    /// <summary>Skip an epoch's checkpoint while less than this has passed since the last one (the last epoch's is always written; default zero: every epoch). Checkpoints every few batches and at cancellation are never skipped.</summary>
    public TimeSpan CheckpointInterval { get; init; }

    /// <summary>Called after each epoch with its results (progress, a history of your own).</summary>
    public Action<EpochResult>? EpochEnded { get; init; }

    /// <summary>Observers of the training session, as Keras's callbacks (<see cref="HistoryCsv"/>, your own).</summary>
    public IReadOnlyList<ITrainingObserver> Observers { get; init; } = [];

    /// <summary>Stops training after the batch it is in; the weights of the last finished epoch are kept (<see cref="StopReason.Cancelled"/>).</summary>
    public CancellationToken Cancellation { get; init; }
}
