using System.Diagnostics;
using System.Runtime.Intrinsics;
using Backprop.Data;

namespace Backprop.Bench;

/// <summary>
/// Workload j (docs/benchmarks.md): an epoch against its matrix products. The time-to-accuracy network (784-512-256-10, relu, dropout 0.2,
/// softmax + cross-entropy, Adam, batch 64, float32, 2 threads, Fashion-MNIST's 60,000 images) trains epoch after
/// epoch; between two epochs the same matrix products an epoch computes run alone, at the same shapes, on buffers of
/// the same sizes, through the same Gemm entry points and Compute the layers call: per batch the three forward
/// products (x·W), and per dense layer the weight gradient (inputᵀ·δ) and the input delta (δ·Wᵀ), except the first
/// layer's input delta, which the trainer does not compute. Each epoch runs in slices (--chunks, 10), each slice's
/// training followed at once by its products alone, so a slow spell of the shared machine falls on both; the figure is
/// the median epoch over the median products epoch, in wall-clock and in the process's CPU time.
/// </summary>
internal static class EpochBench
{
    public static void Run(Options options)
    {
        string dir = options.String("data", "/usr/share/datasets/fashion-mnist");
        int rounds = options.Int("rounds", 7);
        double lr = options.Double("lr", 0.001);
        int batch = options.Int("batch", 64);
        int threads = options.Int("threads", 2);
        uint seed = (uint)options.Int("seed", 1);
        int[] hidden = options.Ints("layers", "512,256");
        double dropout = options.Double("dropout", 0.2);
        double warmupMin = options.Double("warmup-seconds", 3);
        var compute = new Compute { Threads = threads };

        var (train, _) = IdxLoader.LoadFolder(dir);
        // --rows matrix: the images converted to a float32 matrix first (as a CSV table is held), rather than read from
        // their bytes as batches are gathered.
        IRowSource<float> xTrain = options.String("rows", "pixels") == "matrix" ? train.FeaturesAs<float>() : train.RowsAs<float>();
        Matrix<float> yTrain = train.Targets.Cast<float>();
        int[] widths = [xTrain.Columns, .. hidden, yTrain.Columns];
        var spec = new NetworkSpec(widths[0], hidden, widths[^1])
        {
            OutputActivation = Activation.Softmax, Bias = true, Init = Initializer.He, Dropout = dropout, Compute = compute,
        };
        // --optimizer sgd: the same epochs with plain SGD, whose update is a third of Adam's memory traffic and no
        // division (the difference between the two runs is what Adam's pass costs inside an epoch).
        string optimizer = options.String("optimizer", "adam");
        IOptimizer<float> NewOptimizer() => optimizer switch
        {
            "adam" => new Adam<float>(lr),
            "sgd" => new Sgd<float>(lr),
            _ => throw new ArgumentException($"--optimizer is adam or sgd, not {optimizer}"),
        };
        Trainer<float> NewTrainer(uint s) => new(spec.Build<float>(new NumpyRandom(s)), new CrossEntropy<float>(), NewOptimizer())
        {
            Batching = Batching.MiniBatch(batch),
            ShuffleWith = new NumpyRandom(s),
        };
        var products = new Products(compute, widths, batch, xTrain.Rows);

        // Warm-up, by time: a throwaway network's epochs on the first 3000 images, and products epochs, until tiered
        // compilation has optimised both.
        var xWarm = train.Take(Enumerable.Range(0, 3000).ToArray()).RowsAs<float>();
        var yWarm = yTrain[..3000];
        var warmTrainer = NewTrainer(seed + 1000);
        long warmStart = Stopwatch.GetTimestamp();
        do
        {
            warmTrainer.Fit(xWarm, yWarm, epochs: 1);
            products.RunSteps(3000);
        }
        while (Stats.Seconds(Stopwatch.GetTimestamp() - warmStart) < warmupMin);

        if (options.Int("parts", 0) != 0)
        {
            Parts(options, NewTrainer(seed), products, xTrain, yTrain, batch, compute, rounds);
            return;
        }
        var session = NewTrainer(seed).Start(xTrain, yTrain, rounds);
        var epochSeconds = new List<double>();
        var productSeconds = new List<double>();
        var losses = new List<double>();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        // Each epoch in --chunks slices of its steps, each slice's training followed at once by the same steps'
        // products alone: a burst of other work on the shared machine then falls on both sides of a slice. An epoch's
        // time is the sum of its slices (its end, the history and the observers, in the last), and so is its products'.
        int chunks = options.Int("chunks", 10), steps = products.Steps(xTrain.Rows);
        var chunkRatios = new List<double>();
        // CPU time of the whole process too: on a machine busy with other work, a thread waiting for a core adds wall
        // time but no CPU time (the pool's threads spin briefly between parts, so it counts about both cores throughout).
        var epochCpu = new List<double>();
        var productCpu = new List<double>();
        using var process = Process.GetCurrentProcess();
        for (int r = 0; r < rounds; r++)
        {
            long trained = 0, alone = 0;
            TimeSpan trainedCpu = TimeSpan.Zero, aloneCpu = TimeSpan.Zero;
            for (int c = 0; c < chunks; c++)
            {
                int from = steps * c / chunks, to = steps * (c + 1) / chunks;
                process.Refresh();
                var c0 = process.TotalProcessorTime;
                long t0 = Stopwatch.GetTimestamp();
                for (int s = from; s < to; s++) session.Step();
                long t1 = Stopwatch.GetTimestamp();
                process.Refresh();
                var c1 = process.TotalProcessorTime;
                for (int s = from; s < to; s++) products.RunStep(s, xTrain.Rows);
                long t2 = Stopwatch.GetTimestamp();
                process.Refresh();
                var c2 = process.TotalProcessorTime;
                trainedCpu += c1 - c0;
                aloneCpu += c2 - c1;
                trained += t1 - t0;
                alone += t2 - t1;
                chunkRatios.Add((double)(t1 - t0) / (t2 - t1));
            }
            var result = session.History[^1];
            if (result.Epoch != r + 1) throw new InvalidOperationException("the session stopped early");
            epochCpu.Add(trainedCpu.TotalSeconds);
            productCpu.Add(aloneCpu.TotalSeconds);
            epochSeconds.Add(Stats.Seconds(trained));
            productSeconds.Add(Stats.Seconds(alone));
            losses.Add(result.MeanLoss);
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        double epoch = Stats.Median(epochSeconds), productsEpoch = Stats.Median(productSeconds);
        var roundRatios = epochSeconds.Zip(productSeconds, (e, p) => e / p).ToList();
        Console.WriteLine($"backprop epoch 784-{string.Join('-', hidden)}-10 {optimizer} dropout {dropout} batch {batch} threads {threads}: " +
                          $"epoch {epoch:F3} s, its products alone {productsEpoch:F3} s, ratio {epoch / productsEpoch:F3} (median slice ratio {Stats.Median(chunkRatios):F3}; CPU time {Stats.Median(epochCpu):F3} s against {Stats.Median(productCpu):F3} s, ratio {Stats.Median(epochCpu) / Stats.Median(productCpu):F3}) " +
                          $"(medians of {rounds} interleaved rounds; epochs {string.Join(" ", epochSeconds.Select(e => e.ToString("F3")))} s; " +
                          $"products {string.Join(" ", productSeconds.Select(e => e.ToString("F3")))} s); " +
                          $"mean loss by epoch {string.Join(" ", losses.Select(l => l.ToString("R")))}");
        Output.Write(options, new()
        {
            ["workload"] = "epoch",
            ["impl"] = "backprop",
            ["label"] = options.String("label", "this build"),
            ["dtype"] = "float32",
            ["layers"] = hidden,
            ["optimizer"] = optimizer,
            ["dropout"] = dropout,
            ["lr"] = lr,
            ["batch"] = batch,
            ["threads"] = threads,
            ["seed"] = seed,
            ["rounds"] = rounds,
            ["steps_per_epoch"] = products.Steps(xTrain.Rows),
            ["products"] = products.Describe(),
            ["epoch_seconds"] = epochSeconds,
            ["products_seconds"] = productSeconds,
            ["round_ratios"] = roundRatios,
            ["chunks"] = chunks,
            ["epoch_cpu_seconds"] = epochCpu,
            ["products_cpu_seconds"] = productCpu,
            ["cpu_ratio"] = Stats.Median(epochCpu) / Stats.Median(productCpu),
            ["median_chunk_ratio"] = Stats.Median(chunkRatios),
            ["median_epoch_seconds"] = epoch,
            ["median_products_seconds"] = productsEpoch,
            ["epoch_over_products"] = epoch / productsEpoch,
            ["train_mean_loss"] = losses,
            ["allocated_bytes_per_epoch"] = (double)allocated / rounds,
        });
    }

    // Where an epoch's time goes: each step's pieces timed apart (gather, forward, loss and accuracy, backward, update),
    // against the forward and the backward products alone, for `rounds` epochs interleaved; then the update alone.
    private static void Parts(Options options, Trainer<float> trainer, Products products, IRowSource<float> x, Matrix<float> y, int batch, Compute compute, int rounds)
    {
        var network = trainer.Network;
        var xg = new Backprop.Training.BatchGatherer<float>();
        var yg = new Backprop.Training.BatchGatherer<float>();
        var random = new NumpyRandom(1);
        string[] names = ["gather", "forward", "loss+accuracy", "backward", "update", "forward products", "backward products", "update's memory floor", "update alone"];
        var floor = new OptimizerFloor(network.Parameters.Select(p => p.Value.Length), compute);
        var seconds = names.Select(_ => new List<double>()).ToArray();
        long[] sum = new long[5];
        long[] forwardLayers = new long[network.Layers.Count], backwardLayers = new long[network.Layers.Count];
        long backwardStart = 0;
        for (int r = 0; r < rounds; r++)
        {
            Array.Clear(sum);
            int[] order = random.Permutation(x.Rows);
            for (int start = 0; start < x.Rows; start += batch)
            {
                int rows = Math.Min(batch, x.Rows - start);
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                var xb = xg.Gather(x, order, start, rows, compute);
                var yb = yg.Gather(y, order, start, rows, compute);
                long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
                long last = t1;
                var prediction = network.Forward(xb, training: true, afterLayer: (k, _) =>
                {
                    long now = System.Diagnostics.Stopwatch.GetTimestamp();
                    forwardLayers[k] += now - last;
                    last = now;
                });
                long t2 = System.Diagnostics.Stopwatch.GetTimestamp();
                trainer.Loss.Loss(prediction, yb);
                Backprop.Training.Metrics.CountCorrect(prediction, yb);
                long t3 = System.Diagnostics.Stopwatch.GetTimestamp();
                last = t3;
                int previous = -1;
                network.Backward(trainer.Loss, prediction, yb, beforeLayer: (k, _) =>
                {
                    long now = System.Diagnostics.Stopwatch.GetTimestamp();
                    if (previous >= 0) backwardLayers[previous] += now - last; else backwardStart += now - last;
                    previous = k;
                    last = now;
                });
                long t4 = System.Diagnostics.Stopwatch.GetTimestamp();
                trainer.Update();
                long t5 = System.Diagnostics.Stopwatch.GetTimestamp();
                backwardLayers[previous] += t4 - last;
                sum[0] += t1 - t0; sum[1] += t2 - t1; sum[2] += t3 - t2; sum[3] += t4 - t3; sum[4] += t5 - t4;
            }
            for (int i = 0; i < 5; i++) seconds[i].Add(Stats.Seconds(sum[i]));
            long p0 = System.Diagnostics.Stopwatch.GetTimestamp();
            products.RunSteps(x.Rows, forward: true, backward: false);
            long p1 = System.Diagnostics.Stopwatch.GetTimestamp();
            products.RunSteps(x.Rows, forward: false, backward: true);
            long p2 = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int s = 0, steps = (x.Rows + batch - 1) / batch; s < steps; s++) floor.Step();
            long p3 = System.Diagnostics.Stopwatch.GetTimestamp();
            seconds[5].Add(Stats.Seconds(p1 - p0));
            seconds[6].Add(Stats.Seconds(p2 - p1));
            seconds[7].Add(Stats.Seconds(p3 - p2));
        }
        // The update alone, step after step with nothing between, its arrays left in the caches from one step to the
        // next (after the rounds: it moves the weights). Against "update" it shows what the rest of a step costs the
        // update by evicting them; against the products, the least an epoch with a separate update pass can add.
        for (int r = 0; r < rounds; r++)
        {
            long u0 = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int s = 0, steps = (x.Rows + batch - 1) / batch; s < steps; s++) trainer.Update();
            seconds[8].Add(Stats.Seconds(System.Diagnostics.Stopwatch.GetTimestamp() - u0));
        }
        for (int k = 0; k < network.Layers.Count; k++)
            Console.WriteLine($"  layer {k} {network.Layers[k].Name,-8} forward {Stats.Seconds(forwardLayers[k]) / rounds:F3} s, backward {Stats.Seconds(backwardLayers[k]) / rounds:F3} s an epoch (means)");
        Console.WriteLine($"  backward's start (output delta) {Stats.Seconds(backwardStart) / rounds:F3} s an epoch");
        for (int i = 0; i < names.Length; i++)
            Console.WriteLine($"{names[i],-20} {Stats.Median(seconds[i]):F3} s an epoch (median of {rounds}: {string.Join(" ", seconds[i].Select(v => v.ToString("F3")))})");
        Output.Write(options, new()
        {
            ["workload"] = "epoch-parts",
            ["label"] = options.String("label", "this build"),
            ["rounds"] = rounds,
            ["parts_median_seconds"] = names.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => Stats.Median(seconds[t.i])),
            ["layers_mean_seconds"] = network.Layers.Select((l, k) => new Dictionary<string, object?>
            {
                ["layer"] = k, ["name"] = l.Name,
                ["forward"] = Stats.Seconds(forwardLayers[k]) / rounds, ["backward"] = Stats.Seconds(backwardLayers[k]) / rounds,
            }).ToList(),
            ["backward_start_mean_seconds"] = Stats.Seconds(backwardStart) / rounds,
        });
    }

    // The least an optimizer that is a pass of its own can cost: per step, for arrays of each parameter's size, load
    // what Adam loads (weights, gradient, two moments) and store what it stores (weights, two moments), with one add
    // an array and nothing else, split between the threads as Adam splits a parameter (two parts from 65,536 values).
    // Its arrays stay in the caches from one step to the next (nothing else runs between), as Adam's do not in
    // training: a floor, not an estimate.
    private sealed unsafe class OptimizerFloor
    {
        private readonly (float[] W, float[] G, float[] M, float[] V)[] _arrays;
        private readonly Compute _compute;

        public OptimizerFloor(IEnumerable<int> lengths, Compute compute)
        {
            _compute = compute;
            _arrays = lengths.Select(n => (New(n), New(n), New(n), New(n))).ToArray();
            static float[] New(int n)
            {
                var a = GC.AllocateArray<float>(n, pinned: true);
                a.AsSpan().Fill(1e-3f);
                return a;
            }
        }

        public void Step()
        {
            foreach (var (w, g, m, v) in _arrays)
            {
                fixed (float* pw = w, pg = g, pm = m, pv = v)
                {
                    var job = new Job(pw, pg, pm, pv, w.Length);
                    if (w.Length >= (1 << 16) && _compute.Threads > 1 && WorkerPool.Shared.TryRun(2, ref job)) continue;
                    job.Run(0, 1);
                }
            }
        }

        private readonly struct Job(float* w, float* g, float* m, float* v, int length) : IParallelJob
        {
            public void Run(int part, int parts)
            {
                int from = (int)((long)length * part / parts), to = (int)((long)length * (part + 1) / parts);
                int i = from;
                for (; i + Vector512<float>.Count <= to; i += Vector512<float>.Count)
                {
                    var gi = Vector512.Load(g + i);
                    var mi = Vector512.Load(m + i) + gi;
                    var vi = Vector512.Load(v + i) + gi;
                    (Vector512.Load(w + i) + gi).Store(w + i);
                    mi.Store(m + i);
                    vi.Store(v + i);
                }
                for (; i < to; i++) { w[i] += g[i]; m[i] += g[i]; v[i] += g[i]; }
            }
        }
    }

    // The products of an epoch's steps, on buffers of a network's shapes, in the order a step computes them.
    private sealed class Products
    {
        private readonly Compute _compute;
        private readonly int[] _widths;
        private readonly int _batch;
        private readonly float[][] _activations, _weights, _gradients, _deltas;

        public Products(Compute compute, int[] widths, int batch, int rows)
        {
            (_compute, _widths, _batch) = (compute, widths, batch);
            int layers = widths.Length - 1;
            var random = new NumpyRandom(7);
            float[] Buffer(int length)
            {
                var b = new float[length];
                random.Fill(b);
                return b;
            }
            // activations[i]: layer i's output (0: the batch of inputs); deltas[i]: the delta at layer i's output.
            _activations = Enumerable.Range(0, layers + 1).Select(i => Buffer(batch * widths[i])).ToArray();
            _deltas = Enumerable.Range(0, layers + 1).Select(i => Buffer(batch * widths[i])).ToArray();
            _weights = Enumerable.Range(0, layers).Select(i => Buffer(widths[i] * widths[i + 1])).ToArray();
            _gradients = Enumerable.Range(0, layers).Select(i => new float[widths[i] * widths[i + 1]]).ToArray();
        }

        public int Steps(int rows) => (rows + _batch - 1) / _batch;

        // The products of step `step` of an epoch over `rows` examples.
        public void RunStep(int step, int rows) => Step(Math.Min(_batch, rows - step * _batch), forward: true, backward: true);

        public List<string> Describe()
        {
            var list = new List<string>();
            int layers = _widths.Length - 1;
            for (int i = 0; i < layers; i++) list.Add($"Multiply ({_batch}x{_widths[i]})·({_widths[i]}x{_widths[i + 1]})");
            for (int i = layers - 1; i >= 0; i--)
            {
                list.Add($"MultiplyTransposeA ({_batch}x{_widths[i]})ᵀ·({_batch}x{_widths[i + 1]})");
                if (i > 0) list.Add($"MultiplyTransposeB ({_batch}x{_widths[i + 1]})·({_widths[i]}x{_widths[i + 1]})ᵀ");
            }
            return list;
        }

        // The products of the steps of an epoch over `rows` examples: full batches, then the last, smaller one.
        public void RunSteps(int rows, bool forward = true, bool backward = true)
        {
            for (int start = 0; start < rows; start += _batch) Step(Math.Min(_batch, rows - start), forward, backward);
        }

        private void Step(int b, bool forward, bool backward)
        {
            int layers = _widths.Length - 1;
            for (int i = 0; i < (forward ? layers : 0); i++)
            {
                int inputs = _widths[i], outputs = _widths[i + 1];
                Gemm.Multiply<float>(_compute, _activations[i].AsSpan(0, b * inputs), _weights[i], _activations[i + 1].AsSpan(0, b * outputs), b, inputs, outputs);
            }
            for (int i = backward ? layers - 1 : -1; i >= 0; i--)
            {
                int inputs = _widths[i], outputs = _widths[i + 1];
                Gemm.MultiplyTransposeA<float>(_compute, _activations[i].AsSpan(0, b * inputs), _deltas[i + 1].AsSpan(0, b * outputs), _gradients[i], inputs, b, outputs);
                if (i > 0)
                    Gemm.MultiplyTransposeB<float>(_compute, _deltas[i + 1].AsSpan(0, b * outputs), _weights[i], _deltas[i].AsSpan(0, b * inputs), b, outputs, inputs);
            }
        }
    }
}
