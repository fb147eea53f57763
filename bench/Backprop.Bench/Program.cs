using System.Globalization;
using Backprop.Bench;

// Backprop's side of bench/run.sh. Each workload prints one line for people and writes its figures as JSON
// (--out FILE) for bench/report.py. `micro` runs the BenchmarkDotNet kernels instead.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("""
        usage: Backprop.Bench <workload> [options]
          streetlights  [--epochs-per-rep 500] [--reps 300] [--warmup-seconds 3] [--out FILE]
          fashion       [--data DIR] [--epochs 5] [--lr 0.1] [--batch 100] [--threads 2] [--seed 1] [--warmup-seconds 1.5]
                        [--layers 128] [--optimizer sgd|momentum|adam] [--dropout 0] [--init he] [--out FILE]
          epoch         [--data DIR] [--rounds 7] [--layers 512,256] [--batch 64] [--threads 2] [--dropout 0.2] [--lr 0.001] [--seed 1]
                        [--warmup-seconds 3] [--parts 0|1] [--rows pixels|matrix] [--optimizer adam|sgd] [--chunks 10] [--label TEXT] [--out FILE]
                        (an Adam epoch against its matrix products alone, interleaved; --parts 1: each step's pieces
                        timed apart, the update's memory floor, and the update alone)
          gemm          [--sizes 256,512,1024,2048] [--types float,double] [--threads 2] [--min-time 1] [--min-reps 5] [--warmup-seconds 1] [--out FILE]
          kernel-limit  [--min-time 0.5] [--out FILE]   (float64 register tiles alone, fused vs separate, one core)
          csv-load      [--file PATH] [--rows 60000] [--columns 785] [--impl both|backprop|sylvan] [--rounds 5] [--out FILE]
          micro         [BenchmarkDotNet arguments, e.g. --filter *Gemm*]   (in-process BenchmarkDotNet)
        """);
    return 0;
}

if (args[0] == "micro")
{
    Micro.Run(args.Skip(1).ToArray());
    return 0;
}
var options = new Options(args.Skip(1).ToArray());
switch (args[0])
{
    case "streetlights": StreetlightsBench.Run(options); break;
    case "fashion": FashionBench.Run(options); break;
    case "epoch": EpochBench.Run(options); break;
    case "gemm": GemmBench.Run(options); break;
    case "kernel-limit": KernelLimitBench.Run(options); break;
    case "csv-load": CsvLoadBench.Run(options); break;
    default:
        Console.Error.WriteLine($"unknown workload '{args[0]}' (streetlights, fashion, epoch, gemm, kernel-limit, csv-load, micro)");
        return 2;
}
return 0;
