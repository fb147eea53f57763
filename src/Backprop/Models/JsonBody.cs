using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Backprop.Data;

namespace Backprop.Models;

/// <summary>
/// The source-generated (AOT-safe) serialization of a model file's body, <see cref="ModelJson"/>. A checkpoint's body
/// has a context of its own beside the checkpoint, in the root namespace, with the same options (<see cref="BodyOptions"/>).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, Converters = [typeof(NumberConverter)])]
[JsonSerializable(typeof(ModelJson))]
internal sealed partial class BodyJsonContext : JsonSerializerContext;

/// <summary>
/// How the bodies of one source-generated context are read and written: the DTOs' contract (snake_case names; a member
/// whose type is not nullable must be there and not null, as must one marked [JsonRequired], which may be null; the
/// others may be left out) under three sets of options.
/// </summary>
internal sealed class BodyOptions(JsonSerializerContext context)
{
    /// <summary>The model file's DTOs (<see cref="BodyJsonContext"/>).</summary>
    public static BodyOptions Model { get; } = new(BodyJsonContext.Default);

    /// <summary>For writing a checkpoint's body (indented two spaces, text escaped as Utf8JsonWriter's default does), and reading a body the one-pass reader stopped at.</summary>
    public JsonSerializerOptions Indented { get; } = Options(context, o => o.WriteIndented = true);

    /// <summary>For writing a model's body, before <see cref="JsonBody.Lay"/> lays it out: text escaped only where JSON requires it.</summary>
    public JsonSerializerOptions Compact { get; } = Options(context, o => o.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

    /// <summary>
    /// For reading a body as Backprop writes it, in one pass: a member it does not know, or one twice, stops it, and
    /// <see cref="JsonBody.Read"/> then checks the text as JSON first (a document that it can point into) and reads it again.
    /// </summary>
    public JsonSerializerOptions Strict { get; } = Options(context, o =>
    {
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        o.AllowDuplicateProperties = false;
    });

    private static JsonSerializerOptions Options(JsonSerializerContext context, Action<JsonSerializerOptions> set)
    {
        var options = new JsonSerializerOptions(context.Options)
        {
            RespectNullableAnnotations = true,
            TypeInfoResolver = context.WithAddedModifier(type =>
            {
                foreach (var member in type.Properties) member.IsRequired |= !member.IsSetNullable;
            }),
        };
        set(options);
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>A member of a body that is missing, of the wrong kind or out of range: where it is and what it must be (<see cref="JsonBody"/> says what it is instead).</summary>
internal sealed class MemberProblem(string at, Expect expected) : Exception(at)
{
    /// <summary>Where the member is: "layers[0].weights[2]".</summary>
    public string At { get; } = at;

    /// <summary>What it must be.</summary>
    public Expect Expected { get; } = expected;
}

/// <summary>Something wrong with a body that its message says in full ("inconsistent model: ...").</summary>
internal sealed class BodyProblem(string message) : Exception(message);

/// <summary>What a member of a body must be, as messages say it.</summary>
internal enum Expect { Object, Array, Text, Integer, Boolean, Number, Float32 }

/// <summary>
/// A JSON array of numbers, read as float64 (a number too large for float64 is read as infinity, for the reader to
/// refuse) and written as <see cref="ModelFile.FormatNumber"/> writes each: the shortest text that reads back as the
/// same float64, or float32 when <paramref name="F32"/>.
/// </summary>
[JsonConverter(typeof(NumbersConverter))]
internal sealed record Numbers(double[] Values, bool F32 = false);

/// <summary>Reads and writes <see cref="Numbers"/>.</summary>
internal sealed class NumbersConverter : JsonConverter<Numbers>
{
    public override Numbers Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException();
        var values = _values ??= [];   // reused: each array is allocated once, at its length
        values.Clear();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            values.Add(reader.TokenType != JsonTokenType.Number ? throw new JsonException() : reader.TryGetDouble(out double v) ? v : double.PositiveInfinity);
        var numbers = new Numbers([.. values]);
        if (values.Capacity > 1 << 16) _values = null;   // a long array's buffer is not kept
        return numbers;
    }

    [ThreadStatic] private static List<double>? _values;

    public override void Write(Utf8JsonWriter writer, Numbers value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (double v in value.Values)
        {
            if (value.F32) writer.WriteRawValue(ModelFile.FormatNumber(v, f32: true), skipInputValidation: true);
            else writer.WriteNumberValue(v);   // the shortest text that reads back as v, as double.ToString("R")
        }
        writer.WriteEndArray();
    }
}

/// <summary>
/// A single number: a JSON number within float64's range, or the string "NaN", "Infinity" or "-Infinity" (what a
/// checkpoint writes for those, which JSON numbers cannot be).
/// </summary>
internal sealed class NumberConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetDouble(out double v) && double.IsFinite(v) => v,
        JsonTokenType.String when reader.ValueTextEquals("NaN"u8) => double.NaN,
        JsonTokenType.String when reader.ValueTextEquals("Infinity"u8) => double.PositiveInfinity,
        JsonTokenType.String when reader.ValueTextEquals("-Infinity"u8) => double.NegativeInfinity,
        _ => throw new JsonException(),
    };

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);   // the shortest text that reads back as value
        else writer.WriteStringValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Reads the JSON body of a model file or checkpoint into its DTO and the DTO into what it means, each problem one
/// located <see cref="DataException"/> worded as the checks have always worded it; writes a DTO back.
/// </summary>
internal static class JsonBody
{
    /// <summary>The contract of <typeparamref name="T"/> under <paramref name="options"/>.</summary>
    public static JsonTypeInfo<T> Info<T>(JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));

    /// <summary>
    /// Reads <paramref name="body"/> (already checked against its header) as <typeparamref name="TDto"/> and turns it
    /// into the result with <paramref name="make"/>. The text must be UTF-8 and JSON (at most <paramref name="maxDepth"/>
    /// deep, no member twice in an object; members it does not know are ignored); messages say "malformed THING JSON"
    /// (located), "malformed THING" (a member missing, of the wrong kind or out of range) or what <paramref name="make"/> says.
    /// </summary>
    public static TResult Read<TDto, TResult>(BodyOptions options, string path, byte[] body, string thing, int maxDepth, Func<TDto, TResult> make)
    {
        if (ChecksummedFile.InvalidUtf8At(body) is int bad)
        {
            int lineStart = body.AsSpan(0, bad).LastIndexOf((byte)'\n') + 1;
            int lineNumber = body.AsSpan(0, bad).Count((byte)'\n') + 2;   // +1 for the header, +1 to count from 1
            throw Fail(path, $"malformed {thing} JSON: the text is not valid UTF-8 (byte 0x{body[bad]:X2})", lineNumber, bad - lineStart + 1);
        }
        TDto? dto = default;
        try { dto = JsonSerializer.Deserialize(body, Info<TDto>(options.Strict)); }
        catch (JsonException) { }   // read again below, where the document says what is wrong
        JsonDocument? document = null;
        try
        {
            if (dto is null)
            {
                document = Parse(path, body, thing, maxDepth);
                if (document.RootElement.ValueKind != JsonValueKind.Object) throw new BodyProblem($"malformed {thing}: the content is not a JSON object");
                try { dto = document.RootElement.Deserialize(Info<TDto>(options.Indented))!; }
                catch (JsonException e) { throw Fail(path, $"malformed {thing}: {Explain(document.RootElement, Info<TDto>(options.Indented), e.Path)}"); }
            }
            return make(dto);
        }
        catch (MemberProblem p)
        {
            document ??= Parse(path, body, thing, maxDepth);
            throw Fail(path, $"malformed {thing}: {Describe(document.RootElement, p.At, p.Expected)}");
        }
        catch (BodyProblem p) { throw Fail(path, p.Message); }
        finally { document?.Dispose(); }
    }

    /// <summary>The body as a JSON document; a <see cref="DataException"/> located at what is not JSON, or a member twice in one object.</summary>
    private static JsonDocument Parse(string path, byte[] body, string thing, int maxDepth)
    {
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = maxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            int? line = e.LineNumber is long l ? (int)l + 2 : null;  // +1 for the header, +1 to count from 1
            int? column = e.BytePositionInLine is long c ? (int)c + 1 : null;
            throw Fail(path, $"malformed {thing} JSON: {JsonProblem(e.Message)}", line, column);
        }
        catch (InvalidOperationException)
        {
            // Looking for repeated members, the reader unescapes every member name, and throws this for "\ud800".
            throw Fail(path, $"malformed {thing} JSON: a member name is not valid text (it escapes half of a UTF-16 surrogate pair)");
        }
    }

    /// <summary><paramref name="value"/>, or a <see cref="MemberProblem"/> when it is null (missing, or null in the file).</summary>
    public static T Need<T>(T? value, string at, Expect expected) where T : class => value ?? throw new MemberProblem(at, expected);

    /// <summary>The values of <paramref name="numbers"/>, each finite (and a float32 when <paramref name="f32"/>, rounded to the nearest).</summary>
    public static double[] Finite(Numbers? numbers, string at, bool f32 = false)
    {
        double[] values = Need(numbers, at, Expect.Array).Values;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v) || (f32 && !float.IsFinite((float)v))) throw new MemberProblem($"{at}[{i}]", f32 ? Expect.Float32 : Expect.Number);
            if (f32) values[i] = (float)v;
        }
        return values;
    }

    /// <summary><paramref name="texts"/>, none of them null.</summary>
    public static string[] Texts(string[] texts, string at)
    {
        for (int i = 0; i < texts.Length; i++) Need<string>(texts[i], $"{at}[{i}]", Expect.Text);
        return texts;
    }

    /// <summary>
    /// Lays out a compactly written body as Backprop's model files always were: objects one member a line, indented by
    /// two spaces, except that an object in an array whose members hold no nested arrays (a table column) is on one
    /// line; arrays of numbers or text on one line, arrays of arrays or objects one element a line.
    /// </summary>
    public static byte[] Lay(byte[] compact)
    {
        using var document = JsonDocument.Parse(compact);
        var text = new MemoryStream(compact.Length * 5 / 4);
        Write(text, document.RootElement, "", inArray: false);
        text.WriteByte((byte)'\n');
        return text.ToArray();
    }

    private static void Write(MemoryStream text, JsonElement value, string indent, bool inArray)
    {
        static bool Nested(JsonElement e) => e.ValueKind == JsonValueKind.Object
            || (e.ValueKind == JsonValueKind.Array && e.EnumerateArray().Any(x => x.ValueKind is JsonValueKind.Array or JsonValueKind.Object));
        void Put(string ascii) { foreach (char c in ascii) text.WriteByte((byte)c); }
        string inner = indent + "  ";
        bool first = true;
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                bool block = !inArray || value.EnumerateObject().Any(p => Nested(p.Value));
                Put(block ? "{\n" : "{");
                foreach (var member in value.EnumerateObject())
                {
                    Put(first ? "" : block ? ",\n" : ", ");
                    Put(block ? inner : "");
                    Put($"\"{member.Name}\": ");   // the DTOs' names: ASCII
                    Write(text, member.Value, inner, inArray: false);
                    first = false;
                }
                Put(block ? "\n" + indent + "}" : "}");
                break;
            case JsonValueKind.Array:
                bool lines = Nested(value);
                Put(lines ? "[\n" : "[");
                foreach (var element in value.EnumerateArray())
                {
                    Put(first ? (lines ? inner : "") : lines ? ",\n" + inner : ", ");
                    Write(text, element, inner, inArray: true);
                    first = false;
                }
                Put(lines ? "\n" + indent + "]" : "]");
                break;
            default:
                text.Write(JsonMarshal.GetRawUtf8Value(value));   // numbers and strings as written, escapes and all
                break;
        }
    }

    // ------------------------------------------------------------------ messages

    /// <summary>Why the source-generated reader stopped at <paramref name="jsonPath"/> ("$.layers[0].bias"): what the member must be, from the DTO's type there.</summary>
    private static string Explain(JsonElement root, JsonTypeInfo info, string? jsonPath)
    {
        string at = jsonPath is null || jsonPath == "$" ? "" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath[1..];
        var type = info;
        foreach (var (name, index) in Steps(at))
        {
            var next = name is null ? type.ElementType : type.Properties.FirstOrDefault(p => p.Name == name)?.PropertyType;
            if (next is null || info.Options.GetTypeInfo(next) is not { } nextInfo) return $"\"{at}\" cannot be read";
            type = nextInfo;
        }
        var clr = Nullable.GetUnderlyingType(type.Type) ?? type.Type;
        // An object that the reader stopped at is one that lacks a required member.
        if (type.Kind == JsonTypeInfoKind.Object && clr != typeof(Numbers) && Find(root, at) is { ValueKind: JsonValueKind.Object } obj
            && type.Properties.FirstOrDefault(p => p.IsRequired && !obj.TryGetProperty(p.Name, out _)) is { } missing)
            return $"\"{Join(at, missing.Name)}\" is missing";
        var expected = clr == typeof(string) ? Expect.Text
            : clr == typeof(int) || clr == typeof(uint) ? Expect.Integer
            : clr == typeof(bool) ? Expect.Boolean
            : clr == typeof(double) ? Expect.Number
            : clr == typeof(Numbers) || type.Kind == JsonTypeInfoKind.Enumerable ? Expect.Array
            : Expect.Object;
        // In an array of numbers, the element that is not one.
        if (clr == typeof(Numbers) && Find(root, at) is { ValueKind: JsonValueKind.Array } array
            && array.EnumerateArray().Select((e, i) => (e, i)).FirstOrDefault(x => x.e.ValueKind != JsonValueKind.Number) is { e.ValueKind: not JsonValueKind.Undefined } wrong)
            return Describe(root, $"{at}[{wrong.i}]", Expect.Number);
        return Describe(root, at, expected);
    }

    /// <summary>"\"AT\" is ..." for the member at <paramref name="at"/>, which is not what <paramref name="expected"/> says it must be.</summary>
    private static string Describe(JsonElement root, string at, Expect expected)
    {
        if (Find(root, at) is not { } value) return $"\"{at}\" is missing";
        return (expected, value.ValueKind) switch
        {
            (Expect.Text, JsonValueKind.String) => $"\"{at}\" is not valid text (it escapes half of a UTF-16 surrogate pair)",
            (Expect.Number, JsonValueKind.Number) => $"\"{at}\" is {ChecksummedFile.Show(value)}, out of range for float64",
            (Expect.Float32, JsonValueKind.Number) => $"\"{at}\" is {ChecksummedFile.Show(value)}, out of range for float32",
            (Expect.Integer, _) => $"\"{at}\" is {ChecksummedFile.Show(value)}; expected an integer",
            (Expect.Boolean, _) => $"\"{at}\" is {ChecksummedFile.Show(value)}; expected true or false",
            _ => $"\"{at}\" is {ChecksummedFile.Describe(value.ValueKind)}; expected {expected switch { Expect.Object => "an object", Expect.Array => "an array", Expect.Text => "a string", _ => "a number" }}",
        };
    }

    /// <summary>The value at <paramref name="at"/> ("layers[0].weights[2][1]"; "" for the root), or null when there is none.</summary>
    private static JsonElement? Find(JsonElement root, string at)
    {
        var value = root;
        foreach (var (name, index) in Steps(at))
        {
            if (name is not null) { if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out var member)) return null; value = member; }
            else if (value.ValueKind == JsonValueKind.Array && index < value.GetArrayLength()) value = value[index];
            else return null;
        }
        return value;
    }

    /// <summary>The steps of a path ("layers[0].weights"): member names (index 0) and array indexes (name null).</summary>
    private static IEnumerable<(string? Name, int Index)> Steps(string at) =>
        Regex.Matches(at, @"(\w+)|\[(\d+)\]").Select(m => m.Groups[1].Success ? (m.Value, 0) : ((string?)null, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));

    private static string Join(string at, string name) => at.Length == 0 ? name : $"{at}.{name}";

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

    private static DataException Fail(string path, string problem, int? line = null, int? column = null) =>
        new(path, MessageText.OneLine(problem), line, column);
}
