using System.Diagnostics;
using System.Numerics;

namespace Backprop.Bench;

/// <summary>
/// Workload c: square products c = a · b through the public <see cref="Gemm.Multiply{T}"/>, into a preallocated c,
/// with <see cref="Compute.Threads"/> threads, in the default (fused) rounding, and float64 also in numpy's. GFLOP/s = 2n³ / median time of one product.
/// </summary>
internal static class GemmBench
{
    public static void Run(Options options)
    {
        int[] sizes = options.Ints("sizes", "256,512,1024,2048");
        string[] types = options.String("types", "float,double").Split(',', StringSplitOptions.RemoveEmptyEntries);
        int threads = options.Int("threads", 2);
        double minTime = options.Double("min-time", 1.0);
        int minReps = options.Int("min-reps", 5);
        var compute = new Compute { Threads = threads };

        // Warm-up by time, so that tiered compilation has optimised the kernels before the first measurement.
        double warmupSeconds = options.Double("warmup-seconds", 1);
        if (types.Any(t => t.StartsWith("float", StringComparison.Ordinal) && t != "float64")) WarmUp<float>(compute, warmupSeconds);
        if (types.Any(t => t is "double" or "float64")) WarmUp<double>(compute, warmupSeconds);

        var results = new List<Dictionary<string, object?>>();
        foreach (string type in types)
            foreach (int n in sizes)
                results.Add(type switch
                {
                    "float" or "float32" => Measure<float>(compute, "float32", n, minTime, minReps),
                    "double" or "float64" => Measure<double>(compute, "float64", n, minTime, minReps),
                    _ => throw new ArgumentException($"unknown type '{type}' (float, double)"),
                });

        Output.Write(options, new()
        {
            ["workload"] = "gemm",
            ["impl"] = "backprop",
            ["threads"] = threads,
            ["method"] = "Gemm.Multiply<T>(new Compute { Threads = threads }, a, b, c, n, n, n), c preallocated",
            ["results"] = results,
        });
    }

    private static Dictionary<string, object?> Measure<T>(Compute compute, string dtype, int n, double minTime, int minReps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new NumpyRandom((uint)n);
        T[] a = Random<T>(random, n * n), b = Random<T>(random, n * n), c = new T[n * n];

        for (int i = 0; i < 2; i++) Gemm.Multiply<T>(compute, a, b, c, n, n, n);
        double maxError = MaxRelativeError(a, b, c, n, random);
        var summation = compute.SummationOf<T>();
        bool ascending = MatchesAscendingSum(a, b, c, n, random, summation);

        var times = new List<double>();
        long begin = Stopwatch.GetTimestamp();
        while (times.Count < minReps || Stats.Seconds(Stopwatch.GetTimestamp() - begin) < minTime)
        {
            long t0 = Stopwatch.GetTimestamp();
            Gemm.Multiply<T>(compute, a, b, c, n, n, n);
            times.Add(Stats.Seconds(Stopwatch.GetTimestamp() - t0));
        }
        double median = Stats.Median(times);
        double gflops = 2.0 * n * n * n / median / 1e9;
        Console.WriteLine($"backprop gemm {dtype} n={n} ({summation}): {gflops:F2} GFLOP/s (median {median * 1e3:F3} ms of {times.Count}; max rel. error {maxError:E1})");
        var result = new Dictionary<string, object?>
        {
            ["dtype"] = dtype, ["n"] = n, ["reps"] = times.Count, ["median_seconds"] = median,
            ["min_seconds"] = times.Min(), ["gflops"] = gflops, ["max_relative_error"] = maxError,
            ["matches_ascending_k_sum"] = ascending, ["summation"] = summation.ToString(),
        };
        if (typeof(T) == typeof(double))
        {
            // float64 also with numpy's separate multiply and add (Compute.Numpy, the notes' preset), for comparison.
            var numpy = compute with { Float64 = Summation.NumpySeparate };
            for (int i = 0; i < 2; i++) Gemm.Multiply<T>(numpy, a, b, c, n, n, n);
            var separate = new List<double>();
            long start = Stopwatch.GetTimestamp();
            while (separate.Count < minReps || Stats.Seconds(Stopwatch.GetTimestamp() - start) < minTime)
            {
                long t0 = Stopwatch.GetTimestamp();
                Gemm.Multiply<T>(numpy, a, b, c, n, n, n);
                separate.Add(Stats.Seconds(Stopwatch.GetTimestamp() - t0));
            }
            result["gflops_numpy"] = 2.0 * n * n * n / Stats.Median(separate) / 1e9;
            result["numpy_matches_ascending_k_sum"] = MatchesAscendingSum(a, b, c, n, random, Summation.NumpySeparate);
            Console.WriteLine($"backprop gemm {dtype} n={n} (NumpySeparate): {result["gflops_numpy"]:F2} GFLOP/s");
        }
        return result;
    }

    private static void WarmUp<T>(Compute compute, double seconds) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int n = 128;
        T[] a = Random<T>(new NumpyRandom(1), n * n), b = Random<T>(new NumpyRandom(2), n * n), c = new T[n * n];
        for (long begin = Stopwatch.GetTimestamp(); Stats.Seconds(Stopwatch.GetTimestamp() - begin) < seconds;)
            Gemm.Multiply<T>(compute, a, b, c, n, n, n);
    }

    private static T[] Random<T>(NumpyRandom random, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new double[length];
        random.Fill(values);
        return values.Select(T.CreateChecked).ToArray();
    }

    // Whether 64 entries of c are, bit for bit, the sum over k in ascending order from +0 in T, each step a separate
    // multiply and add (Summation.NumpySeparate) or one fused multiply-add (Summation.Fused): the contract Gemm.cs documents.
    private static bool MatchesAscendingSum<T>(T[] a, T[] b, T[] c, int n, NumpyRandom random, Summation summation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int s = 0; s < 64; s++)
        {
            int i = (int)random.RandInt(n), j = (int)random.RandInt(n);
            T sum = T.Zero;
            for (int p = 0; p < n; p++)
            {
                sum = summation == Summation.Fused
                    ? T.FusedMultiplyAdd(a[i * n + p], b[p * n + j], sum)
                    : sum + a[i * n + p] * b[p * n + j];
            }
            if (!sum.Equals(c[i * n + j])) return false;
        }
        return true;
    }

    // 64 entries of c checked against a float64 dot product of the same row and column.
    private static double MaxRelativeError<T>(T[] a, T[] b, T[] c, int n, NumpyRandom random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double worst = 0;
        for (int s = 0; s < 64; s++)
        {
            int i = (int)random.RandInt(n), j = (int)random.RandInt(n);
            double sum = 0;
            for (int p = 0; p < n; p++) sum += double.CreateChecked(a[i * n + p]) * double.CreateChecked(b[p * n + j]);
            worst = Math.Max(worst, Math.Abs(double.CreateChecked(c[i * n + j]) - sum) / Math.Abs(sum));
        }
        return worst;
    }
}
