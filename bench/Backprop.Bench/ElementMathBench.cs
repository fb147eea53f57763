using System.Numerics;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Backprop.Bench;

/// <summary>
/// ElementMath's e^x, logistic function and tanh (the same bits at every vector width) beside TensorPrimitives' (which
/// differ between widths) over 2^20 values in [-10, 10], one thread; each pair is a category, TensorPrimitives the
/// baseline: <c>dotnet run -c Release --project bench/Backprop.Bench -- micro --filter *ElementMathKernels*</c>.
/// </summary>
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(double))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ElementMathKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _x = [], _y = [];

    [GlobalSetup]
    public void Setup()
    {
        var values = new double[1 << 20];
        new NumpyRandom(1).Fill(values);   // uniform on [0, 1)
        _x = values.Select(v => T.CreateChecked(20 * v - 10)).ToArray();
        _y = new T[_x.Length];
    }

    [Benchmark(Baseline = true), BenchmarkCategory("exp")]
    public void TensorPrimitivesExp() => TensorPrimitives.Exp<T>(_x, _y);

    [Benchmark, BenchmarkCategory("exp")]
    public void ElementMathExp() => ElementMath.Exp<T>(_x, _y);

    [Benchmark(Baseline = true), BenchmarkCategory("sigmoid")]
    public void TensorPrimitivesSigmoid() => TensorPrimitives.Sigmoid<T>(_x, _y);

    [Benchmark, BenchmarkCategory("sigmoid")]
    public void ElementMathSigmoid() => ElementMath.Sigmoid<T>(_x, _y);

    [Benchmark(Baseline = true), BenchmarkCategory("tanh")]
    public void TensorPrimitivesTanh() => TensorPrimitives.Tanh<T>(_x, _y);

    [Benchmark, BenchmarkCategory("tanh")]
    public void ElementMathTanh() => ElementMath.Tanh<T>(_x, _y);
}
