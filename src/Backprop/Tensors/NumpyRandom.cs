namespace Backprop.Tensors;

/// <summary>
/// A bit-for-bit reproduction of numpy's legacy random stream (<c>np.random.seed(n)</c>,
/// <c>np.random.RandomState(n)</c>, MT19937), so that experiments written against numpy
/// (weight initialisation, shuffling, dropout masks) can be replayed with identical numbers.
/// </summary>
/// <remarks>
/// Every method consumes the underlying stream exactly as its numpy counterpart does
/// (numpy 1.24 <c>mtrand.pyx</c> / <c>distributions.c</c> / <c>legacy-distributions.c</c>),
/// so calls can be interleaved freely and still match numpy call for call.
/// Array results are in C order, i.e. what numpy returns for a shape, flattened.
/// The only floating-point dependency outside IEEE basic arithmetic is <see cref="Math.Log(double)"/>
/// in the normal sampler; on Linux both numpy and .NET call the C library's <c>log</c>.
/// Not thread-safe: like a numpy <c>RandomState</c>, give each thread its own instance.
/// </remarks>
public sealed class NumpyRandom
{
    // sqrt(float64 eps) = 2^-26: numpy's tolerance when checking that p sums to 1.
    private static readonly double ProbabilitySumTolerance = Math.ScaleB(1.0, -26);

    private readonly Mt19937 _mt;

    // The polar method makes normals in pairs; numpy keeps the spare one here
    // (RandomState's has_gauss / gauss) and hands it out on the next call.
    private bool _hasGauss;
    private double _gauss;

    /// <summary>Same stream as <c>np.random.RandomState(seed)</c>.</summary>
    public NumpyRandom(uint seed) => _mt = new Mt19937(seed);

    /// <summary>Restarts the stream like <c>np.random.seed(seed)</c>, including dropping a cached normal.</summary>
    public void Seed(uint seed)
    {
        _mt.Seed(seed);
        _hasGauss = false;
        _gauss = 0.0;
    }

    /// <summary>Where the stream stands (numpy's <c>get_state()</c>): a copy, unaffected by later draws.</summary>
    internal NumpyRandomState GetState()
    {
        var key = new uint[NumpyRandomState.KeyLength];
        int position = _mt.GetState(key);
        return new NumpyRandomState(key, position, _hasGauss, _hasGauss ? _gauss : 0.0);
    }

    /// <summary>Puts the stream where <paramref name="state"/> says (numpy's <c>set_state()</c>): it then draws what the stream it came from drew next.</summary>
    /// <exception cref="ArgumentException">The key is not 624 words, or the position is not 0 to 624.</exception>
    internal void SetState(NumpyRandomState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Key is null || state.Key.Length != NumpyRandomState.KeyLength)
            throw new ArgumentException($"A random state has {NumpyRandomState.KeyLength} words of key, not {state.Key?.Length ?? 0}.", nameof(state));
        if (state.Position is < 0 or > NumpyRandomState.KeyLength)
            throw new ArgumentException($"A random state's position is 0 to {NumpyRandomState.KeyLength}, not {state.Position}.", nameof(state));
        _mt.SetState(state.Key, state.Position);
        _hasGauss = state.HasGauss;
        _gauss = state.HasGauss ? state.Gauss : 0.0;
    }

    // ---------------------------------------------------------------- uniform doubles

    /// <summary>One double in [0, 1) like <c>random_sample()</c>; consumes two 32-bit words.</summary>
    public double RandomSample() => _mt.NextDouble();

    /// <summary>
    /// The next raw 32-bit words of the stream, as <c>count</c> draws of <c>randint(2**32, dtype=np.uint32)</c> would
    /// consume them: a bulk draw for callers that turn words into values themselves (dropout masks).
    /// </summary>
    internal void FillWords(Span<uint> destination) => _mt.Fill(destination);

    /// <summary>Like <c>random_sample(count)</c> (also <c>rand</c> / <c>random</c>).</summary>
    public double[] RandomSample(int count)
    {
        var result = new double[CheckCount(count)];
        Fill(result);
        return result;
    }

    /// <summary>Fills in stream order, so a buffer viewed as a C-order tensor equals <c>random_sample(shape)</c>.</summary>
    public void Fill(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = _mt.NextDouble();
        }
    }

    /// <summary>
    /// Equals <c>random_sample(shape).astype(np.float32)</c> (numpy's legacy stream has no float32
    /// variant): each value is a full double rounded to nearest, so it can round up to exactly 1.0f.
    /// </summary>
    public void Fill(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)_mt.NextDouble();
        }
    }

    /// <summary>Like <c>uniform(low, high)</c>: <c>low + (high - low) * u</c>, so <paramref name="high"/> can occur by rounding.</summary>
    public double Uniform(double low, double high)
    {
        double range = UniformRange(low, high);
        return low + range * _mt.NextDouble();
    }

    /// <summary>Like <c>uniform(low, high, count)</c>.</summary>
    public double[] Uniform(double low, double high, int count)
    {
        double range = UniformRange(low, high);
        var result = new double[CheckCount(count)];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = low + range * _mt.NextDouble();
        }
        return result;
    }

    // numpy computes the range once, up front, and rejects an infinite or NaN one
    // (OverflowError there). high < low is allowed, as in numpy.
    private static double UniformRange(double low, double high)
    {
        double range = high - low;
        if (!double.IsFinite(range))
        {
            throw new ArgumentException($"uniform: high - low must be finite (low = {low}, high = {high}).");
        }
        return range;
    }

    // ---------------------------------------------------------------- integers

    /// <summary>Like <c>randint(high)</c>: an int64 in [0, high).</summary>
    public long RandInt(long high) => RandInt(0, high);

    /// <summary>Like <c>randint(low, high)</c> with the default int64 dtype: uniform in [low, high).</summary>
    public long RandInt(long low, long high)
    {
        ulong range = InclusiveRange(low, high);
        return unchecked(low + (long)NextBounded(range));
    }

    /// <summary>Like <c>randint(low, high, count)</c> with the default int64 dtype.</summary>
    public long[] RandInt(long low, long high, int count)
    {
        ulong range = InclusiveRange(low, high);
        var result = new long[CheckCount(count)];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = unchecked(low + (long)NextBounded(range));
        }
        return result;
    }

    // numpy samples the closed interval [low, high - 1]; the width high - 1 - low fits
    // in a ulong even for the full int64 span.
    private static ulong InclusiveRange(long low, long high)
    {
        if (low >= high)
        {
            throw new ArgumentException($"randint: low ({low}) must be less than high ({high}); high is exclusive.");
        }
        return unchecked((ulong)(high - 1 - low));
    }

    /// <summary>
    /// A uniform integer in [0, max] by numpy's legacy masked rejection: draw, keep the bits under
    /// the smallest all-ones mask covering max, retry if above max.
    /// </summary>
    /// <remarks>
    /// This is both <c>random_bounded_uint64_fill</c> (randint, use_masked) and <c>random_interval</c>
    /// (shuffle). max = 0 draws nothing; max below 2^32 draws single 32-bit words, anything wider draws
    /// 64-bit words (two 32-bit words each). numpy's special cases for max = 2^32-1 and 2^64-1 skip the
    /// mask, which is all ones there anyway, so they draw the same numbers as this loop.
    /// </remarks>
    private ulong NextBounded(ulong max)
    {
        if (max == 0)
        {
            return 0;
        }

        ulong mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;

        ulong value;
        if (max <= uint.MaxValue)
        {
            do
            {
                value = _mt.NextUInt32() & mask;
            } while (value > max);
        }
        else
        {
            do
            {
                value = _mt.NextUInt64() & mask;
            } while (value > max);
        }
        return value;
    }

    // ---------------------------------------------------------------- normals

    /// <summary>
    /// Like <c>standard_normal()</c> / <c>randn()</c>: Marsaglia's polar method, which yields two
    /// normals per accepted pair; the second is cached and returned by the next call.
    /// </summary>
    public double StandardNormal()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            double cached = _gauss;
            _gauss = 0.0;
            return cached;
        }

        // Rejection-sample a point uniformly inside the unit disc (excluding the centre).
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * _mt.NextDouble() - 1.0;
            x2 = 2.0 * _mt.NextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);

        // Same expression order as numpy's legacy_gauss, for identical rounding.
        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary>Like <c>standard_normal(count)</c> / <c>randn(count)</c>; an odd count leaves a normal cached.</summary>
    public double[] StandardNormal(int count)
    {
        var result = new double[CheckCount(count)];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = StandardNormal();
        }
        return result;
    }

    /// <summary>Like <c>normal(loc, scale)</c>: <c>loc + scale * standard_normal()</c>.</summary>
    public double Normal(double loc, double scale)
    {
        CheckScale(scale);
        return loc + scale * StandardNormal();
    }

    /// <summary>Like <c>normal(loc, scale, count)</c>.</summary>
    public double[] Normal(double loc, double scale, int count)
    {
        CheckScale(scale);
        var result = new double[CheckCount(count)];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = loc + scale * StandardNormal();
        }
        return result;
    }

    // numpy rejects any scale with the sign bit set (so -0.0 too) but lets NaN through.
    private static void CheckScale(double scale)
    {
        if (!double.IsNaN(scale) && double.IsNegative(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "normal: scale must be non-negative.");
        }
    }

    // ---------------------------------------------------------------- permutations

    /// <summary>
    /// Like <c>shuffle(x)</c> on a 1-D array: Fisher-Yates from the last element down, swapping
    /// element i with a uniform j in [0, i] (n - 1 bounded draws).
    /// </summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = (int)NextBounded((ulong)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>
    /// Like <c>shuffle(x)</c> on a C-order <paramref name="rows"/> x <paramref name="cols"/> array: numpy
    /// permutes the rows with the same draws as the 1-D case (rows - 1 draws, none if the array is empty).
    /// </summary>
    public void ShuffleRows<T>(Span<T> data, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if ((long)rows * cols != data.Length)
        {
            throw new ArgumentException($"ShuffleRows: data has {data.Length} elements, expected rows * cols = {(long)rows * cols}.", nameof(data));
        }

        // numpy returns early for an empty array (e.g. 3 x 0) without drawing.
        if (data.IsEmpty)
        {
            return;
        }

        for (int i = rows - 1; i > 0; i--)
        {
            int j = (int)NextBounded((ulong)i);
            if (i == j)
            {
                continue;
            }
            Span<T> rowI = data.Slice(i * cols, cols);
            Span<T> rowJ = data.Slice(j * cols, cols);
            for (int c = 0; c < cols; c++)
            {
                (rowI[c], rowJ[c]) = (rowJ[c], rowI[c]);
            }
        }
    }

    /// <summary>Like <c>permutation(n)</c>: <c>arange(n)</c> shuffled.</summary>
    public int[] Permutation(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = i;
        }
        Shuffle<int>(result);
        return result;
    }

    // ---------------------------------------------------------------- choice

    /// <summary>Like <c>choice(a)</c> for an integer <c>a</c>: uniform in [0, a), drawn as <c>randint(0, a)</c>.</summary>
    public long Choice(long a)
    {
        if (a <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, "choice: a must be greater than 0.");
        }
        return RandInt(0, a);
    }

    /// <summary>
    /// Like <c>choice(a, size, replace, p)</c> for an integer <c>a</c>, following numpy 1.24's four code
    /// paths; an empty <paramref name="p"/> means "no p" (uniform).
    /// </summary>
    public long[] Choice(long a, int size, bool replace = true, ReadOnlySpan<double> p = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (a < 0 || (a == 0 && size != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, "choice: a must be greater than 0 unless no samples are taken.");
        }

        bool weighted = !p.IsEmpty;
        if (weighted)
        {
            ValidateProbabilities(a, p);
        }

        if (replace)
        {
            if (weighted)
            {
                // Draw all uniforms first, then invert the normalised cdf (searchsorted side='right').
                double[] cdf = NormalizedCdf(p);
                double[] u = RandomSample(size);
                var picked = new long[size];
                for (int i = 0; i < size; i++)
                {
                    picked[i] = SearchSortedRight(cdf, u[i]);
                }
                return picked;
            }

            return a == 0 ? [] : RandInt(0, a, size);
        }

        if (size > a)
        {
            throw new ArgumentException($"choice: cannot take a larger sample ({size}) than the population ({a}) when replace is false.", nameof(size));
        }

        return weighted ? ChoiceWithoutReplacementWeighted(p, size) : ChoiceWithoutReplacementUniform(a, size);
    }

    // numpy shuffles the whole population and keeps the first `size`, so it always
    // spends a - 1 draws, however small size is (even 0).
    private long[] ChoiceWithoutReplacementUniform(long a, int size)
    {
        if (a > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, "choice: without replacement numpy permutes all of a, which must fit in an array.");
        }
        var population = new long[a];
        for (int i = 0; i < population.Length; i++)
        {
            population[i] = i;
        }
        Shuffle<long>(population);
        return population[..size];
    }

    // numpy's rejection loop: draw the still-missing number of uniforms, zero the weights of
    // indices already taken, map the uniforms through the renormalised cdf and keep the new
    // distinct indices in order of first appearance (np.unique(return_index=True) + sort).
    private long[] ChoiceWithoutReplacementWeighted(ReadOnlySpan<double> p, int size)
    {
        int nonZero = 0;
        foreach (double w in p)
        {
            if (w > 0)
            {
                nonZero++;
            }
        }
        if (nonZero < size)
        {
            throw new ArgumentException($"choice: fewer non-zero entries in p ({nonZero}) than size ({size}).", nameof(p));
        }

        double[] weights = p.ToArray();
        var found = new long[size];
        int taken = 0;
        var batch = new HashSet<long>();
        while (taken < size)
        {
            double[] u = RandomSample(size - taken);
            for (int k = 0; k < taken; k++)
            {
                weights[found[k]] = 0.0;
            }
            double[] cdf = NormalizedCdf(weights);

            batch.Clear();
            foreach (double x in u)
            {
                long index = SearchSortedRight(cdf, x);
                if (batch.Add(index))
                {
                    found[taken++] = index;
                }
            }
        }
        return found;
    }

    // Same checks, order and tolerance as numpy (Kahan-summed total within sqrt(eps) of 1).
    private static void ValidateProbabilities(long a, ReadOnlySpan<double> p)
    {
        if (p.Length != a)
        {
            throw new ArgumentException($"choice: p has {p.Length} entries but a is {a}; they must match.", nameof(p));
        }

        double sum = p[0];
        double compensation = 0.0;
        for (int i = 1; i < p.Length; i++)
        {
            double y = p[i] - compensation;
            double t = sum + y;
            compensation = (t - sum) - y;
            sum = t;
        }

        if (double.IsNaN(sum))
        {
            throw new ArgumentException("choice: p contains NaN.", nameof(p));
        }
        foreach (double w in p)
        {
            if (w < 0)
            {
                throw new ArgumentException($"choice: p must be non-negative (found {w}).", nameof(p));
            }
        }
        if (Math.Abs(sum - 1.0) > ProbabilitySumTolerance)
        {
            throw new ArgumentException($"choice: p must sum to 1 (it sums to {sum}).", nameof(p));
        }
    }

    // np.cumsum (a strictly sequential running sum) followed by cdf /= cdf[-1].
    private static double[] NormalizedCdf(ReadOnlySpan<double> weights)
    {
        var cdf = new double[weights.Length];
        double running = 0.0;
        for (int i = 0; i < weights.Length; i++)
        {
            running += weights[i];
            cdf[i] = running;
        }
        double total = cdf[^1];
        for (int i = 0; i < cdf.Length; i++)
        {
            cdf[i] /= total;
        }
        return cdf;
    }

    // searchsorted(side='right'): the number of cdf entries <= x, i.e. the first index whose
    // cumulative probability exceeds x. Zero-weight entries are therefore never picked.
    private static long SearchSortedRight(double[] cdf, double x)
    {
        int lo = 0;
        int hi = cdf.Length;
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (cdf[mid] <= x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private static int CheckCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return count;
    }
}
