using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Backprop.Bench;

/// <summary>
/// BenchmarkDotNet micro-benchmarks of the kernels, in process (no generated project to build):
/// <c>dotnet run -c Release --project bench/Backprop.Bench -- micro [--filter *Gemm*] [--artifacts DIR]</c>.
/// With no --filter every benchmark runs (BenchmarkDotNet would otherwise ask which, on the terminal).
/// </summary>
internal static class Micro
{
    public static void Run(string[] args)
    {
        var list = args.ToList();
        if (!list.Contains("--filter") && !list.Contains("-f")) list.AddRange(["--filter", "*"]);
        string artifacts = "bench/results/micro";
        int at = list.IndexOf("--artifacts");
        if (at >= 0 && at + 1 < list.Count) { artifacts = list[at + 1]; list.RemoveRange(at, 2); }

        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(12)
            .WithId("InProcess");
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(artifacts);
        BenchmarkSwitcher.FromAssembly(typeof(Micro).Assembly).Run(list.ToArray(), config);
    }
}

/// <summary>The three product kernels, square n x n x n, on two threads (<see cref="Compute.Threads"/> = 2), fused.</summary>
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(double))]
public class GemmKernels<T> where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
{
    private T[] _a = [], _b = [], _c = [];
    private readonly Compute _compute = new() { Threads = 2 };

    [Params(64, 256, 512)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new NumpyRandom(1);
        _a = Draw(random, N * N);
        _b = Draw(random, N * N);
        _c = new T[N * N];
    }

    private static T[] Draw(NumpyRandom random, int length)
    {
        var values = new double[length];
        random.Fill(values);
        return values.Select(T.CreateChecked).ToArray();
    }

    [Benchmark(Baseline = true)]
    public void Multiply() => Gemm.Multiply<T>(_compute, _a, _b, _c, N, N, N);

    [Benchmark]
    public void MultiplyTransposeA() => Gemm.MultiplyTransposeA<T>(_compute, _a, _b, _c, N, N, N);

    [Benchmark]
    public void MultiplyTransposeB() => Gemm.MultiplyTransposeB<T>(_compute, _a, _b, _c, N, N, N);
}

/// <summary>One training step (forward, loss, backward, SGD update) of 784-128-10 on a batch of 100, float32.</summary>
[MemoryDiagnoser]
public class TrainerStep
{
    private Trainer<float> _trainer = null!;
    private Matrix<float> _x = null!, _y = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new NumpyRandom(1);
        var spec = new NetworkSpec(784, [128], 10) { OutputActivation = Activation.Softmax, Bias = true, Init = Initializer.He, Compute = new Compute { Threads = 2 } };
        _trainer = new Trainer<float>(spec.Build<float>(random), new CrossEntropy<float>(), new Sgd<float>(0.01f))
        {
            Batching = Batching.MiniBatch(100),
        };
        _x = new Matrix<float>(100, 784);
        random.Fill(_x.Span);
        _y = new Matrix<float>(100, 10);
        for (int r = 0; r < 100; r++) _y[r, (int)random.RandInt(10)] = 1;
    }

    [Benchmark]
    public float Step() => _trainer.Step(_x, _y);
}

/// <summary>
/// One update of the 784-512-256-10 network's parameters (535,818 values, with biases), float32, two threads: the
/// optimizer's share of a step of the "time to accuracy" workload. Gradients are fixed, some exactly zero.
/// </summary>
[MemoryDiagnoser]
public class OptimizerUpdate
{
    private Parameter<float>[] _parameters = [];
    private IOptimizer<float> _optimizer = null!;
    private readonly Compute _compute = new() { Threads = 2 };

    [Params("sgd", "momentum", "adam")]
    public string Optimizer { get; set; } = "adam";

    [GlobalSetup]
    public void Setup()
    {
        var network = new NetworkSpec(784, [512, 256], 10) { Bias = true, Init = Initializer.He }.Build<float>(new NumpyRandom(1));
        _parameters = network.Parameters.ToArray();
        var random = new NumpyRandom(2);
        foreach (var p in _parameters)
        {
            random.Fill(p.Gradient.Span);
            var g = p.Gradient.Span;
            for (int i = 0; i < g.Length; i += 7) g[i] = 0; // dead units' weights
        }
        _optimizer = Optimizer switch
        {
            "sgd" => new Sgd<float>(0.01f),
            "momentum" => new Momentum<float>(0.01f, 0.9f),
            _ => new Adam<float>(0.001f),
        };
    }

    [Benchmark]
    public void Update() => _optimizer.Update(_parameters, _compute);
}

/// <summary>Dropout forward (draw the mask, apply it) and backward on the hidden layers of 784-512-256-10, batch 64, float32.</summary>
[MemoryDiagnoser]
public class DropoutStep
{
    private Dropout<float> _first = null!, _second = null!;
    private Matrix<float> _h1 = null!, _h2 = null!;

    [Params(0.2, 0.5)]
    public double P { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new NumpyRandom(1);
        _first = new Dropout<float>(P, random);
        _second = new Dropout<float>(P, random);
        _h1 = Matrix.Random<float>(random, 64, 512);
        _h2 = Matrix.Random<float>(random, 64, 256);
    }

    [Benchmark]
    public void ForwardAndBackward()
    {
        _first.Backward(_first.Forward(_h1, training: true), needInputDelta: true);
        _second.Backward(_second.Forward(_h2, training: true), needInputDelta: true);
    }
}
