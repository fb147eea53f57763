using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Layers;
using Backprop.Tensors;

namespace Backprop.Models;

/// <summary>
/// A model's forward pass in its precision, safe to run from many threads at once: the weights are read-only, and each
/// call takes its own scratch buffers from a small pool (a slot array, no locks), so that after warm-up a call
/// allocates nothing. It runs the network's own kernels in the network's order (<see cref="Gemm.Multiply{T}"/>, the
/// bias added row by row, the activations), so each row's outputs are the bits <see cref="Network{T}.Forward"/> gives.
/// </summary>
internal sealed class PredictorEngine<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _weights;
    private readonly T[]?[] _biases;
    private readonly int[] _sizes;            // inputs, then each layer's outputs
    private readonly Activation[] _activations;
    private readonly Compute _compute;
    private readonly double[] _offset, _scale;
    private readonly bool _identity;          // the scaling changes nothing: offsets 0, scales 1
    private readonly int _widest;             // the widest hidden layer (0 without hidden layers)
    private readonly Scratch?[] _pool = new Scratch?[Math.Max(4, 2 * Environment.ProcessorCount)];

    public PredictorEngine(Model model)
    {
        var network = model.ToNetwork<T>();
        var dense = network.DenseLayers;
        _weights = dense.Select(d => d.Weights.Value.Span.ToArray()).ToArray();
        _biases = dense.Select(d => d.Bias?.Value.Span.ToArray()).ToArray();
        _sizes = [dense[0].Inputs, .. dense.Select(d => d.Outputs)];
        _activations = network.Blocks.Select(b => b.Activation).ToArray();
        _compute = network.Compute;
        _offset = (double[])model.Normalization.Offset.Clone();
        _scale = (double[])model.Normalization.Scale.Clone();
        _identity = _offset.All(o => o == 0) && _scale.All(s => s == 1);
        _widest = _sizes.Length > 2 ? _sizes[1..^1].Max() : 0;
    }

    public int Inputs => _sizes[0];

    public int Outputs => _sizes[^1];

    /// <summary>
    /// Scales raw rows (as a file holds them) into <paramref name="x"/>: (raw - offset) / scale in float64, then
    /// converted, what <see cref="Data.Normalization.Apply{T}(Matrix{double})"/> computes (a vector's subtraction and
    /// division round each element as the scalar ones do); no arithmetic at all when the scaling is the identity.
    /// </summary>
    private void Scale(ReadOnlySpan<double> raw, Span<T> x, Span<double> row)
    {
        int columns = Inputs;
        for (int start = 0; start < raw.Length; start += columns)
        {
            ReadOnlySpan<double> from = raw.Slice(start, columns);
            if (!_identity)
            {
                TensorPrimitives.Subtract(from, _offset, row);
                TensorPrimitives.Divide(row, _scale, row);
                from = row;
            }
            Span<T> to = x.Slice(start, columns);
            if (typeof(T) == typeof(double)) from.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(to));
            // Each element rounded to nearest, as the scalar conversion (float)x rounds it.
            else TensorPrimitives.ConvertTruncating<double, T>(from, to);
        }
    }

    /// <summary>One row of raw inputs (doubles) to the network's outputs: no allocation once a scratch buffer exists.</summary>
    public void PredictRaw(ReadOnlySpan<double> raw, Span<T> output)
    {
        var scratch = Rent(1);
        try
        {
            Span<T> x = scratch.Input.AsSpan(0, Inputs);
            Scale(raw, x, scratch.Row);
            Forward(x, output, 1, scratch);
        }
        finally { Return(scratch); }
    }

    /// <summary>One row of raw inputs (floats, widened exactly) to the network's outputs.</summary>
    public void PredictRaw(ReadOnlySpan<float> raw, Span<T> output)
    {
        var scratch = Rent(1);
        try
        {
            Span<T> x = scratch.Input.AsSpan(0, Inputs);
            Span<double> wide = scratch.Wide;
            for (int i = 0; i < wide.Length; i++) wide[i] = raw[i];
            Scale(wide, x, scratch.Row);
            Forward(x, output, 1, scratch);
        }
        finally { Return(scratch); }
    }

    /// <summary><paramref name="rows"/> rows of scaled inputs to their outputs (rows, outputs), chunk by chunk.</summary>
    public void ForwardScaled(ReadOnlySpan<T> x, Span<T> output, int rows)
    {
        const int Chunk = 1000;
        var scratch = Rent(Math.Min(rows, Chunk));
        try
        {
            for (int start = 0; start < rows; start += Chunk)
            {
                int count = Math.Min(Chunk, rows - start);
                Forward(x.Slice(start * Inputs, count * Inputs), output.Slice(start * Outputs, count * Outputs), count, scratch);
            }
        }
        finally { Return(scratch); }
    }

    /// <summary>Raw rows (doubles, rows × inputs) to outputs, scaled a chunk at a time.</summary>
    public void PredictRawRows(ReadOnlySpan<double> raw, Span<T> output, int rows)
    {
        const int Chunk = 1000;
        var scratch = Rent(Math.Min(rows, Chunk));
        try
        {
            for (int start = 0; start < rows; start += Chunk)
            {
                int count = Math.Min(Chunk, rows - start);
                Span<T> x = scratch.Input.AsSpan(0, count * Inputs);
                Scale(raw.Slice(start * Inputs, count * Inputs), x, scratch.Row);
                Forward(x, output.Slice(start * Outputs, count * Outputs), count, scratch);
            }
        }
        finally { Return(scratch); }
    }

    // x (rows, inputs) through every block into output (rows, outputs); hidden layers in the scratch's two buffers.
    private void Forward(ReadOnlySpan<T> x, Span<T> output, int rows, Scratch scratch)
    {
        int layers = _weights.Length;
        ReadOnlySpan<T> input = x;
        for (int l = 0; l < layers; l++)
        {
            int k = _sizes[l], n = _sizes[l + 1];
            Span<T> y = l == layers - 1 ? output[..(rows * n)] : (l % 2 == 0 ? scratch.A : scratch.B).AsSpan(0, rows * n);
            Gemm.Multiply<T>(_compute, input, _weights[l], y, rows, k, n);
            if (_biases[l] is { } bias)
                for (int r = 0; r < rows; r++) TensorPrimitives.Add<T>(y.Slice(r * n, n), bias, y.Slice(r * n, n));
            switch (_activations[l])
            {
                case Activation.Relu: Elementwise.MultiplyByPositive<T>(y, y, y); break;
                case Activation.Sigmoid: ElementMath.Sigmoid<T>(y, y); break;
                case Activation.Tanh: ElementMath.Tanh<T>(y, y); break;
                case Activation.Softmax:
                    for (int r = 0; r < rows; r++) Softmax<T>.ApplyRow(y.Slice(r * n, n), y.Slice(r * n, n));
                    break;
            }
            input = y;
        }
    }

    private sealed class Scratch(int rows, int inputs, int widest)
    {
        public readonly int Rows = rows;
        public readonly T[] Input = new T[rows * inputs];
        public readonly T[] A = new T[rows * widest];
        public readonly T[] B = new T[rows * widest];
        public readonly double[] Row = new double[inputs], Wide = new double[inputs];
    }

    // A scratch for at least `rows` rows: one from the pool when there is one, else a new one.
    private Scratch Rent(int rows)
    {
        var pool = _pool;
        for (int i = 0; i < pool.Length; i++)
        {
            var s = Volatile.Read(ref pool[i]);
            if (s is not null && s.Rows >= rows && Interlocked.CompareExchange(ref pool[i], null, s) == s) return s;
        }
        return new Scratch(rows, Inputs, _widest);
    }

    // Back into an empty slot, or into one holding a smaller scratch; dropped when the pool is full of larger ones.
    private void Return(Scratch scratch)
    {
        var pool = _pool;
        for (int i = 0; i < pool.Length; i++)
            if (Volatile.Read(ref pool[i]) is null && Interlocked.CompareExchange(ref pool[i], scratch, null) is null) return;
        for (int i = 0; i < pool.Length; i++)
            if (Volatile.Read(ref pool[i]) is { } held && held.Rows < scratch.Rows && Interlocked.CompareExchange(ref pool[i], scratch, held) == held) return;
    }
}
