using System.Globalization;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop;

/// <summary>
/// What network to build for a dataset and how to train it, in the library's one vocabulary (the names that the
/// command line's flags and the model files use). A setting left null is chosen from the data by
/// <see cref="Resolve"/>, as Keras and scikit-learn choose theirs; <see cref="Notes"/> is the notes' preset.
/// </summary>
/// <example>
/// <code>
/// var trained = new Recipe { Hidden = [128], Epochs = 5 }.Fit(train);   // softmax + cross-entropy for classes, He, biases, Adam
/// </code>
/// </example>
public sealed record Recipe
{
    /// <summary>
    /// Whether the targets are classes or numbers (default: as the data was read, see <see cref="CsvOptions.Task"/>; but a
    /// column of whole numbers that the loader read as classes is trained as numbers when the loss or output is one for
    /// numbers: sse, mse, binary-cross-entropy, identity, sigmoid).
    /// A dataset read the other way is converted (<see cref="Dataset.ForTask"/>).
    /// </summary>
    public TaskKind? Task { get; init; }

    /// <summary>Hidden layer sizes (default one layer of 64).</summary>
    public IReadOnlyList<int>? Hidden { get; init; }

    /// <summary>Hidden activation: relu, sigmoid or tanh (default relu).</summary>
    public Activation? Activation { get; init; }

    /// <summary>Output activation (default softmax for classes and for cross-entropy on rows of probabilities, sigmoid for cross-entropy on one column, identity otherwise).</summary>
    public Activation? Output { get; init; }

    /// <summary>The loss (default cross-entropy for classes, mse otherwise).</summary>
    public LossKind? Loss { get; init; }

    /// <summary>
    /// Class weights for cross-entropy and binary cross-entropy: <see cref="ClassWeighting.Balanced"/> or weights by class
    /// name, resolved on the training rows (default none: every row weighs 1). Each row's loss and gradient are multiplied
    /// by its class's weight; the batch's gradient is still divided by the batch's size (as Keras does), and validation
    /// and test losses are measured without the weights.
    /// </summary>
    public ClassWeighting? ClassWeight { get; init; }

    /// <summary>The optimizer, with its own setting (default <see cref="Training.Optimizer.Adam"/>).</summary>
    public Optimizer? Optimizer { get; init; }

    /// <summary>Learning rate (default 0.001 for adam, 0.01 otherwise).</summary>
    public double? Alpha { get; init; }

    /// <summary>How the learning rate changes from epoch to epoch, from <see cref="Alpha"/> (default <see cref="LearningRateSchedule.Constant"/>).</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Passes over the training data (default 20, or more on small data so that the weights get at least 1000 updates).</summary>
    public int? Epochs { get; init; }

    /// <summary>Examples per update (default 32, or the whole dataset when it is smaller).</summary>
    public Batching? Batch { get; init; }

    /// <summary>How the weights are first drawn (default He for relu, Xavier for sigmoid and tanh).</summary>
    public Initializer? Init { get; init; }

    /// <summary>Seed of the numpy-compatible stream for weights, shuffling and dropout (default 1).</summary>
    public uint? Seed { get; init; }

    /// <summary>Whether dense layers have biases (default true; the notes' networks have none).</summary>
    public bool? Bias { get; init; }

    /// <summary>Whether each epoch visits the examples in a new random order (default false: dataset order, as the notes).</summary>
    public bool? Shuffle { get; init; }

    /// <summary>Input scaling, fitted on the training data (default standard, none for images).</summary>
    public NormalizationKind? Normalize { get; init; }

    /// <summary>L2 weight decay λ (default 0).</summary>
    public double L2 { get; init; }

    /// <summary>Probability of dropping each hidden activation while training (default 0).</summary>
    public double Dropout { get; init; }

    /// <summary>Early stopping: epochs without a better monitored loss before stopping, keeping the best weights (default none).</summary>
    public int? Patience { get; init; }

    /// <summary>The element type (default <see cref="Tensors.Precision.F32"/>, the fast one).</summary>
    public Precision? Precision { get; init; }

    /// <summary>
    /// Threads, and how products round (default <see cref="Tensors.Compute.Default"/>: every core, fused multiply-adds;
    /// <see cref="Notes"/> uses <see cref="Tensors.Compute.Numpy"/>, numpy's rounding, for the notes' digits).
    /// </summary>
    public Compute? Compute { get; init; }

    /// <summary>
    /// The notes' choices: relu hidden layers, identity output, squared error (the notes' delta p - y), plain gradient
    /// descent one example at a time, no bias, weights <c>2 * np.random.random(shape) - 1</c> after seed 1, no input
    /// scaling, float64 with numpy's rounding. Set the hidden sizes, alpha and epochs as the example at hand does.
    /// </summary>
    public static Recipe Notes { get; } = new()
    {
        Activation = Tensors.Activation.Relu,
        Output = Tensors.Activation.Identity,
        Loss = LossKind.Sse,
        Optimizer = Training.Optimizer.Sgd,
        Batch = Batching.Stochastic,
        Init = Initializer.Default,
        Seed = 1,
        Bias = false,
        Shuffle = false,
        Normalize = NormalizationKind.None,
        Precision = Tensors.Precision.F64,
        Compute = Tensors.Compute.Numpy,
    };

    /// <summary>
    /// This recipe with every null setting chosen for <paramref name="train"/> (the data it will train on), and the
    /// names and values of the settings chosen (for a "defaults chosen" line). Checks that the settings fit each other
    /// and the data: the loss and the output (cross-entropy needs probabilities), the targets (cross-entropy reads them
    /// as probabilities), the class weights (their loss, classes and counts), the batch size, the sizes and ranges.
    /// </summary>
    /// <exception cref="RecipeException">A setting does not fit; <see cref="RecipeException.Setting"/> names it.</exception>
    /// <exception cref="DataException">The targets cannot be the loss's (a row of probabilities that does not sum to 1).</exception>
    public (Recipe Recipe, IReadOnlyList<string> Chosen) Resolve(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        var chosen = new List<string>();
        var task = TaskFor(train);
        if (Task is null && train.InferredTask is { } inferred)
            chosen.Add($"task {Vocabulary.Name(task)} ({inferred.Reason}{(task == inferred.Task ? "" : $", read as numbers for {(Loss is { } l ? $"loss {Vocabulary.Name(l)}" : $"output {Vocabulary.Name(Output!.Value)}")}")})");
        train = train.ForTask(task);
        bool classes = train.ClassNames is not null;
        int examples = train.Count;
        if (examples == 0) throw new DataException(train.Source, "has no examples to train on");
        T Pick<T>(T? given, T fallback, string name, Func<T, string> show) where T : struct
        {
            if (given is T value) return value;
            chosen.Add($"{name} {show(fallback)}");
            return fallback;
        }
        TRef PickRef<TRef>(TRef? given, TRef fallback, string name, string shown) where TRef : class
        {
            if (given is not null) return given;
            chosen.Add($"{name} {shown}");
            return fallback;
        }

        var hidden = PickRef(Hidden, [64], "layers", "64");
        var activation = Pick(Activation, Tensors.Activation.Relu, "activation", Vocabulary.Name);
        var loss = Pick(Loss, classes ? LossKind.CrossEntropy : LossKind.Mse, "loss", Vocabulary.Name);
        var output = Pick(Output, LossCatalog.DefaultOutput(loss, classes, train.Targets.Columns), "output", Vocabulary.Name);
        var optimizer = PickRef(Optimizer, Training.Optimizer.Adam, "optimizer", "adam");
        double alpha = Pick(Alpha, optimizer.DefaultAlpha, "alpha", Num);
        var batch = Pick(Batch, examples < 32 ? Batching.Full : Batching.MiniBatch(32), "batch", b => b.ToString());
        // Enough epochs that the weights get at least 1000 updates (small data trains for longer), 20 at least.
        int batchesPerEpoch = (examples + batch.SizeFor(examples) - 1) / batch.SizeFor(examples);
        int epochs = Pick(Epochs, Math.Max(20, (1000 + batchesPerEpoch - 1) / batchesPerEpoch), "epochs", e => e.ToString(CultureInfo.InvariantCulture));
        var init = PickRef(Init, activation == Tensors.Activation.Relu ? Initializer.He : Initializer.Xavier, "init",
            activation == Tensors.Activation.Relu ? "he" : "xavier");
        uint seed = Pick(Seed, 1u, "seed", s => s.ToString(CultureInfo.InvariantCulture));
        var normalize = Pick(Normalize, train.IsImages ? NormalizationKind.None : NormalizationKind.Standard, "normalize", Vocabulary.Name);
        var precision = Pick(Precision, Tensors.Precision.F32, "precision", Vocabulary.Name);
        bool bias = Pick(Bias, true, "bias", b => b ? "true" : "false");
        bool shuffle = Shuffle ?? false;

        var resolved = this with
        {
            Task = task, Hidden = hidden.ToArray(), Activation = activation, Output = output, Loss = LossCatalog.Resolve(loss, output), Optimizer = optimizer,
            Alpha = alpha, Schedule = Schedule ?? LearningRateSchedule.Constant, Epochs = epochs, Batch = batch, Init = init, Seed = seed, Bias = bias, Shuffle = shuffle,
            Normalize = normalize, Precision = precision,
        };
        resolved.Check(train);
        return (resolved, chosen);
    }

    /// <summary>
    /// The task this recipe trains <paramref name="data"/> for: <see cref="Task"/> when set; else the data's own, but
    /// numbers for whole numbers the loader read as classes when the loss (sse, mse, binary-cross-entropy) or the output
    /// (identity, sigmoid) is one for numbers (the notes' sse on 0/1 targets).
    /// </summary>
    public TaskKind TaskFor(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Task is TaskKind task) return task;
        // A loss or output for numbers says what the whole numbers are (the notes' sse on 0/1 targets, a sigmoid with binary cross-entropy).
        bool numbers = Loss is { } loss && LossCatalog.ReadsNumbers(loss) || Output is Tensors.Activation.Identity or Tensors.Activation.Sigmoid;
        return data.InferredTask is { Task: TaskKind.Classification } && numbers ? TaskKind.Regression : data.Task;
    }

    // The checks of Resolve, on a recipe whose settings are all set.
    private void Check(Dataset train)
    {
        foreach (int h in Hidden!)
            if (h <= 0) throw new RecipeException("layers", $"hidden layer sizes must be whole numbers above 0, not {h}.");
        if (!Activations.HiddenNames.Contains(Vocabulary.Name(Activation!.Value)))
            throw new RecipeException("activation", $"{Vocabulary.Name(Activation.Value)} is not a hidden activation; hidden layers take {string.Join(", ", Activations.HiddenNames)}.");
        if (!Activations.OutputNames.Contains(Vocabulary.Name(Output!.Value)))
            throw new RecipeException("output", $"{Vocabulary.Name(Output.Value)} is not an output activation; outputs take {string.Join(", ", Activations.OutputNames)}.");
        if (Output == Tensors.Activation.Softmax && train.Targets.Columns < 2)
            throw new RecipeException("output", "softmax needs at least two outputs; a single target column of numbers takes identity or sigmoid.");
        Setting("loss", () => LossCatalog.CheckOutput(Loss!.Value, Output.Value));
        if (LossCatalog.TargetProblem(Loss!.Value, Output.Value, train.Targets) is string problem) throw new DataException(train.Source, problem);
        if (ClassWeight is { } weighting) Setting("class-weight", () => weighting.Resolve(train, Loss.Value, Output.Value));
        if (!(Alpha > 0) || !double.IsFinite(Alpha!.Value)) throw new RecipeException("alpha", $"the learning rate must be a finite number above 0, not {Num(Alpha ?? double.NaN)}.");
        if (Precision == Tensors.Precision.F32 && (!float.IsFinite((float)Alpha.Value) || (float)Alpha.Value == 0))
            throw new RecipeException("alpha", $"{Num(Alpha.Value)} is outside float32's range (about 1e-45 to 3.4e38); choose a usual learning rate such as 0.001, or --precision f64.");
        if (Epochs < 0) throw new RecipeException("epochs", $"epochs cannot be negative ({Epochs}).");
        int batch = Batch!.Value.SizeFor(train.Count);
        if (batch > train.Count) throw new RecipeException("batch", $"{batch} is larger than the {train.Count} training examples.");
        CheckSize(train.FeatureNames.Count, train.Targets.Columns, train.Count);
        if (!Enum.IsDefined(Loss.Value)) throw new RecipeException("loss", $"{Loss} is not one of {string.Join(", ", Vocabulary.Names<LossKind>())}.");
        if (!Enum.IsDefined(Normalize!.Value)) throw new RecipeException("normalize", $"{Normalize} is not one of {string.Join(", ", Vocabulary.Names<NormalizationKind>())}.");
        if (!Enum.IsDefined(Precision!.Value)) throw new RecipeException("precision", $"{Precision} is not one of {string.Join(", ", Vocabulary.Names<Precision>())}.");
        if (!(L2 >= 0) || !double.IsFinite(L2)) throw new RecipeException("l2", $"L2 weight decay must be 0 or more, not {Num(L2)}.");
        if (!(Dropout >= 0 && Dropout < 1)) throw new RecipeException("dropout", $"the dropout probability must be from 0 to below 1, not {Num(Dropout)}.");
        if (Patience is < 1) throw new RecipeException("early-stopping", $"patience must be at least 1 epoch, not {Patience}.");
    }

    /// <summary>
    /// Trains a network on <paramref name="data"/> as this recipe says, run as <paramref name="options"/> say (validation
    /// data or a fraction of the rows held out, a model to start from or a checkpoint to go on from, checkpoints,
    /// observers, cancellation): <see cref="Prepare"/>, then <see cref="Learner.Run"/>.
    /// </summary>
    /// <exception cref="RecipeException">A setting does not fit the others or the data (<see cref="RecipeException.Setting"/> names it).</exception>
    /// <exception cref="DataException">The training or validation targets cannot be the loss's.</exception>
    /// <exception cref="IOException">A checkpoint could not be written.</exception>
    public Trained Fit(Dataset data, FitOptions? options = null) => Prepare(data, options).Run();

    /// <summary>
    /// k-fold cross-validation of this recipe on <paramref name="data"/>: the rows dealt into folds
    /// (<see cref="CrossValidationOptions.Split"/>: stratified after the seed for classes, as scikit-learn's <c>StratifiedKFold</c>),
    /// the recipe resolved once on fold 1's training rows, and for each fold a model trained with it on the other folds'
    /// rows and measured on its own after every epoch.
    /// </summary>
    /// <exception cref="RecipeException">A setting does not fit the data; the folds cannot be dealt (setting "folds").</exception>
    /// <exception cref="DataException">The targets cannot be the loss's, or the task's.</exception>
    public CrossValidation CrossValidate(Dataset data, CrossValidationOptions? options = null) => PrepareCrossValidation(data, options).Run();

    /// <summary>
    /// Everything <see cref="CrossValidate"/> does before the first epoch: the task read (<see cref="TaskFor"/>), the rows
    /// dealt into folds after the recipe's seed, and the recipe resolved on fold 1's training rows (the fewest) and
    /// prepared for fold 1; every fold then trains with that resolved recipe.
    /// </summary>
    /// <exception cref="RecipeException">A setting does not fit the data; the folds cannot be dealt (setting "folds").</exception>
    /// <exception cref="DataException">The targets cannot be the loss's, or the task's.</exception>
    internal CrossValidator PrepareCrossValidation(Dataset data, CrossValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new CrossValidationOptions();
        var whole = data.ForTask(TaskFor(data));
        FoldAssignment folds;
        try { folds = FoldAssignment.Of(whole, options.Folds, options.Split, Seed ?? 1); }
        catch (ArgumentException e) { throw new RecipeException("folds", e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)); }
        var first = CrossValidator.Prepare(this, whole, folds, 1, options);
        return new CrossValidator(whole, folds, options, first);
    }

    /// <summary>
    /// Everything <see cref="Fit"/> does before the first epoch: the settings of a checkpoint to go on from or of a model
    /// to start from taken in, the task read (<see cref="TaskFor"/>), every setting left unset chosen from the data and
    /// checked (on the whole of <paramref name="data"/>, so that a message names its rows), the validation rows held
    /// out when <see cref="FitOptions.ValidationFraction"/> asks, the inputs scaled and the network built in the
    /// recipe's precision. Look at what was chosen (<see cref="Learner.Chosen"/>), then <see cref="Learner.Run"/> it.
    /// </summary>
    /// <exception cref="RecipeException">A setting does not fit; a checkpoint or start model that does not fit names
    /// the setting "resume-from" or "start-from", and a checkpoint at <see cref="FitOptions.CheckpointPath"/> of another
    /// run (with <see cref="FitOptions.ContinueIfSameRun"/>) names "checkpoint".</exception>
    /// <exception cref="DataException">The targets cannot be the loss's, or the task's.</exception>
    public Learner Prepare(Dataset data, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new FitOptions();
        if (options.Validation is not null && options.ValidationFraction is not null)
            throw new ArgumentException("FitOptions gives both validation data and a fraction to hold out; give one.", nameof(options));
        if (options.ContinueIfSameRun && options.ResumeFrom is null && options.CheckpointPath is string path && File.Exists(path) && !AtomicFile.WritesInPlace(path))
            return ContinueSameRun(data, options, path);
        var recipe = this;
        IReadOnlySet<string> fromModel = new HashSet<string>();
        if (options.ResumeFrom is { } checkpoint) recipe = recipe.ContinuedFrom(checkpoint);
        if (options.StartFrom is { } start) (recipe, fromModel) = recipe.StartingFrom(start);
        Dataset train = data, whole = data;
        Dataset? validation = options.Validation;
        (Recipe Recipe, IReadOnlyList<string> Chosen) resolved;
        try
        {
            // A model's task fits the data when the data could be read either way (whole numbers); text or fractions cannot.
            if (fromModel.Contains("task") && recipe.Task is { } modelTask && data.Task != modelTask && data.InferredTask is null)
                throw new RecipeException("start-from", $"the model {(modelTask == TaskKind.Regression ? "predicts numbers" : "tells classes apart")}, but "
                    + $"{data.Source}'s target column{(data.TargetNames.Count == 1 ? "" : "s")} {string.Join(", ", data.TargetNames.Select(n => $"'{n}'"))} "
                    + $"hold{(data.TargetNames.Count == 1 ? "s" : "")} {(data.Task == TaskKind.Regression ? "numbers" : "labels")}");
            // Checked on the whole data first, so that a problem with the targets names the file's row.
            var task = recipe.Resolve(data).Recipe.Task!.Value;
            whole = data.ForTask(task);
            if (options.ValidationFraction is double fraction)
            {
                try { (train, validation) = whole.Split(fraction, options.ValidationSplit, recipe.Seed ?? 1); }
                catch (ArgumentException e) { throw new RecipeException("validation", e.Message.Replace($" (Parameter '{e.ParamName}')", "")); }
            }
            else
            {
                train = whole;
                validation = validation?.ForTask(task, train.ClassNames);
            }
            resolved = recipe.Resolve(train);
        }
        catch (RecipeException e) when (fromModel.Contains(e.Setting))
        {
            throw new RecipeException("start-from", $"the model's {e.Setting} does not fit this data: {e.Message}");
        }
        catch (DataException e) when (fromModel.Contains("task"))
        {
            throw new RecipeException("start-from", $"the model predicts {(recipe.Task == TaskKind.Regression ? "numbers" : "classes")}, but {e.Message}");
        }
        var (ready, chosen) = resolved;
        if (validation is not null && LossCatalog.TargetProblem(ready.Loss!.Value, ready.Output!.Value, validation.Targets) is string problem)
            throw new DataException(validation.Source, problem);
        string? missing = validation is null ? null : Dataset.MissingClasses(train, validation);
        if (options.StartFrom is { } model && Learner<double>.StartProblem(model, ready.SpecFor(train.FeatureNames.Count, train.Targets.Columns), train) is string mismatch)
            throw new RecipeException("start-from", mismatch);
        Learner learner = ready.Precision == Tensors.Precision.F64 ? Make<double>() : Make<float>();
        if (options.ResumeFrom is { } c && learner.ResumeProblem(c) is string resumeProblem)
            throw new RecipeException("resume-from", resumeProblem);
        return learner;

        Learner Make<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            new Learner<T>(ready, train, options.StartFrom) { Chosen = chosen, Options = options, Validation = validation, MissingClasses = missing };
    }

    // FitOptions.ContinueIfSameRun with a checkpoint at the path: the run prepared afresh, as a first run of this call
    // would be, must be the checkpoint's (Learner.ResumeProblem: every setting as resolved, the data, the validation
    // data, the scaling); then it is prepared again to go on from it.
    private Learner ContinueSameRun(Dataset data, FitOptions options, string path)
    {
        var saved = Checkpoint.Load(path);
        var fresh = Prepare(data, options with { ContinueIfSameRun = false });
        // A run is also where it started: the same settings from another model's weights (or from drawn ones) are another run.
        string? problem = fresh.StartedFrom == saved.StartedFrom ? fresh.ResumeProblem(saved)
            : saved.StartedFrom is null ? "it started from drawn weights, not from a model's"
            : fresh.StartedFrom is null ? "it started from a model's weights, not from drawn ones"
            : "it started from another model's weights";
        if (problem is not null)
            throw new RecipeException("checkpoint", $"{path} holds another run's checkpoint: {problem}; give the same settings and data to continue it, or name another file (or remove it) to start afresh");
        return Prepare(data, options with { ResumeFrom = saved });
    }

    /// <summary>
    /// The recipe of <paramref name="checkpoint"/>'s run, to go on with it: every setting of this recipe that is set must
    /// be the checkpoint's (but <see cref="Epochs"/>, which may grow, and the threads of <see cref="Compute"/>).
    /// </summary>
    /// <exception cref="RecipeException">A setting of this recipe is not the checkpoint's; it names the setting.</exception>
    public Recipe ContinuedFrom(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var mine = Checkpoints.Settings(this);
        foreach (var (name, value) in Checkpoints.Settings(checkpoint.Recipe))
        {
            if (name is "epochs") continue;
            string? given = mine.First(s => s.Name == name).Value;
            // Settings that have a value in an unset recipe (class weights none, l2 0, dropout 0, no early stopping,
            // fused rounding) are compared only when this recipe sets them to something else.
            if (given is not null && given != value && given != Checkpoints.Settings(new Recipe()).First(s => s.Name == name).Value)
                throw new RecipeException(name, $"{given} conflicts with the checkpoint, made with {name} {value}; going on from a checkpoint takes its settings (leave {name} out)")
                {
                    Conflict = (given, value ?? ""),
                };
        }
        var compute = checkpoint.Recipe.Compute! with { Threads = (Compute ?? Tensors.Compute.Default).Threads };
        return checkpoint.Recipe with { Epochs = Epochs ?? checkpoint.Recipe.Epochs, Compute = compute };
    }

    /// <summary>
    /// This recipe with the settings of <paramref name="model"/> where it leaves them unset (its task, layers, activations,
    /// bias, loss, precision; its scaling's kind always), to fine-tune it; and the names of the settings taken from it.
    /// </summary>
    /// <exception cref="RecipeException">This recipe asks for another scaling than the model's (fine-tuning keeps the model's).</exception>
    public (Recipe Recipe, IReadOnlySet<string> FromModel) StartingFrom(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (Normalize is { } n && n != model.Normalization.Kind)
            throw new RecipeException("normalize", $"{Vocabulary.Name(n)} conflicts with the start model, whose inputs are scaled by {Vocabulary.Name(model.Normalization.Kind)} (fine-tuning keeps the model's scaling)");
        var taken = new HashSet<string>();
        TValue? Kept<TValue>(string name, TValue? given, TValue value) where TValue : struct { if (given is null) taken.Add(name); return given ?? value; }
        TRef Keep<TRef>(string name, TRef? given, TRef value) where TRef : class { if (given is null) taken.Add(name); return given ?? value; }
        var spec = model.Spec;
        var recipe = this with
        {
            // Classes or numbers as the model predicts them (a column of whole numbers could be read either way).
            Task = Kept("task", Task, model.ClassNames is null ? TaskKind.Regression : TaskKind.Classification),
            Hidden = Keep("layers", Hidden, spec.Hidden),
            Activation = Kept("activation", Activation, spec.HiddenActivation),
            Output = Kept("output", Output, spec.OutputActivation),
            Bias = Kept("bias", Bias, spec.Bias),
            Loss = Kept("loss", Loss, model.Loss),
            Precision = Kept("precision", Precision, model.Precision),
            Normalize = model.Normalization.Kind,
        };
        return (recipe, taken);
    }

    /// <summary>The network this (resolved) recipe builds for <paramref name="inputs"/> inputs and <paramref name="outputs"/> outputs.</summary>
    public NetworkSpec SpecFor(int inputs, int outputs) => new(inputs, Hidden ?? [64], outputs)
    {
        HiddenActivation = Activation ?? Tensors.Activation.Relu,
        OutputActivation = Output ?? Tensors.Activation.Identity,
        Bias = Bias ?? true,
        Init = Init ?? ((Activation ?? Tensors.Activation.Relu) == Tensors.Activation.Relu ? Initializer.He : Initializer.Xavier),
        Dropout = Dropout,
        Compute = Compute ?? Tensors.Compute.Default,
    };

    // Sizes are checked before anything is allocated: every weight matrix must fit in one array, and the network with
    // its gradients, optimizer state and the two copies training keeps (last good epoch, best epoch) must fit in the
    // memory this process can have.
    private void CheckSize(int inputs, int outputs, int examples)
    {
        long parameters = 0, widest = inputs;
        int fanIn = inputs;
        foreach (int size in Hidden!.Append(outputs))
        {
            long weights = (long)fanIn * size;
            if (weights > Array.MaxLength)
                throw new RecipeException("layers", $"a layer of {fanIn} x {size} weights is {weights:N0} values, more than one array holds ({Array.MaxLength:N0}).");
            parameters += weights + size;
            widest = Math.Max(widest, size);
            fanIn = size;
        }
        int element = Precision == Tensors.Precision.F64 ? 8 : 4;
        int state = Optimizer?.Name switch { "adam" => 2, "momentum" => 1, _ => 0 };
        int batch = Batch?.SizeFor(examples) ?? 32;
        double weightBytes = (double)parameters * element * (4 + state), activations = (double)batch * widest * element * 8;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (weightBytes + activations <= available) return;
        // Blame what takes the most: the weights (layers) or a batch's activations and deltas (batch).
        if (activations > weightBytes)
            throw new RecipeException("batch", $"a batch of {batch:N0} examples needs about {Gib(activations)} for its layers' values and deltas (up to {widest:N0} a row); this machine has {Gib(available)} available: choose a smaller batch.");
        throw new RecipeException("layers", $"the network needs about {Gib(weightBytes + activations)} ({parameters:N0} weights, with their gradients, {Optimizer!.Name} state and copies); this machine has {Gib(available)} available.");
    }

    private static string Gib(double bytes) => (bytes / (1L << 30)).ToString("0.#", CultureInfo.InvariantCulture) + " GiB";

    // Runs a parse or check, turning its ArgumentException or FormatException into a RecipeException naming the setting.
    private static T Setting<T>(string setting, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (e is ArgumentException and not RecipeException or FormatException) { throw new RecipeException(setting, e.Message); }
    }

    private static void Setting(string setting, Action check) => Setting(setting, () => { check(); return 0; });

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
