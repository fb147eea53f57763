using System.Buffers.Binary;
using System.Text.Json.Serialization;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using MessageText = Backprop.Models.MessageText;   // the model file's quoting, as checkpoints have always been worded
using Backprop.Tensors;
using Backprop.Training;
using static System.Text.Json.Serialization.JsonIgnoreCondition;

namespace Backprop;

/// <summary>
/// A checkpoint's body (docs/model-format.md, "Checkpoint files"), member for member, for the source-generated reader
/// and writer. Arrays of weights and optimizer state are base64 of their raw little-endian values in the network's
/// precision (exact, -0 and subnormal numbers included); single numbers are JSON numbers in their shortest round-trip
/// form, or "NaN", "Infinity", "-Infinity". <see cref="From"/> makes one of a checkpoint; <see cref="ToCheckpoint"/>
/// checks one, every array's length against the network the recipe builds for the data, and makes the checkpoint.
/// </summary>
internal sealed record CheckpointJson(RecipeJson Recipe, DataJson TrainData, [property: JsonRequired] DataJson? ValidationData, NormalizationJson Normalization, StateJson State,
    [property: JsonIgnore(Condition = WhenWritingNull)] string? StartedFrom = null)   // missing for a run from drawn weights
{
    /// <summary>The body for <paramref name="c"/>.</summary>
    public static CheckpointJson From(Checkpoint c)
    {
        var r = c.Recipe;
        bool f32 = r.Precision == Precision.F32;
        var recipe = new RecipeJson(r.Task is { } task ? Vocabulary.Name(task) : null, [.. r.Hidden!], Vocabulary.Name(r.Activation!.Value),
            Vocabulary.Name(r.Output!.Value), Vocabulary.Name(r.Loss!.Value), r.ClassWeight?.ToString(), r.Optimizer!.Name,
            r.Optimizer.Name == "momentum" ? r.Optimizer.Beta : 0.9,   // 0.9 for the others, as files have always said
            r.Alpha!.Value, (r.Schedule ?? LearningRateSchedule.Constant).Name, r.Epochs!.Value, r.Batch!.Value.ToString(), r.Init!.ToString(),
            r.Seed!.Value, r.Bias!.Value, r.Shuffle!.Value, Vocabulary.Name(r.Normalize!.Value), r.L2, r.Dropout, r.Patience,
            Vocabulary.Name(r.Precision!.Value), Rounding(r));
        var s = c.State;
        var state = new StateJson(s.Epoch, s.Position, s.TotalLoss, s.Correct, s.Order is null ? null : Base64(s.Order.Length, 4, (b, i) => BinaryPrimitives.WriteInt32LittleEndian(b, s.Order[i])),
            Floats(s.Parameters, f32), s.LastGood is null ? null : Floats(s.LastGood, f32), new OptimizerJson(s.Optimizer.Name, s.Optimizer.Steps, Floats(s.Optimizer.Buffers, f32)),
            [.. s.Randoms.Select(x => new RandomJson(Base64(x.Key.Length, 4, (b, i) => BinaryPrimitives.WriteUInt32LittleEndian(b, x.Key[i])), x.Position, x.HasGauss, x.Gauss))],
            s.EarlyStopping is { } e ? new EarlyStoppingJson(e.BestLoss, e.BestEpoch, e.BestParameters is null ? null : Floats(e.BestParameters, f32)) : null,
            s.LearningRate is { } lr ? new LearningRateJson(lr.Schedule, lr.Initial, lr.Rate, lr.Best, lr.BadEpochs) : null,
            s.DeadSoFar?.ToArray(),
            [.. s.History.Select(h => new EpochJson(h.Epoch, h.TotalLoss, h.Examples, h.TrainAccuracy, h.ValidationLoss, h.ValidationAccuracy,
                h.ValidationMae, h.LearningRate, h.DeadLayers?.ToArray()))]);
        return new CheckpointJson(recipe, DataJson.From(c.Train, c.TargetNames), c.Validation is null ? null : DataJson.From(c.Validation, null),
            new NormalizationJson(Vocabulary.Name(c.Normalization.Kind), new Numbers(c.Normalization.Offset), new Numbers(c.Normalization.Scale)), state, c.StartedFrom);
    }

    /// <summary>How the recipe's float64 products round: "fused" or "numpy" (it changes float64 results; float32 is always fused).</summary>
    public static string Rounding(Recipe r) => (r.Compute ?? Compute.Default).Float64 == Summation.Fused ? "fused" : "numpy";

    /// <summary>The checkpoint this body holds, checked in one pass ("malformed checkpoint: ..." or "inconsistent checkpoint: ...").</summary>
    public Checkpoint ToCheckpoint()
    {
        var recipe = Recipe.ToRecipe();
        var train = TrainData.ToFingerprint("train_data");
        // Checkpoints made before tasks have none: a single target column was then always one number.
        if (recipe.Task is null && train.Outputs == 1) recipe = recipe with { Task = TaskKind.Regression };
        var targets = TrainData.Targets?.Select((n, i) => n is { Length: > 0 } name ? name
            : throw new BodyProblem($"malformed checkpoint: \"train_data.targets[{i}]\" is not a column name")).ToArray();
        var validation = ValidationData?.ToFingerprint("validation_data");
        var norm = Normalization;
        if (!Vocabulary.Names<NormalizationKind>().Contains(norm.Kind))
            throw new BodyProblem($"malformed checkpoint: \"normalization.kind\" is {MessageText.Quote(norm.Kind)}; expected {string.Join(", ", Vocabulary.Names<NormalizationKind>())}");
        var normalization = new Normalization(Vocabulary.Parse<NormalizationKind>(norm.Kind), JsonBody.Finite(norm.Offset, "normalization.offset"), JsonBody.Finite(norm.Scale, "normalization.scale"));
        if (normalization.Offset.Length != train.Inputs || normalization.Scale.Length != train.Inputs)
            throw new BodyProblem($"inconsistent checkpoint: the normalization has {normalization.Offset.Length} offsets and {normalization.Scale.Length} scales for {train.Inputs} inputs");

        NetworkSpec spec;
        try { spec = recipe.SpecFor(train.Inputs, train.Outputs); _ = spec.Init; }
        catch (ArgumentException e) { throw new BodyProblem($"inconsistent checkpoint: {e.Message}"); }
        var state = State.ToState(recipe, spec, train.Rows);
        if (targets is not null && (targets.Length == 0 || targets.Length > train.Outputs))
            throw new BodyProblem($"inconsistent checkpoint: {targets.Length} target columns for {train.Outputs} outputs");
        if (StartedFrom is not null && (StartedFrom.Length != 64 || !StartedFrom.All(char.IsAsciiHexDigit)))
            throw new BodyProblem("malformed checkpoint: \"started_from\" is not 64 hex digits");
        return new Checkpoint(recipe, train, validation, normalization, state) { TargetNames = targets, StartedFrom = StartedFrom };
    }

    /// <summary>Each parameter's length, in the order the network lists them: each dense layer's weights, then its bias.</summary>
    internal static int[] ParameterLengths(NetworkSpec spec)
    {
        var lengths = new List<int>();
        int fanIn = spec.Inputs;
        foreach (int fanOut in spec.Hidden.Append(spec.Outputs))
        {
            long weights = (long)fanIn * fanOut;
            if (weights > Array.MaxLength) throw new BodyProblem($"inconsistent checkpoint: a layer of {fanIn} x {fanOut} weights");
            lengths.Add((int)weights);
            if (spec.Bias) lengths.Add(fanOut);
            fanIn = fanOut;
        }
        return [.. lengths];
    }

    /// <summary>An integer from <paramref name="min"/> to <paramref name="max"/>.</summary>
    internal static int Int(int value, string at, int min, int max) =>
        value >= min && value <= max ? value
        : throw new BodyProblem($"malformed checkpoint: \"{at}\" is not a whole number from {min} to {max}");

    /// <summary>Raw little-endian values, base64: float32 (4 bytes) or float64 (8 bytes) each.</summary>
    private static string[] Floats(IReadOnlyList<double[]> arrays, bool f32) => arrays.Select(a => f32
        ? Base64(a.Length, 4, (b, i) => BinaryPrimitives.WriteSingleLittleEndian(b, (float)a[i]))
        : Base64(a.Length, 8, (b, i) => BinaryPrimitives.WriteDoubleLittleEndian(b, a[i]))).ToArray();

    private static string Base64(int count, int size, SpanAction write)
    {
        var bytes = new byte[count * size];
        for (int i = 0; i < count; i++) write(bytes.AsSpan(size * i), i);
        return Convert.ToBase64String(bytes);
    }

    private delegate void SpanAction(Span<byte> bytes, int index);

    /// <summary>The bytes of base64 text, whose decoded length must be <paramref name="expected"/> (checked from the text's length before anything is decoded).</summary>
    internal static byte[] Bytes(string? base64, string at, long expected)
    {
        JsonBody.Need(base64, at, Expect.Text);
        long decoded = base64!.Length / 4 * 3 - (base64.EndsWith("==", StringComparison.Ordinal) ? 2 : base64.EndsWith('=') ? 1 : 0);
        if (base64.Length % 4 != 0 || decoded != expected) throw new BodyProblem($"inconsistent checkpoint: \"{at}\" holds {Math.Max(decoded, 0)} bytes; the network needs {expected}");
        try { return Convert.FromBase64String(base64); }
        catch (FormatException) { throw new BodyProblem($"malformed checkpoint: \"{at}\" is not base64"); }
    }

    /// <summary>Arrays of raw float32 or float64 values, one a length in <paramref name="lengths"/>.</summary>
    internal static double[][] Floats(string[] arrays, string at, int[] lengths, bool f32)
    {
        if (arrays.Length != lengths.Length) throw new BodyProblem($"inconsistent checkpoint: \"{at}\" has {arrays.Length} arrays; the network needs {lengths.Length}");
        int size = f32 ? 4 : 8;
        return [.. arrays.Select((text, i) =>
        {
            var bytes = Bytes(text, $"{at}[{i}]", (long)size * lengths[i]);
            var values = new double[lengths[i]];
            for (int k = 0; k < values.Length; k++)
                values[k] = f32 ? BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * k)) : BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(8 * k));
            return values;
        })];
    }

    /// <summary>Layer numbers: k of layer_k for relu layers 1 to <paramref name="reluLayers"/>, ascending, at least one.</summary>
    internal static int[]? Layers(int[]? layers, string at, int reluLayers)
    {
        if (layers is null) return null;
        var result = layers.Select((k, i) => k >= 1 && k <= reluLayers ? k
            : throw new BodyProblem(reluLayers == 0 ? $"inconsistent checkpoint: \"{at}\" names a layer; the network has no relu layer"
                : $"inconsistent checkpoint: \"{at}[{i}]\" is not a relu layer of the network (1 to {reluLayers})")).ToArray();
        if (result.Length == 0) throw new BodyProblem($"malformed checkpoint: \"{at}\" is empty; it is left out when no layer is");
        for (int i = 1; i < result.Length; i++)
            if (result[i] <= result[i - 1]) throw new BodyProblem($"malformed checkpoint: \"{at}\" is not in ascending order without repeats");
        return result;
    }
}

/// <summary>"recipe": the resolved settings, by the flags' names.</summary>
internal sealed record RecipeJson(
    [property: JsonIgnore(Condition = WhenWritingNull)] string? Task,   // missing in checkpoints made before tasks
    int[] Hidden, string Activation, string Output, string Loss,
    [property: JsonIgnore(Condition = WhenWritingNull)] string? ClassWeight,   // left out without: older readers' files stay as they were
    string Optimizer,
    double? MomentumBeta,   // read for momentum only
    double Alpha,
    string? LrSchedule,   // missing in checkpoints made before schedules
    int Epochs, string Batch, string Init, uint Seed, bool Bias, bool Shuffle, string Normalize, double L2, double Dropout,
    [property: JsonRequired] int? EarlyStopping,   // null without early stopping
    string Precision, string Rounding)
{
    /// <summary>The recipe; a setting that does not parse is "malformed checkpoint: in "recipe": ...".</summary>
    public Recipe ToRecipe()
    {
        try
        {
            var hidden = Hidden.Select((h, i) => h > 0 ? h
                : throw new BodyProblem($"malformed checkpoint: \"recipe.hidden[{i}]\" is not a layer size")).ToArray();
            var optimizer = Training.Optimizer.Parse(Optimizer);
            if (optimizer.Name == "momentum") optimizer = Training.Optimizer.Momentum(MomentumBeta ?? throw new MemberProblem("recipe.momentum_beta", Expect.Number));
            if (Precision is not ("f32" or "f64")) throw new BodyProblem($"malformed checkpoint: \"recipe.precision\" is {MessageText.Quote(Precision)}; expected f32 or f64");
            if (Rounding is not ("fused" or "numpy")) throw new BodyProblem($"malformed checkpoint: \"recipe.rounding\" is {MessageText.Quote(Rounding)}; expected fused or numpy");
            return new Recipe
            {
                Task = Task is null ? null : Vocabulary.Parse<TaskKind>(Task),
                Hidden = hidden,
                Activation = Activations.Parse(Activation, Activations.HiddenNames),
                Output = Activations.Parse(Output, Activations.OutputNames),
                Loss = Vocabulary.Parse<LossKind>(Loss),
                ClassWeight = ClassWeight is null ? null : ClassWeighting.Parse(ClassWeight),
                Optimizer = optimizer,
                Alpha = Alpha,
                Schedule = LrSchedule is null ? LearningRateSchedule.Constant : LearningRateSchedule.Parse(LrSchedule),
                Epochs = CheckpointJson.Int(Epochs, "recipe.epochs", 1, int.MaxValue),
                Batch = Batching.Parse(Batch),
                Init = Initializer.Parse(Init),
                Seed = Seed,
                Bias = Bias,
                Shuffle = Shuffle,
                Normalize = Vocabulary.Parse<NormalizationKind>(Normalize),
                L2 = L2,
                Dropout = Dropout,
                Patience = EarlyStopping is int patience ? CheckpointJson.Int(patience, "recipe.early_stopping", 1, int.MaxValue) : null,
                Precision = Vocabulary.Parse<Precision>(Precision),
                Compute = Rounding == "fused" ? Compute.Default : Compute.Default with { Float64 = Summation.NumpySeparate },
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException) { throw new BodyProblem($"malformed checkpoint: in \"recipe\": {e.Message}"); }
    }
}

/// <summary>"train_data" and "validation_data": the data's fingerprint, and the training data's target columns.</summary>
internal sealed record DataJson(int Rows, int Inputs, int Outputs, string Sha256,
    [property: JsonIgnore(Condition = WhenWritingNull)] string[]? Targets)   // missing in checkpoints made before they were kept
{
    /// <summary>The body's record of <paramref name="d"/> and its <paramref name="targets"/>.</summary>
    public static DataJson From(DataFingerprint d, IReadOnlyList<string>? targets) => new(d.Rows, d.Inputs, d.Outputs, d.Sha256, targets?.ToArray());

    /// <summary>The fingerprint (<paramref name="at"/> names this member in messages).</summary>
    public DataFingerprint ToFingerprint(string at)
    {
        if (Sha256.Length != 64 || !Sha256.All(char.IsAsciiHexDigit)) throw new BodyProblem($"malformed checkpoint: \"{at}.sha256\" is not 64 hex digits");
        return new DataFingerprint(CheckpointJson.Int(Rows, at + ".rows", 1, int.MaxValue), CheckpointJson.Int(Inputs, at + ".inputs", 1, int.MaxValue),
            CheckpointJson.Int(Outputs, at + ".outputs", 1, int.MaxValue), Sha256);
    }
}

/// <summary>"state": where training stood.</summary>
internal sealed record StateJson(
    int Epoch, int Position, double TotalLoss, int Correct,
    [property: JsonRequired] string? Order,   // null at an epoch's start or without shuffling
    string[] Parameters,
    [property: JsonRequired] string[]? LastGood,   // null at an epoch's start
    OptimizerJson Optimizer,
    RandomJson[] Randoms,
    [property: JsonRequired] EarlyStoppingJson? EarlyStopping,   // null without early stopping
    LearningRateJson? LearningRate,   // missing in checkpoints made before schedules
    [property: JsonIgnore(Condition = WhenWritingNull)] int[]? DeadSoFar,   // left out when there are none, and before dead layers were watched
    EpochJson[] History)
{
    /// <summary>The trainer's state, every array's length checked against <paramref name="spec"/>'s parameters.</summary>
    public TrainingCheckpoint ToState(Recipe recipe, NetworkSpec spec, int rows)
    {
        var lengths = CheckpointJson.ParameterLengths(spec);
        bool f32 = recipe.Precision == Backprop.Tensors.Precision.F32;
        int epoch = CheckpointJson.Int(Epoch, "state.epoch", 1, int.MaxValue), position = CheckpointJson.Int(Position, "state.position", 0, rows);
        int[]? order = null;
        if (Order is not null)
        {
            var bytes = CheckpointJson.Bytes(Order, "state.order", 4L * rows);
            order = new int[rows];
            for (int i = 0; i < rows; i++) order[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 * i));
        }
        string name = Optimizer.Name;
        int perParameter = name switch { "sgd" => 0, "momentum" => 1, "adam" => 2, _ => throw new BodyProblem($"malformed checkpoint: \"state.optimizer.name\" is {MessageText.Quote(name)}") };
        if (name != recipe.Optimizer!.Name) throw new BodyProblem($"inconsistent checkpoint: the optimizer state is {name}'s; the recipe's optimizer is {recipe.Optimizer.Name}");
        var buffers = CheckpointJson.Floats(Optimizer.Buffers, "state.optimizer.buffers", lengths.SelectMany(l => Enumerable.Repeat(l, perParameter)).ToArray(), f32);
        var randoms = Randoms.Select((r, i) => JsonBody.Need(r, $"state.randoms[{i}]", Expect.Object).ToState($"state.randoms[{i}]")).ToArray();
        EarlyStoppingState? stopping = null;
        if (EarlyStopping is { } es)
        {
            int bestEpoch = CheckpointJson.Int(es.BestEpoch, "state.early_stopping.best_epoch", 0, epoch);
            stopping = new EarlyStoppingState(es.BestLoss, bestEpoch, bestEpoch > 0
                ? CheckpointJson.Floats(JsonBody.Need(es.BestParameters, "state.early_stopping.best_parameters", Expect.Array), "state.early_stopping.best_parameters", lengths, f32) : null);
        }
        LearningRateState? rate = null;
        if (LearningRate is { } lr)
        {
            string schedule = lr.Schedule, recipeSchedule = (recipe.Schedule ?? LearningRateSchedule.Constant).Name;
            if (schedule != recipeSchedule) throw new BodyProblem($"inconsistent checkpoint: the learning-rate state is {MessageText.Quote(schedule)}'s; the recipe's schedule is {recipeSchedule}");
            double rateNow = lr.Rate, best = lr.Best;
            if (!(rateNow >= 0 && double.IsFinite(rateNow))) throw new BodyProblem("malformed checkpoint: \"state.learning_rate.rate\" is not a finite number, 0 or more");
            if (double.IsNaN(best)) throw new BodyProblem("malformed checkpoint: \"state.learning_rate.best\" is NaN");
            rate = new LearningRateState(schedule, lr.Initial, rateNow, best,
                CheckpointJson.Int(lr.BadEpochs, "state.learning_rate.bad_epochs", 0, int.MaxValue));
        }
        else if (recipe.Schedule is not null and not ConstantSchedule)
            throw new BodyProblem("malformed checkpoint: \"state.learning_rate\" is missing; the recipe has a learning-rate schedule");
        // The layers that can be dead: the hidden layers, when they are relu (the output never is, in a recipe's network).
        int reluLayers = spec.HiddenActivation == Activation.Relu ? spec.Hidden.Count : 0;
        var history = History.Select((h, i) => JsonBody.Need(h, $"state.history[{i}]", Expect.Object).ToResult($"state.history[{i}]", reluLayers)).ToArray();
        int[]? deadSoFar = CheckpointJson.Layers(DeadSoFar, "state.dead_so_far", reluLayers);
        if (deadSoFar is not null && position == 0) throw new BodyProblem("inconsistent checkpoint: \"state.dead_so_far\" is given at an epoch's start (position 0)");
        if (history.Length != epoch - 1) throw new BodyProblem($"inconsistent checkpoint: it is in epoch {epoch} with {history.Length} epochs of history");
        return new TrainingCheckpoint(epoch, position, order, TotalLoss, CheckpointJson.Int(Correct, "state.correct", 0, position),
            CheckpointJson.Floats(Parameters, "state.parameters", lengths, f32),
            LastGood is null ? null : CheckpointJson.Floats(LastGood, "state.last_good", lengths, f32),
            new OptimizerState(name, CheckpointJson.Int(Optimizer.Steps, "state.optimizer.steps", 0, int.MaxValue), buffers), randoms, stopping, history, rate, deadSoFar);
    }
}

/// <summary>"state.optimizer": its name, steps (Adam's t) and buffers.</summary>
internal sealed record OptimizerJson(string Name, int Steps, string[] Buffers);

/// <summary>One of "state.randoms": a random stream, as numpy's RandomState.get_state().</summary>
internal sealed record RandomJson(string Key, int Position, bool HasGauss, double Gauss)
{
    /// <summary>The stream's state (<paramref name="at"/> names it in messages).</summary>
    public NumpyRandomState ToState(string at)
    {
        var key = CheckpointJson.Bytes(Key, at + ".key", NumpyRandomState.KeyLength * 4);
        var words = new uint[NumpyRandomState.KeyLength];
        for (int i = 0; i < words.Length; i++) words[i] = BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(4 * i));
        return new NumpyRandomState(words, CheckpointJson.Int(Position, at + ".position", 0, NumpyRandomState.KeyLength),
            HasGauss, Gauss);
    }
}

/// <summary>"state.early_stopping": the best loss so far, its epoch and its parameters.</summary>
internal sealed record EarlyStoppingJson(double BestLoss, int BestEpoch, string[]? BestParameters);

/// <summary>"state.learning_rate": the schedule's state.</summary>
internal sealed record LearningRateJson(string Schedule, double Initial, double Rate, double Best, int BadEpochs);

/// <summary>One of "state.history": a finished epoch.</summary>
internal sealed record EpochJson(
    int Epoch, double TotalLoss, int Examples,
    [property: JsonRequired] double? TrainAccuracy,   // these four null where they do not apply
    [property: JsonRequired] double? ValidationLoss,
    [property: JsonRequired] double? ValidationAccuracy,
    [property: JsonRequired] double? ValidationMae,
    double? LearningRate,   // missing in checkpoints made before schedules
    [property: JsonIgnore(Condition = WhenWritingNull)] int[]? DeadLayers)   // left out when none, and before dead layers were watched
{
    /// <summary>The epoch's result (<paramref name="at"/> names it in messages).</summary>
    public EpochResult ToResult(string at, int reluLayers) =>
        new(CheckpointJson.Int(Epoch, at + ".epoch", 1, int.MaxValue), TotalLoss, CheckpointJson.Int(Examples, at + ".examples", 1, int.MaxValue))
        {
            DeadLayers = CheckpointJson.Layers(DeadLayers, at + ".dead_layers", reluLayers),
            TrainAccuracy = TrainAccuracy,
            ValidationLoss = ValidationLoss,
            ValidationAccuracy = ValidationAccuracy,
            ValidationMae = ValidationMae,
            LearningRate = LearningRate,
        };
}

/// <summary>The source-generated (AOT-safe) serialization of a checkpoint's body, <see cref="CheckpointJson"/>, with a model file's options (<see cref="BodyJsonContext"/>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, Converters = [typeof(NumberConverter)])]
[JsonSerializable(typeof(CheckpointJson))]
internal sealed partial class CheckpointJsonContext : JsonSerializerContext;
