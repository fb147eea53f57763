using System.IO.Compression;
using System.Text;
using Backprop.Data;

namespace Backprop.Tests;

/// <summary>
/// Issue 11: data files are untrusted input. Each test is a reproducer that used to read gigabytes, print megabytes,
/// print control bytes or fail late with a stack trace or a baffling message; each now fails early, in one short line.
/// </summary>
public sealed class UntrustedDataTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CsvOptions Target(string column) => new() { TargetColumns = [column] };

    /// <summary>The command line's answer to a user mistake: exit code 2 and one short line on stderr, no stack trace.</summary>
    private static string OneLineError((int Code, string Out, string Err) run)
    {
        Assert.True(run.Code == 2, $"exit code {run.Code}: {run.Err}");
        Assert.Single(run.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("backprop: ", run.Err);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.True(run.Err.Length < 400, $"{run.Err.Length} characters on stderr");
        return run.Err.TrimEnd('\n');
    }

    private static DataException Fails(Action load, string file)
    {
        var e = Assert.Throws<DataException>(load);
        Assert.Equal(file, e.File);
        Assert.StartsWith(file + ":", e.Message);
        return e;
    }

    private static long Allocated(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    // ---- 1. /dev/zero and files without line breaks ----

    [Fact]
    public void A_binary_file_fails_at_once_and_a_file_without_line_breaks_after_at_most_a_limit()
    {
        // /dev/zero never ends: reading it whole (as before, 4.2 GB before failing) would never finish.
        string zeros = File.Exists("/dev/zero") ? "/dev/zero" : _temp.Write("zeros.csv", new byte[4 << 20]);
        var binary = Fails(() => CsvLoader.Load(zeros, Target("y")), zeros);
        Assert.Equal("the file looks binary, not CSV text: it holds NUL bytes; expected a header row naming the columns", binary.Problem);
        Assert.Null(binary.Line);
        Assert.Contains("looks binary", OneLineError(CliTests.Run("train", zeros, "--target", "y")));

        string gzipped = _temp.Write("data.csv.gz", IdxFixture.Gzip(Encoding.UTF8.GetBytes("a,y\n1,2\n3,4\n")));
        Assert.Equal("the file is gzip-compressed, not CSV text; decompress it first",
            Fails(() => CsvLoader.Load(gzipped, Target("y")), gzipped).Problem);

        // 3 MiB without a comma or a line break: the header's first field passes the 1 MiB limit.
        string noBreaks = _temp.Write("one-line.csv", new string('a', 3 << 20));
        var field = Fails(() => CsvLoader.Load(noBreaks, Target("y")), noBreaks);
        Assert.Equal("field 1 is longer than the limit of 1 MiB (1048576 characters); is this a CSV file?", field.Problem);
        Assert.Equal((1, 1), (field.Line, field.Column));
        Assert.Contains("field 1 is longer than the limit of 1 MiB", OneLineError(CliTests.Run("train", noBreaks, "--target", "y")));

        // Quotes that never close hold the rest of the file: the same limit, and a hint.
        string open = _temp.Write("open-quote.csv", "a,y\n1,2\n3,\"" + new string('x', 2 << 20));
        var quoted = Fails(() => CsvLoader.Load(open, Target("y")), open);
        Assert.Equal("field 2 is longer than the limit of 1 MiB (1048576 characters); are the quotes that open it ever closed?", quoted.Problem);
        Assert.Equal((3, 2), (quoted.Line, quoted.Column));

        // A line of short fields: 65 fields of 1 MiB less one character pass the 64 MiB line limit, not the field limit.
        string wide = _temp.File("wide-line.csv");
        using (var writer = new StreamWriter(wide))
        {
            var cell = new string('b', (1 << 20) - 3);
            for (int i = 0; i < 65; i++) { writer.Write(cell); writer.Write(i.ToString("00")); writer.Write(','); }
            writer.Write("y\n1\n");
        }
        var line = Fails(() => CsvLoader.Load(wide, Target("y")), wide);
        Assert.Equal("the line is longer than the limit of 64 MiB (67108864 characters); is this a CSV file?", line.Problem);
        Assert.Equal(1, line.Line);

        // A line of nothing but commas: the count of fields has a limit too.
        string commas = _temp.Write("commas.csv", new string(',', (1 << 24) + 10));
        Assert.Equal("the line has more than 16777216 fields, the most a record may have; is this a CSV file?",
            Fails(() => CsvLoader.Load(commas, Target("y")), commas).Problem);
    }

    // ---- 2. a labels header that claims 2^31-1 labels ----

    [Fact]
    public void A_labels_file_that_claims_more_labels_than_its_images_fails_before_allocating_them()
    {
        foreach (bool gzip in new[] { false, true })
        {
            string folder = _temp.File(gzip ? "gz" : "plain");
            Directory.CreateDirectory(folder);
            string images = Path.Combine(folder, "train-images-idx3-ubyte");
            File.WriteAllBytes(images, [.. IdxFixture.BigEndian(0x803, 3, 2, 2), .. new byte[12]]);
            string labels = Path.Combine(folder, "train-labels-idx1-ubyte");
            byte[] claim = [.. IdxFixture.BigEndian(0x801, int.MaxValue), 1, 2, 3];
            File.WriteAllBytes(labels, gzip ? IdxFixture.Gzip(claim) : claim);
            DataException? e = null;
            long allocated = Allocated(() => e = Fails(() => IdxLoader.LoadPair(images), labels));
            Assert.Equal("2147483647 labels, but train-images-idx3-ubyte has 3 images; the counts must match", e!.Problem);
            Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated"); // before: OutOfMemoryException from new byte[2^31-1]
        }

        // Images that claim more than the file holds: found from the file's length, before the claim is allocated;
        // gzipped, by reading what is there into an array that grows, not one of the claimed size.
        string claimed = _temp.Write("claims-images-idx3-ubyte", [.. IdxFixture.BigEndian(0x803, 1, 10000, 1000), 1, 2, 3, 4]);
        _temp.Write("claims-labels-idx1-ubyte", [.. IdxFixture.BigEndian(0x801, 1), 1]);
        DataException? plain = null;
        long plainAllocated = Allocated(() => plain = Fails(() => IdxLoader.LoadPair(claimed), claimed));
        Assert.Equal("truncated: the header promises 1 image of 10000x1000 pixels (10000000 bytes after the 16-byte header) but only 4 bytes follow", plain!.Problem);
        Assert.True(plainAllocated < 1 << 20, $"{plainAllocated} bytes allocated");

        string claimedGz = _temp.Write("claimsgz-images-idx3-ubyte.gz", IdxFixture.Gzip([.. IdxFixture.BigEndian(0x803, 1, 10000, 1000), 1, 2, 3, 4]));
        _temp.Write("claimsgz-labels-idx1-ubyte", [.. IdxFixture.BigEndian(0x801, 1), 1]);
        DataException? gz = null;
        long gzAllocated = Allocated(() => gz = Fails(() => IdxLoader.LoadPair(claimedGz), claimedGz));
        Assert.Equal("truncated: the header promises 1 image of 10000x1000 pixels (10000000 bytes after the 16-byte header, once decompressed,) but only 4 bytes follow", gz!.Problem);
        Assert.True(gzAllocated < 3 << 20, $"{gzAllocated} bytes allocated");
    }

    // ---- 3. a 97 KB gzipped image of 10000x10000 pixels ----

    /// <summary>One gzipped image of 10000x10000 zero pixels (97 KB) with its label, written without a 100 MB array.</summary>
    private string HugeImage()
    {
        string images = _temp.File("huge-images-idx3-ubyte.gz");
        using (var gzip = new GZipStream(File.Create(images), CompressionLevel.Fastest))
        {
            gzip.Write(IdxFixture.BigEndian(0x803, 1, 10000, 10000));
            var zeros = new byte[1 << 20];
            for (long left = 100_000_000; left > 0; left -= zeros.Length) gzip.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
        }
        _temp.Write("huge-labels-idx1-ubyte", [.. IdxFixture.BigEndian(0x801, 1), 3]);
        Assert.True(new FileInfo(images).Length < 1 << 20);
        return images;
    }

    [Fact]
    public void A_dataset_larger_than_the_memory_fails_from_its_header_with_the_figures()
    {
        string images = HugeImage();
        using (MemoryBudget.Limit(64 << 20))
        {
            DataException? e = null;
            long allocated = Allocated(() => e = Fails(() => IdxLoader.LoadPair(images), images));
            Assert.Equal("needs 95.4 MiB for 1 image of 10000x10000 pixels; this machine has 64.0 MiB available", e!.Problem);
            Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated before failing");
            string err = OneLineError(CliTests.Run("train", images));
            Assert.Equal($"backprop: {images}: needs 95.4 MiB for 1 image of 10000x10000 pixels; this machine has 64.0 MiB available", err);
        }

        // With the memory to hold it, it loads: 100 MB of pixels, and no longer a hundred million names
        // (pixel0 ... pixel99999999, about 7 GB before) with them.
        Dataset? data = null;
        long loaded = Allocated(() => data = IdxLoader.LoadPair(images));
        Assert.Equal(100_000_000, data!.FeatureNames.Count);
        Assert.Equal("pixel99999999", data.FeatureNames[99_999_999]);
        Assert.True(loaded < 300_000_000, $"{loaded} bytes allocated");

        // CSV: the file's lines are counted before any row is read, and the file fails at its header when its rows
        // cannot fit: 2000 rows of 2 features (4 bytes each: whole numbers are held in float32) and 1 target (8 bytes, and a
        // 4-byte label code) = 39.1 KiB.
        string csv = _temp.Write("rows.csv", "a,b,y\n" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"{i},{i % 7},{i % 3}\n")));
        using (MemoryBudget.Limit(32 << 10))
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var rows = Fails(() => CsvLoader.Load(csv, Target("y")), csv);
            Assert.Equal("needs 39.1 KiB for the 2000 rows of the file (2 features and 1 target each); this machine has 32.0 KiB available", rows.Problem);
            Assert.Equal(1, rows.Line);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 2 << 20, "allocated the rows before failing");
            Assert.Contains("needs 39.1 KiB", OneLineError(CliTests.Run("train", csv, "--target", "y")));
        }
        // One-hot targets: 400 rows of 400 different labels are 1.2 MiB of targets.
        string labels = _temp.Write("labels.csv", "a,y\n" + string.Concat(Enumerable.Range(0, 400).Select(i => $"{i},label{i}\n")));
        using (MemoryBudget.Limit(1 << 20))
            Assert.Equal("needs 1.2 MiB for the one-hot targets of 400 rows and 400 classes (column 'y'); this machine has 1.0 MiB available",
                Fails(() => CsvLoader.Load(labels, Target("y")), labels).Problem);
        Assert.Equal(400, CsvLoader.Load(labels, Target("y")).ClassNames!.Count);
    }

    // ---- 4. short messages, no control bytes ----

    [Fact]
    public void Messages_show_a_few_names_and_escape_what_does_not_print()
    {
        // Two million columns: the message lists five of them, not 23 MB.
        string wide = _temp.File("wide.csv");
        using (var writer = new StreamWriter(wide))
        {
            for (int i = 0; i < 2_000_000; i++) { writer.Write(i == 0 ? "c0" : ",c"); if (i > 0) writer.Write(i); }
            writer.Write("\n1");
            for (int i = 1; i < 2_000_000; i++) writer.Write(",1");
            writer.Write("\n");
        }
        Assert.Equal($"backprop: {wide}:1: no column named 'y'; the columns are: c0, c1, c2, c3, c4 and 1999995 more",
            OneLineError(CliTests.Run("train", wide, "--target", "y")));

        // A model's long feature list is cut the same way.
        string few = _temp.Write("few.csv", "f0,f1,y\n1,2,3\n");
        var expected = Enumerable.Range(0, 100).Select(i => $"f{i}").ToArray();
        Assert.Equal("missing feature column 'f2'; the model's features are: f0, f1, f2, f3, f4 and 95 more",
            Fails(() => CsvLoader.Load(few, Target("y") with { ExpectFeatures = expected }), few).Problem);

        // Names and cells from a binary-looking file: control bytes escaped, long names cut.
        string controls = _temp.Write("controls.csv", "a\u0001b,\u001b[31mred,y\n1,2,3\n");
        var missing = Fails(() => CsvLoader.Load(controls, Target("z")), controls);
        Assert.Equal("no column named 'z'; the columns are: a\\x01b, \\x1B[31mred, y", missing.Problem);
        Assert.Equal($"backprop: {controls}:1: no column named 'z'; the columns are: a\\x01b, \\x1B[31mred, y",
            OneLineError(CliTests.Run("train", controls, "--target", "z")));

        string name = "d\u007f" + new string('n', 1000);
        string duplicate = _temp.Write("duplicate.csv", $"{name},{name},y\n1,2,3\n");
        Assert.Equal($"duplicate column name 'd\\x7F{new string('n', 38)}...' (also column 1)",
            Fails(() => CsvLoader.Load(duplicate, Target("y")), duplicate).Problem);

        string cells = _temp.Write("cells.csv", "a,b,y\n0,1,2\n1\u0002,2,3\n");
        Assert.Equal("'1\\x02' in column 'a' is not a number", Fails(() => CsvLoader.Load(cells, Target("y")), cells).Problem);
        string afterQuote = _temp.Write("after-quote.csv", "a,b,y\n\"1\"\u0003,2,3\n");
        Assert.Equal("'\\x03' after the closing quote of field 1; expected a comma or the end of the line",
            Fails(() => CsvLoader.Load(afterQuote, Target("y")), afterQuote).Problem);
        string rtl = _temp.Write("rtl.csv", "a,b,y\n0,1,x\n1,2\u202E3,x\n4,5,y\n");
        Assert.Equal("'2\\u202E3' in column 'b' is not a number", Fails(() => CsvLoader.Load(rtl, Target("y")), rtl).Problem);
    }

    // ---- 5. values too large for the scaling or for float32 ----

    [Fact]
    public void Values_that_overflow_the_scaling_or_float32_are_refused_when_the_normalization_is_fitted()
    {
        // float64, standard: 1e308 overflows the variance; before, this trained and failed at save ("normalization scale 0 is Infinity").
        string huge = _temp.Write("huge.csv", "x1,x3,y\n1,1,0\n2,1e308,1\n3,2,0\n4,3,1\n");
        var data = CsvLoader.Load(huge, Target("y"));
        Assert.Equal("column 'x3': values up to 1E+308 overflow the standard scaling; rescale the column",
            Fails(() => Normalization.Fit<double>(NormalizationKind.Standard, data), huge).Problem);
        Assert.Equal($"backprop: {huge}: column 'x3': values up to 1E+308 overflow the standard scaling; rescale the column",
            OneLineError(CliTests.Run("train", huge, "--target", "y", "--precision", "f64", "--epochs", "1")));
        string wide = _temp.Write("range.csv", "x,y\n-1.5e308,0\n1e308,1\n");
        Assert.Equal("column 'x': values down to -1.5E+308 overflow the minmax scaling; rescale the column",
            Fails(() => Normalization.Fit<double>(NormalizationKind.Minmax, CsvLoader.Load(wide, Target("y"))), wide).Problem);
        Assert.Equal([0.0, 0.0], Normalization.Fit<double>(NormalizationKind.None, data).Offset); // unscaled, 1e308 is a float64

        // float32: 1e39 is infinite in float32, but fitted and scaled in float64 it becomes an ordinary input;
        // before, it became infinity first and training reported divergence.
        string big = _temp.Write("big.csv", "x1,x3,y\n1,1,0\n2,1e39,1\n3,2,0\n4,3,1\n");
        var f32 = CsvLoader.Load(big, Target("y"));
        var fitted = Normalization.Fit<float>(NormalizationKind.Standard, f32);
        var rows = Assert.IsType<Matrix<float>>(f32.RowsAs<float>(fitted));
        Assert.All(rows.Span.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.Equal((float)((1e39 - fitted.Offset[1]) / fitted.Scale[1]), rows[1, 1]);
        string model = _temp.File("big.model");
        var (code, _, err) = CliTests.Run("train", big, "--target", "y", "--epochs", "2", "--save", model, "--quiet");
        Assert.True(code == 0, err);
        Assert.Equal(0, CliTests.Run("evaluate", model, big).Code);
        // Unscaled, it cannot become float32.
        Assert.Equal("column 'x3': values up to 1E+39 overflow float32; rescale the column, or train in float64",
            Fails(() => Normalization.Fit<float>(NormalizationKind.None, f32), big).Problem);
        Assert.Contains("column 'x3': values up to 1E+39 overflow float32",
            OneLineError(CliTests.Run("train", big, "--target", "y", "--normalize", "none", "--epochs", "1")));

        // Fitted in float64, from the file's values: the mean of 0.1, 0.2 and 0.4 as doubles, not as floats.
        string tenths = _temp.Write("tenths.csv", "x,y\n0.1,0\n0.2,1\n0.4,0\n");
        var learner = new Learner<float>(new Recipe { Epochs = 1 }.Resolve(CsvLoader.Load(tenths, Target("y"))).Recipe, CsvLoader.Load(tenths, Target("y")));
        Assert.Equal((0.1 + 0.2 + 0.4) / 3, learner.Normalization.Offset[0]);
        Assert.NotEqual(((double)0.1f + (double)0.2f + (double)0.4f) / 3, learner.Normalization.Offset[0]);
    }
}
