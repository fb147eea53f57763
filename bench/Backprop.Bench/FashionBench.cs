using System.Diagnostics;
using Backprop.Data;

namespace Backprop.Bench;

/// <summary>
/// Workloads b (and d, whose peak RSS run.sh takes from /usr/bin/time around this process) and e: Fashion-MNIST,
/// relu hidden layers (--layers, default 128), softmax + cross-entropy, float32, shuffled each epoch; plain SGD by
/// default (b), or Adam/momentum with dropout (e, "time to accuracy": --layers 512,256 --optimizer adam --dropout 0.2).
/// Only the training loop (Trainer.Fit) is timed; loading and the test evaluation are not.
/// </summary>
internal static class FashionBench
{
    public static void Run(Options options)
    {
        string dir = options.String("data", "/usr/share/datasets/fashion-mnist");
        int epochs = options.Int("epochs", 5);
        double lr = options.Double("lr", 0.1);
        int batch = options.Int("batch", 100);
        int threads = options.Int("threads", 2);
        uint seed = (uint)options.Int("seed", 1);
        int[] hidden = options.Ints("layers", "128");
        string optimizer = options.String("optimizer", "sgd");
        double dropout = options.Double("dropout", 0);
        bool breakdown = options.Int("breakdown", 1) != 0 && hidden.Length == 1;
        var compute = new Compute { Threads = threads };

        long loadStart = Stopwatch.GetTimestamp();
        var (train, test) = IdxLoader.LoadFolder(dir);
        // Images stay bytes: each batch's rows convert to float32 (byte / 255) as the trainer gathers them.
        IRowSource<float> xTrain = train.RowsAs<float>(), xTest = test.RowsAs<float>();
        Matrix<float> yTrain = train.Targets.Cast<float>(), yTest = test.Targets.Cast<float>();
        double loadSeconds = Stats.Seconds(Stopwatch.GetTimestamp() - loadStart);
        long peakAfterLoad = Proc.PeakRssKib();

        string init = options.String("init", "he");
        var spec = new NetworkSpec(784, hidden, 10)
        {
            OutputActivation = Activation.Softmax, Bias = true, Init = Initializer.Parse(init), Dropout = dropout, Compute = compute,
        };
        IOptimizer<float> NewOptimizer() => optimizer switch
        {
            "sgd" => new Sgd<float>((float)lr),
            "momentum" => new Momentum<float>((float)lr, 0.9f),
            "adam" => new Adam<float>((float)lr),
            _ => throw new ArgumentException($"--optimizer: '{optimizer}' is not one of sgd, momentum, adam"),
        };
        Trainer<float> NewTrainer(uint s) => new(spec.Build<float>(new NumpyRandom(s)), new CrossEntropy<float>(), NewOptimizer())
        {
            Batching = Batching.MiniBatch(batch),
            ShuffleWith = new NumpyRandom(s),
        };

        // Warm-up: epochs of a throwaway network on the first 3000 rows, for at least --warmup-seconds, so that tiered
        // compilation has moved the hot loops to optimised code before the timed run.
        double warmupMin = options.Double("warmup-seconds", 1.5);
        long warmStart = Stopwatch.GetTimestamp();
        long allocatedBeforeWarmup = GC.GetTotalAllocatedBytes(precise: true);
        var xWarm = train.Take(Enumerable.Range(0, 3000).ToArray()).RowsAs<float>();
        var yWarm = yTrain[..3000];
        var warmTrainer = NewTrainer(seed + 1000);
        do warmTrainer.Fit(xWarm, yWarm, epochs: 1);
        while (Stats.Seconds(Stopwatch.GetTimestamp() - warmStart) < warmupMin);
        double warmupSeconds = Stats.Seconds(Stopwatch.GetTimestamp() - warmStart);
        long warmupAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBeforeWarmup;

        var trainer = NewTrainer(seed);
        var epochEnds = new List<long>();
        trainer.EpochCompleted += _ => epochEnds.Add(Stopwatch.GetTimestamp());
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        int[] gcBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        long start = Stopwatch.GetTimestamp();
        var history = trainer.Fit(xTrain, yTrain, epochs);
        long end = Stopwatch.GetTimestamp();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        int[] gcCounts = [GC.CollectionCount(0) - gcBefore[0], GC.CollectionCount(1) - gcBefore[1], GC.CollectionCount(2) - gcBefore[2]];
        double trainSeconds = Stats.Seconds(end - start);
        var epochSeconds = epochEnds.Select((t, i) => Stats.Seconds(t - (i == 0 ? start : epochEnds[i - 1]))).ToList();
        long peakAfterTrain = Proc.PeakRssKib();

        var (testLoss, testAccuracy) = trainer.Evaluate(xTest, yTest);
        int samples = epochs * xTrain.Rows;
        Console.WriteLine($"backprop fashion 784-{string.Join('-', hidden)}-10 {optimizer}{(dropout > 0 ? $" dropout {dropout}" : "")}: " +
                          $"{samples / trainSeconds:N0} samples/s ({epochs} epochs in {trainSeconds:F2} s; epochs " +
                          $"{string.Join(" ", epochSeconds.Select(e => e.ToString("F2")))} s), " +
                          $"test accuracy {testAccuracy:P2}, loss {testLoss:F4}; stop {history.Stop}");

        var result = new Dictionary<string, object?>
        {
            ["workload"] = "fashion",
            ["impl"] = "backprop",
            ["dtype"] = "float32",
            ["layers"] = hidden,
            ["optimizer"] = optimizer,
            ["dropout"] = dropout,
            ["epochs"] = epochs,
            ["lr"] = lr,
            ["batch"] = batch,
            ["threads"] = threads,
            ["seed"] = seed,
            ["init"] = init,
            ["load_seconds"] = loadSeconds,
            ["warmup_seconds"] = warmupSeconds,
            ["warmup_allocated_bytes"] = warmupAllocated,
            ["train_seconds"] = trainSeconds,
            ["epoch_seconds"] = epochSeconds,
            ["samples_per_second"] = samples / trainSeconds,
            ["train_mean_loss"] = history.Epochs.Select(e => e.MeanLoss).ToList(),
            ["test_loss"] = testLoss,
            ["test_accuracy"] = testAccuracy,
            ["peak_rss_kib_after_load"] = peakAfterLoad,
            ["peak_rss_kib_after_train"] = peakAfterTrain,
            ["allocated_bytes_per_step"] = (double)allocated / ((xTrain.Rows + batch - 1) / batch * epochs),
            ["gc_collections_gen012"] = gcCounts,
        };
        if (breakdown) result["gemm_breakdown"] = GemmAtTrainingShapes(compute, batch, xTrain.Rows, epochs, trainSeconds);
        Output.Write(options, result);
    }

    // The five matrix products of one 784-128-10 training step (as Dense calls them), each timed alone through
    // the public Gemm API: how much of the training time the products account for.
    private static Dictionary<string, object?> GemmAtTrainingShapes(Compute compute, int batch, int rows, int epochs, double trainSeconds)
    {
        var random = new NumpyRandom(7);
        float[] Buffer(int length)
        {
            var b = new float[length];
            random.Fill(b);
            return b;
        }

        var shapes = new (string Name, string Kind, int M, int K, int N)[]
        {
            ("forward x·W1", "Multiply", batch, 784, 128),
            ("forward h·W2", "Multiply", batch, 128, 10),
            ("grad W2 = hᵀ·δ2", "MultiplyTransposeA", 128, batch, 10),
            ("δ1 = δ2·W2ᵀ", "MultiplyTransposeB", batch, 10, 128),
            ("grad W1 = xᵀ·δ1", "MultiplyTransposeA", 784, batch, 128),
        };
        var rowsOut = new List<Dictionary<string, object?>>();
        double perStep = 0;
        foreach (var (name, kind, m, k, n) in shapes)
        {
            float[] a = Buffer(m * k), b = Buffer(k * n), c = new float[m * n];
            Action call = kind switch
            {
                "Multiply" => () => Gemm.Multiply<float>(compute, a, b, c, m, k, n),
                "MultiplyTransposeA" => () => Gemm.MultiplyTransposeA<float>(compute, a, b, c, m, k, n),
                _ => () => Gemm.MultiplyTransposeB<float>(compute, a, b, c, m, k, n),
            };
            for (int i = 0; i < 20; i++) call();
            var times = new List<double>();
            for (int i = 0; i < 200; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                call();
                times.Add(Stats.Seconds(Stopwatch.GetTimestamp() - t0));
            }
            double median = Stats.Median(times);
            perStep += median;
            rowsOut.Add(new()
            {
                ["name"] = name, ["kernel"] = kind, ["m"] = m, ["k"] = k, ["n"] = n,
                ["median_seconds"] = median, ["gflops"] = 2.0 * m * k * n / median / 1e9,
            });
        }
        int steps = (rows + batch - 1) / batch * epochs;
        return new()
        {
            ["products"] = rowsOut,
            ["seconds_per_step"] = perStep,
            ["estimated_train_seconds_in_gemm"] = perStep * steps,
            ["share_of_train_time"] = perStep * steps / trainSeconds,
        };
    }
}
