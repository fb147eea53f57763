using System.Buffers.Binary;
using System.IO.Compression;

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

        var (images, rows, columns) = ReadImages(imagesPath);
        byte[] labels = ReadLabels(labelsPath);
        int count = images.Length / (rows * columns);
        if (labels.Length != count)
            throw new DataException(labelsPath,
                $"{labels.Length} labels, but {Path.GetFileName(imagesPath)} has {count} images; the counts must match");

        int classes = Math.Max(10, labels.Max() + 1);
        var targets = new Matrix<double>(count, classes);
        for (int r = 0; r < count; r++) targets[r, labels[r]] = 1;

        return new Dataset(images, count, targets,
            Enumerable.Range(0, rows * columns).Select(i => $"pixel{i}").ToArray(), ["label"],
            Enumerable.Range(0, classes).Select(i => i.ToString()).ToArray(), imagesPath);
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

    private static (byte[] Pixels, int Rows, int Columns) ReadImages(string path)
    {
        using var stream = OpenChecked(path);
        Span<byte> header = stackalloc byte[16];
        ReadHeader(path, stream, header, ImagesMagic);
        int count = Dimension(path, header, 1, "image count"), rows = Dimension(path, header, 2, "row count"), columns = Dimension(path, header, 3, "column count");
        if (count == 0) throw new DataException(path, "the file holds no images (its header says 0)");
        if (rows == 0 || columns == 0) throw new DataException(path, $"the header says each image is {rows}x{columns} pixels; an image needs at least one");
        if ((double)count * rows * columns > Array.MaxLength)
            throw new DataException(path, $"{count} images of {rows}x{columns} pixels are too many to load at once");
        var pixels = new byte[count * rows * columns];
        ReadBody(path, stream, pixels, $"{count} images of {rows}x{columns} pixels", 16);
        return (pixels, rows, columns);
    }

    private static byte[] ReadLabels(string path)
    {
        using var stream = OpenChecked(path);
        Span<byte> header = stackalloc byte[8];
        ReadHeader(path, stream, header, LabelsMagic);
        int count = Dimension(path, header, 1, "label count");
        var labels = new byte[count];
        ReadBody(path, stream, labels, $"{count} labels", 8);
        return labels;
    }

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

    private static void ReadBody(string path, Stream stream, byte[] body, string what, int headerLength)
    {
        int read = ReadFully(path, stream, body);
        if (read < body.Length)
            throw new DataException(path,
                $"truncated: the header promises {what} ({body.Length} bytes after the {headerLength}-byte header{Decompressed(stream)}) but only {read} bytes follow");
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the data ends; returns the bytes read.</summary>
    private static int ReadFully(string path, Stream stream, Span<byte> buffer)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new DataException(path, "the gzip data is corrupt: " + e.Message);
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
