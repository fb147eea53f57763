using System.Text.Json;
using Backprop.Data;
using Backprop.Models;

namespace Backprop;

/// <summary>
/// Saves and loads <see cref="Checkpoint"/>s (docs/model-format.md, "Checkpoint files"): a one-line JSON header with the
/// format name, version, content length and SHA-256, as a model file's, then the checkpoint as JSON. Saving is atomic
/// (<see cref="AtomicFile"/>): a process killed while it writes leaves the previous checkpoint in place.
/// </summary>
internal static class CheckpointFile
{
    /// <summary>The format version this build writes, and the only one it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The header's "format" value, which marks a file as a Backprop checkpoint.</summary>
    public const string FormatName = ChecksummedFile.CheckpointFormat;

    /// <summary>What the frame around a checkpoint's JSON must say (<see cref="ChecksummedFile"/>).</summary>
    internal static readonly ChecksummedFile.Kind Kind = new(FormatName, FormatVersion, "checkpoint", "checkpoint",
        other => other == ModelFile.FormatName ? "is a model file, not a checkpoint; --resume takes the file --checkpoint wrote (a model goes to --init-from)" : null);

    /// <summary>How a checkpoint's body is read and written: <see cref="CheckpointJsonContext"/>'s DTOs under a model file's options.</summary>
    private static readonly BodyOptions Json = new(CheckpointJsonContext.Default);

    /// <summary>Writes <paramref name="checkpoint"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="IOException">The file cannot be written; a file already there is left as it was.</exception>
    public static void Save(Checkpoint checkpoint, string path) => AtomicFile.Write(path, (Stream s) => s.Write(Serialize(checkpoint)));

    /// <summary>The file's bytes for <paramref name="checkpoint"/>: the header line, then the body.</summary>
    public static byte[] Serialize(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return ChecksummedFile.Compose(Kind, Body(checkpoint));
    }

    /// <summary>The body of the file for <paramref name="checkpoint"/>: its JSON, indented, then a line feed.</summary>
    internal static byte[] Body(Checkpoint checkpoint) =>
        [.. JsonSerializer.SerializeToUtf8Bytes(CheckpointJson.From(checkpoint), JsonBody.Info<CheckpointJson>(Json.Indented)), (byte)'\n'];

    /// <summary>Reads the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="DataException">A missing, foreign, damaged, other-version or inconsistent file, on one line naming the file.</exception>
    public static Checkpoint Load(string path) => ChecksummedFile.Load(path, Kind, Read);

    /// <summary>Reads the checkpoint in <paramref name="file"/>, naming it <paramref name="path"/> in messages.</summary>
    internal static Checkpoint Read(string path, Stream file)
    {
        byte[] body = ChecksummedFile.ReadBody(path, file, Kind);
        return JsonBody.Read<CheckpointJson, Checkpoint>(Json, path, body, "checkpoint", maxDepth: 8, dto => dto.ToCheckpoint());
    }
}
