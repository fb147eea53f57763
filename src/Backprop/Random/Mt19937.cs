namespace Backprop;

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

    // Refills all N words at once (numpy's mt19937_gen); the three loops are the
    // recurrence key[i] = key[i+M] ^ twist(key[i], key[i+1]) with indices wrapping mod N.
    private void Regenerate()
    {
        int i = 0;
        for (; i < N - M; i++)
        {
            _key[i] = _key[i + M] ^ Twist(_key[i], _key[i + 1]);
        }
        for (; i < N - 1; i++)
        {
            _key[i] = _key[i + M - N] ^ Twist(_key[i], _key[i + 1]);
        }
        _key[N - 1] = _key[M - 1] ^ Twist(_key[N - 1], _key[0]);
        _pos = 0;
    }

    // Upper bit of `current`, lower 31 bits of `next`, multiplied by the twist matrix A.
    private static uint Twist(uint current, uint next)
    {
        uint y = (current & UpperMask) | (next & LowerMask);
        return (y >> 1) ^ ((y & 1u) != 0 ? MatrixA : 0u);
    }
}
