using System.Diagnostics;
using System.Globalization;
using System.Text;
using Backprop.Data;
using Sylvan.Data.Csv;

namespace Backprop.Bench;

/// <summary>
/// Workload f: loading a numeric CSV of Fashion-MNIST's shape (60000 rows: a label and 784 pixels 0..255) to float64,
/// Backprop's <see cref="CsvLoader"/> against Sylvan.Data.Csv reading the same file into one preallocated double
/// matrix (its fastest way: GetDouble on each field, no row objects). The file is generated (seeded), not committed.
/// </summary>
/// <remarks>
/// <c>--impl both</c> (default) interleaves the two, <c>--rounds</c> times each, and reports median seconds. Peak memory
/// is per process: <c>--impl backprop</c> or <c>--impl sylvan</c> loads once and reports the process's peak RSS
/// (VmHWM) and the peak RSS of the runtime alone, measured before the load.
/// </remarks>
internal static class CsvLoadBench
{
    public static void Run(Options options)
    {
        string path = options.String("file", Path.Combine(Path.GetTempPath(), "backprop-bench-60000x785.csv"));
        int rows = options.Int("rows", 60000), columns = options.Int("columns", 785);
        string impl = options.String("impl", "both");
        int rounds = options.Int("rounds", 5);
        if (!File.Exists(path) || options.String("regenerate", "no") == "yes") Generate(path, rows, columns);
        long fileBytes = new FileInfo(path).Length;
        long baseRss = Proc.PeakRssKib();

        var result = new Dictionary<string, object?>
        {
            ["workload"] = "csv-load",
            ["file"] = path,
            ["file_bytes"] = fileBytes,
            ["rows"] = rows,
            ["columns"] = columns,
            ["matrix_bytes"] = 8L * rows * (columns - 1),
        };
        if (impl == "both")
        {
            var backprop = new List<double>();
            var sylvan = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                backprop.Add(Time(() => Backprop(path)));
                sylvan.Add(Time(() => Sylvan(path, columns)));
                Console.Error.WriteLine($"round {r + 1}: backprop {backprop[^1]:F3} s, sylvan {sylvan[^1]:F3} s");
            }
            result["impl"] = "both";
            result["rounds"] = rounds;
            result["backprop_seconds"] = backprop;
            result["sylvan_seconds"] = sylvan;
            result["backprop_median_seconds"] = Stats.Median(backprop);
            result["sylvan_median_seconds"] = Stats.Median(sylvan);
            Console.WriteLine($"csv-load {rows}x{columns} ({fileBytes / 1048576.0:F1} MiB): backprop {Stats.Median(backprop):F3} s, "
                + $"sylvan {Stats.Median(sylvan):F3} s (medians of {rounds}, interleaved)");
        }
        else
        {
            GC.Collect();
            long before = Proc.PeakRssKib();
            double seconds = impl switch
            {
                "backprop" => Time(() => Backprop(path)),
                "sylvan" => Time(() => Sylvan(path, columns)),
                _ => throw new ArgumentException($"unknown --impl '{impl}' (both, backprop, sylvan)"),
            };
            long peak = Proc.PeakRssKib();
            result["impl"] = impl;
            result["seconds"] = seconds;
            result["runtime_peak_rss_kib"] = before;
            result["peak_rss_kib"] = peak;
            double matrixMiB = 8.0 * rows * (columns - 1) / 1048576;
            Console.WriteLine($"csv-load {impl}: {seconds:F3} s, peak RSS {peak / 1024.0:F0} MiB (runtime before loading {before / 1024.0:F0} MiB; "
                + $"feature matrix {matrixMiB:F0} MiB; ratio (peak - runtime) / matrix {(peak - before) / 1024.0 / matrixMiB:F2})");
        }
        GC.KeepAlive(baseRss);
        Output.Write(options, result);
    }

    private static object? s_keep;

    private static double Time(Func<object> load)
    {
        s_keep = null;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long start = Stopwatch.GetTimestamp();
        s_keep = load();
        return Stats.Seconds(Stopwatch.GetTimestamp() - start);
    }

    private static object Backprop(string path) => CsvLoader.Load(path, new CsvOptions { TargetColumns = ["label"] });

    // Sylvan's reader, each field read with GetDouble straight into the final matrix (rows known, as for Backprop's
    // loader, which counts them): features in one double[], labels in another.
    private static object Sylvan(string path, int columns)
    {
        using var reader = CsvDataReader.Create(path, new CsvDataReaderOptions { HasHeaders = true, BufferSize = 1 << 16 });
        int rows = CountRows(path);
        var features = new double[(long)rows * (columns - 1)];
        var labels = new double[rows];
        int r = 0;
        while (reader.Read())
        {
            labels[r] = reader.GetDouble(0);
            long at = (long)r * (columns - 1);
            for (int c = 1; c < columns; c++) features[at + c - 1] = reader.GetDouble(c);
            r++;
        }
        return (features, labels);
    }

    private static int CountRows(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        int lines = 0, read;
        while ((read = file.Read(buffer)) > 0) lines += buffer.AsSpan(0, read).Count((byte)'\n');
        return lines - 1;
    }

    /// <summary>A label 0..9, then pixels: about half 0, the rest 1..255 (Fashion-MNIST's mix), seeded.</summary>
    private static void Generate(string path, int rows, int columns)
    {
        var random = new Random(13);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        writer.Write("label");
        for (int c = 1; c < columns; c++) writer.Write($",pixel{c}");
        writer.WriteLine();
        for (int r = 0; r < rows; r++)
        {
            writer.Write(random.Next(10).ToString(CultureInfo.InvariantCulture));
            for (int c = 1; c < columns; c++)
            {
                writer.Write(',');
                writer.Write((random.Next(2) == 0 ? 0 : random.Next(1, 256)).ToString(CultureInfo.InvariantCulture));
            }
            writer.WriteLine();
        }
    }
}
