using System.Text.Json;

namespace Backprop.Tests;

/// <summary>
/// Replays the call sequences in Data/numpy_random/vectors.json (written by generate.py with
/// numpy 1.24's legacy RandomState) and demands bit-identical results, call for call.
/// </summary>
public class NumpyRandomTests
{
    private static readonly Lazy<JsonDocument> Vectors = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "numpy_random", "vectors.json"))));

    private static IEnumerable<JsonElement> Cases => Vectors.Value.RootElement.GetProperty("cases").EnumerateArray();

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (JsonElement c in Cases)
        {
            names.Add(c.GetProperty("name").GetString()!);
        }
        return names;
    }

    [Fact]
    public void VectorFileCoversEveryOperation()
    {
        var seen = new HashSet<string>();
        foreach (JsonElement c in Cases)
        {
            foreach (JsonElement op in c.GetProperty("ops").EnumerateArray())
            {
                seen.Add(op.GetProperty("op").GetString()!);
            }
        }
        string[] expected =
        [
            "seed", "random_sample", "random_sample_f32", "uniform", "randint", "randint_high", "randn",
            "normal", "shuffle", "shuffle_rows", "permutation", "choice",
        ];
        Assert.Equal(expected.Order(), seen.Order());
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesNumpy(string caseName)
    {
        JsonElement testCase = Cases.Single(c => c.GetProperty("name").GetString() == caseName);
        var rng = new NumpyRandom(testCase.GetProperty("seed").GetUInt32());

        int index = 0;
        foreach (JsonElement op in testCase.GetProperty("ops").EnumerateArray())
        {
            string kind = op.GetProperty("op").GetString()!;
            string where = $"{caseName}, op #{index++} ({kind})";
            int? count = op.TryGetProperty("count", out JsonElement c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : null;

            switch (kind)
            {
                case "seed":
                    rng.Seed(op.GetProperty("seed").GetUInt32());
                    break;
                case "random_sample":
                    AssertDoubles(op, count is int n ? rng.RandomSample(n) : [rng.RandomSample()], where);
                    break;
                case "random_sample_f32":
                    var floats = new float[count!.Value];
                    rng.Fill(floats);
                    AssertDoubles(op, floats.Select(f => (double)f).ToArray(), where);
                    break;
                case "uniform":
                    double low = op.GetProperty("low").GetDouble(), high = op.GetProperty("high").GetDouble();
                    AssertDoubles(op, count is int nu ? rng.Uniform(low, high, nu) : [rng.Uniform(low, high)], where);
                    break;
                case "randint":
                    long lo = op.GetProperty("low").GetInt64(), hi = op.GetProperty("high").GetInt64();
                    AssertLongs(op, count is int ni ? rng.RandInt(lo, hi, ni) : [rng.RandInt(lo, hi)], where);
                    break;
                case "randint_high":
                    long top = op.GetProperty("high").GetInt64();
                    AssertLongs(op, count is int nh ? rng.RandInt(0, top, nh) : [rng.RandInt(top)], where);
                    break;
                case "randn":
                    AssertDoubles(op, count is int ng ? rng.StandardNormal(ng) : [rng.StandardNormal()], where);
                    break;
                case "normal":
                    double loc = op.GetProperty("loc").GetDouble(), scale = op.GetProperty("scale").GetDouble();
                    AssertDoubles(op, count is int nn ? rng.Normal(loc, scale, nn) : [rng.Normal(loc, scale)], where);
                    break;
                case "shuffle":
                    long[] values = Arange(op.GetProperty("n").GetInt32());
                    rng.Shuffle<long>(values);
                    AssertLongs(op, values, where);
                    break;
                case "shuffle_rows":
                    int rows = op.GetProperty("rows").GetInt32(), cols = op.GetProperty("cols").GetInt32();
                    long[] matrix = Arange(rows * cols);
                    rng.ShuffleRows<long>(matrix, rows, cols);
                    AssertLongs(op, matrix, where);
                    break;
                case "permutation":
                    AssertLongs(op, rng.Permutation(op.GetProperty("n").GetInt32()).Select(i => (long)i).ToArray(), where);
                    break;
                case "choice":
                    long a = op.GetProperty("a").GetInt64();
                    bool replace = op.GetProperty("replace").GetBoolean();
                    double[] p = op.TryGetProperty("p", out JsonElement pj) ? pj.EnumerateArray().Select(e => e.GetDouble()).ToArray() : [];
                    AssertLongs(op, count is int nc ? rng.Choice(a, nc, replace, p) : [rng.Choice(a)], where);
                    break;
                default:
                    Assert.Fail($"{where}: unknown op in vectors.json");
                    break;
            }
        }
    }

    [Fact]
    public void GrokkingSeedOneWeightsMatch()
    {
        // Grokking Deep Learning: np.random.seed(1); 2*np.random.random(3) - 1
        var rng = new NumpyRandom(1);
        double[] w = rng.RandomSample(3).Select(r => 2 * r - 1).ToArray();
        Assert.Equal(-0.16595599, w[0], 8);
        Assert.Equal(0.44064899, w[1], 8);
        Assert.Equal(-0.99977125, w[2], 8);
    }

    [Fact]
    public void SeedZeroFirstDoubleIsTheWellKnownValue()
    {
        Assert.Equal(0.5488135039273248, new NumpyRandom(0).RandomSample());
    }

    [Fact]
    public void SeedRestartsTheStreamAndDropsTheCachedNormal()
    {
        var fresh = new NumpyRandom(3);
        double first = fresh.StandardNormal();
        double next = fresh.RandomSample();

        var reused = new NumpyRandom(99);
        reused.StandardNormal(); // leaves a cached normal behind
        reused.Seed(3);
        Assert.Equal(BitConverter.DoubleToInt64Bits(first), BitConverter.DoubleToInt64Bits(reused.StandardNormal()));
        Assert.Equal(BitConverter.DoubleToInt64Bits(next), BitConverter.DoubleToInt64Bits(reused.RandomSample()));
    }

    [Fact]
    public void RandIntRejectsEmptyRanges()
    {
        var rng = new NumpyRandom(0);
        var e = Assert.Throws<ArgumentException>(() => rng.RandInt(5, 5));
        Assert.Contains("less than high", e.Message);
        Assert.Throws<ArgumentException>(() => rng.RandInt(6, 5));
        Assert.Throws<ArgumentException>(() => rng.RandInt(0));
        Assert.Throws<ArgumentException>(() => rng.RandInt(3, 3, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.RandInt(0, 3, -1));
    }

    [Fact]
    public void ChoiceRejectsBadArguments()
    {
        var rng = new NumpyRandom(0);
        Assert.Contains("larger sample", Assert.Throws<ArgumentException>(() => rng.Choice(5, 6, replace: false)).Message);
        Assert.Contains("sum to 1", Assert.Throws<ArgumentException>(() => rng.Choice(3, 2, p: [0.5, 0.2, 0.2])).Message);
        Assert.Contains("non-negative", Assert.Throws<ArgumentException>(() => rng.Choice(3, 2, p: [1.2, -0.2, 0.0])).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => rng.Choice(2, 1, p: [double.NaN, 1.0])).Message);
        Assert.Contains("must match", Assert.Throws<ArgumentException>(() => rng.Choice(3, 2, p: [0.5, 0.5])).Message);
        Assert.Contains("non-zero", Assert.Throws<ArgumentException>(() => rng.Choice(3, 3, replace: false, p: [0.5, 0.5, 0.0])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Choice(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Choice(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Choice(5, -1));
        Assert.Empty(rng.Choice(0, 0));
    }

    [Fact]
    public void OtherArgumentErrors()
    {
        var rng = new NumpyRandom(0);
        Assert.Throws<ArgumentException>(() => rng.Uniform(double.MinValue, double.MaxValue));
        Assert.Throws<ArgumentException>(() => rng.Uniform(0, double.PositiveInfinity, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Normal(0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Normal(0, -0.0, 3));
        Assert.Throws<ArgumentException>(() => rng.ShuffleRows<int>(new int[5], 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.RandomSample(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Permutation(-1));
    }

    [Fact]
    public void RejectedCallsDoNotConsumeTheStream()
    {
        // numpy validates before drawing; a failed call must not shift later numbers.
        var rng = new NumpyRandom(5);
        Assert.ThrowsAny<ArgumentException>(() => rng.Choice(3, 4, replace: false));
        Assert.ThrowsAny<ArgumentException>(() => rng.Choice(3, 3, replace: false, p: [1.0, 0.0, 0.0]));
        Assert.ThrowsAny<ArgumentException>(() => rng.RandInt(1, 1));
        Assert.ThrowsAny<ArgumentException>(() => rng.Normal(0, -1));
        Assert.Equal(new NumpyRandom(5).RandomSample(), rng.RandomSample());
    }

    private static long[] Arange(int n) => Enumerable.Range(0, n).Select(i => (long)i).ToArray();

    // Only the last keep_last outputs are stored for long draws.
    private static T[] Tail<T>(JsonElement op, T[] actual) =>
        op.TryGetProperty("keep_last", out JsonElement k) ? actual[^k.GetInt32()..] : actual;

    private static void AssertDoubles(JsonElement op, double[] actual, string where)
    {
        double[] expected = op.GetProperty("out").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        actual = Tail(op, actual);
        Assert.True(expected.Length == actual.Length, $"{where}: expected {expected.Length} values, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]),
                $"{where}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static void AssertLongs(JsonElement op, long[] actual, string where)
    {
        long[] expected = op.GetProperty("out").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        actual = Tail(op, actual);
        Assert.True(expected.SequenceEqual(actual), $"{where}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
    }
}
