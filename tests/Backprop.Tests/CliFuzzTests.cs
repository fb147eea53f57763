using System.Security.Cryptography;
using System.Text;

namespace Backprop.Tests;

/// <summary>
/// Mutated data and model files through the command line, as a user's damaged files reach it: train, evaluate and
/// predict must exit 0 or 2 (a one-line error), never 1 (an internal error) or with an exception. Seeded; a few
/// hundred cases in the normal run, BACKPROP_FUZZ_CASES and BACKPROP_FUZZ_SEED for long runs (tests/fuzz-cli.sh).
/// </summary>
public sealed class CliFuzzTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_FUZZ_CASES"), out int n) && n > 0 ? n : 1000;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_FUZZ_SEED"), out int s) ? s : 2026;

    private static string Flowers => Path.Combine(AppContext.BaseDirectory, "Data", "csv", "flowers.csv");

    [Fact]
    public void Mutated_csv_idx_and_model_files_exit_0_or_2_through_train_evaluate_and_predict()
    {
        // The seeds: 30 rows of the flowers CSV, a small IDX pair (plain and gzipped), and a model trained on the CSV.
        byte[] csv = Encoding.UTF8.GetBytes(string.Join('\n', File.ReadLines(Flowers).Take(31)) + "\n");
        string modelPath = _temp.File("seed.model");
        var (code, _, err) = CliTests.Run("train", Flowers, "--target", "species", "--epochs", "2", "--layers", "4", "--save", modelPath, "--quiet");
        Assert.True(code == 0, err);
        byte[] model = File.ReadAllBytes(modelPath);
        using var idxFolder = new TempFolder();
        var (images, labels) = IdxFixture.Write(idxFolder, "train", 12, gzip: false);
        var (gzImages, gzLabels) = IdxFixture.Write(idxFolder, "gz", 12, gzip: true);
        byte[][] idx = [File.ReadAllBytes(images), File.ReadAllBytes(labels), File.ReadAllBytes(gzImages), File.ReadAllBytes(gzLabels)];

        var random = new Random(Seed);
        var failures = new List<string>();
        for (int i = 0; i < Cases && failures.Count < 5; i++)
        {
            int kind = random.Next(4);
            string what;
            string[][] runs;
            if (kind == 0)
            {
                string path = _temp.Write($"c{i}.csv", Mutate(csv, random, out what));
                runs = [["train", path, "--target", "species", "--epochs", "1", "--layers", "3", "--quiet"], ["evaluate", modelPath, path], ["predict", modelPath, path]];
            }
            else if (kind == 1)
            {
                bool gz = random.Next(2) == 0, imagesFile = random.Next(2) == 0;
                string stem = gz ? "gz" : "train", ext = gz ? ".gz" : "";
                var folder = _temp.File($"i{i}");
                Directory.CreateDirectory(folder);
                byte[] imageBytes = idx[gz ? 2 : 0], labelBytes = idx[gz ? 3 : 1];
                string what2 = "";
                File.WriteAllBytes(Path.Combine(folder, $"{stem}-images-idx3-ubyte{ext}"), imagesFile ? Mutate(imageBytes, random, out what2) : imageBytes);
                if (!imagesFile) File.WriteAllBytes(Path.Combine(folder, $"{stem}-labels-idx1-ubyte{ext}"), Mutate(labelBytes, random, out what2));
                else File.WriteAllBytes(Path.Combine(folder, $"{stem}-labels-idx1-ubyte{ext}"), labelBytes);
                what = $"{(imagesFile ? "images" : "labels")}{ext}: {what2}";
                runs = [["train", Path.Combine(folder, $"{stem}-images-idx3-ubyte{ext}"), "--epochs", "1", "--layers", "3", "--quiet"]];
            }
            else
            {
                bool recompute = kind == 3;
                byte[] bytes = Mutate(model, random, out what);
                if (recompute) bytes = WithChecksum(bytes);
                what = (recompute ? "checksum recomputed, " : "") + what;
                string path = _temp.Write($"m{i}.model", bytes);
                runs = [["evaluate", path, Flowers], ["predict", path, Flowers]];
            }
            foreach (var args in runs)
            {
                try
                {
                    var (exit, _, stderr) = CliTests.Run(args);
                    if (exit is not (0 or 2)) failures.Add($"case {i} ({what}): {args[0]} exited {exit}: {stderr.Trim()}");
                    else if (exit == 2 && stderr.TrimEnd('\n').Contains('\n')) failures.Add($"case {i} ({what}): {args[0]}: more than one line: {stderr}");
                }
                catch (Exception e)
                {
                    failures.Add($"case {i} ({what}): {args[0]} threw {e.GetType().Name}: {e.Message}");
                }
            }
        }
        Assert.True(failures.Count == 0, $"seed {Seed}:\n" + string.Join("\n", failures));
    }

    // One random change: flip a bit, replace, insert, delete or duplicate a short range, or truncate.
    private static byte[] Mutate(byte[] input, Random random, out string what)
    {
        var bytes = new List<byte>(input);
        int at = random.Next(Math.Max(1, bytes.Count));
        switch (random.Next(6))
        {
            case 0:
                int bit = random.Next(8);
                bytes[at] ^= (byte)(1 << bit);
                what = $"bit {bit} of byte {at} flipped";
                break;
            case 1:
                byte value = (byte)random.Next(256);
                bytes[at] = value;
                what = $"byte {at} set to {value}";
                break;
            case 2:
                var inserted = Enumerable.Range(0, random.Next(1, 9)).Select(_ => Pick(random)).ToArray();
                bytes.InsertRange(at, inserted);
                what = $"{inserted.Length} bytes inserted at {at}";
                break;
            case 3:
                int count = Math.Min(random.Next(1, 17), bytes.Count - at);
                bytes.RemoveRange(at, count);
                what = $"{count} bytes deleted at {at}";
                break;
            case 4:
                int length = Math.Min(random.Next(1, 33), bytes.Count - at);
                bytes.InsertRange(at, bytes.GetRange(at, length));
                what = $"{length} bytes at {at} duplicated";
                break;
            default:
                bytes.RemoveRange(at, bytes.Count - at);
                what = $"truncated to {at} bytes";
                break;
        }
        return [.. bytes];
    }

    // Bytes a file's structure is made of, and some that break it.
    private static byte Pick(Random random) => random.Next(3) switch
    {
        0 => (byte)",;\n\r\"-.eE0123456789{}[]:"[random.Next(22)],
        1 => (byte)random.Next(256),
        _ => (byte)(random.Next(2) == 0 ? 0 : 0xFF),
    };

    // The model file with its header's length and SHA-256 recomputed for its (mutated) body, so the mutation reaches the parser.
    private static byte[] WithChecksum(byte[] file)
    {
        int newline = Array.IndexOf(file, (byte)'\n');
        if (newline < 0) return file;
        byte[] body = file[(newline + 1)..].Where(b => b != '\r').ToArray();
        string header = $"{{\"format\":\"backprop-model\",\"version\":1,\"length\":{body.Length},\"sha256\":\"{Convert.ToHexStringLower(SHA256.HashData(body))}\"}}\n";
        return [.. Encoding.UTF8.GetBytes(header), .. file[(newline + 1)..]];
    }
}
