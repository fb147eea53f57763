using System.Numerics;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop;

/// <summary>
/// A resolved <see cref="Recipe"/> made real for one training set, in precision <typeparamref name="T"/>: the inputs
/// scaled by a normalization fitted on them, the network, its loss and its trainer, ready to run
/// (<see cref="Learner.Run"/>) or to step through (<see cref="Learner.Start"/>), or to look inside (trace, explain).
/// <see cref="Recipe.Prepare"/> makes one; <see cref="Recipe.Fit"/> makes one and runs it.
/// </summary>
public sealed class Learner<T> : Learner where T : unmanaged, IFloatingPointIeee754<T>
{
    private Matrix<T>? _x;
    private DataFingerprint? _trainFingerprint;

    /// <summary>
    /// Builds everything <paramref name="recipe"/> (resolved: every setting set) describes for <paramref name="train"/>;
    /// with <paramref name="start"/> (fine-tuning), the network starts from that model's weights and keeps its input
    /// scaling (the weights were learned on inputs scaled that way) instead of fitting one on <paramref name="train"/>.
    /// </summary>
    /// <exception cref="DataException">A column of <paramref name="train"/> overflows the normalization or precision <typeparamref name="T"/>.</exception>
    /// <exception cref="ArgumentException">The start model does not fit the network the recipe builds (<see cref="StartProblem"/> says how), or the class weights do not fit the data (<see cref="ClassWeighting.Resolve"/>).</exception>
    public Learner(Recipe recipe, Dataset train, Model? start = null) : base(recipe)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (recipe.Loss is null || recipe.Optimizer is null || recipe.Alpha is null || recipe.Batch is null || recipe.Normalize is null)
            throw new ArgumentException("The recipe is not resolved: call Recipe.Resolve(train) first.", nameof(recipe));
        train = train.ForTask(recipe.Task ?? train.Task);
        // Missing cells (mean/median) are filled with what the training rows give, before the scaling is fitted.
        if (train.Schema is { NeedsFit: true }) train = MissingValues.Fill(train, MissingValues.Fit(train));
        Schema = train.Schema;
        Train = train;
        // The scaling is fitted on the values as the file holds them, in float64; a column that would overflow it or
        // the network's precision is refused here (a DataException naming it), not found as infinities later.
        Spec = recipe.SpecFor(train.FeatureNames.Count, train.Targets.Columns);
        if (start is not null && StartProblem(start, Spec, train) is string problem) throw new ArgumentException(problem, nameof(start));
        Normalization = start?.Normalization ?? Normalization.Fit<T>(recipe.Normalize.Value, train);
        // Inputs in the network's precision, scaled: images stay bytes and convert row by row as batches are
        // gathered (Fashion-MNIST in float32: 45 MiB of bytes rather than 180 MiB of floats); other data is a matrix.
        Rows = train.RowsAs<T>(Normalization);
        Y = train.Targets.Cast<T>();
        Random = new NumpyRandom(recipe.Seed ?? 1);
        Network = Spec.Build<T>(Random);   // drawn even when a model's weights replace them: the stream goes on as in a fresh run
        StartedFrom = start is null ? null : WeightsHash(start);
        if (start is not null)
            ParameterSnapshot<T>.Set(Network.Parameters, [.. start.Weights.Zip(start.Biases).SelectMany(l => l.Second is null ? new[] { l.First } : [l.First, l.Second])], "model's weights");
        ClassWeights = recipe.ClassWeight?.Resolve(train, recipe.Loss.Value, Spec.OutputActivation);
        Loss = LossCatalog.For<T>(recipe.Loss.Value, Spec.OutputActivation, ClassWeights);
        Trainer = new Trainer<T>(Network, Loss, recipe.Optimizer.Create<T>(recipe.Alpha.Value))
        {
            Batching = recipe.Batch.Value,
            ShuffleWith = recipe.Shuffle == true ? Random : null,
            L2 = recipe.L2,
            CountClasses = train.ClassNames is not null || LossCatalog.PredictsClasses(recipe.Loss.Value, Spec.OutputActivation, Spec.Outputs),
            EarlyStoppingPatience = recipe.Patience,
            Schedule = recipe.Schedule ?? LearningRateSchedule.Constant,
        };
    }

    /// <inheritdoc/>
    public override Dataset Train { get; }

    /// <inheritdoc/>
    internal override InputSchema? Schema { get; }

    /// <inheritdoc/>
    public override Normalization Normalization { get; }

    /// <summary>The scaled training inputs, row by row (what training reads).</summary>
    public IRowSource<T> Rows { get; }

    /// <summary>The scaled training inputs as one matrix, made on first use (trace, explain and gradcheck look at every value).</summary>
    public Matrix<T> X => _x ??= Rows as Matrix<T> ?? Normalization.Apply<T>(Train);

    /// <summary>The training targets.</summary>
    public Matrix<T> Y { get; }

    /// <inheritdoc/>
    public override NetworkSpec Spec { get; }

    /// <summary>The random stream the weights were drawn from, which shuffling and dropout go on drawing from.</summary>
    public NumpyRandom Random { get; }

    /// <summary>The network being trained.</summary>
    public Network<T> Network { get; }

    /// <inheritdoc/>
    public override ClassWeights? ClassWeights { get; }

    /// <summary>The loss (as the recipe named it, for the network's output), with the class weights.</summary>
    public ILoss<T> Loss { get; }

    /// <inheritdoc/>
    public override LossKind LossKind => Loss.Kind;

    /// <summary>The trainer, with the recipe's batching, shuffling, L2 and early stopping.</summary>
    public Trainer<T> Trainer { get; }

    /// <summary>Scaled inputs and targets of another dataset (validation or test), as the network takes them.</summary>
    /// <remarks>Missing cells of <paramref name="data"/> are filled with the training data's fills as its rows are read (a CSV
    /// table is left as loaded; data made from a matrix is filled in place).</remarks>
    public (IRowSource<T> X, Matrix<T> Y) Prepare(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        data = data.ForTask(Train.Task, Train.ClassNames);
        if (Schema is not null && data.Schema is not null) data = MissingValues.Fill(data, Schema);
        return (data.RowsAs<T>(Normalization), data.Targets.Cast<T>());
    }

    /// <summary>Trains for the recipe's epochs, measuring <paramref name="validation"/> after each when given.</summary>
    public TrainingHistory Fit(Dataset? validation = null, CancellationToken cancellation = default) =>
        Trainer.Fit(Rows, Y, Recipe.Epochs ?? 20, validation is null ? null : Prepare(validation), cancellation);

    /// <summary><see cref="Fit(Dataset?, CancellationToken)"/>, handing out checkpoints or resuming from one as <paramref name="checkpointing"/> says (see <see cref="Trainer{T}"/>).</summary>
    internal TrainingHistory Fit(Checkpointing? checkpointing, Dataset? validation = null, CancellationToken cancellation = default) =>
        Trainer.Fit(Rows, Y, Recipe.Epochs ?? 20, checkpointing, validation is null ? null : Prepare(validation), cancellation);

    /// <inheritdoc/>
    public override TrainingSession Start(params IEnumerable<ITrainingObserver> observers)
    {
        var checkpointing = Options.CheckpointPath is null && Options.ResumeFrom is null ? null : new Checkpointing
        {
            Write = Options.CheckpointPath is null ? null : WriteCheckpoint,
            EveryBatches = Options.CheckpointEveryBatches,
            MinInterval = Options.CheckpointInterval,
            ResumeFrom = Options.ResumeFrom?.State,
        };
        IEnumerable<ITrainingObserver> all = Options.EpochEnded is { } ended ? [new EpochCallback(ended), .. Options.Observers, .. observers] : [.. Options.Observers, .. observers];
        return Trainer.Start(Rows, Y, Recipe.Epochs ?? 20, checkpointing, Validation is null ? null : _validation ??= Prepare(Validation), all);
    }

    private (IRowSource<T> X, Matrix<T> Y)? _validation;

    /// <inheritdoc/>
    internal override Checkpoint Checkpoint(TrainingCheckpoint state) =>
        new(Recipe, _trainFingerprint ??= DataFingerprint.Of(Train), Validation is null ? null : _validationFingerprint ??= DataFingerprint.Of(Validation), Normalization, state) { TargetNames = Train.TargetNames, StartedFrom = StartedFrom };

    private DataFingerprint? _validationFingerprint;

    /// <summary>A checkpoint file's contents for <paramref name="state"/>, measured with <paramref name="validation"/>.</summary>
    internal Checkpoint Checkpoint(TrainingCheckpoint state, Dataset? validation) =>
        new(Recipe, _trainFingerprint ??= DataFingerprint.Of(Train), validation is null ? null : DataFingerprint.Of(validation), Normalization, state) { TargetNames = Train.TargetNames, StartedFrom = StartedFrom };

    /// <summary>
    /// Why <paramref name="checkpoint"/> cannot be resumed by this learner, in words naming what differs (a setting,
    /// the training or validation data, the scaling), or null when it can. The number of epochs may differ (but for
    /// a cosine schedule, whose rates depend on it): a run resumed with more goes on as one asked for more from the start would have.
    /// </summary>
    public override string? ResumeProblem(Checkpoint checkpoint) => ResumeProblem(checkpoint, Validation);

    /// <summary><see cref="ResumeProblem(Checkpoint)"/>, with <paramref name="validation"/> as the validation data.</summary>
    public string? ResumeProblem(Checkpoint checkpoint, Dataset? validation)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var mine = Checkpoints.Settings(Recipe with { Epochs = checkpoint.Recipe.Epochs });
        foreach (var (name, value) in Checkpoints.Settings(checkpoint.Recipe))
            if (mine.First(s => s.Name == name).Value != value)
                return $"it was made with {name} {value}, not {mine.First(s => s.Name == name).Value}";
        if (checkpoint.Train.Difference(_trainFingerprint ??= DataFingerprint.Of(Train)) is string data)
            return $"it was made on other training data: this data has {data}"
                + (Schema is { IsPlain: false } ? " (the same file with missing cells or text columns read another way counts as other data: give the same --missing and --unknown)" : "");
        var v = validation is null ? null : DataFingerprint.Of(validation);
        if ((v is null) != (checkpoint.Validation is null))
            return v is null ? "it was made with validation data; give the same --validation or --validation-data" : "it was made without validation data";
        if (v is not null && checkpoint.Validation!.Difference(v) is string other)
            return $"it was made with other validation data: this validation data has {other}";
        if (!checkpoint.Normalization.Offset.SequenceEqual(Normalization.Offset) || !checkpoint.Normalization.Scale.SequenceEqual(Normalization.Scale) || checkpoint.Normalization.Kind != Normalization.Kind)
            return "its input scaling is not the one fitted on this data";
        if (Recipe.Schedule is CosineSchedule && checkpoint.Recipe.Epochs != Recipe.Epochs)
            return $"it was made with lr-schedule cosine over {checkpoint.Recipe.Epochs} epochs, and cosine's rates depend on the number of epochs: keep epochs {checkpoint.Recipe.Epochs}";
        // A finished run's checkpoint is at the epoch past its last: resuming it with as many epochs has nothing to do.
        int done = checkpoint.State.Epoch - 1, epochs = Recipe.Epochs ?? 20;
        if (done > epochs || (done == epochs && checkpoint.State.Position > 0))
            return $"it has {done} epochs done{(checkpoint.State.Position > 0 ? $" and is within epoch {done + 1}" : "")}, past the {epochs} epochs asked for";
        return null;
    }

    /// <summary>
    /// Why <paramref name="model"/> cannot start a network of <paramref name="spec"/> on <paramref name="train"/>, naming
    /// the first difference and the setting behind it ("the model's hidden layers are 64; the settings make 8 (--layers)"),
    /// or null when it can.
    /// </summary>
    public static string? StartProblem(Model model, NetworkSpec spec, Dataset train)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(train);
        var m = model.Spec;
        static string Layers(IReadOnlyList<int> h) => h.Count == 0 ? "none" : string.Join(",", h);
        if (m.Inputs != spec.Inputs)
            return $"the model takes {m.Inputs} inputs; this data has {spec.Inputs} ({train.Source}'s input columns, one-hot text columns counted)";
        if (m.Outputs != spec.Outputs)
            return (model.ClassNames is { } c ? $"the model tells {c.Count} classes apart ({Data.MessageText.List(c)})" : $"the model predicts {m.Outputs} number{(m.Outputs == 1 ? "" : "s")}")
                + "; " + (train.ClassNames is { } d ? $"this data has {d.Count} classes" : $"this data has {train.Targets.Columns} target column{(train.Targets.Columns == 1 ? "" : "s")} of numbers");
        if (!m.Hidden.SequenceEqual(spec.Hidden))
            return $"the model's hidden layers are {Layers(m.Hidden)}; the settings make {Layers(spec.Hidden)} (--layers; leave it out to keep the model's)";
        if (m.Hidden.Count > 0 && m.HiddenActivation != spec.HiddenActivation)
            return $"the model's hidden activation is {Vocabulary.Name(m.HiddenActivation)}; the settings make {Vocabulary.Name(spec.HiddenActivation)} (--activation; leave it out to keep the model's)";
        if (m.OutputActivation != spec.OutputActivation)
            return $"the model's output is {Vocabulary.Name(m.OutputActivation)}; the settings make {Vocabulary.Name(spec.OutputActivation)} (--output; leave it out to keep the model's)";
        if (m.Bias != spec.Bias)
            return $"the model's layers {(m.Bias ? "have" : "have no")} biases; the settings {(spec.Bias ? "give them" : "give none")} (--bias; leave it out to keep the model's)";
        if (model.ClassNames is not null && train.ClassNames is not null && !model.ClassNames.SequenceEqual(train.ClassNames))
            return $"the model's classes ({string.Join(", ", model.ClassNames)}) are not the data's ({string.Join(", ", train.ClassNames)})";
        return null;
    }

    /// <inheritdoc/>
    public override Model ToModel() =>
        Model.From(Network, Normalization, Train.FeatureNames, Train.TargetNames, Train.ClassNames, Loss.Kind)
            with { ClassWeights = ClassWeights, Inputs = Schema is { IsPlain: false } ? Schema : null };
}
