using System.Buffers.Binary;
using System.IO.Compression;
using Backprop.Data;

namespace Backprop.Tests;

/// <summary>IDX (MNIST-format) files, plain and gzipped, written small by the tests; every error located and explained.</summary>
public sealed class IdxLoaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>An IDX images file: magic 0x00000803, then count, rows, columns (big-endian), then the pixels.</summary>
    private static byte[] Images(int count, int rows, int columns, byte[] pixels, uint magic = 0x00000803) =>
        [.. BigEndian(magic, (uint)count, (uint)rows, (uint)columns), .. pixels];

    /// <summary>An IDX labels file: magic 0x00000801, then count (big-endian), then the labels.</summary>
    private static byte[] Labels(params byte[] labels) => [.. BigEndian(0x00000801, (uint)labels.Length), .. labels];

    private static byte[] BigEndian(params uint[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(bytes);
        return output.ToArray();
    }

    // Three 2x2 images; labels 7, 0, 9.
    private static readonly byte[] ThreePixels = [0, 255, 51, 102, 255, 255, 255, 255, 0, 0, 0, 1];
    private static readonly byte[] ThreeLabels = [7, 0, 9];

    private static DataException Fails(Action load, string file)
    {
        var e = Assert.Throws<DataException>(load);
        Assert.Equal(file, e.File);
        Assert.Null(e.Line);
        Assert.Null(e.Column);
        Assert.Equal($"{file}: {e.Problem}", e.Message);
        return e;
    }

    // ---- loading ----

    [Fact]
    public void Loads_pixels_scaled_to_0_1_and_one_hot_labels()
    {
        string images = _temp.Write("train-images-idx3-ubyte", Images(3, 2, 2, ThreePixels));
        _temp.Write("train-labels-idx1-ubyte", Labels(ThreeLabels));
        var data = IdxLoader.LoadPair(images);

        Assert.Equal(3, data.Count);
        Assert.Equal(images, data.Source);
        Assert.Equal(["pixel0", "pixel1", "pixel2", "pixel3"], data.FeatureNames);
        Assert.Equal(["label"], data.TargetNames);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], data.ClassNames);
        Assert.Equal((3, 4), (data.Features.Rows, data.Features.Columns));
        Assert.Equal(ThreePixels.Select(b => b / 255.0).ToArray(), data.Features.Span.ToArray());
        Assert.Equal([0, 1, 0.2, 0.4], data.Features.RowSpan(0).ToArray());
        Assert.Equal((3, 10), (data.Targets.Rows, data.Targets.Columns));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 1, 0, 0], data.Targets.RowSpan(0).ToArray());
        Assert.Equal(3, data.Targets.Span.ToArray().Sum());
        Assert.Equal([7, 0, 9], data.Labels()!);
    }

    [Fact]
    public void Gzip_is_told_by_its_magic_bytes_not_the_extension()
    {
        // Gzipped images under a plain name, plain labels under a .gz name.
        string images = _temp.Write("train-images-idx3-ubyte", Gzip(Images(3, 2, 2, ThreePixels)));
        _temp.Write("train-labels-idx1-ubyte.gz", Labels(ThreeLabels));
        var data = IdxLoader.LoadPair(images);
        Assert.Equal([7, 0, 9], data.Labels()!);
        Assert.Equal(ThreePixels.Select(b => b / 255.0).ToArray(), data.Features.Span.ToArray());
    }

    [Fact]
    public void Gzipped_pair_with_gz_names()
    {
        string images = _temp.Write("t10k-images-idx3-ubyte.gz", Gzip(Images(3, 2, 2, ThreePixels)));
        _temp.Write("t10k-labels-idx1-ubyte.gz", Gzip(Labels(ThreeLabels)));
        var data = IdxLoader.LoadPair(images);
        Assert.Equal([7, 0, 9], data.Labels()!);
        Assert.Equal(1.0, data.Features[1, 0]);
    }

    [Fact]
    public void Labels_file_found_with_or_without_gz_when_the_other_is_missing()
    {
        string images = _temp.Write("a-images-idx3-ubyte.gz", Gzip(Images(3, 2, 2, ThreePixels)));
        _temp.Write("a-labels-idx1-ubyte", Labels(ThreeLabels));
        Assert.Equal([7, 0, 9], IdxLoader.LoadPair(images).Labels()!);

        string plain = _temp.Write("b-images-idx3-ubyte", Images(3, 2, 2, ThreePixels));
        _temp.Write("b-labels-idx1-ubyte.gz", Gzip(Labels(2, 1, 0)));
        Assert.Equal([2, 1, 0], IdxLoader.LoadPair(plain).Labels()!);
    }

    [Fact]
    public void Dotted_names_as_some_mnist_copies_spell_them()
    {
        string images = _temp.Write("train-images.idx3-ubyte", Images(3, 2, 2, ThreePixels));
        _temp.Write("train-labels.idx1-ubyte", Labels(ThreeLabels));
        Assert.Equal([7, 0, 9], IdxLoader.LoadPair(images).Labels()!);
    }

    [Fact]
    public void Labels_above_9_give_max_plus_1_classes()
    {
        string images = _temp.Write("x-images-idx3-ubyte", Images(3, 1, 1, [1, 2, 3]));
        _temp.Write("x-labels-idx1-ubyte", Labels(0, 12, 3));
        var data = IdxLoader.LoadPair(images);
        Assert.Equal(13, data.Targets.Columns);
        Assert.Equal(Enumerable.Range(0, 13).Select(i => i.ToString()), data.ClassNames);
        Assert.Equal([0, 12, 3], data.Labels()!);
        Assert.Equal(["pixel0"], data.FeatureNames);
    }

    [Fact]
    public void A_folder_of_train_and_t10k_pairs()
    {
        _temp.Write("train-images-idx3-ubyte.gz", Gzip(Images(3, 2, 2, ThreePixels)));
        _temp.Write("train-labels-idx1-ubyte.gz", Gzip(Labels(ThreeLabels)));
        _temp.Write("t10k-images-idx3-ubyte", Images(1, 2, 2, [255, 0, 0, 255]));
        _temp.Write("t10k-labels-idx1-ubyte", Labels(4));
        var (train, test) = IdxLoader.LoadFolder(_temp.Path);
        Assert.Equal(_temp.File("train-images-idx3-ubyte.gz"), train.Source);
        Assert.Equal(_temp.File("t10k-images-idx3-ubyte"), test.Source);
        Assert.Equal([7, 0, 9], train.Labels()!);
        Assert.Equal([4], test.Labels()!);
        Assert.Equal([1, 0, 0, 1], test.Features.Span.ToArray());
    }

    [Fact]
    public void Looks_like_idx()
    {
        Assert.True(IdxLoader.LooksLikeIdx(_temp.Path)); // a folder
        Assert.True(IdxLoader.LooksLikeIdx(_temp.Write("digits.bin", Images(1, 1, 1, [0]))));
        Assert.True(IdxLoader.LooksLikeIdx(_temp.Write("digits.gz", Gzip(Images(1, 1, 1, [0])))));
        Assert.True(IdxLoader.LooksLikeIdx(_temp.Write("my-idx-file", "not really")));
        Assert.True(IdxLoader.LooksLikeIdx(_temp.File("train-images-idx3-ubyte.gz"))); // by name, even before it exists
        Assert.False(IdxLoader.LooksLikeIdx(_temp.Write("data.csv", "a,b\n1,2\n")));
        Assert.False(IdxLoader.LooksLikeIdx(_temp.Write("labels.bin", Labels(1, 2))));
        Assert.False(IdxLoader.LooksLikeIdx(_temp.Write("tiny", [0, 0])));
        Assert.False(IdxLoader.LooksLikeIdx(_temp.File("missing.csv")));
    }

    // ---- errors ----

    [Fact]
    public void Wrong_magic_number_says_what_it_found_and_expected()
    {
        // The labels file given where the images file belongs.
        string images = _temp.Write("train-images-idx3-ubyte", Labels(ThreeLabels));
        _temp.Write("train-labels-idx1-ubyte", Labels(ThreeLabels));
        var e = Fails(() => IdxLoader.LoadPair(images), images);
        Assert.Equal("wrong magic number 0x00000801 (an IDX labels file of unsigned bytes, 1 dimension); " +
                     "expected 0x00000803 (an IDX images file of unsigned bytes, 3 dimensions)", e.Problem);
    }

    [Fact]
    public void Wrong_magic_number_in_a_file_that_is_not_idx_at_all()
    {
        string images = _temp.Write("train-images-idx3-ubyte.gz", Gzip("a,b,c\n1,2,3\n"u8.ToArray()));
        _temp.Write("train-labels-idx1-ubyte.gz", Labels(ThreeLabels));
        var e = Fails(() => IdxLoader.LoadPair(images), images);
        Assert.Equal("wrong magic number 0x612C622C (not an IDX file); expected 0x00000803 (an IDX images file of unsigned bytes, 3 dimensions)", e.Problem);
    }

    [Fact]
    public void Wrong_magic_number_in_the_labels_file()
    {
        string images = _temp.Write("train-images-idx3-ubyte", Images(3, 2, 2, ThreePixels));
        string labels = _temp.Write("train-labels-idx1-ubyte", Images(3, 2, 2, ThreePixels, magic: 0x00000C02));
        var e = Fails(() => IdxLoader.LoadPair(images), labels);
        Assert.Equal("wrong magic number 0x00000C02 (an IDX file of type 0x0C with 2 dimensions); " +
                     "expected 0x00000801 (an IDX labels file of unsigned bytes, 1 dimension)", e.Problem);
    }

    [Fact]
    public void Truncated_images()
    {
        string images = _temp.Write("train-images-idx3-ubyte", Images(3, 2, 2, ThreePixels[..10]));
        _temp.Write("train-labels-idx1-ubyte", Labels(ThreeLabels));
        var e = Fails(() => IdxLoader.LoadPair(images), images);
        Assert.Equal("truncated: the header promises 3 images of 2x2 pixels (12 bytes after the 16-byte header) but only 10 bytes follow", e.Problem);
    }

    [Fact]
    public void Truncated_gzipped_images()
    {
        string images = _temp.Write("train-images-idx3-ubyte.gz", Gzip(Images(4, 2, 2, ThreePixels)));
        _temp.Write("train-labels-idx1-ubyte", Labels(ThreeLabels));
        var e = Fails(() => IdxLoader.LoadPair(images), images);
        Assert.Equal("truncated: the header promises 4 images of 2x2 pixels (16 bytes after the 16-byte header, once decompressed,) but only 12 bytes follow", e.Problem);
    }

    [Fact]
    public void A_gzip_file_cut_short()
    {
        var pixels = Enumerable.Range(0, 3 * 28 * 28).Select(i => (byte)(i * 7919 % 251)).ToArray();
        byte[] whole = Gzip(Images(3, 28, 28, pixels));
        string images = _temp.Write("train-images-idx3-ubyte.gz", whole[..(whole.Length / 2)]);
        _temp.Write("train-labels-idx1-ubyte", Labels(ThreeLabels));
        var e = Fails(() => IdxLoader.LoadPair(images), images);
        Assert.Matches("^truncated: the header promises 3 images of 28x28 pixels \\(2352 bytes after the 16-byte header, once decompressed,\\) but only [0-9]+ bytes follow$", e.Problem);
    }

    [Fact]
    public void Truncated_labels()
    {
        string images = _temp.Write("train-images-idx3-ubyte", Images(3, 2, 2, ThreePixels));
        string labels = _temp.Write("train-labels-idx1-ubyte", Labels(ThreeLabels)[..^1]);
        var e = Fails(() => IdxLoader.LoadPair(images), labels);
        Assert.Equal("truncated: the header promises 3 labels (3 bytes after the 8-byte header) but only 2 bytes follow", e.Problem);
    }

    [Fact]
    public void Truncated_header()
    {
        string images = _temp.Write("train-images-idx3-ubyte", Images(3, 2, 2, [])[..10]);
        _temp.Write("train-labels-idx1-ubyte", Labels(ThreeLabels));
        var e = Fails(() => IdxLoader.LoadPair(images), images);
        Assert.Equal("truncated: the IDX header needs 16 bytes but the file has only 10", e.Problem);
    }

    [Fact]
    public void A_file_too_short_for_a_magic_number()
    {
        string images = _temp.Write("train-images-idx3-ubyte", [0, 0, 8]);
        _temp.Write("train-labels-idx1-ubyte", Labels(ThreeLabels));
        var e = Fails(() => IdxLoader.LoadPair(images), images);
        Assert.Equal("the file is 3 bytes long, too short for an IDX file; expected an IDX images file of unsigned bytes, 3 dimensions", e.Problem);
    }

    [Fact]
    public void Corrupt_gzip_data()
    {
        string images = _temp.Write("train-images-idx3-ubyte.gz", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        _temp.Write("train-labels-idx1-ubyte", Labels(ThreeLabels));
        var e = Fails(() => IdxLoader.LoadPair(images), images);
        Assert.StartsWith("the gzip data is corrupt", e.Problem);
    }

    [Fact]
    public void Images_and_labels_of_different_counts()
    {
        string images = _temp.Write("train-images-idx3-ubyte", Images(3, 2, 2, ThreePixels));
        string labels = _temp.Write("train-labels-idx1-ubyte", Labels(1, 2));
        var e = Fails(() => IdxLoader.LoadPair(images), labels);
        Assert.Equal("2 labels, but train-images-idx3-ubyte has 3 images; the counts must match", e.Problem);
    }

    [Fact]
    public void No_images_at_all()
    {
        string images = _temp.Write("train-images-idx3-ubyte", Images(0, 2, 2, []));
        _temp.Write("train-labels-idx1-ubyte", Labels());
        var e = Fails(() => IdxLoader.LoadPair(images), images);
        Assert.Equal("the file holds no images (its header says 0)", e.Problem);
    }

    [Fact]
    public void Missing_labels_file_names_the_file_looked_for()
    {
        string images = _temp.Write("train-images-idx3-ubyte.gz", Gzip(Images(3, 2, 2, ThreePixels)));
        string expected = _temp.File("train-labels-idx1-ubyte.gz");
        var e = Fails(() => IdxLoader.LoadPair(images), expected);
        Assert.Equal("labels file not found (also tried train-labels-idx1-ubyte); it should be beside the images file train-images-idx3-ubyte.gz", e.Problem);
    }

    [Fact]
    public void An_images_file_whose_name_does_not_lead_to_its_labels()
    {
        string images = _temp.Write("digits.bin", Images(3, 2, 2, ThreePixels));
        var e = Fails(() => IdxLoader.LoadPair(images), images);
        Assert.Contains("cannot tell which file holds the labels", e.Problem);
        Assert.Contains("'images-idx3'", e.Problem);
    }

    [Fact]
    public void Missing_images_file()
    {
        string images = _temp.File("train-images-idx3-ubyte");
        var e = Fails(() => IdxLoader.LoadPair(images), images);
        Assert.Equal("file not found", e.Problem);
    }

    [Fact]
    public void A_folder_without_the_test_pair()
    {
        _temp.Write("train-images-idx3-ubyte.gz", Gzip(Images(3, 2, 2, ThreePixels)));
        _temp.Write("train-labels-idx1-ubyte.gz", Gzip(Labels(ThreeLabels)));
        var e = Fails(() => IdxLoader.LoadFolder(_temp.Path), _temp.Path);
        Assert.StartsWith("no t10k-images-idx3-ubyte[.gz] in this folder; an MNIST-style folder holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte", e.Problem);
    }

    [Fact]
    public void An_empty_folder()
    {
        var e = Fails(() => IdxLoader.LoadFolder(_temp.Path), _temp.Path);
        Assert.StartsWith("no train-images-idx3-ubyte[.gz] in this folder", e.Problem);
    }

    [Fact]
    public void A_folder_with_images_but_no_labels()
    {
        _temp.Write("train-images-idx3-ubyte", Images(3, 2, 2, ThreePixels));
        _temp.Write("t10k-images-idx3-ubyte", Images(3, 2, 2, ThreePixels));
        var e = Fails(() => IdxLoader.LoadFolder(_temp.Path), _temp.File("train-labels-idx1-ubyte"));
        Assert.StartsWith("labels file not found", e.Problem);
    }

    [Fact]
    public void Missing_folder_and_a_file_given_as_a_folder()
    {
        string missing = _temp.File("nowhere");
        Assert.Equal("folder not found", Fails(() => IdxLoader.LoadFolder(missing), missing).Problem);
        string file = _temp.Write("train-images-idx3-ubyte", Images(3, 2, 2, ThreePixels));
        Assert.Equal("this is a file; expected a folder of IDX files", Fails(() => IdxLoader.LoadFolder(file), file).Problem);
    }
}
