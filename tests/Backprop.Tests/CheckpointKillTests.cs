using System.Diagnostics;

namespace Backprop.Tests;

/// <summary>
/// The checkpoint promise, on the built program: a run killed with SIGKILL at random moments (some while the
/// checkpoint is being written) and resumed from its last checkpoint each time ends with the same model file and
/// history, byte for byte, as the same run never interrupted; likewise a run stopped by SIGINT and resumed.
/// </summary>
public class CheckpointKillTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "backprop.dll");
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "Data", "csv", "flowers.csv");

    // Shuffling and dropout on; batches of 2 for many checkpoints (45 batches an epoch, one written every 3); momentum
    // under a cosine learning-rate schedule and adam under plateau (whose best loss and bad epochs are in the checkpoint).
    private static string[] Flags(string optimizer) =>
        ["--target", "species", "--layers", "16", "--epochs", "40", "--batch", "2", "--shuffle", "--dropout", "0.3", "--optimizer", optimizer, "--validation", "0.2", "--validation-split", "last", "--quiet",
         .. optimizer switch { "momentum" => ["--lr-schedule", "cosine"], "adam" => new[] { "--lr-schedule", "plateau:0,0.5" }, _ => [] }];

    private static Process Start(IEnumerable<string> args, int pauseMs = 0)
    {
        var info = new ProcessStartInfo("dotnet", [Dll, "train", Data, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (pauseMs > 0) info.Environment["BACKPROP_TEST_CHECKPOINT_PAUSE_MS"] = pauseMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Process.Start(info)!;
    }

    private static (int Code, string Err) Finish(Process p)
    {
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "the program did not finish");
        return (p.ExitCode, err);
    }

    [Theory]
    [InlineData("sgd", 11)]
    [InlineData("momentum", 12)]
    [InlineData("adam", 13)]
    public void Killed_at_random_moments_and_resumed_it_ends_bit_identical_to_the_uninterrupted_run(string optimizer, int seed)
    {
        using var temp = new TempFolder();
        string model = temp.File("m.model"), history = temp.File("h.csv"), checkpoint = temp.File("c.ckpt");
        var (code, err) = Finish(Start([.. Flags(optimizer), "--save", temp.File("full.model"), "--history", temp.File("full.csv")]));
        Assert.True(code == 0, err);
        int rates = File.ReadAllLines(temp.File("full.csv")).Skip(1).Select(l => l.Split(',')[6]).Distinct().Count();
        Assert.True(optimizer == "sgd" ? rates == 1 : rates > 1, $"{rates} learning rates");   // the schedules change the rate

        var random = new Random(seed);
        int kills = 0, inWrite = 0, runs = 0, resumed = 0;
        string[] resume = [.. Flags(optimizer), "--save", model, "--history", history, "--checkpoint-every", "3"];
        while (true)
        {
            Assert.True(++runs < 60, "the run did not finish in 60 starts");
            bool first = !File.Exists(checkpoint);
            if (!first) resumed++;
            // Every third resumed run pauses 150 ms inside each checkpoint write and is killed in the middle of one;
            // the others are killed at a random moment after they wrote a checkpoint of their own (so that every run,
            // however slowly the machine starts it, gets somewhere).
            bool killInWrite = !first && kills < 12 && runs % 3 == 0;
            var before = first ? DateTime.MinValue : File.GetLastWriteTimeUtc(checkpoint);
            using var p = Start(first ? [.. resume, "--checkpoint", checkpoint] : [.. resume, "--resume", checkpoint], killInWrite ? 150 : 0);
            if (kills < 12)
            {
                var clock = Stopwatch.StartNew();
                if (killInWrite)
                {
                    // The temporary file beside the checkpoint exists only while one is being written.
                    while (!p.HasExited && clock.ElapsedMilliseconds < 30_000 && Directory.GetFiles(temp.Path, ".c.ckpt.*.tmp").Length == 0) Thread.Sleep(2);
                    if (!p.HasExited && Directory.GetFiles(temp.Path, ".c.ckpt.*.tmp").Length > 0) inWrite++;
                }
                else
                {
                    while (!p.HasExited && clock.ElapsedMilliseconds < 30_000 && !(File.Exists(checkpoint) && File.GetLastWriteTimeUtc(checkpoint) > before)) Thread.Sleep(2);
                    Thread.Sleep(random.Next(0, 300));
                }
                if (!p.HasExited) { p.Kill(); kills++; }
                p.WaitForExit();
                continue;
            }
            (code, err) = Finish(p);
            Assert.True(code == 0, err);
            break;
        }
        Assert.True(kills >= 8, $"only {kills} kills landed");
        Assert.True(resumed >= 6, $"only {resumed} runs resumed from a checkpoint");
        Assert.True(inWrite >= 2, $"only {inWrite} kills landed while a checkpoint was written");
        Assert.Equal(File.ReadAllBytes(temp.File("full.model")), File.ReadAllBytes(model));
        Assert.Equal(File.ReadAllBytes(temp.File("full.csv")), File.ReadAllBytes(history));
    }

    [Fact]
    public async Task Ctrl_c_writes_the_checkpoint_at_that_batch_and_resuming_ends_as_the_uninterrupted_run()
    {
        using var temp = new TempFolder();
        string[] flags = ["--target", "species", "--layers", "16", "--epochs", "400", "--batch", "1", "--shuffle", "--dropout", "0.5", "--optimizer", "momentum", "--quiet"];
        var (code, err) = Finish(Start([.. flags, "--save", temp.File("full.model"), "--history", temp.File("full.csv")]));
        Assert.True(code == 0, err);

        string checkpoint = temp.File("c.ckpt"), history = temp.File("h.csv");
        using var p = Start([.. flags, "--checkpoint", checkpoint, "--history", history, "--save", temp.File("m.model")]);
        var said = p.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!p.HasExited && (!File.Exists(history) || File.ReadAllLines(history).Length < 3))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the history did not reach two epochs in a minute");
            Thread.Sleep(5);
        }
        Thread.Sleep(7);   // into an epoch
        using (var kill = Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        Assert.True(p.WaitForExit(60_000));
        Assert.Equal(130, p.ExitCode);
        string line = await said;
        Assert.Single(line.TrimEnd('\n').Split('\n'));
        Assert.Matches(@"^backprop: interrupted in epoch \d+ of 400; saved the weights of epoch \d+ to .*; checkpoint at epoch \d+, example \d+ of 90 in .*c\.ckpt \(the same command goes on from it\); \d+ epochs in ", line);

        (code, err) = Finish(Start([.. flags, "--resume", checkpoint, "--save", temp.File("m.model"), "--history", history]));
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllBytes(temp.File("full.model")), File.ReadAllBytes(temp.File("m.model")));
        Assert.Equal(File.ReadAllBytes(temp.File("full.csv")), File.ReadAllBytes(history));
    }
}
