using System.Diagnostics;
using System.Globalization;
using System.Text;
using Backprop.Data;
using Backprop.Tensors;

namespace Backprop.Tests;

/// <summary>
/// CSV tables held once (float32 when every value is exact in it, else float64) and scaled as rows are read, and the
/// cache file of rows that trains a table larger than memory (issue 28, items 1 and 2).
/// </summary>
public sealed class TableMemoryTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CsvOptions Target(string name) => new() { TargetColumns = [name] };

    private static string Num(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    // A CSV of rows x columns values made by value(r, c), and a target column y; returns the path and the values as written.
    private (string Path, double[,] Values) Table(string name, int rows, int columns, Func<int, int, double> value, Func<int, string>? target = null)
    {
        var values = new double[rows, columns];
        var text = new StringBuilder(string.Join(",", Enumerable.Range(0, columns).Select(c => $"c{c}")) + ",y\n");
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                values[r, c] = value(r, c);
                text.Append(Num(values[r, c])).Append(',');
            }
            text.Append(target?.Invoke(r) ?? Num(r % 3)).Append('\n');
        }
        return (_temp.Write(name, text.ToString()), values);
    }

    // (x - offset) / scale in float64, rounded once to float32: today's whole-matrix scaling, worked out here from the values written.
    private static float[] Expected(double[,] x, Normalization n, int[] rows)
    {
        int columns = x.GetLength(1);
        var expected = new float[rows.Length * columns];
        for (int i = 0; i < rows.Length; i++)
            for (int c = 0; c < columns; c++) expected[i * columns + c] = (float)((x[rows[i], c] - n.Offset[c]) / n.Scale[c]);
        return expected;
    }

    private static float[] Read(IRowSource<float> rows)
    {
        var all = new float[rows.Rows * rows.Columns];
        for (int r = 0; r < rows.Rows; r++) rows.CopyRow(r, all.AsSpan(r * rows.Columns, rows.Columns));
        return all;
    }

    [Theory]
    [InlineData("whole", "Single")]          // pixels and counts: float32 holds them exactly
    [InlineData("decimal", "Decimal")]       // 5.1 is not a float32, but a short decimal: codes from the first row
    [InlineData("late decimal", "Decimal")]  // whole numbers, then a decimal on the last row: the float32 values so far become codes in place
    [InlineData("long decimal", "Double")]   // 0.1234567891 has more digits than a code holds: float64 from the first row
    [InlineData("late", "Double")]           // large whole numbers (no code: above 2^27), then a decimal on the last row: the rows so far widened
    [InlineData("late long", "Double")]      // short decimals, then a long one on the last row: the codes so far decoded
    [InlineData("missing", "Decimal")]       // short decimals and empty cells (NaN has a code)
    public void Rows_scaled_as_they_are_read_are_the_whole_matrix_scaling_of_the_parsed_values(string kind, string stored)
    {
        const int rows = 300, columns = 41;   // 41: the vector kernels' four at a time, and a tail
        var storage = Enum.Parse<TableStorage>(stored);
        var rng = new Random(7);
        var (path, x) = Table($"{kind}.csv", rows, columns, (r, c) => kind switch
        {
            "whole" => rng.Next(0, 256),
            "decimal" => Math.Round(rng.NextDouble() * 20 - 10, 3),
            "late decimal" => r == rows - 1 && c == 5 ? 0.1 : rng.Next(-1000, 1000),
            "long decimal" => Math.Round(rng.NextDouble(), 10),
            "late long" => r == rows - 1 && c == 5 ? 0.1234567891 : Math.Round(rng.NextDouble() * 2000 - 1000, 4),
            "missing" => (r + c) % 7 == 3 ? double.NaN : Math.Round(rng.NextDouble() * 100, 2),
            _ => r == rows - 1 && c == 5 ? 0.1 : rng.Next(-1000, 1000) * 1e6,
        });
        var data = CsvLoader.Load(path, kind == "missing" ? Target("y") with { Missing = "mean" } : Target("y"));
        Assert.Equal(storage, data.Table!.Table.Storage);
        Assert.Equal(storage == TableStorage.Double ? 8L : 4L, data.Table.Table.Bytes / (rows * columns));
        if (kind == "missing")
        {
            // Empty cells read back as NaN, every other value as parsed (the scaling of filled rows: the test below).
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++) Assert.Equal(x[r, c], data.Features[r, c]);
            return;
        }
        // The split is a view of the same rows: no copy, and its rows are the chosen ones.
        var (train, _) = data.Split(0.25, SplitKind.Shuffled, 3);
        Assert.Same(data.Table.Table, train.Table!.Table);
        int[] picked = train.Table.Index!;
        foreach (var kindOf in new[] { NormalizationKind.Standard, NormalizationKind.Minmax, NormalizationKind.None })
        {
            var n = Normalization.Fit<float>(kindOf, train);
            float[] expected = Expected(x, n, picked);
            // Both storage paths: scaled once into a matrix (small tables), and scaled as each row is read.
            using (Dataset.ScaleOnceLimit(long.MaxValue))
            {
                var once = train.RowsAs<float>(n);
                Assert.IsType<Matrix<float>>(once);
                Assert.Equal(expected, Read(once));
            }
            using (Dataset.ScaleOnceLimit(0))
            {
                var streamed = train.RowsAs<float>(n);
                Assert.IsType<ScaledRows<float>>(streamed);
                Assert.Equal(expected, Read(streamed));
            }
        }
        // Features (made on demand) hold the parsed values.
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) Assert.Equal(x[r, c], data.Features[r, c]);
    }

    [Theory]
    [InlineData("Single")]
    [InlineData("Double")]
    [InlineData("Decimal")]
    public void A_text_code_its_column_does_not_have_is_found_before_a_row_is_read(string stored)
    {
        // Rows of (number, text code of 3 categories): a cache's rows are checked so, whatever its checksum says.
        double[] values = [1.5, 0, 2, 2, 3, double.NaN, 4, 1];
        Array Pinned(double[] v) => stored switch
        {
            "Double" => GC.AllocateArray<double>(v.Length, pinned: true).Also(a => v.CopyTo(a, 0)),
            "Single" => GC.AllocateArray<float>(v.Length, pinned: true).Also(a => { for (int i = 0; i < v.Length; i++) a[i] = (float)v[i]; }),
            _ => GC.AllocateArray<int>(v.Length, pinned: true).Also(a => { for (int i = 0; i < v.Length; i++) Assert.True(DecimalCode.TryEncode(v[i], out a[i])); }),
        };
        int[]?[] places = [null, [0, 1, 2]];
        Assert.Null(new TableRows(Pinned(values), 4, 2, places).FirstBadCode());
        foreach (var (bad, at) in new[] { (3.0, 2), (-1.0, 1), (0.5, 3), (double.PositiveInfinity, 0) })
        {
            if (stored == "Decimal" && double.IsInfinity(bad)) continue;   // no decimal code holds it

            var v = (double[])values.Clone();
            v[at * 2 + 1] = bad;
            Assert.Equal(at, new TableRows(Pinned(v), 4, 2, places).FirstBadCode());
        }
    }

    [Fact]
    public void Text_columns_and_missing_cells_read_from_the_rows_held_once_as_from_a_matrix()
    {
        // One-hot text columns, filled means and medians: the rows read equal the rows of Features, filled as before (in place).
        string path = _temp.Write("mixed.csv", "a,colour,b,y\n1.5,red,,0\n2,blue,4,1\n,green,8,0\n3.25,red,16,1\n4,,2,0\n");
        foreach (string policy in new[] { "mean", "median" })
        {
            var data = CsvLoader.Load(path, Target("y") with { Missing = policy });
            var filled = MissingValues.Fill(data, MissingValues.Fit(data));
            var matrix = new Dataset(data.Features.Copy(), data.Targets, data.FeatureNames, data.TargetNames, data.ClassNames, data.Source) { Schema = data.Schema };
            var filledMatrix = MissingValues.Fill(matrix, filled.Schema!);   // a matrix is filled in place, as every table was before
            var expected = filledMatrix.Features;
            Assert.Equal(expected.Span.ToArray(), filled.Features.Span.ToArray());
            // The checkpoint's data hash is the one the float64 matrix gives: old checkpoints still resume.
            Assert.Equal(DataFingerprint.Of(filledMatrix), DataFingerprint.Of(filled));
            using (Dataset.ScaleOnceLimit(0))
            {
                var n = Normalization.Fit<double>(NormalizationKind.Standard, filled);
                var rows = filled.RowsAs<double>(n);
                var row = new double[rows.Columns];
                for (int r = 0; r < rows.Rows; r++)
                {
                    rows.CopyRow(r, row);
                    for (int c = 0; c < row.Length; c++) Assert.Equal((expected[r, c] - n.Offset[c]) / n.Scale[c], row[c]);
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Loading_a_table_of_whole_numbers_or_short_decimals_and_preparing_to_train_holds_it_once_in_four_bytes_a_value(bool decimals)
    {
        // 4000 rows of 300 whole numbers (or tenths, 25.1: decimal codes): 4.6 MiB in float32, 9.2 MiB in float64.
        // Before, loading made the float64 matrix and preparing a scaled float32 copy of it.
        const int rows = 4000, columns = 300;
        var (path, _) = Table("counts.csv", rows, columns, (r, c) => decimals ? (r * 31 + c * 17) % 2511 / 10.0 : (r * 31 + c * 17) % 251);
        long matrix32 = 4L * rows * columns;
        // A small table of the same kind first: what the first load in a process sets up once is not the table's (run
        // alone, first in its process, this test counted that setup too and went 3 KB past its bound).
        var (small, _) = Table("small.csv", 20, columns, (r, c) => decimals ? (r + c) % 2511 / 10.0 : (r + c) % 251);
        CsvLoader.Load(small, Target("y"));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var data = CsvLoader.Load(path, Target("y"));
        long loading = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(loading < 1.1 * matrix32 + (1 << 20), $"loading allocated {loading} bytes for a float32 matrix of {matrix32}");
        before = GC.GetAllocatedBytesForCurrentThread();
        var learner = new Learner<float>(new Recipe { Epochs = 1, Hidden = [4] }.Resolve(data).Recipe, data);
        long preparing = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(preparing < 1 << 20, $"preparing to train allocated {preparing} bytes");
        Assert.IsType<ScaledRows<float>>(learner.Rows);
        Assert.Equal(decimals ? TableStorage.Decimal : TableStorage.Single, data.Table!.Table.Storage);
    }

    // ---- the cache file ----

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "backprop.dll");

    private static (int Code, string Out, string Err) RunProgram(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(300_000), "the program did not finish");
        return (p.ExitCode, output, err.Result);
    }

    [Fact]
    public void A_table_larger_than_the_managed_heap_trains_from_its_cache_to_the_model_of_training_in_memory()
    {
        // 7000 rows of 784 pixels and a text label: 44 MB as a float64 matrix, 22 MB in float32; the heap is capped at 16 MiB.
        var rng = new Random(5);
        string[] labels = ["zero", "one", "two", "three", "four"];
        var (path, _) = Table("pixels.csv", 7000, 784, (_, _) => rng.Next(0, 256), r => labels[(r * 7) % 5]);
        string[] flags = ["--target", "y", "--layers", "4", "--epochs", "1", "--shuffle", "--validation", "0.1", "--quiet"];
        var (code, _, err) = CliTests.Run(["train", path, .. flags, "--save", _temp.File("memory.model")]);
        Assert.True(code == 0, err);
        var capped = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x1000000" };
        // The cap is real: without --cache, train finds that the table does not fit under it and makes DATA.cache itself.
        var (auto, autoOutput, autoErr) = RunProgram(capped, ["train", path, .. flags.Where(f => f != "--quiet"), "--save", _temp.File("auto.model")]);
        Assert.True(auto == 0, autoErr + autoOutput);
        Assert.Contains($"the table of {path} in f32 would not fit in the memory available: training from the cache {path}.cache", autoOutput);
        Assert.Equal(File.ReadAllBytes(_temp.File("memory.model")), File.ReadAllBytes(_temp.File("auto.model")));
        // Where that cache cannot be written, the one line says why a cache is wanted and the flag that helps, not blaming
        // a --cache the user never gave (a folder in the cache's place: root, as CI runs, writes anywhere else).
        string copy = _temp.File("copy.csv");
        File.Copy(path, copy);
        Directory.CreateDirectory(copy + ".cache");
        var (refused, _, refusedErr) = RunProgram(capped, ["train", copy, .. flags]);
        Assert.Equal((2, $"backprop: {copy} would not fit in the memory available, and its cache {copy}.cache cannot be written beside it ({copy}.cache is a folder; name a file to write); give --cache FILE in a folder that can be written\n"),
            (refused, refusedErr));
        var (cached, output, cachedErr) = RunProgram(capped, ["train", path, .. flags.Where(f => f != "--quiet"), "--save", _temp.File("cached.model"), "--cache", _temp.File("pixels.cache")]);
        Assert.True(cached == 0, cachedErr + output);
        Assert.Contains($"cache: wrote {_temp.File("pixels.cache")}: 7000 rows of 784 values in float32", output);
        Assert.Equal(File.ReadAllBytes(_temp.File("memory.model")), File.ReadAllBytes(_temp.File("cached.model")));
    }

    [Fact]
    public void Cross_validation_from_a_cache_or_under_a_heap_smaller_than_the_table_gives_the_folds_of_cross_validation_in_memory()
    {
        // 7000 rows of 784 pixels: 22 MB in float32, the heap capped at 16 MiB as above; cv deals the cached rows into folds.
        var rng = new Random(9);
        var (path, _) = Table("folds.csv", 7000, 784, (_, _) => rng.Next(0, 256), r => ((r * 7) % 3).ToString(CultureInfo.InvariantCulture));
        string[] flags = ["--target", "y", "--layers", "4", "--epochs", "1", "--folds", "3"];
        var (code, _, err) = CliTests.Run(["cv", path, .. flags, "--quiet", "--out", _temp.File("memory.csv")]);
        Assert.True(code == 0, err);
        var (cached, output, cachedErr) = RunProgram(new Dictionary<string, string>(), ["cv", path, .. flags, "--out", _temp.File("cached.csv"), "--cache", _temp.File("folds.cache")]);
        Assert.True(cached == 0, cachedErr + output);
        Assert.Contains($"cache: wrote {_temp.File("folds.cache")}: 7000 rows of 784 values in float32", output);
        Assert.Equal(File.ReadAllText(_temp.File("memory.csv")), File.ReadAllText(_temp.File("cached.csv")));
        var capped = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x1000000" };
        var (auto, autoOutput, autoErr) = RunProgram(capped, ["cv", path, .. flags, "--out", _temp.File("auto.csv")]);
        Assert.True(auto == 0, autoErr + autoOutput);
        Assert.Contains($"the table of {path} in f32 would not fit in the memory available: cross-validating from the cache {path}.cache", autoOutput);
        Assert.Equal(File.ReadAllText(_temp.File("memory.csv")), File.ReadAllText(_temp.File("auto.csv")));
        string help = CliTests.Run(["cv", "--help"]).Out;
        Assert.Contains("--cache <FILE>", help);
        Assert.Contains("Cross-validate from FILE", help);
    }

    [Fact]
    public void The_cache_is_reused_while_the_csv_is_unchanged_and_made_again_when_it_changes()
    {
        var (path, _) = Table("t.csv", 50, 3, (r, c) => r * 0.5 + c);
        string cache = _temp.File("t.cache");
        string[] args = ["train", path, "--target", "y", "--epochs", "2", "--cache", cache];
        var first = CliTests.Run([.. args, "--save", _temp.File("1.model")]);
        Assert.True(first.Code == 0, first.Err);
        Assert.Contains($"cache: wrote {cache}: 50 rows of 3 values in float32", first.Out);
        var second = CliTests.Run([.. args, "--save", _temp.File("2.model")]);
        Assert.Contains($"cache: reused {cache} (the CSV is unchanged): 50 rows of 3 values in float32", second.Out);
        Assert.Equal(File.ReadAllBytes(_temp.File("1.model")), File.ReadAllBytes(_temp.File("2.model")));
        // Another row, a decimal: made again, in float64.
        File.AppendAllText(path, "0.1,2,3,1\n");
        var third = CliTests.Run([.. args, "--save", _temp.File("3.model")]);
        Assert.True(third.Code == 0, third.Err);
        Assert.Contains($"cache: wrote again (the CSV file changed) {cache}: 51 rows of 3 values in float64", third.Out);
        Assert.Contains("51 training examples", third.Out);
        // Other reading options: made again.
        var fourth = CliTests.Run([.. args, "--missing", "mean"]);
        Assert.Contains("cache: wrote again (the CSV is read with other options)", fourth.Out);
        // What the library reads from the cache is what it reads from the CSV.
        var fromCsv = CsvLoader.Load(path, Target("y"));
        var fromCache = CsvLoader.Load(path, Target("y") with { Cache = cache });
        Assert.True(fromCache.Table!.Table.IsMapped);
        Assert.Equal(fromCsv.Features.Span.ToArray(), fromCache.Features.Span.ToArray());
        Assert.Equal(fromCsv.Targets.Span.ToArray(), fromCache.Targets.Span.ToArray());
        Assert.Equal(fromCsv.ClassNames, fromCache.ClassNames);
    }

    [Fact]
    public void A_cache_with_text_columns_and_missing_cells_reads_as_the_csv()
    {
        string path = _temp.Write("mixed.csv", "a,colour,b,y\n1.5,red,,x\n2,blue,4,z\n,green,8,x\n3.25,red,16,z\n4,,2,x\n");
        var options = Target("y") with { Missing = "mean" };
        var fromCsv = CsvLoader.Load(path, options);
        var fromCache = CsvLoader.Load(path, options with { Cache = _temp.File("mixed.cache") });
        Assert.Equal(fromCsv.FeatureNames, fromCache.FeatureNames);
        Assert.Equal(fromCsv.Schema, fromCache.Schema);
        Assert.Equal(fromCsv.Features.Span.ToArray(), fromCache.Features.Span.ToArray());
        Assert.Equal(DataFingerprint.Of(fromCsv), DataFingerprint.Of(fromCache));
    }

    [Fact]
    public void A_damaged_cache_is_a_one_line_error_naming_it_and_a_file_that_is_not_one_is_left_alone()
    {
        var (path, _) = Table("d.csv", 40, 3, (r, c) => r + c);
        string cache = _temp.File("d.cache");
        Assert.Equal(0, CliTests.Run("train", path, "--target", "y", "--epochs", "1", "--cache", cache, "--quiet").Code);
        byte[] good = File.ReadAllBytes(cache);

        void Fails(byte[] bytes, string problem)
        {
            File.WriteAllBytes(cache, bytes);
            var (code, output, err) = CliTests.Run("train", path, "--target", "y", "--epochs", "1", "--cache", cache, "--quiet");
            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
            Assert.StartsWith($"backprop: {cache}: ", err);
            Assert.Contains(problem, err);
        }
        Fails(good[..^5], "is a damaged cache file (delete it and train makes it again from the CSV): its sizes do not match its length");
        Fails(good[..40], "is not a Backprop cache file");
        var flipped = (byte[])good.Clone();
        flipped[^20] ^= 1;
        Fails(flipped, "its contents do not match their checksum");
        var described = (byte[])good.Clone();
        described[70] ^= 1;   // a byte of the description (it starts at byte 64)
        Fails(described, "is a damaged cache file");
        var huge = (byte[])good.Clone();
        BitConverter.GetBytes(int.MaxValue).CopyTo(huge, 12);   // the description's length
        Fails(huge, "its sizes do not match its length");
        string notes = "my notes, not a cache\n";
        Fails(Encoding.UTF8.GetBytes(notes), "is not a Backprop cache file");
        Assert.Equal(notes, File.ReadAllText(cache));   // never overwritten
    }

    [Fact]
    public void Train_help_describes_the_cache()
    {
        var (code, output, _) = CliTests.Run("train", "--help");
        Assert.Equal(0, code);
        string help = string.Join(" ", output.Split('\n').Select(l => l.Trim()));
        Assert.Contains("--cache <FILE>", help);
        Assert.Contains("binary cache of the CSV's rows read memory-mapped", help);
        Assert.Contains("would not fit in the memory available", help);
    }

    [Fact]
    public void A_cache_of_an_empty_file_is_a_one_line_error_naming_it()
    {
        string empty = _temp.Write("empty.csv", "");
        var (code, _, err) = CliTests.Run("train", empty, "--target", "y", "--cache", _temp.File("e.cache"));
        Assert.Equal(2, code);
        Assert.Equal($"backprop: {empty}: is empty, or a pipe or device; a cache is made from a CSV file that can be read twice\n", err);
    }

    [Fact]
    public void A_cache_for_images_is_a_usage_error()
    {
        string images = IdxFixture.Write(_temp, "train", 10, false).Images;
        var (code, _, err) = CliTests.Run("train", images, "--cache", _temp.File("x.cache"));
        Assert.Equal(2, code);
        Assert.Contains("--cache is for a CSV file", err);
    }
}

internal static class AlsoExtension
{
    /// <summary><paramref name="value"/> after <paramref name="act"/> has been done to it.</summary>
    public static T Also<T>(this T value, Action<T> act) { act(value); return value; }
}
