using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Backprop.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Backprop.Bench;

/// <summary>
/// Backprop's <see cref="Predictor"/> against ONNX Runtime's <see cref="InferenceSession"/> on the same model, exported
/// by <see cref="OnnxModel.ToBytes"/>, float32, the same raw inputs, the same thread count (every core: Backprop's
/// <see cref="Compute.Default"/>, ONNX Runtime's IntraOpNumThreads): one row (latency) and 1,000 rows (throughput), for a
/// 784-128-10 image model (relu, softmax) and a 10-input tabular model (10-32-16-3, relu, softmax, standard scaling).
/// ONNX Runtime runs at its best: default graph optimizations (all), inputs and outputs bound once as OrtValues over
/// pinned arrays (no per-call tensor allocation), one session reused. The predictor's span call for one row; its
/// batch call on a matrix of raw rows for 1,000 (which allocates the result, as ONNX Runtime's output is preallocated).
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[MedianColumn]
public class PredictVsOnnxRuntime
{
    [Params("784-128-10", "tabular-10")]
    public string Network { get; set; } = "";

    private Predictor _predictor = null!;
    private float[] _row = [], _rowOut = [];
    private Matrix<double> _rows = null!;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue[] _oneIn = [], _oneOut = [], _batchIn = [], _batchOut = [];
    private readonly string[] _inputNames = [OnnxModel.InputName], _outputNames = [OnnxModel.OutputName];
    private const int BatchRows = 1000;

    [GlobalSetup]
    public void Setup()
    {
        int[] sizes = Network == "784-128-10" ? [784, 128, 10] : [10, 32, 16, 3];
        var model = MakeModel(sizes, Network == "784-128-10" ? NormalizationKind.None : NormalizationKind.Standard);
        _predictor = new Predictor(model);
        int inputs = sizes[0], outputs = sizes[^1];
        var random = new Random(3);
        // float32 values, so that both sides see exactly the same inputs (pixels 0..1, or numbers around the offsets).
        _rows = new Matrix<double>(BatchRows, inputs);
        var batch = new float[BatchRows * inputs];
        for (int i = 0; i < batch.Length; i++)
            batch[i] = (float)(Network == "784-128-10" ? random.Next(256) / 255.0 : random.NextDouble() * 8 - 4);
        for (int i = 0; i < batch.Length; i++) _rows.Span[i] = batch[i];
        _row = batch[..inputs];
        _rowOut = new float[outputs];

        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(OnnxModel.ToBytes(model), options);
        _runOptions = new RunOptions();
        _oneIn = [OrtValue.CreateTensorValueFromMemory(_row, [1, inputs])];
        _oneOut = [OrtValue.CreateTensorValueFromMemory(new float[outputs], [1, outputs])];
        _batchIn = [OrtValue.CreateTensorValueFromMemory(batch, [BatchRows, inputs])];
        _batchOut = [OrtValue.CreateTensorValueFromMemory(new float[BatchRows * outputs], [BatchRows, outputs])];

        // Both give the same classes for the whole batch (the bench compares like with like).
        var ours = _predictor.Predict(_rows);
        OnnxRuntimeBatch();
        var theirs = _batchOut[0].GetTensorDataAsSpan<float>();
        for (int i = 0; i < theirs.Length; i++)
            if (Math.Abs(theirs[i] - ours.Outputs.Span[i]) > 1e-5)
                throw new InvalidOperationException($"ONNX Runtime and the predictor differ at {i}: {theirs[i]} against {ours.Outputs.Span[i]}.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var v in _oneIn.Concat(_oneOut).Concat(_batchIn).Concat(_batchOut)) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    [BenchmarkCategory("one row"), Benchmark(Baseline = true)]
    public int BackpropOneRow() => _predictor.Predict(_row, _rowOut);

    [BenchmarkCategory("one row"), Benchmark]
    public void OnnxRuntimeOneRow() => _session.Run(_runOptions, _inputNames, _oneIn, _outputNames, _oneOut);

    [BenchmarkCategory("1000 rows"), Benchmark(Baseline = true)]
    public Predictions BackpropBatch() => _predictor.Predict(_rows);

    [BenchmarkCategory("1000 rows"), Benchmark]
    public void OnnxRuntimeBatch() => _session.Run(_runOptions, _inputNames, _batchIn, _outputNames, _batchOut);

    // Weights drawn from a seed (He-like scale), float32 values; standard scaling with offsets and scales unlike the identity.
    private static Model MakeModel(int[] sizes, NormalizationKind kind)
    {
        var random = new NumpyRandom(11);
        int inputs = sizes[0];
        var spec = new NetworkSpec(inputs, sizes[1..^1], sizes[^1]) { HiddenActivation = Activation.Relu, OutputActivation = Activation.Softmax };
        var weights = new double[sizes.Length - 1][];
        var biases = new double[]?[sizes.Length - 1];
        for (int i = 0; i < weights.Length; i++)
        {
            double scale = Math.Sqrt(2.0 / sizes[i]);
            weights[i] = Draw(random, sizes[i] * sizes[i + 1], scale);
            biases[i] = Draw(random, sizes[i + 1], 0.1);
        }
        var normalization = kind == NormalizationKind.None ? Normalization.None(inputs)
            : new Normalization(kind, Draw(random, inputs, 2), Draw(random, inputs, 1).Select(v => Math.Abs(v) + 0.5).ToArray());
        var classes = Enumerable.Range(0, sizes[^1]).Select(c => $"c{c}").ToArray();
        return new Model(spec, Precision.F32, normalization, Enumerable.Range(0, inputs).Select(c => $"x{c}").ToArray(),
                         ["label"], classes, LossKind.CrossEntropy, weights, biases);
    }

    private static double[] Draw(NumpyRandom random, int count, double scale)
    {
        var values = new double[count];
        random.Fill(values);
        return values.Select(v => (double)(float)((2 * v - 1) * scale)).ToArray();
    }
}
