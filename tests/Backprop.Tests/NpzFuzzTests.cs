using System.Diagnostics;
using Backprop.Data;
using Backprop.Models;
using Xunit.Abstractions;

namespace Backprop.Tests;

/// <summary>
/// The mutation property of .npz import: a valid archive with random bytes flipped, overwritten, inserted, deleted or
/// cut off imports as a usable model or fails with one DataException naming the file, never another exception,
/// and never allocates much more than the archive could honestly hold.
/// </summary>
public sealed class NpzFuzzTests(ITestOutputHelper output)
{
    /// <summary>Cases in a normal run (about a second); BACKPROP_FUZZ_CASES raises it, BACKPROP_FUZZ_SEED moves the seeds.</summary>
    private const int DefaultCases = 4000;

    /// <summary>Stored and deflated archives, numpy names and a state_dict, float32 and float64, Fortran order.</summary>
    private static byte[][] Seeds() =>
    [
        File.ReadAllBytes(TestData.Path("npz", "torch_relu_softmax.npz")),
        File.ReadAllBytes(TestData.Path("npz", "torch_sigmoid.npz")),          // deflated
        File.ReadAllBytes(TestData.Path("npz", "notes_fortran.npz")),
        File.ReadAllBytes(TestData.Path("npz", "flowers_f32.numpy.npz")),      // with input_offset and input_scale
        NpzErrorTests.Zip(deflate: true, ("weights_0_1.npy", NpzErrorTests.F8([3, 4])), ("bias_1.npy", NpzErrorTests.F8([4])),
                          ("weights_1_2.npy", NpzErrorTests.F8([4, 2]))),
    ];

    [Fact]
    public void Mutated_archives_import_or_fail_with_a_DataException_naming_the_file()
    {
        int cases = int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_FUZZ_CASES"), out int n) && n > 0 ? n : DefaultCases;
        int firstSeed = int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_FUZZ_SEED"), out int s) ? s : 20_251_201;
        var seeds = Seeds();
        const string path = "fuzzed.npz";
        var failures = new List<string>();
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var examples = new Dictionary<string, List<string>>(StringComparer.Ordinal);   // a few messages of each kind, shown in the test's output
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < cases; i++)
        {
            int seed = unchecked(firstSeed + i);
            var random = new Random(seed);
            int which = random.Next(seeds.Length);
            var log = new List<string>();
            byte[] file = Mutate(seeds[which], random, log);
            string what = $"seed {seed} (BACKPROP_FUZZ_SEED={seed} BACKPROP_FUZZ_CASES=1), archive {which}: {string.Join("; ", log)}";
            string outcome;
            string? failure = null;
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var model = NpzImport.Read(path, new MemoryStream(file, writable: false), new NpzImportOptions());
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                // A model that imports is usable: it builds and predicts.
                var input = new Matrix<double>(2, model.Spec.Inputs);
                if (model.Precision == Precision.F64) model.ToNetwork<double>().Predict(input);
                else model.ToNetwork<float>().Predict(input.Cast<float>());
                outcome = "imported";
            }
            catch (DataException e)
            {
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                outcome = Category(e.Problem);
                if (examples.TryAdd(outcome, [e.Problem]) is false && examples[outcome].Count < 3 && !examples[outcome].Contains(e.Problem)) examples[outcome].Add(e.Problem);
                if (e.File != path || !e.Message.StartsWith(path + ": ", StringComparison.Ordinal)) failure = $"message does not start with the path: {e.Message}";
                else if (e.Message.IndexOfAny(['\n', '\r']) >= 0) failure = $"message of more than one line: {e.Message.ReplaceLineEndings("\\n")}";
                else if (e.Message.Length > 400) failure = $"message of {e.Message.Length} characters: {e.Message[..400]}";
            }
            catch (Exception e)
            {
                outcome = "FAILED";
                string where = string.Join(" < ", (e.StackTrace ?? "").Split('\n').Take(4).Select(f => f.Trim()));
                failure = $"{e.GetType().Name}: {e.Message} ({where})";
            }
            // The seeds are a few kilobytes: deflate may expand one a thousandfold, no more.
            if (failure is null && allocated > 32 << 20) failure = $"the import allocated {allocated} bytes";
            if (failure is not null) failures.Add($"{what}: {failure}");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        output.WriteLine($"{cases} cases in {clock.Elapsed.TotalSeconds:F2} s");
        foreach (var (outcome, count) in outcomes)
            output.WriteLine($"  {count,6}  {outcome}" + (examples.TryGetValue(outcome, out var some) ? ": " + string.Join(" | ", some) : ""));
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} mutated archives failed:\n" + string.Join("\n", failures.Take(25)));
        // The cases reach every stage: some import, some fail in the zip, some in an .npy header, some in the layout.
        Assert.True(outcomes.GetValueOrDefault("imported") > 0, "no mutated archive imported");
        Assert.True(outcomes.GetValueOrDefault("CRC") > 0, "no CRC mismatch");
        Assert.True(outcomes.GetValueOrDefault("header") > 0, "no damaged .npy header");
    }

    private static string Category(string problem)
    {
        foreach (string stage in (string[])["CRC", ".npy header", "damaged .npz archive", "declares", "truncated", "shape", "not an .npz", "entry"])
            if (problem.Contains(stage, StringComparison.Ordinal)) return stage == ".npy header" ? "header" : stage;
        return "other";
    }

    /// <summary>One to four mutations: flip a bit, overwrite a byte with a random or special value, insert, delete, cut off the end.</summary>
    private static byte[] Mutate(byte[] seed, Random random, List<string> log)
    {
        var bytes = new List<byte>(seed);
        int count = 1 + random.Next(4);
        for (int m = 0; m < count && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    int bit = random.Next(8);
                    bytes[at] ^= (byte)(1 << bit);
                    log.Add($"flip bit {bit} at {at}");
                    break;
                case 1:
                    byte value = (byte)random.Next(256);
                    bytes[at] = value;
                    log.Add($"byte {at} = {value}");
                    break;
                case 2:
                    byte special = (byte)(new[] { 0, 0xFF, 0x7F, 0x80, (int)'(', (int)',', (int)'\n', (int)'9' })[random.Next(8)];
                    bytes[at] = special;
                    log.Add($"byte {at} = {special}");
                    break;
                case 3:
                    bytes.Insert(at, (byte)random.Next(256));
                    log.Add($"insert at {at}");
                    break;
                case 4:
                    bytes.RemoveAt(at);
                    log.Add($"delete at {at}");
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    log.Add($"cut at {at}");
                    break;
            }
        }
        return [.. bytes];
    }
}
