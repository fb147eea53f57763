using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Backprop.Data;
using Backprop.Training;

namespace Backprop.Models;

/// <summary>
/// Reads a checkpoint's JSON body (see <see cref="CheckpointWriter"/>), checking every member: its kind, its range, and
/// every array's length against the network the recipe builds for the data, so that a damaged or forged file is one
/// <see cref="Problem"/> naming the member, never a crash or a huge allocation.
/// </summary>
internal static class CheckpointReader
{
    /// <summary>What is wrong with the body, in words.</summary>
    public sealed class Problem(string message) : Exception(message);

    public static Checkpoint Read(JsonElement root)
    {
        Expect(root, "the content", JsonValueKind.Object);
        var recipe = ReadRecipe(Member(root, "recipe", JsonValueKind.Object));
        var trainData = Member(root, "train_data", JsonValueKind.Object);
        var train = ReadData(trainData, "train_data");
        // Checkpoints made before tasks have none: a single target column was then always one number.
        if (recipe.Task is null && train.Outputs == 1) recipe = recipe with { Task = TaskKind.Regression };
        IReadOnlyList<string>? targets = Optional(trainData, "targets") is { } t
            ? Expect(t, "train_data.targets", JsonValueKind.Array).EnumerateArray().Select((n, i) => n.ValueKind == JsonValueKind.String && n.GetString() is { Length: > 0 } name ? name
                : throw new Problem($"malformed checkpoint: \"train_data.targets[{i}]\" is not a column name")).ToArray()
            : null;
        var validation = Nullable(root, "validation_data") is { } v ? ReadData(Expect(v, "validation_data", JsonValueKind.Object), "validation_data") : null;
        var norm = Member(root, "normalization", JsonValueKind.Object);
        string kind = Text(norm, "kind");
        if (!Vocabulary.Names<NormalizationKind>().Contains(kind))
            throw new Problem($"malformed checkpoint: \"normalization.kind\" is {MessageText.Quote(kind)}; expected {string.Join(", ", Vocabulary.Names<NormalizationKind>())}");
        var normalization = new Normalization(Vocabulary.Parse<NormalizationKind>(kind), Doubles(Member(norm, "offset", JsonValueKind.Array), "normalization.offset"),
            Doubles(Member(norm, "scale", JsonValueKind.Array), "normalization.scale"));
        if (normalization.Offset.Length != train.Inputs || normalization.Scale.Length != train.Inputs)
            throw new Problem($"inconsistent checkpoint: the normalization has {normalization.Offset.Length} offsets and {normalization.Scale.Length} scales for {train.Inputs} inputs");

        NetworkSpec spec;
        try { spec = recipe.SpecFor(train.Inputs, train.Outputs); _ = spec.Init; }
        catch (ArgumentException e) { throw new Problem($"inconsistent checkpoint: {e.Message}"); }
        var lengths = ParameterLengths(spec);
        bool f32 = recipe.Precision == Precision.F32;
        var s = Member(root, "state", JsonValueKind.Object);
        int epoch = Int(s, "epoch", 1, int.MaxValue), position = Int(s, "position", 0, train.Rows);
        int[]? order = Nullable(s, "order") is { } o ? Ints(o, "state.order", train.Rows) : null;
        var optimizer = Member(s, "optimizer", JsonValueKind.Object);
        string name = Text(optimizer, "name");
        int perParameter = name switch { "sgd" => 0, "momentum" => 1, "adam" => 2, _ => throw new Problem($"malformed checkpoint: \"state.optimizer.name\" is {MessageText.Quote(name)}") };
        if (name != recipe.Optimizer!.Name) throw new Problem($"inconsistent checkpoint: the optimizer state is {name}'s; the recipe's optimizer is {recipe.Optimizer.Name}");
        var buffers = Floats(Member(optimizer, "buffers", JsonValueKind.Array), "state.optimizer.buffers", lengths.SelectMany(l => Enumerable.Repeat(l, perParameter)).ToArray(), f32);
        var randoms = Member(s, "randoms", JsonValueKind.Array).EnumerateArray().Select((r, i) => ReadRandom(Expect(r, $"state.randoms[{i}]", JsonValueKind.Object), $"state.randoms[{i}]")).ToArray();
        EarlyStoppingState? stopping = null;
        if (Nullable(s, "early_stopping") is { } es)
        {
            Expect(es, "state.early_stopping", JsonValueKind.Object);
            int bestEpoch = Int(es, "best_epoch", 0, epoch);
            stopping = new EarlyStoppingState(Double(es, "best_loss"), bestEpoch,
                bestEpoch > 0 ? Floats(Member(es, "best_parameters", JsonValueKind.Array), "state.early_stopping.best_parameters", lengths, f32) : null);
        }
        LearningRateState? rate = null;
        if (Optional(s, "learning_rate") is { } lr)   // absent from checkpoints made before schedules
        {
            Expect(lr, "state.learning_rate", JsonValueKind.Object);
            string schedule = Text(lr, "schedule");
            string recipeSchedule = (recipe.Schedule ?? LearningRateSchedules.Constant).Name;
            if (schedule != recipeSchedule) throw new Problem($"inconsistent checkpoint: the learning-rate state is {MessageText.Quote(schedule)}'s; the recipe's schedule is {recipeSchedule}");
            double rateNow = Double(lr, "rate"), best = Double(lr, "best");
            if (!(rateNow >= 0 && double.IsFinite(rateNow))) throw new Problem("malformed checkpoint: \"state.learning_rate.rate\" is not a finite number, 0 or more");
            if (double.IsNaN(best)) throw new Problem("malformed checkpoint: \"state.learning_rate.best\" is NaN");
            rate = new LearningRateState(schedule, Double(lr, "initial"), rateNow, best, Int(lr, "bad_epochs", 0, int.MaxValue));
        }
        else if (recipe.Schedule is not null and not ConstantSchedule)
            throw new Problem("malformed checkpoint: \"state.learning_rate\" is missing; the recipe has a learning-rate schedule");
        // The layers that can be dead: the hidden layers, when they are relu (the output never is, in a recipe's network).
        int reluLayers = spec.HiddenActivation == Activation.Relu ? spec.Hidden.Count : 0;
        var history = Member(s, "history", JsonValueKind.Array).EnumerateArray().Select((h, i) => ReadEpoch(Expect(h, $"state.history[{i}]", JsonValueKind.Object), $"state.history[{i}]", reluLayers)).ToArray();
        int[]? deadSoFar = Optional(s, "dead_so_far") is { } d ? Layers(d, "state.dead_so_far", reluLayers) : null;   // absent before dead layers were watched
        if (deadSoFar is not null && position == 0) throw new Problem("inconsistent checkpoint: \"state.dead_so_far\" is given at an epoch's start (position 0)");
        if (history.Length != epoch - 1) throw new Problem($"inconsistent checkpoint: it is in epoch {epoch} with {history.Length} epochs of history");
        var state = new TrainingCheckpoint(epoch, position, order, Double(s, "total_loss"), Int(s, "correct", 0, position),
            Floats(Member(s, "parameters", JsonValueKind.Array), "state.parameters", lengths, f32),
            Nullable(s, "last_good") is { } g ? Floats(Expect(g, "state.last_good", JsonValueKind.Array), "state.last_good", lengths, f32) : null,
            new OptimizerState(name, Int(optimizer, "steps", 0, int.MaxValue), buffers), randoms, stopping, history, rate, deadSoFar);
        if (targets is not null && (targets.Count == 0 || targets.Count > train.Outputs))
            throw new Problem($"inconsistent checkpoint: {targets.Count} target columns for {train.Outputs} outputs");
        return new Checkpoint(recipe, train, validation, normalization, state) { TargetNames = targets };
    }

    private static Recipe ReadRecipe(JsonElement r)
    {
        try
        {
            var hidden = Member(r, "hidden", JsonValueKind.Array).EnumerateArray().Select((h, i) => h.TryGetInt32(out int n) && n > 0 ? n
                : throw new Problem($"malformed checkpoint: \"recipe.hidden[{i}]\" is not a layer size")).ToArray();
            var optimizer = Optimizer.Parse(Text(r, "optimizer"));
            if (optimizer.Name == "momentum") optimizer = Optimizer.Momentum(Double(r, "momentum_beta"));
            string precision = Text(r, "precision");
            if (precision is not ("f32" or "f64")) throw new Problem($"malformed checkpoint: \"recipe.precision\" is {MessageText.Quote(precision)}; expected f32 or f64");
            string rounding = Text(r, "rounding");
            if (rounding is not ("fused" or "numpy")) throw new Problem($"malformed checkpoint: \"recipe.rounding\" is {MessageText.Quote(rounding)}; expected fused or numpy");
            var recipe = new Recipe
            {
                Task = Optional(r, "task") is { } task ? Vocabulary.Parse<TaskKind>(Expect(task, "recipe.task", JsonValueKind.String).GetString()!) : null,
                Hidden = hidden,
                Activation = Activations.Parse(Text(r, "activation"), Activations.HiddenNames),
                Output = Activations.Parse(Text(r, "output"), Activations.OutputNames),
                Loss = Vocabulary.Parse<LossKind>(Text(r, "loss")),
                ClassWeight = r.TryGetProperty("class_weight", out var weighting) && weighting.ValueKind != JsonValueKind.Null
                    ? ClassWeighting.Parse(Expect(weighting, "recipe.class_weight", JsonValueKind.String).GetString()!) : null,
                Optimizer = optimizer,
                Alpha = Double(r, "alpha"),
                Schedule = Optional(r, "lr_schedule") is { } schedule ? LearningRateSchedules.Parse(Expect(schedule, "recipe.lr_schedule", JsonValueKind.String).GetString()!)
                    : LearningRateSchedules.Constant,   // absent from checkpoints made before schedules
                Epochs = Int(r, "epochs", 1, int.MaxValue),
                Batch = Batching.Parse(Text(r, "batch")),
                Init = Initializer.Parse(Text(r, "init")),
                Seed = Member(r, "seed", JsonValueKind.Number).TryGetUInt32(out uint seed) ? seed : throw new Problem("malformed checkpoint: \"recipe.seed\" is not a seed"),
                Bias = Bool(r, "bias"),
                Shuffle = Bool(r, "shuffle"),
                Normalize = Vocabulary.Parse<NormalizationKind>(Text(r, "normalize")),
                L2 = Double(r, "l2"),
                Dropout = Double(r, "dropout"),
                Patience = Nullable(r, "early_stopping") is { } p ? Int(r, "early_stopping", 1, int.MaxValue) : null,
                Precision = Vocabulary.Parse<Precision>(precision),
                Compute = rounding == "fused" ? Compute.Default : Compute.Default with { Float64 = Summation.NumpySeparate },
            };
            return recipe;
        }
        catch (Exception e) when (e is FormatException or ArgumentException) { throw new Problem($"malformed checkpoint: in \"recipe\": {e.Message}"); }
    }

    /// <summary>Each parameter's length, in the order the network lists them: each dense layer's weights, then its bias.</summary>
    internal static int[] ParameterLengths(NetworkSpec spec)
    {
        var lengths = new List<int>();
        int fanIn = spec.Inputs;
        foreach (int fanOut in spec.Hidden.Append(spec.Outputs))
        {
            long weights = (long)fanIn * fanOut;
            if (weights > Array.MaxLength) throw new Problem($"inconsistent checkpoint: a layer of {fanIn} x {fanOut} weights");
            lengths.Add((int)weights);
            if (spec.Bias) lengths.Add(fanOut);
            fanIn = fanOut;
        }
        return [.. lengths];
    }

    private static DataFingerprint ReadData(JsonElement d, string at)
    {
        string sha = Text(d, "sha256");
        if (sha.Length != 64 || !sha.All(char.IsAsciiHexDigit)) throw new Problem($"malformed checkpoint: \"{at}.sha256\" is not 64 hex digits");
        return new DataFingerprint(Int(d, "rows", 1, int.MaxValue), Int(d, "inputs", 1, int.MaxValue), Int(d, "outputs", 1, int.MaxValue), sha);
    }

    private static NumpyRandomState ReadRandom(JsonElement r, string at)
    {
        var key = Bytes(Text(r, "key"), at + ".key", NumpyRandomState.KeyLength * 4);
        var words = new uint[NumpyRandomState.KeyLength];
        for (int i = 0; i < words.Length; i++) words[i] = BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(4 * i));
        return new NumpyRandomState(words, Int(r, "position", 0, NumpyRandomState.KeyLength), Bool(r, "has_gauss"), Double(r, "gauss"));
    }

    private static EpochResult ReadEpoch(JsonElement h, string at, int reluLayers) => new(Int(h, "epoch", 1, int.MaxValue), Double(h, "total_loss"), Int(h, "examples", 1, int.MaxValue))
    {
        DeadLayers = Optional(h, "dead_layers") is { } dead ? Layers(dead, at + ".dead_layers", reluLayers) : null,   // absent when none, and before dead layers were watched
        TrainAccuracy = NullableDouble(h, "train_accuracy"),
        ValidationLoss = NullableDouble(h, "validation_loss"),
        ValidationAccuracy = NullableDouble(h, "validation_accuracy"),
        ValidationMae = NullableDouble(h, "validation_mae"),
        LearningRate = Optional(h, "learning_rate") is null ? null : NullableDouble(h, "learning_rate"),
    };

    // ---------------------------------------------------------------- members

    private static JsonElement Member(JsonElement obj, string name, JsonValueKind kind) =>
        obj.TryGetProperty(name, out var value) ? Expect(value, name, kind) : throw new Problem($"malformed checkpoint: \"{name}\" is missing");

    private static JsonElement? Nullable(JsonElement obj, string name) =>
        !obj.TryGetProperty(name, out var value) ? throw new Problem($"malformed checkpoint: \"{name}\" is missing")
        : value.ValueKind == JsonValueKind.Null ? null : value;

    // A member that checkpoints made by earlier builds do not have: null when absent or null.
    private static JsonElement? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static JsonElement Expect(JsonElement value, string at, JsonValueKind kind) =>
        value.ValueKind == kind ? value : throw new Problem($"malformed checkpoint: \"{at}\" is {value.ValueKind.ToString().ToLowerInvariant()}; expected {kind.ToString().ToLowerInvariant()}");

    private static string Text(JsonElement obj, string name) => Member(obj, name, JsonValueKind.String).GetString()!;

    private static bool Bool(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
        : throw new Problem($"malformed checkpoint: \"{name}\" is not true or false");

    private static int Int(JsonElement obj, string name, int min, int max) =>
        Member(obj, name, JsonValueKind.Number).TryGetInt32(out int v) && v >= min && v <= max ? v
        : throw new Problem($"malformed checkpoint: \"{name}\" is not a whole number from {min} to {max}");

    private static double Double(JsonElement obj, string name) =>
        NullableDouble(obj, name) ?? throw new Problem($"malformed checkpoint: \"{name}\" is null; expected a number");

    // A number, or "NaN", "Infinity", "-Infinity" (which JSON numbers cannot be), or null.
    private static double? NullableDouble(JsonElement obj, string name) => Nullable(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } n when n.TryGetDouble(out double v) && double.IsFinite(v) => v,
        { ValueKind: JsonValueKind.String } t when t.GetString() is "NaN" or "Infinity" or "-Infinity" => double.Parse(t.GetString()!, CultureInfo.InvariantCulture),
        _ => throw new Problem($"malformed checkpoint: \"{name}\" is not a number"),
    };

    // Layer numbers: k of layer_k for relu layers 1 to reluLayers, ascending, at least one.
    private static int[] Layers(JsonElement value, string at, int reluLayers)
    {
        Expect(value, at, JsonValueKind.Array);
        var layers = value.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int k) && k >= 1 && k <= reluLayers ? k
            : throw new Problem(reluLayers == 0 ? $"inconsistent checkpoint: \"{at}\" names a layer; the network has no relu layer"
                : $"inconsistent checkpoint: \"{at}[{i}]\" is not a relu layer of the network (1 to {reluLayers})")).ToArray();
        if (layers.Length == 0) throw new Problem($"malformed checkpoint: \"{at}\" is empty; it is left out when no layer is");
        for (int i = 1; i < layers.Length; i++)
            if (layers[i] <= layers[i - 1]) throw new Problem($"malformed checkpoint: \"{at}\" is not in ascending order without repeats");
        return layers;
    }

    private static double[] Doubles(JsonElement array, string at) => array.EnumerateArray().Select((e, i) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double v) && double.IsFinite(v) ? v : throw new Problem($"malformed checkpoint: \"{at}[{i}]\" is not a finite number")).ToArray();

    private static byte[] Bytes(string base64, string at, long expected)
    {
        // The decoded length is known from the text's: checked before decoding anything.
        long decoded = base64.Length / 4 * 3 - (base64.EndsWith("==", StringComparison.Ordinal) ? 2 : base64.EndsWith('=') ? 1 : 0);
        if (base64.Length % 4 != 0 || decoded != expected) throw new Problem($"inconsistent checkpoint: \"{at}\" holds {Math.Max(decoded, 0)} bytes; the network needs {expected}");
        try { return Convert.FromBase64String(base64); }
        catch (FormatException) { throw new Problem($"malformed checkpoint: \"{at}\" is not base64"); }
    }

    private static int[] Ints(JsonElement value, string at, int count)
    {
        var bytes = Bytes(Expect(value, at, JsonValueKind.String).GetString()!, at, 4L * count);
        var result = new int[count];
        for (int i = 0; i < count; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 * i));
        return result;
    }

    // Arrays of raw float32 or float64 values, one a length in `lengths`.
    private static double[][] Floats(JsonElement array, string at, int[] lengths, bool f32)
    {
        if (array.GetArrayLength() != lengths.Length) throw new Problem($"inconsistent checkpoint: \"{at}\" has {array.GetArrayLength()} arrays; the network needs {lengths.Length}");
        int size = f32 ? 4 : 8, i = 0;
        var result = new double[lengths.Length][];
        foreach (var e in array.EnumerateArray())
        {
            var bytes = Bytes(Expect(e, $"{at}[{i}]", JsonValueKind.String).GetString()!, $"{at}[{i}]", (long)size * lengths[i]);
            var values = new double[lengths[i]];
            for (int k = 0; k < values.Length; k++)
                values[k] = f32 ? BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * k)) : BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(8 * k));
            result[i++] = values;
        }
        return result;
    }
}
