using System.Text;
using Backprop.Data;

namespace Backprop.Tests;

/// <summary>
/// Data files are untrusted input: small valid CSV and IDX files, mutated at random (bits flipped, byte ranges
/// replaced, deleted, inserted or duplicated, files cut short; in CSV also separators, quotes, line breaks, huge
/// numbers and emptied fields), either load or fail with a <see cref="DataException"/> whose one-line message starts
/// with the file's path. Any other exception is a bug; the failure names the seed and the mutations, to replay.
/// Seeded, so every run tries the same cases; BACKPROP_FUZZ_CASES=N runs N cases of each kind instead and
/// BACKPROP_FUZZ_SEED=S starts from seed S (long runs: tests/fuzz-cli.sh); a failure names the seed that replays it.
/// </summary>
public sealed class DataFuzzTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static int Cases(int usual) =>
        int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_FUZZ_CASES"), out int n) && n > 0 ? n : usual;

    private static int FirstSeed(int usual) =>
        int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_FUZZ_SEED"), out int s) ? s : usual;

    // ---- CSV ----

    private static readonly (string Name, string Text, CsvOptions Options)[] CsvSeeds =
    [
        ("numeric.csv", "x1,x2,y\n1,2,3\n-2.5,1e-3, 4 \n  +0.5 ,7E2,-1e1\n0,0,0\n", new CsvOptions { TargetColumns = ["y"] }),
        ("two-targets.csv", "a,t1,b,t2\r\n1,10,2,20\r\n3,30,4,40\r\n", new CsvOptions { TargetColumns = ["t2", "t1"] }),
        ("classes.csv", "sepal,petal,species\n5.1,1.4,setosa\n4.9,1.5,versicolor\n6.3,6.0,virginica\n5.0,1.3,setosa\n",
            new CsvOptions { TargetColumns = ["species"] }),
        ("given-classes.csv", "a,b,label\n0,1,0\n1,0,1\n1,1,2\n0,0,0\n",
            new CsvOptions { TargetColumns = ["label"], Classes = ["0", "1", "2"] }),
        ("quoted.csv", "\"a, b\",\"c \"\"q\"\"\",label\n\"1\",\" 2 \",\"yes\"\n3,4,no\n  \"5\"  ,6,\"n\no\"\n",
            new CsvOptions { TargetColumns = ["label"] }),
        ("predict.csv", "y,b,a\n1,2,3\n4,5,6\n", new CsvOptions { ExpectFeatures = ["a", "b"] }),
        // Issue 13: other delimiters, text columns, missing cells under each policy, a schema with categories and fills.
        ("semicolons.csv", "x1;colour;x2;y\n1.5;red;2;a\n;blue;NA;b\n3;\"gr;een\";-1;a\n", new CsvOptions { TargetColumns = ["y"], Missing = "mean" }),
        ("tabs.csv", "x1\tcolour\ty\n1\tred\t0\n2\t\t1\nnan\tblue\t0\n", new CsvOptions { TargetColumns = ["y"], Missing = "median" }),
        ("bars.csv", "x1|colour|y\n1|red|0\n|blue|1\n3|red|\n", new CsvOptions { TargetColumns = ["y"], Missing = "drop" }),
        ("schema.csv", "x1,colour,x2\n1,red,2\n,blue,\n3,green,NA\n", new CsvOptions
        {
            Schema = new InputSchema([new InputColumn("x1", Fill: 0.5), new InputColumn("colour", ["blue", "red"]), new InputColumn("x2", Fill: -1)], "mean"),
            Unknown = "ignore",
        }),
    ];

    private static readonly string[] Interesting =
    [
        ",", "\"", "\n", "\r\n", "\r", "\"\"", ",,", " ", "1e308", "-1e308", "1e39", "1e400", "-1e-400", "NaN", "Infinity",
        "99999999999999999999999999", "0x1F", "1,5", "\0", "\x01", "\x1b[31m", "\uFEFF", "\u202E", "é", "\uD800",
        ";", "\t", "|", "NA", "null", "N/A", "red", "2,5",
    ];

    [Fact]
    public void Mutated_csv_files_load_or_fail_with_a_data_error_naming_the_file()
    {
        int cases = Cases(2000), first = FirstSeed(0);
        for (int seed = first; seed < first + cases; seed++)
        {
            var random = new Random(seed);
            var (name, text, options) = CsvSeeds[random.Next(CsvSeeds.Length)];
            var log = new List<string> { $"seed {seed} (BACKPROP_FUZZ_SEED={seed} BACKPROP_FUZZ_CASES=1): {name}" };
            var bytes = new List<byte>(Encoding.UTF8.GetBytes(text));
            int mutations = 1 + random.Next(4);
            for (int m = 0; m < mutations; m++) MutateCsv(random, bytes, log);
            string path = _temp.Write($"{seed}-{name}", bytes.ToArray());
            Check(path, [path], log, () =>
            {
                var data = CsvLoader.Load(path, options);
                FitAll(data);
            });
            File.Delete(path);
        }
    }

    private static void MutateCsv(Random random, List<byte> bytes, List<string> log)
    {
        int at = random.Next(bytes.Count + 1);
        switch (random.Next(4))
        {
            case 0: // something CSV cares about
                string insert = Interesting[random.Next(Interesting.Length)];
                bytes.InsertRange(at, Encoding.UTF8.GetBytes(insert));
                log.Add($"insert {Show(insert)} at {at}");
                break;
            case 1: // empty a field: delete what is between two separators
                int start = bytes.IndexOf((byte)',', Math.Min(at, bytes.Count));
                if (start < 0) goto default;
                int end = start + 1;
                while (end < bytes.Count && bytes[end] is not ((byte)',' or (byte)'\n' or (byte)'\r')) end++;
                bytes.RemoveRange(start + 1, end - start - 1);
                log.Add($"empty the field after the comma at {start}");
                break;
            case 2: // a number in place of a field's text
                string number = Interesting[8 + random.Next(9)];
                int from = Math.Min(at, bytes.Count), to = from;
                while (to < bytes.Count && bytes[to] is not ((byte)',' or (byte)'\n')) to++;
                bytes.RemoveRange(from, to - from);
                bytes.InsertRange(from, Encoding.ASCII.GetBytes(number));
                log.Add($"replace bytes {from}..{to} with {number}");
                break;
            default:
                MutateBytes(random, bytes, log);
                break;
        }
    }

    // ---- IDX ----

    [Fact]
    public void Mutated_idx_files_load_or_fail_with_a_data_error_naming_a_file_of_the_pair()
    {
        int cases = Cases(1500), first = FirstSeed(1_000_000);
        for (int seed = first; seed < first + cases; seed++)
        {
            var random = new Random(seed);
            int count = 1 + random.Next(5), rows = 1 + random.Next(4), columns = 1 + random.Next(4);
            var images = new List<byte>(IdxFixture.BigEndian(0x803, count, rows, columns));
            for (int i = 0; i < count * rows * columns; i++) images.Add((byte)random.Next(256));
            var labels = new List<byte>(IdxFixture.BigEndian(0x801, count));
            for (int i = 0; i < count; i++) labels.Add((byte)random.Next(12));
            bool gzipImages = random.Next(2) == 0, gzipLabels = random.Next(2) == 0;
            var log = new List<string> { $"seed {seed} (BACKPROP_FUZZ_SEED={seed} BACKPROP_FUZZ_CASES=1): {count} images of {rows}x{columns}, images {(gzipImages ? "gzipped" : "plain")}, labels {(gzipLabels ? "gzipped" : "plain")}" };

            // Mutate the images, the labels or both; before compressing (the content) or after (the gzip stream).
            int which = random.Next(3);
            byte[] imageFile = Build(random, images, gzipImages, which != 1, "images", log);
            byte[] labelFile = Build(random, labels, gzipLabels, which != 0, "labels", log);
            string folder = _temp.File(seed.ToString());
            Directory.CreateDirectory(folder);
            string imagesPath = Path.Combine(folder, "train-images-idx3-ubyte" + (gzipImages ? ".gz" : ""));
            string labelsPath = Path.Combine(folder, "train-labels-idx1-ubyte" + (gzipLabels ? ".gz" : ""));
            File.WriteAllBytes(imagesPath, imageFile);
            File.WriteAllBytes(labelsPath, labelFile);
            Check(imagesPath, [imagesPath, labelsPath], log, () =>
            {
                var data = IdxLoader.LoadPair(imagesPath);
                Assert.Equal(data.Count, data.Labels()!.Length);
                FitAll(data);
            });
            Directory.Delete(folder, recursive: true);
        }
    }

    private static byte[] Build(Random random, List<byte> content, bool gzip, bool mutate, string what, List<string> log)
    {
        if (!mutate) return gzip ? IdxFixture.Gzip(content.ToArray()) : content.ToArray();
        int mutations = 1 + random.Next(3);
        bool afterGzip = gzip && random.Next(3) == 0;
        var bytes = afterGzip ? new List<byte>(IdxFixture.Gzip(content.ToArray())) : content;
        var steps = new List<string>();
        for (int m = 0; m < mutations; m++)
        {
            if (!afterGzip && random.Next(3) == 0) MutateHeader(random, bytes, steps);
            else MutateBytes(random, bytes, steps);
        }
        log.Add($"{what}{(afterGzip ? " (the gzip stream)" : "")}: {string.Join("; ", steps)}");
        return gzip && !afterGzip ? IdxFixture.Gzip(bytes.ToArray()) : bytes.ToArray();
    }

    // A dimension (or the magic number) set to a value that tests a bound.
    private static void MutateHeader(Random random, List<byte> bytes, List<string> log)
    {
        int[] values = [0, 1, 2, 255, 256, 10000, 65535, 0x01000000, int.MaxValue, -1, int.MinValue, 0x803, 0x801, random.Next()];
        int field = random.Next(Math.Max(1, Math.Min(4, bytes.Count / 4)));
        int value = values[random.Next(values.Length)];
        byte[] big = IdxFixture.BigEndian(value);
        for (int i = 0; i < 4 && 4 * field + i < bytes.Count; i++) bytes[4 * field + i] = big[i];
        log.Add($"header word {field} = 0x{value:X8}");
    }

    // ---- shared ----

    private static void MutateBytes(Random random, List<byte> bytes, List<string> log)
    {
        int Position() => random.Next(bytes.Count + 1);
        int Length() => random.Next(4) == 0 ? random.Next(64) : 1 + random.Next(4);
        switch (random.Next(6))
        {
            case 0 when bytes.Count > 0:
                int bit = random.Next(bytes.Count * 8);
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                log.Add($"flip bit {bit}");
                break;
            case 1 when bytes.Count > 0:
                int at = random.Next(bytes.Count), n = Math.Min(Length(), bytes.Count - at);
                for (int i = 0; i < n; i++) bytes[at + i] = (byte)random.Next(256);
                log.Add($"replace {n} bytes at {at}");
                break;
            case 2 when bytes.Count > 0:
                int from = random.Next(bytes.Count), count = Math.Min(Length(), bytes.Count - from);
                bytes.RemoveRange(from, count);
                log.Add($"delete {count} bytes at {from}");
                break;
            case 3:
                int where = Position(), length = Length();
                bytes.InsertRange(where, Enumerable.Range(0, length).Select(_ => (byte)random.Next(256)).ToArray());
                log.Add($"insert {length} random bytes at {where}");
                break;
            case 4 when bytes.Count > 0:
                int start = random.Next(bytes.Count), span = Math.Min(Length(), bytes.Count - start), to = Position();
                bytes.InsertRange(to, bytes.GetRange(start, span));
                log.Add($"copy {span} bytes from {start} to {to}");
                break;
            default:
                int keep = Position();
                bytes.RemoveRange(keep, bytes.Count - keep);
                log.Add($"truncate to {keep} bytes");
                break;
        }
    }

    // A loaded dataset also goes through normalization, fitted as training fits it (huge numbers are refused there).
    private static void FitAll(Dataset data)
    {
        // Missing cells under mean/median are NaN until the fills are learned, as a Learner does first.
        if (data.Schema is { NeedsFit: true }) data = MissingValues.Fill(data, MissingValues.Fit(data));
        Assert.DoesNotContain(data.Features.Span.ToArray(), double.IsNaN);
        foreach (var kind in Enum.GetValues<NormalizationKind>())
        {
            var f32 = Normalization.Fit<float>(kind, data);
            var f64 = Normalization.Fit<double>(kind, data);
            Assert.All(f32.Scale.Concat(f64.Scale), s => Assert.True(double.IsFinite(s) && s != 0));
            Assert.All(data.RowsAs<float>(f32) is Matrix<float> m ? m.Span.ToArray() : [], v => Assert.True(float.IsFinite(v)));
        }
    }

    /// <summary>Runs <paramref name="load"/>: it succeeds, or fails with a one-line DataException starting with one of <paramref name="paths"/>.</summary>
    private static void Check(string file, string[] paths, List<string> log, Action load)
    {
        try
        {
            load();
        }
        catch (DataException e)
        {
            string? bad = !paths.Any(p => e.Message.StartsWith(p + ":", StringComparison.Ordinal)) ? "does not start with the file's path"
                : e.Message.Any(c => c < ' ' || c == '\x7F') ? "holds a control character"
                : e.Message.Length > paths.Max(p => p.Length) + 400 ? $"is {e.Message.Length} characters long"
                : null;
            if (bad is not null) Assert.Fail($"The message {bad}: {Show(e.Message)}\n{string.Join("\n", log)}");
        }
        catch (Exception e)
        {
            Assert.Fail($"{file}: {e.GetType().Name}: {e.Message}\n{string.Join("\n", log)}\n{e.StackTrace}");
        }
    }

    private static string Show(string text) =>
        string.Concat(text.Select(c => c < ' ' || c == '\x7F' ? $"\\x{(int)c:X2}" : c.ToString()));
}
