using System.IO.Compression;
using Backprop.Data;

namespace Backprop.Models;

/// <summary>
/// Reads the arrays of an .npz archive (<c>np.savez</c>: stored entries; <c>np.savez_compressed</c>: deflated) as
/// untrusted input: entry count, names and sizes are checked before anything is allocated for them, an entry's
/// declared size must be what its .npy header's shape takes, no entry may expand beyond what it declares, and its
/// CRC-32 must match. Every problem is a <see cref="DataException"/> naming the file (and the entry).
/// </summary>
internal sealed class NpzReader : IDisposable
{
    /// <summary>The most entries an archive may have: a model has two a layer, and two more for its input scaling.</summary>
    public const int MaxEntries = 1024;

    // Deflate expands at most about 1032 times (258 bytes from a 2-bit code); anything beyond is a lie or a zip bomb.
    private const long MaxDeflateRatio = 1032;

    private readonly string _path;
    private readonly long _fileLength;
    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _entries = new(StringComparer.Ordinal);

    private NpzReader(string path, long fileLength, ZipArchive zip)
    {
        _path = path;
        _fileLength = fileLength;
        _zip = zip;
    }

    /// <summary>The arrays' names (entry names without ".npy"), in the archive's order.</summary>
    public IReadOnlyList<string> Names { get; private set; } = [];

    /// <summary>Opens the archive in <paramref name="file"/> (seekable), named <paramref name="path"/> in messages, and checks its entries' names.</summary>
    public static NpzReader Open(string path, Stream file)
    {
        long length = file.Length;
        if (length == 0) throw Fail(path, "the file is empty; expected an .npz archive (np.savez)");
        Span<byte> start = stackalloc byte[8];
        int read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        file.Position = 0;
        if (read < 4 || !(start[..4].SequenceEqual("PK\x03\x04"u8) || start[..4].SequenceEqual("PK\x05\x06"u8)))
            throw Fail(path, read >= 6 && start[..6].SequenceEqual(NpyFormat.Magic)
                ? "is a single .npy array (np.save), not an .npz archive of named arrays (np.savez)"
                : "is not an .npz archive (np.savez writes a zip file; this one does not start as one)");
        ZipArchive zip;
        try { zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true); }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            throw Fail(path, $"damaged .npz archive: {Sentence(e.Message)}");
        }
        var reader = new NpzReader(path, length, zip);
        try { reader.ReadDirectory(); }
        catch
        {
            reader.Dispose();
            throw;
        }
        return reader;
    }

    private void ReadDirectory()
    {
        IReadOnlyList<ZipArchiveEntry> entries;
        try { entries = _zip.Entries; }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            throw Fail(_path, $"damaged .npz archive: {Sentence(e.Message)}");
        }
        if (entries.Count == 0) throw Fail(_path, "the archive holds no arrays");
        if (entries.Count > MaxEntries) throw Fail(_path, $"the archive has {entries.Count} entries; a model's .npz has at most {MaxEntries}");
        var names = new List<string>(entries.Count);
        foreach (var entry in entries)
        {
            string full = entry.FullName;
            if (!full.EndsWith(".npy", StringComparison.Ordinal) || full.Length == 4)
                throw Fail(_path, $"entry {MessageText.Quote(full)} is not an .npy array (np.savez names each entry NAME.npy)");
            string name = full[..^4];
            if (!_entries.TryAdd(name, entry)) throw Fail(_path, $"entry {MessageText.Quote(full)} appears twice");
            names.Add(name);
        }
        Names = names;
    }

    /// <summary>The array named <paramref name="name"/> (one of <see cref="Names"/>), read and checked.</summary>
    public NpyArray Read(string name)
    {
        var entry = _entries[name];
        try { return ReadEntry(name, entry); }
        catch (NpzProblem p) { throw Fail(_path, $"{MessageText.Quote(entry.FullName)} {p.Message}"); }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw Fail(_path, $"{MessageText.Quote(entry.FullName)} is damaged: {Sentence(e.Message)}");
        }
    }

    private NpyArray ReadEntry(string name, ZipArchiveEntry entry)
    {
        long declared = entry.Length, compressed = entry.CompressedLength;
        if (declared < 0 || compressed < 0 || compressed > _fileLength)
            throw new NpzProblem($"declares {compressed} compressed bytes in a {_fileLength}-byte file: the archive is damaged");
        if (declared > compressed * MaxDeflateRatio + 1024)
            throw new NpzProblem($"declares {declared} bytes from {compressed} compressed ones, more than deflate can expand: a damaged file or a zip bomb");
        if (declared > Array.MaxLength) throw new NpzProblem($"declares {declared} bytes, more than one array can hold");

        using var stream = OpenEntry(entry);
        var prefix = new byte[(int)Math.Min(declared, NpyFormat.MaxHeaderBytes)];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        var header = NpyFormat.ParseHeader(prefix.AsSpan(0, got));
        long needed = header.HeaderBytes + header.DataBytes;
        if (needed != declared)
            throw new NpzProblem($"declares {declared} bytes; its .npy header says shape {NpyFormat.ShapeText(header.Shape)} of {header.Descr}, which takes {needed}");
        MemoryBudget.Check(_path, declared + 8.0 * header.Count * (header.FortranOrder ? 2 : 1), $"the array {MessageText.Quote(entry.FullName)}");

        var bytes = new byte[declared];
        prefix.AsSpan(0, got).CopyTo(bytes);
        int total = got + stream.ReadAtLeast(bytes.AsSpan(got), bytes.Length - got, throwOnEndOfStream: false);
        if (total < declared) throw new NpzProblem($"is truncated: {total} of its {declared} bytes are there");
        if (stream.ReadByte() >= 0) throw new NpzProblem($"holds more than the {declared} bytes it declares: the archive is damaged");
        uint crc = Crc32.Compute(bytes);
        if (crc != entry.Crc32) throw new NpzProblem($"is damaged: its CRC-32 is {crc:x8}; the archive says {entry.Crc32:x8}");
        return new NpyArray(name, header.Descr, header.Shape, NpyFormat.Values(bytes.AsSpan(header.HeaderBytes), header));
    }

    private static Stream OpenEntry(ZipArchiveEntry entry)
    {
        try { return entry.Open(); }
        catch (NotSupportedException)
        {
            throw new NpzProblem("is compressed in a way Backprop does not read (np.savez stores entries, np.savez_compressed deflates them)");
        }
    }

    /// <summary>Disposes the zip reader (not the file).</summary>
    public void Dispose() => _zip.Dispose();

    private static DataException Fail(string path, string problem) => new(path, MessageText.OneLine(problem));

    // .NET's messages end with a full stop; ours go on after them or end without one.
    private static string Sentence(string message) => MessageText.Shorten(message.TrimEnd('.', ' '), 160);
}
