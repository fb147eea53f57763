using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Backprop.Data;

namespace Backprop.Models;

/// <summary>
/// The layout that model files and checkpoints share (docs/model-format.md): a header line, a JSON object
/// <c>{"format":...,"version":...,"length":...,"sha256":...}</c> ending at the first LF, then the body, whose bytes
/// without CR number <c>length</c> and hash to <c>sha256</c>. This class writes that frame and reads it back from
/// untrusted bytes, checking sizes before it allocates; what the body holds is the caller's.
/// </summary>
internal static class ChecksummedFile
{
    /// <summary>The header's "format" of a checkpoint (the root namespace's CheckpointFile), which a model file's reader names when given one.</summary>
    public const string CheckpointFormat = "backprop-checkpoint";

    /// <summary>The longest header line a reader looks for before deciding a file is not one of ours.</summary>
    public const int MaxHeaderBytes = 1024;

    /// <summary>Lowercase hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The file's bytes: the header line for <paramref name="body"/>, then the body.</summary>
    public static byte[] Compose(Kind kind, byte[] body)
    {
        string header = $"{{\"format\":\"{kind.Format}\",\"version\":{kind.Version},\"length\":{body.Length},\"sha256\":\"{Sha256Hex(body)}\"}}\n";
        return [.. Encoding.ASCII.GetBytes(header), .. body];
    }

    /// <summary>What a file of one kind is called in messages, and what its header must say.</summary>
    /// <param name="Format">The header's "format", e.g. "backprop-model".</param>
    /// <param name="Version">The one format version this build reads and writes.</param>
    /// <param name="Noun">What a file of this kind is, in messages: "model file", "checkpoint".</param>
    /// <param name="Thing">What the file holds, in "it is not a Backprop ...": "model", "checkpoint".</param>
    /// <param name="OtherFormat">The message for a file of another known format (e.g. a model given as a checkpoint), or null.</param>
    public sealed record Kind(string Format, int Version, string Noun, string Thing, Func<string, string?>? OtherFormat = null)
    {
        public string Damaged => $"damaged {Noun}";
    }

    /// <summary>Opens <paramref name="path"/> and reads it with <paramref name="read"/>; a missing, unreadable or directory path is one <see cref="DataException"/>.</summary>
    public static T Load<T>(string path, Kind kind, Func<string, Stream, T> read)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            if (Directory.Exists(path)) throw Fail(path, $"is a directory, not a {kind.Noun}");
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return read(path, file);
        }
        catch (FileNotFoundException) { throw Fail(path, "no such file"); }
        catch (DirectoryNotFoundException) { throw Fail(path, "no such file (its directory does not exist)"); }
        catch (UnauthorizedAccessException) { throw Fail(path, "cannot read the file: permission denied"); }
        catch (IOException e) { throw Fail(path, $"cannot read the file: {e.Message}"); }
    }

    /// <summary>
    /// Reads the header and body of <paramref name="file"/> (named <paramref name="path"/> in messages) and checks them;
    /// returns the body without CR bytes. Every problem is one <see cref="DataException"/>.
    /// </summary>
    public static byte[] ReadBody(string path, Stream file, Kind kind)
    {
        byte[] line = ReadHeaderLine(file, out bool foundNewline);
        var (length, sha) = ParseHeader(path, line, foundNewline, kind);
        // Sizes before reading: even with every line ending turned into CRLF, the rest is at most twice the content.
        long most = Math.Min(Array.MaxLength, 2 * length + 1);   // the header's length is at most Array.MaxLength
        if (file.CanSeek && file.Length - file.Position > most)
            throw Fail(path, $"{kind.Damaged}: {file.Length - file.Position} bytes follow its header line, which says {length} content bytes (something was added)");
        byte[] rest = ReadRest(file, most);
        if (rest.Length > most)
            throw Fail(path, $"{kind.Damaged}: more than {most} bytes follow its header line, which says {length} content bytes (something was added)");

        // CR bytes are not content: a file whose line endings were turned into CRLF still verifies.
        byte[] body = Array.IndexOf(rest, (byte)'\r') < 0 ? rest : rest.Where(b => b != '\r').ToArray();
        if (body.Length < length)
            throw Fail(path, $"{kind.Damaged}: truncated ({body.Length} of its {length} content bytes are there)");
        if (body.Length > length)
            throw Fail(path, $"{kind.Damaged}: {body.Length} content bytes where its header says {length} (something was added)");
        string actual = Sha256Hex(body);
        if (actual != sha)
            throw Fail(path, $"{kind.Damaged}: checksum mismatch: its header says SHA-256 {sha}, the content's is {actual}; it was changed or corrupted after it was saved");
        return body;
    }

    /// <summary>Where the first byte that is not part of valid UTF-8 is, or null when all of it is.</summary>
    public static int? InvalidUtf8At(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes)) return null;
        int at = 0;
        while (at < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[at..], out _, out int used) != System.Buffers.OperationStatus.Done) return at;
            at += used;
        }
        return null;
    }

    /// <summary>The string a JSON string holds, or null when it is not text (an escaped lone surrogate, "\ud800").</summary>
    public static string? Text(JsonElement value)
    {
        try { return value.GetString(); }
        catch (InvalidOperationException) { return null; }
    }

    /// <summary>A JSON value as a message shows it: a number, string or literal as written (shortened), else its kind.</summary>
    public static string Show(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number or JsonValueKind.String or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null
            => MessageText.Shorten(value.GetRawText()),
        _ => Describe(value.ValueKind),
    };

    /// <summary>A JSON value kind as a message names it: "an object", "a number", ...</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static DataException Fail(string path, string problem, int? line = null, int? column = null) =>
        new(path, MessageText.OneLine(problem), line, column);

    private static byte[] ReadHeaderLine(Stream file, out bool foundNewline)
    {
        var line = new List<byte>(256);
        foundNewline = false;
        int b;
        while (line.Count < MaxHeaderBytes && (b = file.ReadByte()) >= 0)
        {
            if (b == '\n') { foundNewline = true; break; }
            line.Add((byte)b);
        }
        return line.ToArray();
    }

    /// <summary>The rest of <paramref name="file"/>, or (from a pipe) its next <paramref name="most"/> + 1 bytes when there are more.</summary>
    private static byte[] ReadRest(Stream file, long most)
    {
        if (file.CanSeek)
        {
            var rest = new byte[file.Length - file.Position];   // at most `most`: the caller checked
            file.ReadExactly(rest);   // a file that shrinks meanwhile: EndOfStreamException, an IOException
            return rest;
        }
        var received = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while (received.Length <= most && (read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, most + 1 - received.Length))) > 0)
            received.Write(buffer, 0, read);
        return received.ToArray();
    }

    private static (long Length, string Sha256) ParseHeader(string path, byte[] line, bool foundNewline, Kind kind)
    {
        if (line.Length == 0 && !foundNewline) throw Fail(path, $"the file is empty; it is not a Backprop {kind.Thing}");
        ReadOnlySpan<byte> text = line;
        if (text.StartsWith("\uFEFF"u8)) text = text[3..];
        if (text.EndsWith("\r"u8)) text = text[..^1];
        // A header with one byte damaged still names the format, or still has the members only our headers have.
        bool looksLikeOurs = text.IndexOf(Encoding.ASCII.GetBytes($"\"{kind.Format}\"")) >= 0
            || (text.IndexOf("\"format\""u8) >= 0 && text.IndexOf("\"sha256\""u8) >= 0);
        string notOurs = $"not a Backprop {kind.Noun} (a {kind.Noun}'s first line is {{\"format\":\"{kind.Format}\",...}})";
        if (!foundNewline)
        {
            if (!looksLikeOurs) throw Fail(path, notOurs);
            throw Fail(path, line.Length >= MaxHeaderBytes
                ? $"{kind.Damaged}: the header line is longer than {MaxHeaderBytes} bytes"
                : $"{kind.Damaged}: truncated in its header line");
        }

        if (InvalidUtf8At(line) is int bad)
        {
            if (!looksLikeOurs) throw Fail(path, notOurs);
            throw Fail(path, $"{kind.Damaged}: its header line is not valid UTF-8 text (byte 0x{line[bad]:X2})", line: 1, column: bad + 1);
        }

        JsonDocument document;
        try { document = JsonDocument.Parse(text.ToArray(), new JsonDocumentOptions { AllowDuplicateProperties = false }); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)  // the latter: a member name escaping half a surrogate pair
        {
            if (!looksLikeOurs) throw Fail(path, notOurs);
            throw Fail(path, $"{kind.Damaged}: its header line is not valid JSON", line: 1);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String)
            {
                if (!looksLikeOurs) throw Fail(path, notOurs);
                throw Fail(path, $"{kind.Damaged}: its header has no \"format\"", line: 1);
            }
            if (Text(format) is not { } formatName)
                throw Fail(path, $"{kind.Damaged}: its header's \"format\" is not valid text", line: 1);
            if (formatName != kind.Format)
                throw Fail(path, kind.OtherFormat?.Invoke(formatName)
                    ?? $"not a Backprop {kind.Noun}: its format is {MessageText.Quote(formatName)}, not '{kind.Format}'");

            if (!root.TryGetProperty("version", out var versionElement))
                throw Fail(path, $"{kind.Damaged}: its header has no \"version\"", line: 1);
            if (versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt32(out int version))
                throw Fail(path, $"unknown {kind.Thing} format version {Show(versionElement)}; this build reads version {kind.Version}", line: 1);
            if (version > kind.Version)
                throw Fail(path, $"{kind.Thing} format version {version} is newer than this build of Backprop reads (version {kind.Version}); use a newer Backprop", line: 1);
            if (version != kind.Version)
                throw Fail(path, $"unknown {kind.Thing} format version {version}; this build reads version {kind.Version}", line: 1);

            if (!root.TryGetProperty("length", out var lengthElement) || lengthElement.ValueKind != JsonValueKind.Number
                || !lengthElement.TryGetInt64(out long length) || length < 0 || length > Array.MaxLength)
                throw Fail(path, $"{kind.Damaged}: its header has no valid \"length\"", line: 1);
            if (!root.TryGetProperty("sha256", out var shaElement) || shaElement.ValueKind != JsonValueKind.String
                || Text(shaElement) is not { Length: 64 } sha || !sha.All(char.IsAsciiHexDigit))
                throw Fail(path, $"{kind.Damaged}: its header has no valid \"sha256\" (64 hex digits)", line: 1);
            return (length, sha.ToLowerInvariant());
        }
    }
}
