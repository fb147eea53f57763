using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// Dropout, as Grokking Deep Learning's chapter 8 does it: while training, each activation is kept or zeroed
/// by a 0/1 mask, the kept ones scaled by 1 / (1 - p) so the next layer sees the same expected sum, and the
/// delta is masked the same way; at evaluation it passes values through untouched.
/// </summary>
/// <remarks>
/// With p = 0.5 the mask is the book's <c>np.random.randint(2, size=layer_1.shape)</c>, drawn from the same
/// <see cref="NumpyRandom"/>; for other p it is <c>np.random.random_sample(shape) &gt;= p</c>.
/// </remarks>
public sealed class Dropout<T> : ILayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NumpyRandom _random;
    private readonly T _keepScale;
    // random_sample() >= p, in integers: random_sample is k / 2^53 with k = (word1 >> 5) · 2^26 + (word2 >> 6).
    private readonly ulong _keepFrom;
    private BatchBuffer<T> _mask, _output, _inputDelta;
    private uint[] _words = [];
    private bool _maskApplied;

    /// <summary>Drops each activation with probability <paramref name="p"/> (0 ≤ p &lt; 1), drawing masks from <paramref name="random"/>.</summary>
    public Dropout(double p, NumpyRandom random)
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout probability must be at least 0 and below 1, not {p}.");
        P = p;
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _keepScale = T.CreateChecked(1 / (1 - p));
        _keepFrom = (ulong)Math.Ceiling(Math.ScaleB(p, 53));
    }

    /// <summary>The masked output of the last Forward, or null when it passed its input through (evaluation, or p = 0).</summary>
    public Matrix<T>? Output => _maskApplied ? _output.Current : null;

    // The stream the masks come from (a checkpoint saves where it stands).
    internal NumpyRandom Random => _random;

    /// <summary>The probability of dropping an activation.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public string Name => "dropout";

    /// <inheritdoc/>
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <inheritdoc/>
    public Matrix<T> Forward(Matrix<T> input, bool training)
    {
        _maskApplied = training && P > 0;
        if (!_maskApplied) return input;
        var mask = _mask.Get(input.Rows, input.Columns);
        var output = _output.Get(input.Rows, input.Columns);
        MaskInto(input.Span, mask.Span, output.Span);
        return output;
    }

    // mask[i] = 1 / (1 - p) where unit i is kept, else 0, and output = input * mask. The random words are drawn in
    // bulk, exactly the words that randint(2, size) (p = 0.5: keep where the word's low bit is 1) or
    // random_sample(size) (two words an element) would consume, in order, so the stream stays the notes'. Keep or
    // drop is a coin toss, so the mask is built without branches (a mispredicted branch an element cost more than
    // everything else dropout does). A chunk at a time: each chunk's words are drawn, made into its mask and used
    // while they are in the L1 cache (the words for a whole batch of 64 x 512 units were 256 KB; dropout's forward
    // step took 15-20% less time this way, bench epoch --parts 1).
    private void MaskInto(ReadOnlySpan<T> input, Span<T> mask, Span<T> output)
    {
        bool half = P == 0.5;
        int perValue = half ? 1 : 2;
        if (_words.Length < MaskChunk * 2) _words = new uint[MaskChunk * 2];
        for (int start = 0; start < mask.Length; start += MaskChunk)
        {
            int n = Math.Min(MaskChunk, mask.Length - start);
            var part = mask.Slice(start, n);
            var w = _words.AsSpan(0, n * perValue);
            _random.FillWords(w);
            if (typeof(T) == typeof(float)) FillMask(MemoryMarshal.Cast<T, uint>(part), w, BitConverter.SingleToUInt32Bits(float.CreateTruncating(_keepScale)), half, _keepFrom);
            else FillMask(MemoryMarshal.Cast<T, ulong>(part), w, BitConverter.DoubleToUInt64Bits(double.CreateTruncating(_keepScale)), half, _keepFrom);
            // layer_1 *= dropout_mask * 2: one multiply an element, as numpy's
            TensorPrimitives.Multiply<T>(input.Slice(start, n), part, output.Slice(start, n));
        }
    }

    // Values a chunk (4 KB of float32 mask, 8 KB of words).
    private const int MaskChunk = 1024;

    // The mask as bit patterns: keep's bits where kept, 0 (+0.0) where dropped. TBits is uint for float32, ulong for
    // float64; a comparison gives all ones or all zeros, and ANDing keep's bits with it selects.
    private static void FillMask<TBits>(Span<TBits> mask, ReadOnlySpan<uint> w, TBits keep, bool half, ulong keepFrom)
        where TBits : unmanaged, IBinaryInteger<TBits>
    {
        int i = 0;
        if (half)
        {
            if (typeof(TBits) == typeof(uint))
            {
                var one = Vector<uint>.One;
                var keepBits = new Vector<uint>(uint.CreateTruncating(keep));
                var m = MemoryMarshal.Cast<TBits, uint>(mask);
                for (; i + Vector<uint>.Count <= m.Length; i += Vector<uint>.Count)
                    (Vector.Equals(new Vector<uint>(w[i..]) & one, one) & keepBits).CopyTo(m[i..]);
            }
            for (; i < mask.Length; i++) mask[i] = keep & (TBits.Zero - TBits.CreateTruncating(w[i] & 1));
        }
        else
        {
            // k = (word1 >> 5) · 2^26 + (word2 >> 6), with word1 the low half of a little-endian ulong of two words.
            var pairs = MemoryMarshal.Cast<uint, ulong>(w);
            if (typeof(TBits) == typeof(ulong))
            {
                var keepBits = new Vector<ulong>(ulong.CreateTruncating(keep));
                var from = new Vector<ulong>(keepFrom);
                var low = new Vector<ulong>(0xFFFFFFFFul);
                var m = MemoryMarshal.Cast<TBits, ulong>(mask);
                for (; i + Vector<ulong>.Count <= m.Length; i += Vector<ulong>.Count)
                {
                    var two = new Vector<ulong>(pairs[i..]);
                    var k = (((two & low) >> 5) << 26) | (two >> 38);
                    (Vector.GreaterThanOrEqual(k, from) & keepBits).CopyTo(m[i..]);
                }
            }
            else if (typeof(TBits) == typeof(uint))
            {
                var keepBits = new Vector<uint>(uint.CreateTruncating(keep));
                var from = new Vector<ulong>(keepFrom);
                var low = new Vector<ulong>(0xFFFFFFFFul);
                var m = MemoryMarshal.Cast<TBits, uint>(mask);
                int n = Vector<ulong>.Count;
                for (; i + 2 * n <= m.Length; i += 2 * n)
                {
                    var a = new Vector<ulong>(pairs[i..]);
                    var b = new Vector<ulong>(pairs[(i + n)..]);
                    var ka = (((a & low) >> 5) << 26) | (a >> 38);
                    var kb = (((b & low) >> 5) << 26) | (b >> 38);
                    (Vector.Narrow(Vector.GreaterThanOrEqual(ka, from), Vector.GreaterThanOrEqual(kb, from)) & keepBits).CopyTo(m[i..]);
                }
            }
            for (; i < mask.Length; i++)
            {
                ulong k = ((ulong)(w[2 * i] >> 5) << 26) | (w[2 * i + 1] >> 6);
                mask[i] = keep & (TBits.Zero - TBits.CreateTruncating(k >= keepFrom ? 1u : 0u));
            }
        }
    }

    /// <inheritdoc/>
    public Matrix<T>? Backward(Matrix<T> outputDelta, bool needInputDelta)
    {
        if (!needInputDelta) return null;
        if (!_maskApplied) return outputDelta;
        var inputDelta = _inputDelta.Get(outputDelta.Rows, outputDelta.Columns);
        // the delta is masked as the activations were: layer_1_delta *= dropout_mask
        TensorPrimitives.Multiply<T>(outputDelta.Span, _mask.Current!.Span, inputDelta.Span);
        return inputDelta;
    }
}
