using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Backprop.Data;
using Backprop.Training;

namespace Backprop.Models;

/// <summary>
/// A <see cref="Checkpoint"/> as the JSON body of a checkpoint file. Arrays of weights and optimizer state are
/// base64 of their raw little-endian values in the network's precision (exact, -0 and subnormal numbers included);
/// single numbers are JSON numbers in their shortest round-trip form, or "NaN", "Infinity", "-Infinity" strings.
/// </summary>
internal static class CheckpointWriter
{
    public static byte[] Body(Checkpoint c)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            bool f32 = c.Recipe.Precision == Precision.F32;
            w.WriteStartObject();
            WriteRecipe(w, c.Recipe);
            WriteData(w, "train_data", c.Train, c.TargetNames);
            WriteData(w, "validation_data", c.Validation, null);
            w.WriteStartObject("normalization");
            w.WriteString("kind", Vocabulary.Name(c.Normalization.Kind));
            Numbers(w, "offset", c.Normalization.Offset);
            Numbers(w, "scale", c.Normalization.Scale);
            w.WriteEndObject();

            var s = c.State;
            w.WriteStartObject("state");
            w.WriteNumber("epoch", s.Epoch);
            w.WriteNumber("position", s.Position);
            Number(w, "total_loss", s.TotalLoss);
            w.WriteNumber("correct", s.Correct);
            if (s.Order is null) w.WriteNull("order"); else w.WriteString("order", Ints(s.Order));
            Arrays(w, "parameters", s.Parameters, f32);
            Arrays(w, "last_good", s.LastGood, f32);
            w.WriteStartObject("optimizer");
            w.WriteString("name", s.Optimizer.Name);
            w.WriteNumber("steps", s.Optimizer.Steps);
            Arrays(w, "buffers", s.Optimizer.Buffers, f32);
            w.WriteEndObject();
            w.WriteStartArray("randoms");
            foreach (var r in s.Randoms)
            {
                w.WriteStartObject();
                w.WriteString("key", Words(r.Key));
                w.WriteNumber("position", r.Position);
                w.WriteBoolean("has_gauss", r.HasGauss);
                Number(w, "gauss", r.Gauss);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (s.EarlyStopping is not { } e) w.WriteNull("early_stopping");
            else
            {
                w.WriteStartObject("early_stopping");
                Number(w, "best_loss", e.BestLoss);
                w.WriteNumber("best_epoch", e.BestEpoch);
                Arrays(w, "best_parameters", e.BestParameters, f32);
                w.WriteEndObject();
            }
            if (s.LearningRate is not { } lr) w.WriteNull("learning_rate");
            else
            {
                w.WriteStartObject("learning_rate");
                w.WriteString("schedule", lr.Schedule);
                Number(w, "initial", lr.Initial);
                Number(w, "rate", lr.Rate);
                Number(w, "best", lr.Best);
                w.WriteNumber("bad_epochs", lr.BadEpochs);
                w.WriteEndObject();
            }
            // Left out when there are none, as in checkpoints written before dead layers were watched.
            if (s.DeadSoFar is { } deadSoFar) Layers(w, "dead_so_far", deadSoFar);
            w.WriteStartArray("history");
            foreach (var epoch in s.History)
            {
                w.WriteStartObject();
                w.WriteNumber("epoch", epoch.Epoch);
                Number(w, "total_loss", epoch.TotalLoss);
                w.WriteNumber("examples", epoch.Examples);
                Number(w, "train_accuracy", epoch.TrainAccuracy);
                Number(w, "validation_loss", epoch.ValidationLoss);
                Number(w, "validation_accuracy", epoch.ValidationAccuracy);
                Number(w, "validation_mae", epoch.ValidationMae);
                Number(w, "learning_rate", epoch.LearningRate);
                if (epoch.DeadLayers is { } dead) Layers(w, "dead_layers", dead);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteRecipe(Utf8JsonWriter w, Recipe r)
    {
        w.WriteStartObject("recipe");
        if (r.Task is { } task) w.WriteString("task", Vocabulary.Name(task));
        w.WriteStartArray("hidden");
        foreach (int h in r.Hidden!) w.WriteNumberValue(h);
        w.WriteEndArray();
        w.WriteString("activation", Vocabulary.Name(r.Activation!.Value));
        w.WriteString("output", Vocabulary.Name(r.Output!.Value));
        w.WriteString("loss", Vocabulary.Name(r.Loss!.Value));
        if (r.ClassWeight is { } weighting) w.WriteString("class_weight", weighting.ToString());   // left out without: older readers' files stay as they were
        w.WriteString("optimizer", r.Optimizer!.Name);
        Number(w, "momentum_beta", r.Optimizer.Name == "momentum" ? r.Optimizer.Beta : 0.9);   // 0.9 for the others, as files have always said
        Number(w, "alpha", r.Alpha!.Value);
        w.WriteString("lr_schedule", (r.Schedule ?? LearningRateSchedules.Constant).Name);
        w.WriteNumber("epochs", r.Epochs!.Value);
        w.WriteString("batch", r.Batch!.Value.ToString());
        w.WriteString("init", r.Init!.ToString());
        w.WriteNumber("seed", r.Seed!.Value);
        w.WriteBoolean("bias", r.Bias!.Value);
        w.WriteBoolean("shuffle", r.Shuffle!.Value);
        w.WriteString("normalize", Vocabulary.Name(r.Normalize!.Value));
        Number(w, "l2", r.L2);
        Number(w, "dropout", r.Dropout);
        if (r.Patience is int p) w.WriteNumber("early_stopping", p); else w.WriteNull("early_stopping");
        w.WriteString("precision", Vocabulary.Name(r.Precision!.Value));
        w.WriteString("rounding", Rounding(r));
        w.WriteEndObject();
    }

    /// <summary>How the recipe's float64 products round: "fused" or "numpy" (it changes float64 results; float32 is always fused).</summary>
    public static string Rounding(Recipe r) => (r.Compute ?? Compute.Default).Float64 == Summation.Fused ? "fused" : "numpy";

    private static void WriteData(Utf8JsonWriter w, string name, DataFingerprint? d, IReadOnlyList<string>? targets)
    {
        if (d is null) { w.WriteNull(name); return; }
        w.WriteStartObject(name);
        w.WriteNumber("rows", d.Rows);
        w.WriteNumber("inputs", d.Inputs);
        w.WriteNumber("outputs", d.Outputs);
        w.WriteString("sha256", d.Sha256);
        if (targets is not null)
        {
            w.WriteStartArray("targets");
            foreach (string t in targets) w.WriteStringValue(t);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is not double v) w.WriteNull(name);
        else if (double.IsFinite(v)) w.WriteNumber(name, v);   // the shortest text that reads back as v
        else w.WriteString(name, v.ToString(CultureInfo.InvariantCulture));
    }

    // Layer numbers (k of layer_k), as a JSON array of integers.
    private static void Layers(Utf8JsonWriter w, string name, IReadOnlyList<int> layers)
    {
        w.WriteStartArray(name);
        foreach (int k in layers) w.WriteNumberValue(k);
        w.WriteEndArray();
    }

    private static void Numbers(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        foreach (double v in values) w.WriteNumberValue(v);   // normalization: finite, checked when fitted
        w.WriteEndArray();
    }

    private static void Arrays(Utf8JsonWriter w, string name, IReadOnlyList<double[]>? arrays, bool f32)
    {
        if (arrays is null) { w.WriteNull(name); return; }
        w.WriteStartArray(name);
        foreach (var a in arrays) w.WriteStringValue(Floats(a, f32));
        w.WriteEndArray();
    }

    /// <summary>Raw little-endian values, base64: float32 (4 bytes) or float64 (8 bytes) each.</summary>
    internal static string Floats(double[] values, bool f32)
    {
        var bytes = new byte[values.Length * (f32 ? 4 : 8)];
        for (int i = 0; i < values.Length; i++)
        {
            if (f32) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), (float)values[i]);
            else BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
        }
        return Convert.ToBase64String(bytes);
    }

    private static string Ints(int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        return Convert.ToBase64String(bytes);
    }

    private static string Words(uint[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        return Convert.ToBase64String(bytes);
    }
}
