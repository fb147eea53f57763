using System.Buffers.Binary;
using System.IO.Compression;
using Backprop.Tensors;

namespace Backprop.Data;

/// <summary>
/// Loads IDX files, the format of MNIST and Fashion-MNIST, plain or gzipped (told apart by the gzip magic
/// bytes, not the extension). Pixels become features scaled to 0..1; labels become one-hot classes.
/// </summary>
public static class IdxLoader
{
    private const uint ImagesMagic = 0x00000803; // unsigned bytes, 3 dimensions: count x rows x columns
    private const uint LabelsMagic = 0x00000801; // unsigned bytes, 1 dimension: count

    // The labels file's name is the images file's with the first of these replaced by the second.
    private static readonly (string Images, string Labels)[] PairNames = [("images-idx3", "labels-idx1"), ("images.idx3", "labels.idx1")];


    /// <summary>Loads an images file and the labels file beside it (the name with "images-idx3" replaced by "labels-idx1", gzipped or not).</summary>
    public static Dataset LoadPair(string imagesPath)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        if (!File.Exists(imagesPath)) throw new DataException(imagesPath, "file not found");
        string labelsPath = FindLabels(imagesPath);

        var (images, count, rows, columns) = ReadImages(imagesPath);
        byte[] labels = ReadLabels(labelsPath, count, Path.GetFileName(imagesPath));

        int classes = Math.Max(10, labels.Max() + 1);
        if (classes > 10) CheckSize(labelsPath, count, rows, columns, classes);
        var targets = new Matrix<double>(count, classes);
        for (int r = 0; r < count; r++) targets[r, labels[r]] = 1;

        return new Dataset(images, count, targets, new PixelNames(rows * columns), ["label"],
            Enumerable.Range(0, classes).Select(i => i.ToString()).ToArray(), imagesPath) { ImageShape = (rows, columns) };
    }

    /// <summary>Loads the train-images-idx3-ubyte/train-labels-idx1-ubyte and t10k-... pairs (each gzipped or not) from a folder.</summary>
    public static (Dataset Train, Dataset Test) LoadFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
            throw new DataException(folder, File.Exists(folder) ? "this is a file; expected a folder of IDX files" : "folder not found");
        string train = FindImages(folder, "train"), test = FindImages(folder, "t10k");
        return (LoadPair(train), LoadPair(test));
    }

    /// <summary>True for a folder, a file whose name contains "idx", or a file (gzipped or not) that starts with the IDX images magic number.</summary>
    public static bool LooksLikeIdx(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path) || Path.GetFileName(path).Contains("idx", StringComparison.OrdinalIgnoreCase)) return true;
        if (!File.Exists(path)) return false;
        try
        {
            using var stream = Open(path);
            Span<byte> magic = stackalloc byte[4];
            return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4
                && BinaryPrimitives.ReadUInt32BigEndian(magic) == ImagesMagic;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return false;
        }
    }

    private static string FindImages(string folder, string prefix)
    {
        string[] candidates = [$"{prefix}-images-idx3-ubyte", $"{prefix}-images.idx3-ubyte"];
        foreach (string name in candidates)
            foreach (string file in new[] { name, name + ".gz" })
                if (File.Exists(Path.Combine(folder, file))) return Path.Combine(folder, file);
        throw new DataException(folder,
            $"no {prefix}-images-idx3-ubyte[.gz] in this folder; an MNIST-style folder holds train-images-idx3-ubyte, " +
            "train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally gzipped (.gz)");
    }

    private static string FindLabels(string imagesPath)
    {
        string name = Path.GetFileName(imagesPath);
        var pair = PairNames.FirstOrDefault(p => name.Contains(p.Images, StringComparison.Ordinal));
        if (pair.Images is null)
            throw new DataException(imagesPath,
                "cannot tell which file holds the labels: an IDX images file's name contains 'images-idx3', and its labels file's name has 'labels-idx1' there instead");
        string labels = Path.Combine(Path.GetDirectoryName(imagesPath) ?? "", name.Replace(pair.Images, pair.Labels, StringComparison.Ordinal));
        string other = labels.EndsWith(".gz", StringComparison.Ordinal) ? labels[..^3] : labels + ".gz";
        if (File.Exists(labels)) return labels;
        if (File.Exists(other)) return other;
        throw new DataException(labels,
            $"labels file not found (also tried {Path.GetFileName(other)}); it should be beside the images file {name}");
    }

    private static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        using var stream = OpenChecked(path);
        Span<byte> header = stackalloc byte[16];
        ReadHeader(path, stream, header, ImagesMagic);
        int count = Dimension(path, header, 1, "image count"), rows = Dimension(path, header, 2, "row count"), columns = Dimension(path, header, 3, "column count");
        if (count == 0) throw new DataException(path, "the file holds no images (its header says 0)");
        if (rows == 0 || columns == 0) throw new DataException(path, $"the header says each image is {rows}x{columns} pixels; an image needs at least one");
        string what = $"{MessageText.Plural(count, "image")} of {rows}x{columns} pixels";
        // Before anything is allocated: the header's claim against the file (when its length is known) and the memory.
        long length = (long)count * rows * columns;
        if ((double)count * rows * columns > Array.MaxLength)
            throw new DataException(path, $"{what} are too many to load at once");
        CheckFollowing(path, stream, length, what, 16);
        CheckSize(path, count, rows, columns, 10);
        return (ReadBody(path, stream, length, what, 16), count, rows, columns);
    }

    private static byte[] ReadLabels(string path, int images, string imagesName)
    {
        using var stream = OpenChecked(path);
        Span<byte> header = stackalloc byte[8];
        ReadHeader(path, stream, header, LabelsMagic);
        int count = Dimension(path, header, 1, "label count");
        if (count != images)
            throw new DataException(path, $"{MessageText.Plural(count, "label")}, but {imagesName} has {MessageText.Plural(images, "image")}; the counts must match");
        CheckFollowing(path, stream, count, MessageText.Plural(count, "label"), 8);
        return ReadBody(path, stream, count, MessageText.Plural(count, "label"), 8);
    }

    /// <summary>
    /// The memory a pair needs (pixels, labels and one-hot targets of <paramref name="classes"/> classes) against what
    /// the machine has, and against the largest array: checked from the header, before reading the pixels.
    /// </summary>
    private static void CheckSize(string path, int count, int rows, int columns, int classes)
    {
        string what = $"{MessageText.Plural(count, "image")} of {rows}x{columns} pixels" + (classes > 10 ? $" and {classes} classes" : "");
        if ((double)count * classes > Array.MaxLength)
            throw new DataException(path, $"{what} are too many to load at once");
        MemoryBudget.Check(path, (double)count * rows * columns + count + 8.0 * count * classes, what);
    }

    /// <summary>A plain file must hold the <paramref name="length"/> bytes its header promises; checked before they are allocated.</summary>
    private static void CheckFollowing(string path, Stream stream, long length, string what, int headerLength)
    {
        if (stream is not FileStream { CanSeek: true } file) return; // gzip: the length is known once decompressed
        long following = Math.Max(0, file.Length - file.Position);
        if (following < length) throw Truncated(path, stream, length, what, headerLength, following);
    }

    private static DataException Truncated(string path, Stream stream, long length, string what, int headerLength, long read) =>
        new(path, $"truncated: the header promises {what} ({length} bytes after the {headerLength}-byte header{Decompressed(stream)}) but only {read} bytes follow");

    /// <summary>Reads the magic number and dimensions, checking the magic number first.</summary>
    private static void ReadHeader(string path, Stream stream, Span<byte> header, uint magic)
    {
        int read = ReadFully(path, stream, header);
        if (read < 4)
            throw new DataException(path, $"the file is {read} bytes long, too short for an IDX file; expected {Describe(magic)}");
        uint found = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (found != magic)
            throw new DataException(path, $"wrong magic number 0x{found:X8} ({Describe(found)}); expected 0x{magic:X8} ({Describe(magic)})");
        if (read < header.Length)
            throw new DataException(path, $"truncated: the IDX header needs {header.Length} bytes{Decompressed(stream)} but the file has only {read}");
    }

    private static int Dimension(string path, ReadOnlySpan<byte> header, int index, string what)
    {
        uint value = BinaryPrimitives.ReadUInt32BigEndian(header[(4 * index)..]);
        if (value > int.MaxValue) throw new DataException(path, $"the header's {what} is {value}, too large to load");
        return (int)value;
    }

    /// <summary>
    /// Reads the <paramref name="length"/> bytes after the header. A plain file's length was checked, so they are read
    /// into one array; gzipped data is read into 1 MiB first and the rest of the array is allocated only when that is
    /// full, so a small file that promises much (and fits the memory) allocates little before it is found short.
    /// </summary>
    private static byte[] ReadBody(string path, Stream stream, long length, string what, int headerLength)
    {
        byte[] body = GC.AllocateUninitializedArray<byte>((int)(stream is FileStream ? length : Math.Min(length, 1 << 20)));
        int filled = 0;
        while (filled < length)
        {
            if (filled == body.Length) Array.Resize(ref body, (int)length);
            int read = Read(path, stream, body.AsSpan(filled));
            if (read == 0) throw Truncated(path, stream, length, what, headerLength, filled);
            filled += read;
        }
        return body;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the data ends; returns the bytes read.</summary>
    private static int ReadFully(string path, Stream stream, Span<byte> buffer)
    {
        int filled = 0;
        while (filled < buffer.Length && Read(path, stream, buffer[filled..]) is var read and > 0) filled += read;
        return filled;
    }

    /// <summary>One read; corrupt gzip data and read errors are the file's problem.</summary>
    private static int Read(string path, Stream stream, Span<byte> buffer)
    {
        try
        {
            return stream.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new DataException(path, "the gzip data is corrupt: " + e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, "cannot read the file: " + e.Message);
        }
    }

    private static string Decompressed(Stream stream) => stream is GZipStream ? ", once decompressed," : "";

    private static string Describe(uint magic) => magic switch
    {
        ImagesMagic => "an IDX images file of unsigned bytes, 3 dimensions",
        LabelsMagic => "an IDX labels file of unsigned bytes, 1 dimension",
        _ when magic >> 16 == 0 => $"an IDX file of type 0x{(magic >> 8) & 0xFF:X2} with {magic & 0xFF} dimensions",
        _ => "not an IDX file",
    };

    /// <summary>Opens <paramref name="path"/>, decompressing it when it starts with the gzip magic bytes 1f 8b.</summary>
    private static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        bool gzip = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static Stream OpenChecked(string path)
    {
        try
        {
            return Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, File.Exists(path) ? "cannot read the file: " + e.Message : "file not found");
        }
    }
}
