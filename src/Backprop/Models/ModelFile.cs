using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Backprop.Data;

namespace Backprop.Models;

/// <summary>
/// Saves and loads <see cref="Model"/>s in the Backprop model file format (docs/model-format.md): a one-line JSON
/// header carrying the format name, version, content length and SHA-256, then the model as indented JSON.
/// </summary>
public static class ModelFile
{
    /// <summary>The format version this build writes, and the only one it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The header's "format" value, which marks a file as a Backprop model.</summary>
    public const string FormatName = "backprop-model";

    /// <summary>The longest header line a reader looks for before deciding a file is not a model.</summary>
    internal const int MaxHeaderBytes = ChecksummedFile.MaxHeaderBytes;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically: a temporary file in the same directory, flushed to disk, renamed over it.</summary>
    /// <remarks>
    /// On any failure the temporary file is deleted and a file already at <paramref name="path"/> is left as it was.
    /// A character device or named pipe (/dev/null, a FIFO) or /dev/stdout is written in place instead (<see cref="AtomicFile"/>).
    /// </remarks>
    public static void Save(Model model, string path) => Save(model, path, wrap: null);

    /// <summary><see cref="Save(Model, string)"/>, writing through <paramref name="wrap"/>'s stream (tests make it fail midway).</summary>
    internal static void Save(Model model, string path, Func<Stream, Stream>? wrap)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] contents = Serialize(model);

        if (Directory.Exists(Path.GetFullPath(path))) throw new IOException($"Cannot save the model to '{path}': it is a directory.");
        AtomicFile.Write(path, (Stream file) =>
        {
            var stream = wrap is null ? file : wrap(file);
            stream.Write(contents);
            stream.Flush();
        });
    }

    /// <summary>Reads the model at <paramref name="path"/>; <see cref="DataException"/> (file and problem) for a missing, foreign, damaged, other-version or inconsistent file.</summary>
    /// <remarks>
    /// The file is untrusted input: every field is checked, sizes are checked against what the file can hold before
    /// anything is allocated for them, and every problem is one DataException on one line, never another exception.
    /// </remarks>
    public static Model Load(string path) => ChecksummedFile.Load(path, Kind, Read);

    /// <summary>Reads the model file open as <paramref name="file"/>, naming it <paramref name="path"/> in messages (the fuzz tests read mutated files from memory).</summary>
    internal static Model Read(string path, Stream file) => ParseBody(path, ChecksummedFile.ReadBody(path, file, Kind));

    /// <summary>What the frame around a model's JSON must say (<see cref="ChecksummedFile"/>).</summary>
    internal static readonly ChecksummedFile.Kind Kind = new(FormatName, FormatVersion, "model file", "model",
        other => other == CheckpointFile.FormatName ? "is a checkpoint, not a model file; a checkpoint goes to 'train --resume'" : null);

    /// <summary>The file's bytes for <paramref name="model"/>: header line, then the model's JSON.</summary>
    internal static byte[] Serialize(Model model)
    {
        model.Validate();
        return ChecksummedFile.Compose(Kind, SerializeBody(model));
    }

    /// <summary>Lowercase hex SHA-256 of <paramref name="bytes"/>.</summary>
    internal static string Sha256Hex(ReadOnlySpan<byte> bytes) => ChecksummedFile.Sha256Hex(bytes);

    // ------------------------------------------------------------------ writing

    private static byte[] SerializeBody(Model model)
    {
        bool f32 = model.Precision == Precision.F32;
        var spec = model.Spec;
        var norm = model.Normalization;
        var t = new StringBuilder();
        t.Append("{\n");
        t.Append("  \"precision\": ").Append(Quote(Vocabulary.Name(model.Precision))).Append(",\n");
        t.Append("  \"architecture\": {\n");
        t.Append("    \"inputs\": ").Append(IntText(spec.Inputs)).Append(",\n");
        t.Append("    \"hidden\": [").AppendJoin(", ", spec.Hidden.Select(IntText)).Append("],\n");
        t.Append("    \"outputs\": ").Append(IntText(spec.Outputs)).Append(",\n");
        t.Append("    \"hidden_activation\": ").Append(Quote(ActivationName(spec.HiddenActivation))).Append(",\n");
        t.Append("    \"output_activation\": ").Append(Quote(ActivationName(spec.OutputActivation))).Append(",\n");
        t.Append("    \"bias\": ").Append(spec.Bias ? "true" : "false").Append(",\n");
        t.Append("    \"init\": ").Append(Quote(spec.Init.ToString())).Append('\n');
        t.Append("  },\n");
        t.Append("  \"loss\": ").Append(Quote(Vocabulary.Name(model.Loss))).Append(",\n");
        if (model.ClassWeights is { } weights)   // optional: a model trained without them is written as before
        {
            t.Append("  \"class_weights\": {\n");
            t.Append("    \"weighting\": ").Append(Quote(weights.Weighting.ToString())).Append(",\n");
            t.Append("    \"classes\": ").Append(StringRow(weights.Classes)).Append(",\n");
            t.Append("    \"weights\": ").Append(NumberRow([.. weights.Weights], 0, weights.Weights.Count, f32: false)).Append('\n');
            t.Append("  },\n");
        }
        t.Append("  \"normalization\": {\n");
        t.Append("    \"kind\": ").Append(Quote(Vocabulary.Name(norm.Kind))).Append(",\n");
        t.Append("    \"offset\": ").Append(NumberRow(norm.Offset, 0, norm.Offset.Length, f32: false)).Append(",\n");
        t.Append("    \"scale\": ").Append(NumberRow(norm.Scale, 0, norm.Scale.Length, f32: false)).Append('\n');
        t.Append("  },\n");
        t.Append("  \"features\": ").Append(StringRow(model.FeatureNames)).Append(",\n");
        t.Append("  \"targets\": ").Append(StringRow(model.TargetNames)).Append(",\n");
        t.Append("  \"classes\": ").Append(model.ClassNames is null ? "null" : StringRow(model.ClassNames)).Append(",\n");
        if (model.Inputs is { } inputs)
        {
            // Only when there is more to say than numeric columns (older readers ignore it; see docs/model-format.md).
            t.Append("  \"inputs\": {\n");
            t.Append("    \"missing\": ").Append(Quote(inputs.Missing)).Append(",\n");
            t.Append("    \"columns\": [\n");
            for (int i = 0; i < inputs.Columns.Count; i++)
            {
                var column = inputs.Columns[i];
                t.Append("      {\"name\": ").Append(Quote(column.Name));
                if (column.Categories is { } categories) t.Append(", \"categories\": ").Append(StringRow(categories));
                if (column.Fill is double fill) t.Append(", \"fill\": ").Append(FormatNumber(fill, f32: false));
                t.Append(i < inputs.Columns.Count - 1 ? "},\n" : "}\n");
            }
            t.Append("    ]\n");
            t.Append("  },\n");
        }
        t.Append("  \"layers\": [\n");
        int fanIn = spec.Inputs;
        for (int i = 0; i < model.Weights.Count; i++)
        {
            int fanOut = i < spec.Hidden.Count ? spec.Hidden[i] : spec.Outputs;
            t.Append("    {\n");
            t.Append("      \"inputs\": ").Append(IntText(fanIn)).Append(",\n");
            t.Append("      \"outputs\": ").Append(IntText(fanOut)).Append(",\n");
            t.Append("      \"weights\": [\n");
            for (int r = 0; r < fanIn; r++)
                t.Append("        ").Append(NumberRow(model.Weights[i], r * fanOut, fanOut, f32)).Append(r < fanIn - 1 ? ",\n" : "\n");
            t.Append("      ],\n");
            t.Append("      \"bias\": ").Append(model.Biases[i] is { } bias ? NumberRow(bias, 0, bias.Length, f32) : "null").Append('\n');
            t.Append(i < model.Weights.Count - 1 ? "    },\n" : "    }\n");
            fanIn = fanOut;
        }
        t.Append("  ]\n");
        t.Append("}\n");
        return Encoding.UTF8.GetBytes(t.ToString());
    }

    private static string IntText(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string value) => "\"" + JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() + "\"";

    private static string ActivationName(Activation activation) => activation.ToString().ToLowerInvariant();

    private static string StringRow(IReadOnlyList<string> values) => "[" + string.Join(", ", values.Select(Quote)) + "]";

    private static string NumberRow(double[] values, int start, int count, bool f32)
    {
        var text = new StringBuilder(count * 22 + 2).Append('[');
        for (int i = 0; i < count; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(FormatNumber(values[start + i], f32));
        }
        return text.Append(']').ToString();
    }

    /// <summary>
    /// The shortest decimal that reads back as <paramref name="value"/>. For a float32 value, the shortest one that
    /// reads back as the same float32 both when parsed straight to float32 and when parsed to float64 then rounded.
    /// </summary>
    internal static string FormatNumber(double value, bool f32)
    {
        if (f32)
        {
            float single = (float)value;
            string shortest = single.ToString("R", CultureInfo.InvariantCulture);
            if (BitConverter.SingleToInt32Bits((float)double.Parse(shortest, CultureInfo.InvariantCulture)) == BitConverter.SingleToInt32Bits(single))
                return shortest;
        }
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    // ------------------------------------------------------------------ reading

    /// <summary>A problem found while reading the body; Load turns it into a DataException.</summary>
    private sealed class ModelProblem(string message) : Exception(message);

    // Problems quote text from the file, which may hold line breaks: the message stays on one line.
    private static DataException Fail(string path, string problem, int? line = null, int? column = null) =>
        new(path, MessageText.OneLine(problem), line, column);

    // The model's JSON (already checked against the header's length and checksum) as a Model.
    private static Model ParseBody(string path, byte[] body)
    {
        if (ChecksummedFile.InvalidUtf8At(body) is int bad)
        {
            int lineStart = body.AsSpan(0, bad).LastIndexOf((byte)'\n') + 1;
            int lineNumber = body.AsSpan(0, bad).Count((byte)'\n') + 2;   // +1 for the header, +1 to count from 1
            throw Fail(path, $"malformed model JSON: the text is not valid UTF-8 (byte 0x{body[bad]:X2})", lineNumber, bad - lineStart + 1);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            int? line = e.LineNumber is long l ? (int)l + 2 : null;  // +1 for the header, +1 to count from 1
            int? column = e.BytePositionInLine is long c ? (int)c + 1 : null;
            throw Fail(path, $"malformed model JSON: {JsonProblem(e.Message)}", line, column);
        }
        catch (InvalidOperationException)
        {
            // Looking for repeated members, the reader unescapes every member name, and throws this for "\ud800".
            throw Fail(path, "malformed model JSON: a member name is not valid text (it escapes half of a UTF-16 surrogate pair)");
        }

        Model model;
        using (document)
        {
            try { model = ReadModel(document.RootElement, body.Length); }
            catch (ModelProblem p) { throw Fail(path, p.Message); }
        }
        if (model.FindProblem() is { } problem) throw Fail(path, $"inconsistent model: {problem}");
        return model;
    }

    /// <summary>The JSON reader's message, on one line, without its location (the exception carries it) and short.</summary>
    private static string JsonProblem(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        // After a bad literal (tru, nul) the reader quotes the whole rest of the file: keep its first word.
        const string invalidLiteral = "' is an invalid JSON literal.";
        int end = message.IndexOf(invalidLiteral, StringComparison.Ordinal);
        if (message.StartsWith('\'') && end > 0)
        {
            string text = message[1..end];
            int word = text.IndexOfAny([' ', '\t', '\r', '\n', ',', ']', '}', ':']);
            message = MessageText.Quote(word >= 0 ? text[..word] : text) + message[(end + 1)..];
        }
        // Advice meant for programmers, not for someone holding a damaged file.
        message = message.Replace(" Change the reader options.", "", StringComparison.Ordinal);
        const string duplicate = "Duplicate property '";
        if (message.StartsWith(duplicate, StringComparison.Ordinal) && message.IndexOf("' encountered", StringComparison.Ordinal) is int close and > 0)
            message = $"the member \"{message[duplicate.Length..close]}\" appears twice in one object";
        return MessageText.Shorten(message, 160);
    }

    private static Model ReadModel(JsonElement root, int contentBytes)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new ModelProblem("malformed model: the content is not a JSON object");
        string precisionName = String(root, "precision", "");
        if (precisionName is not ("f64" or "f32")) throw new ModelProblem($"malformed model: precision is {MessageText.Quote(precisionName)}; expected f64 or f32");
        var precision = Vocabulary.Parse<Precision>(precisionName);
        bool f32 = precision == Precision.F32;

        var arch = Member(root, "architecture", "", JsonValueKind.Object);
        int inputs = Size(arch, "inputs");
        int outputs = Size(arch, "outputs");
        var hidden = Member(arch, "hidden", "architecture.", JsonValueKind.Array).EnumerateArray()
            .Select((e, i) => SizeValue(e, $"architecture.hidden[{i}]")).ToArray();
        var spec = new NetworkSpec(inputs, hidden, outputs)
        {
            HiddenActivation = ActivationValue(arch, "hidden_activation"),
            OutputActivation = ActivationValue(arch, "output_activation"),
            Bias = Bool(arch, "bias", "architecture."),
            Init = InitValue(arch),
        };
        CheckRoom(inputs, hidden, outputs, spec.Bias, contentBytes);

        string lossName = String(root, "loss", "");
        if (lossName.Trim().Length == 0) throw new ModelProblem("inconsistent model: the loss has no name");
        if (!Vocabulary.Names<LossKind>().Contains(lossName))
            throw new ModelProblem($"inconsistent model: the loss {MessageText.Quote(lossName)} is not one of {string.Join(", ", Vocabulary.Names<LossKind>())}");
        var loss = Vocabulary.Parse<LossKind>(lossName);
        var classWeights = root.TryGetProperty("class_weights", out var cw) && cw.ValueKind != JsonValueKind.Null
            ? ClassWeightsValue(Expect(cw, "class_weights", JsonValueKind.Object)) : null;
        var norm = Member(root, "normalization", "", JsonValueKind.Object);
        string kindName = String(norm, "kind", "normalization.");
        if (!Vocabulary.Names<NormalizationKind>().Contains(kindName))
            throw new ModelProblem($"inconsistent model: normalization kind is {MessageText.Quote(kindName)}; expected {string.Join(", ", Vocabulary.Names<NormalizationKind>())}");
        var normalization = new Normalization(
            Vocabulary.Parse<NormalizationKind>(kindName),
            Numbers(Member(norm, "offset", "normalization.", JsonValueKind.Array), "normalization.offset", f32: false),
            Numbers(Member(norm, "scale", "normalization.", JsonValueKind.Array), "normalization.scale", f32: false));

        var features = Strings(Member(root, "features", "", JsonValueKind.Array), "features");
        var targets = Strings(Member(root, "targets", "", JsonValueKind.Array), "targets");
        string[]? classes = root.TryGetProperty("classes", out var c) && c.ValueKind != JsonValueKind.Null
            ? Strings(Expect(c, "classes", JsonValueKind.Array), "classes") : null;

        InputSchema? schema = root.TryGetProperty("inputs", out var inputsMember) && inputsMember.ValueKind != JsonValueKind.Null
            ? InputsValue(Expect(inputsMember, "inputs", JsonValueKind.Object)) : null;

        var layers = Member(root, "layers", "", JsonValueKind.Array);
        int count = layers.GetArrayLength();
        if (count != hidden.Length + 1)
            throw new ModelProblem($"inconsistent model: {count} layers; the architecture has {hidden.Length + 1} dense layers");
        var weights = new double[count][];
        var biases = new double[]?[count];
        int fanIn = inputs;
        for (int i = 0; i < count; i++)
        {
            string at = $"layers[{i}]";
            int fanOut = i < hidden.Length ? hidden[i] : outputs;
            var layer = Expect(layers[i], at, JsonValueKind.Object);
            int layerIn = Int(layer, "inputs", at + "."), layerOut = Int(layer, "outputs", at + ".");
            if (layerIn != fanIn || layerOut != fanOut)
                throw new ModelProblem($"inconsistent model: {at} is {layerIn}x{layerOut}; the architecture says {fanIn}x{fanOut}");
            var rows = Member(layer, "weights", at + ".", JsonValueKind.Array);
            if (rows.GetArrayLength() != fanIn)
                throw new ModelProblem($"inconsistent model: {at}.weights has {rows.GetArrayLength()} rows; the layer has {fanIn} inputs");
            // Every row's length first: the weights are allocated only once the file is known to hold them all.
            int r = 0;
            foreach (var row in rows.EnumerateArray())
            {
                string rowAt = $"{at}.weights[{r++}]";
                if (Expect(row, rowAt, JsonValueKind.Array).GetArrayLength() != fanOut)
                    throw new ModelProblem($"inconsistent model: {rowAt} has {row.GetArrayLength()} numbers; the layer has {fanOut} outputs");
            }
            var w = new double[fanIn * fanOut];
            r = 0;
            foreach (var row in rows.EnumerateArray())
            {
                Numbers(row, $"{at}.weights[{r}]", f32).CopyTo(w, r * fanOut);
                r++;
            }
            weights[i] = w;
            biases[i] = layer.TryGetProperty("bias", out var b) && b.ValueKind != JsonValueKind.Null
                ? Numbers(Expect(b, at + ".bias", JsonValueKind.Array), at + ".bias", f32) : null;
            fanIn = fanOut;
        }

        return new Model(spec, precision, normalization, features, targets, classes, loss, weights, biases) { ClassWeights = classWeights, Inputs = schema };
    }

    // "class_weights": {"weighting": "balanced" or "NAME=W,...", "classes": [...], "weights": [...]}; Model checks that they fit.
    private static ClassWeights ClassWeightsValue(JsonElement obj)
    {
        string text = String(obj, "weighting", "class_weights.");
        ClassWeighting weighting;
        try { weighting = ClassWeighting.Parse(text); }
        catch (FormatException e) { throw new ModelProblem($"malformed model: \"class_weights.weighting\" is {MessageText.Quote(text)}: {e.Message}"); }
        return new ClassWeights(weighting,
            Strings(Member(obj, "classes", "class_weights.", JsonValueKind.Array), "class_weights.classes"),
            Numbers(Member(obj, "weights", "class_weights.", JsonValueKind.Array), "class_weights.weights", f32: false));
    }


    // The table schema: "missing" and one object a column, {"name", "categories"?, "fill"?}.
    private static InputSchema InputsValue(JsonElement inputs)
    {
        string missing = String(inputs, "missing", "inputs.");
        var columns = new List<InputColumn>();
        int n = 0;
        foreach (var element in Member(inputs, "columns", "inputs.", JsonValueKind.Array).EnumerateArray())
        {
            string at = $"inputs.columns[{n++}]";
            var column = Expect(element, at, JsonValueKind.Object);
            string name = String(column, "name", at + ".");
            string[]? categories = column.TryGetProperty("categories", out var c) && c.ValueKind != JsonValueKind.Null
                ? Strings(Expect(c, at + ".categories", JsonValueKind.Array), at + ".categories") : null;
            double? fill = null;
            if (column.TryGetProperty("fill", out var f) && f.ValueKind != JsonValueKind.Null)
            {
                if (f.ValueKind != JsonValueKind.Number)
                    throw new ModelProblem($"malformed model: \"{at}.fill\" is {ChecksummedFile.Describe(f.ValueKind)}; expected a number");
                if (!f.TryGetDouble(out double v) || !double.IsFinite(v))
                    throw new ModelProblem($"malformed model: \"{at}.fill\" is {ChecksummedFile.Show(f)}, out of range for float64");
                fill = v;
            }
            columns.Add(new InputColumn(name, categories, fill));
        }
        return new InputSchema(columns, missing);
    }

    private static JsonElement Member(JsonElement obj, string name, string prefix, JsonValueKind kind)
    {
        if (!obj.TryGetProperty(name, out var value)) throw new ModelProblem($"malformed model: \"{prefix}{name}\" is missing");
        return Expect(value, prefix + name, kind);
    }

    private static JsonElement Expect(JsonElement value, string at, JsonValueKind kind)
    {
        if (value.ValueKind != kind)
            throw new ModelProblem($"malformed model: \"{at}\" is {ChecksummedFile.Describe(value.ValueKind)}; expected {ChecksummedFile.Describe(kind)}");
        return value;
    }

    private static string String(JsonElement obj, string name, string prefix) => TextValue(Member(obj, name, prefix, JsonValueKind.String), prefix + name);

    private static int Int(JsonElement obj, string name, string prefix)
    {
        if (!obj.TryGetProperty(name, out var value)) throw new ModelProblem($"malformed model: \"{prefix}{name}\" is missing");
        return IntValue(value, prefix + name);
    }

    private static int IntValue(JsonElement value, string at)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int result))
            throw new ModelProblem($"malformed model: \"{at}\" is {ChecksummedFile.Show(value)}; expected an integer");
        return result;
    }

    /// <summary>A layer size in the architecture: an integer of at least 1.</summary>
    private static int Size(JsonElement arch, string name)
    {
        if (!arch.TryGetProperty(name, out var value)) throw new ModelProblem($"malformed model: \"architecture.{name}\" is missing");
        return SizeValue(value, "architecture." + name);
    }

    private static int SizeValue(JsonElement value, string at)
    {
        int size = IntValue(value, at);
        if (size < 1) throw new ModelProblem($"malformed model: \"{at}\" is {size}; expected an integer of at least 1");
        return size;
    }

    /// <summary>
    /// The layer sizes must fit the file: every weight, bias, offset and scale is a number in it, and a number takes at
    /// least two bytes (a digit, then a comma or a bracket). Checked before anything is allocated for them, so a file
    /// that claims a layer of 268 million units is refused at once instead of asking for gigabytes.
    /// </summary>
    private static void CheckRoom(int inputs, int[] hidden, int outputs, bool bias, int contentBytes)
    {
        long room = contentBytes / 2;
        long needed = 2L * inputs;   // offsets and scales
        int fanIn = inputs;
        for (int i = 0; i <= hidden.Length; i++)
        {
            int fanOut = i < hidden.Length ? hidden[i] : outputs;
            long layer = (long)fanIn * fanOut + (bias ? fanOut : 0);   // below 2^62: no overflow
            needed = needed > long.MaxValue - layer ? long.MaxValue : needed + layer;
            fanIn = fanOut;
        }
        if (needed > room)
        {
            int[] sizes = [inputs, .. hidden, outputs];
            string shown = sizes.Length <= 8 ? string.Join(", ", sizes)
                : string.Join(", ", sizes[..6]) + $", ... ({sizes.Length - 7} more), " + sizes[^1];
            throw new ModelProblem($"inconsistent model: its layer sizes ({shown}) take {needed} numbers, more numbers than its {contentBytes} content bytes can hold");
        }
    }

    private static bool Bool(JsonElement obj, string name, string prefix)
    {
        if (!obj.TryGetProperty(name, out var value)) throw new ModelProblem($"malformed model: \"{prefix}{name}\" is missing");
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ModelProblem($"malformed model: \"{prefix}{name}\" is {ChecksummedFile.Show(value)}; expected true or false"),
        };
    }

    private static Activation ActivationValue(JsonElement arch, string name)
    {
        string text = String(arch, name, "architecture.");
        foreach (var a in Enum.GetValues<Activation>())
            if (ActivationName(a) == text) return a;
        throw new ModelProblem($"malformed model: \"architecture.{name}\" is {MessageText.Quote(text)}; expected one of {string.Join(", ", Enum.GetValues<Activation>().Select(ActivationName))}");
    }

    private static Initializer InitValue(JsonElement arch)
    {
        string text = String(arch, "init", "architecture.");
        try { return Initializer.Parse(text); }
        catch (FormatException e)
        {
            // The parser's message quotes the text: short text as it is, long text shortened here.
            throw new ModelProblem(text.Length <= MessageText.MaxQuoted
                ? $"malformed model: \"architecture.init\": {e.Message}"
                : $"malformed model: \"architecture.init\" is {MessageText.Quote(text)}; expected uniform:LOW,HIGH, normal:STD, he or xavier");
        }
    }

    private static string[] Strings(JsonElement array, string at) =>
        array.EnumerateArray().Select((e, i) => TextValue(Expect(e, $"{at}[{i}]", JsonValueKind.String), $"{at}[{i}]")).ToArray();

    private static string TextValue(JsonElement value, string at) =>
        ChecksummedFile.Text(value) ?? throw new ModelProblem($"malformed model: \"{at}\" is not valid text (it escapes half of a UTF-16 surrogate pair)");

    /// <summary>The numbers of a JSON array; for f32, each rounded to the nearest float32 (and widened back).</summary>
    private static double[] Numbers(JsonElement array, string at, bool f32)
    {
        var result = new double[array.GetArrayLength()];
        int i = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number)
                throw new ModelProblem($"malformed model: \"{at}[{i}]\" is {ChecksummedFile.Describe(e.ValueKind)}; expected a number");
            if (!e.TryGetDouble(out double v) || !double.IsFinite(v) || (f32 && !float.IsFinite((float)v)))
                throw new ModelProblem($"malformed model: \"{at}[{i}]\" is {ChecksummedFile.Show(e)}, out of range for {(f32 ? "float32" : "float64")}");
            result[i++] = f32 ? (float)v : v;
        }
        return result;
    }
}
