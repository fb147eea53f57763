using System.Globalization;
using System.Text.Json;
using Backprop.Data;

namespace Backprop.Models;

/// <summary>
/// Saves and loads <see cref="Model"/>s in the Backprop model file format (docs/model-format.md): a one-line JSON
/// header carrying the format name, version, content length and SHA-256, then the model as indented JSON.
/// </summary>
internal static class ModelFile
{
    /// <summary>The format version this build writes, and the only one it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The header's "format" value, which marks a file as a Backprop model.</summary>
    public const string FormatName = "backprop-model";

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
    internal static Model Read(string path, Stream file)
    {
        byte[] body = ChecksummedFile.ReadBody(path, file, Kind);
        return JsonBody.Read<ModelJson, Model>(BodyOptions.Model, path, body, "model", maxDepth: 16, dto => dto.ToModel(body.Length));
    }

    /// <summary>What the frame around a model's JSON must say (<see cref="ChecksummedFile"/>).</summary>
    internal static readonly ChecksummedFile.Kind Kind = new(FormatName, FormatVersion, "model file", "model",
        other => other == ChecksummedFile.CheckpointFormat ? "is a checkpoint, not a model file; a checkpoint goes to 'train --resume'" : null);

    /// <summary>The file's bytes for <paramref name="model"/>: header line, then the model's JSON.</summary>
    internal static byte[] Serialize(Model model)
    {
        model.Validate();
        return ChecksummedFile.Compose(Kind, JsonBody.Lay(JsonSerializer.SerializeToUtf8Bytes(ModelJson.From(model), JsonBody.Info<ModelJson>(BodyOptions.Model.Compact))));
    }

    /// <summary>Lowercase hex SHA-256 of <paramref name="bytes"/>.</summary>
    internal static string Sha256Hex(ReadOnlySpan<byte> bytes) => ChecksummedFile.Sha256Hex(bytes);

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
}
