using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Bench;

/// <summary>
/// What this processor allows for float64 register tiles, apart from any blocking or packing: a 4-row tile of
/// C held in 16 vector registers, updated over 256 steps of k from operands already in L1, on one core. Each tile
/// runs twice, with one fused multiply-add a step (Summation.Fused) and with a multiply then an add
/// (Summation.NumpySeparate, the notes' rounding), in 512-bit and in 256-bit vectors. The ratio separate ÷ fused is the
/// ceiling on how close a NumpySeparate product can come to a BLAS that fuses.
/// </summary>
internal static unsafe class KernelLimitBench
{
    private const int KC = 256;

    public static void Run(Options options)
    {
        double minTime = options.Double("min-time", 0.5);
        double* a = (double*)NativeMemory.AlignedAlloc(4 * KC * sizeof(double), 64);
        double* b = (double*)NativeMemory.AlignedAlloc(32 * KC * sizeof(double), 64);
        double* c = (double*)NativeMemory.AlignedAlloc(4 * 32 * sizeof(double), 64);
        try
        {
            for (int i = 0; i < 4 * KC; i++) a[i] = 1e-3 * (i % 7);
            for (int i = 0; i < 32 * KC; i++) b[i] = 1e-3 * (i % 5);
            var kernels = new (string Name, int Width, string Mode)[]
            {
                ("512-bit fused", 512, "Fused"), ("512-bit separate", 512, "NumpySeparate"),
                ("256-bit fused", 256, "Fused"), ("256-bit separate", 256, "NumpySeparate"),
            };
            // Two rounds, the second measured: the first lets every loop reach optimised code.
            var rows = new List<Dictionary<string, object?>>();
            for (int round = 0; round < 2; round++)
            {
                rows.Clear();
                foreach (var (name, width, mode) in kernels)
                {
                    long flops = 2L * 4 * (width / 16) * KC; // 4 rows × 4 vectors of width/64 doubles, 2 flops a multiply-add
                    var times = new List<double>();
                    long start = Stopwatch.GetTimestamp();
                    while (Stats.Seconds(Stopwatch.GetTimestamp() - start) < minTime || times.Count < 5)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        for (int r = 0; r < 1000; r++)
                            switch (width, mode)
                            {
                                case (512, "Fused"): Tiles.Fused512(a, b, c); break;
                                case (512, _): Tiles.Separate512(a, b, c); break;
                                case (256, "Fused"): Tiles.Fused256(a, b, c); break;
                                default: Tiles.Separate256(a, b, c); break;
                            }
                        times.Add(Stats.Seconds(Stopwatch.GetTimestamp() - t0) / 1000);
                    }
                    double gflops = flops / Stats.Median(times) / 1e9;
                    rows.Add(new() { ["kernel"] = name, ["bits"] = width, ["summation"] = mode, ["gflops_one_core"] = gflops });
                }
            }
            foreach (var row in rows) Console.WriteLine($"backprop kernel limit {row["kernel"],-17}: {(double)row["gflops_one_core"]!:F1} GFLOP/s on one core");
            Output.Write(options, new() { ["workload"] = "kernel-limit", ["impl"] = "backprop", ["kc"] = KC, ["tiles"] = rows });
        }
        finally
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
            NativeMemory.AlignedFree(c);
        }
    }

    // Each tile: 4 rows × 4 vectors of C; per step of k, 4 loads of b, 4 broadcasts of a, 16 multiply-adds.
    private static class Tiles
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Fused512(double* a, double* b, double* c) => Tile512(a, b, c, fused: true);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Separate512(double* a, double* b, double* c) => Tile512(a, b, c, fused: false);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Fused256(double* a, double* b, double* c) => Tile256(a, b, c, fused: true);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Separate256(double* a, double* b, double* c) => Tile256(a, b, c, fused: false);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<double> Step(Vector512<double> s, Vector512<double> x, Vector512<double> acc, bool fused) =>
            fused ? Vector512.FusedMultiplyAdd(s, x, acc) : acc + s * x;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<double> Step(Vector256<double> s, Vector256<double> x, Vector256<double> acc, bool fused) =>
            fused ? Vector256.FusedMultiplyAdd(s, x, acc) : acc + s * x;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tile512(double* a, double* b, double* c, bool fused)
        {
            Vector512<double> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default,
                c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
            for (int p = 0; p < KC; p++, a += 4, b += 32)
            {
                var (b0, b1, b2, b3) = (Vector512.Load(b), Vector512.Load(b + 8), Vector512.Load(b + 16), Vector512.Load(b + 24));
                var s = Vector512.Create(a[0]);
                c00 = Step(s, b0, c00, fused); c01 = Step(s, b1, c01, fused); c02 = Step(s, b2, c02, fused); c03 = Step(s, b3, c03, fused);
                s = Vector512.Create(a[1]);
                c10 = Step(s, b0, c10, fused); c11 = Step(s, b1, c11, fused); c12 = Step(s, b2, c12, fused); c13 = Step(s, b3, c13, fused);
                s = Vector512.Create(a[2]);
                c20 = Step(s, b0, c20, fused); c21 = Step(s, b1, c21, fused); c22 = Step(s, b2, c22, fused); c23 = Step(s, b3, c23, fused);
                s = Vector512.Create(a[3]);
                c30 = Step(s, b0, c30, fused); c31 = Step(s, b1, c31, fused); c32 = Step(s, b2, c32, fused); c33 = Step(s, b3, c33, fused);
            }
            // Stored so the sums are used (and not optimised away).
            (c00 + c01 + c02 + c03).Store(c); (c10 + c11 + c12 + c13).Store(c + 8);
            (c20 + c21 + c22 + c23).Store(c + 16); (c30 + c31 + c32 + c33).Store(c + 24);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tile256(double* a, double* b, double* c, bool fused)
        {
            Vector256<double> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default,
                c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
            for (int p = 0; p < KC; p++, a += 4, b += 16)
            {
                var (b0, b1, b2, b3) = (Vector256.Load(b), Vector256.Load(b + 4), Vector256.Load(b + 8), Vector256.Load(b + 12));
                var s = Vector256.Create(a[0]);
                c00 = Step(s, b0, c00, fused); c01 = Step(s, b1, c01, fused); c02 = Step(s, b2, c02, fused); c03 = Step(s, b3, c03, fused);
                s = Vector256.Create(a[1]);
                c10 = Step(s, b0, c10, fused); c11 = Step(s, b1, c11, fused); c12 = Step(s, b2, c12, fused); c13 = Step(s, b3, c13, fused);
                s = Vector256.Create(a[2]);
                c20 = Step(s, b0, c20, fused); c21 = Step(s, b1, c21, fused); c22 = Step(s, b2, c22, fused); c23 = Step(s, b3, c23, fused);
                s = Vector256.Create(a[3]);
                c30 = Step(s, b0, c30, fused); c31 = Step(s, b1, c31, fused); c32 = Step(s, b2, c32, fused); c33 = Step(s, b3, c33, fused);
            }
            (c00 + c01 + c02 + c03).Store(c); (c10 + c11 + c12 + c13).Store(c + 4);
            (c20 + c21 + c22 + c23).Store(c + 8); (c30 + c31 + c32 + c33).Store(c + 12);
        }
    }
}
