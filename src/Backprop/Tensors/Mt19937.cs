using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Tensors;

/// <summary>
/// The 32-bit Mersenne Twister (Matsumoto and Nishimura, 1998) exactly as numpy's
/// legacy <c>RandomState</c> runs it (numpy/random/src/mt19937). Only the raw word
/// stream lives here; <see cref="NumpyRandom"/> turns words into doubles and integers.
/// </summary>
internal sealed class Mt19937
{
    // The MT19937 parameters: N words of state, M the "middle" offset of the recurrence.
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908B0DFu;
    private const uint UpperMask = 0x80000000u;
    private const uint LowerMask = 0x7FFFFFFFu;

    private readonly uint[] _key = new uint[N];

    // Index of the next word of _key to hand out; N means "regenerate first".
    private int _pos;

    /// <summary>Creates a generator seeded like <c>np.random.seed(seed)</c>.</summary>
    public Mt19937(uint seed) => Seed(seed);

    /// <summary>
    /// numpy's <c>mt19937_seed</c>: for an integer seed numpy uses the reference
    /// <c>init_genrand</c> (Knuth's linear recurrence), not <c>init_by_array</c>.
    /// </summary>
    public void Seed(uint seed)
    {
        _key[0] = seed;
        for (int i = 1; i < N; i++)
        {
            uint prev = _key[i - 1];
            _key[i] = unchecked(1812433253u * (prev ^ (prev >> 30)) + (uint)i);
        }
        _pos = N;
    }

    /// <summary>Copies the N words of state into <paramref name="key"/>; returns the index of the next word.</summary>
    public int GetState(Span<uint> key)
    {
        _key.CopyTo(key);
        return _pos;
    }

    /// <summary>Sets the N words of state and the index of the next word (0 to N).</summary>
    public void SetState(ReadOnlySpan<uint> key, int position)
    {
        key.CopyTo(_key);
        _pos = position;
    }

    /// <summary>Next tempered 32-bit word (<c>mt19937_next32</c>).</summary>
    public uint NextUInt32()
    {
        if (_pos == N)
        {
            Regenerate();
        }

        uint y = _key[_pos++];

        // Tempering: improves the equidistribution of the output bits.
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>
    /// numpy's <c>mt19937_next64</c>: two words, the FIRST one drawn is the high half
    /// (checked against numpy 1.24 on x86-64; the C expression leaves the order unspecified).
    /// </summary>
    public ulong NextUInt64()
    {
        ulong high = NextUInt32();
        ulong low = NextUInt32();
        return (high << 32) | low;
    }

    /// <summary>
    /// numpy's <c>mt19937_next_double</c> (genrand_res53): 27 + 26 random bits make a
    /// 53-bit integer, scaled into [0, 1) exactly.
    /// </summary>
    public double NextDouble()
    {
        int a = (int)(NextUInt32() >> 5);
        int b = (int)(NextUInt32() >> 6);
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>
    /// The next <c>destination.Length</c> tempered words, exactly as that many <see cref="NextUInt32"/> calls give
    /// them, a block of state at a time with vector instructions (dropout masks draw tens of thousands a batch).
    /// </summary>
    public void Fill(Span<uint> destination)
    {
        while (!destination.IsEmpty)
        {
            if (_pos == N) Regenerate();
            int count = Math.Min(N - _pos, destination.Length);
            Temper(_key.AsSpan(_pos, count), destination);
            _pos += count;
            destination = destination[count..];
        }
    }

    private static void Temper(ReadOnlySpan<uint> words, Span<uint> destination)
    {
        ref uint from = ref MemoryMarshal.GetReference(words);
        ref uint to = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)words.Length, i = 0;
        if (destination.Length < words.Length) throw new ArgumentException("The destination is too short.", nameof(destination));
        for (; i + (nuint)Vector<uint>.Count <= n; i += (nuint)Vector<uint>.Count)
        {
            var y = Vector.LoadUnsafe(ref from, i);
            y ^= y >> 11;
            y ^= (y << 7) & new Vector<uint>(0x9D2C5680u);
            y ^= (y << 15) & new Vector<uint>(0xEFC60000u);
            y ^= y >> 18;
            y.StoreUnsafe(ref to, i);
        }
        for (; i < n; i++)
        {
            uint y = Unsafe.Add(ref from, i);
            y ^= y >> 11;
            y ^= (y << 7) & 0x9D2C5680u;
            y ^= (y << 15) & 0xEFC60000u;
            y ^= y >> 18;
            Unsafe.Add(ref to, i) = y;
        }
    }

    // Refills all N words at once (numpy's mt19937_gen): key[i] = key[i+M] ^ twist(key[i], key[i+1]) with indices
    // wrapping mod N. A block of words at a time: within a block every word read is either not yet rewritten
    // (i+1, i+M below N) or was rewritten in an earlier block (i+M-N is at least N-M = 227 words behind), as the
    // one-word loop would have it.
    private void Regenerate()
    {
        ref uint key = ref MemoryMarshal.GetArrayDataReference(_key);
        int w = Vector<uint>.Count, i = 0;
        for (; i + w <= N - M; i += w) TwistBlock(ref key, i, i + M);
        for (; i < N - M; i++) _key[i] = _key[i + M] ^ Twist(_key[i], _key[i + 1]);
        for (; i + w <= N - 1; i += w) TwistBlock(ref key, i, i + M - N);
        for (; i < N - 1; i++) _key[i] = _key[i + M - N] ^ Twist(_key[i], _key[i + 1]);
        _key[N - 1] = _key[M - 1] ^ Twist(_key[N - 1], _key[0]);
        _pos = 0;
    }

    // key[i..i+w] = key[j..j+w] ^ twist(key[i..i+w], key[i+1..i+1+w]), the words of Twist side by side (the callers
    // keep i + w + 1 and j + w within the N words).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TwistBlock(ref uint key, int i, int j)
    {
        var current = Vector.LoadUnsafe(ref key, (nuint)i);
        var next = Vector.LoadUnsafe(ref key, (nuint)(i + 1));
        var y = (current & new Vector<uint>(UpperMask)) | (next & new Vector<uint>(LowerMask));
        var odd = Vector.Equals(y & Vector<uint>.One, Vector<uint>.One);
        var twisted = (y >> 1) ^ (odd & new Vector<uint>(MatrixA));
        (Vector.LoadUnsafe(ref key, (nuint)j) ^ twisted).StoreUnsafe(ref key, (nuint)i);
    }

    // Upper bit of `current`, lower 31 bits of `next`, multiplied by the twist matrix A.
    private static uint Twist(uint current, uint next)
    {
        uint y = (current & UpperMask) | (next & LowerMask);
        return (y >> 1) ^ ((y & 1u) != 0 ? MatrixA : 0u);
    }
}
