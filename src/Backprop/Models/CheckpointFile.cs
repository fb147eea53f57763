using System.Text;
using System.Text.Json;
using Backprop.Data;

namespace Backprop.Models;

/// <summary>
/// Saves and loads <see cref="Checkpoint"/>s (docs/model-format.md, "Checkpoint files"): a one-line JSON header with the
/// format name, version, content length and SHA-256, as a model file's, then the checkpoint as JSON. Saving is atomic
/// (<see cref="AtomicFile"/>): a process killed while it writes leaves the previous checkpoint in place.
/// </summary>
public static class CheckpointFile
{
    /// <summary>The format version this build writes, and the only one it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The header's "format" value, which marks a file as a Backprop checkpoint.</summary>
    public const string FormatName = "backprop-checkpoint";

    private const int MaxHeaderBytes = 1024;

    /// <summary>Writes <paramref name="checkpoint"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="IOException">The file cannot be written; a file already there is left as it was.</exception>
    public static void Save(Checkpoint checkpoint, string path) => AtomicFile.Write(path, (Stream s) => s.Write(Serialize(checkpoint)));

    /// <summary>The file's bytes for <paramref name="checkpoint"/>: the header line, then the body.</summary>
    public static byte[] Serialize(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        byte[] body = CheckpointWriter.Body(checkpoint);
        string header = $"{{\"format\":\"{FormatName}\",\"version\":{FormatVersion},\"length\":{body.Length},\"sha256\":\"{ModelFile.Sha256Hex(body)}\"}}\n";
        return [.. Encoding.ASCII.GetBytes(header), .. body];
    }

    /// <summary>Reads the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="DataException">A missing, foreign, damaged, other-version or inconsistent file, on one line naming the file.</exception>
    public static Checkpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            if (Directory.Exists(path)) throw Fail(path, "is a directory, not a checkpoint file");
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return Read(path, file);
        }
        catch (FileNotFoundException) { throw Fail(path, "no such file"); }
        catch (DirectoryNotFoundException) { throw Fail(path, "no such file (its directory does not exist)"); }
        catch (UnauthorizedAccessException) { throw Fail(path, "cannot read the file: permission denied"); }
        catch (IOException e) { throw Fail(path, $"cannot read the file: {e.Message}"); }
    }

    /// <summary>Reads the checkpoint in <paramref name="file"/>, naming it <paramref name="path"/> in messages.</summary>
    internal static Checkpoint Read(string path, Stream file)
    {
        var (length, sha) = ReadHeader(path, file);
        long rest = file.Length - file.Position;   // sizes before reading anything more
        if (rest != length)
            throw Fail(path, rest < length ? $"damaged checkpoint: truncated ({rest} of its {length} content bytes are there)"
                : $"damaged checkpoint: {rest} content bytes where its header says {length} (something was added)");
        var body = new byte[length];
        file.ReadExactly(body);
        return Verify(path, body, sha);
    }

    private static Checkpoint Verify(string path, byte[] body, string sha)
    {
        string actual = ModelFile.Sha256Hex(body);
        if (actual != sha)
            throw Fail(path, $"damaged checkpoint: checksum mismatch: its header says SHA-256 {sha}, the content's is {actual}; it was changed or corrupted after it was written");
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8, AllowDuplicateProperties = false });
            return CheckpointReader.Read(document.RootElement);
        }
        catch (JsonException e) { throw Fail(path, $"malformed checkpoint JSON: {MessageText.Shorten(e.Message.Split(" LineNumber:")[0], 160)}"); }
        catch (InvalidOperationException) { throw Fail(path, "malformed checkpoint JSON: a name is not valid text"); }
        catch (CheckpointReader.Problem p) { throw Fail(path, p.Message); }
    }

    // The header line: {"format":"backprop-checkpoint","version":1,"length":N,"sha256":"..."}; returns the last two.
    private static (long Length, string Sha256) ReadHeader(string path, Stream file)
    {
        var line = new List<byte>(160);
        int b;
        bool newline = false;
        while (line.Count < MaxHeaderBytes && (b = file.ReadByte()) >= 0)
        {
            if (b == '\n') { newline = true; break; }
            line.Add((byte)b);
        }
        string notOne = $"not a Backprop checkpoint file (a checkpoint's first line is {{\"format\":\"{FormatName}\",...}})";
        if (line.Count == 0 && !newline) throw Fail(path, "the file is empty; it is not a Backprop checkpoint");
        if (!newline) throw Fail(path, notOne);
        try
        {
            using var header = JsonDocument.Parse(line.ToArray());
            var root = header.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String)
                throw Fail(path, notOne);
            string name = format.GetString()!;
            if (name == ModelFile.FormatName) throw Fail(path, "is a model file, not a checkpoint; --resume takes the file --checkpoint wrote (a model goes to --init-from)");
            if (name != FormatName) throw Fail(path, $"not a Backprop checkpoint file: its format is {MessageText.Quote(name)}, not '{FormatName}'");
            if (!root.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int version))
                throw Fail(path, "damaged checkpoint: its header has no valid \"version\"");
            if (version != FormatVersion)
                throw Fail(path, $"checkpoint format version {version} is {(version > FormatVersion ? "newer than this build of Backprop reads" : "not one this build reads")} (version {FormatVersion}); use the Backprop that wrote it");
            if (!root.TryGetProperty("length", out var l) || l.ValueKind != JsonValueKind.Number || !l.TryGetInt64(out long length) || length < 0 || length > Array.MaxLength)
                throw Fail(path, "damaged checkpoint: its header has no valid \"length\"");
            if (!root.TryGetProperty("sha256", out var s) || s.ValueKind != JsonValueKind.String || s.GetString() is not { Length: 64 } sha || !sha.All(char.IsAsciiHexDigit))
                throw Fail(path, "damaged checkpoint: its header has no valid \"sha256\" (64 hex digits)");
            return (length, sha.ToLowerInvariant());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            throw Fail(path, line.Contains((byte)'"') && Encoding.UTF8.GetString([.. line]).Contains(FormatName) ? "damaged checkpoint: its header line is not valid JSON" : notOne);
        }
    }

    private static DataException Fail(string path, string problem) => new(path, MessageText.OneLine(problem));
}
