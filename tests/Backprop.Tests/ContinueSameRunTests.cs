using System.Diagnostics;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// Issue 26, item 5: the same call (FitOptions.ContinueIfSameRun) or the same <c>train ... --checkpoint FILE</c>
/// command, run again after a cancel or a kill, continues from FILE when it holds this run's checkpoint and ends bit
/// for bit as the run that never stopped; starts when FILE is absent; refuses another run's checkpoint, naming what
/// differs, and leaves the file as it was. The uninterrupted run is the reference: nothing here is a stored number.
/// </summary>
public sealed class ContinueSameRunTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Flowers => TestData.Path("csv", "flowers.csv");

    private static double[] Weights(Model model) => [.. model.Weights.SelectMany(w => w), .. model.Biases.SelectMany(b => b ?? [])];

    [Fact]
    public void The_same_call_after_a_cancel_continues_from_its_checkpoint_and_ends_as_the_run_that_never_stopped()
    {
        var data = CsvLoader.Load(Flowers, new CsvOptions { TargetColumns = ["species"] });
        var recipe = new Recipe { Epochs = 6, Hidden = [8], Batch = Batching.MiniBatch(10), Shuffle = true, Dropout = 0.3 };
        var whole = recipe.Fit(data, new FitOptions { ValidationFraction = 0.2 });

        string checkpoint = _temp.File("run.ckpt");
        var options = new FitOptions { ValidationFraction = 0.2, CheckpointPath = checkpoint, ContinueIfSameRun = true };
        using var cancel = new CancellationTokenSource();
        // No file yet: the run starts (and is cancelled in epoch 3, as Ctrl-C would).
        var cut = recipe.Fit(data, options with { Observers = [new Stopper(cancel, epoch: 3, batches: 2)], Cancellation = cancel.Token });
        Assert.Equal(StopReason.Cancelled, cut.History.Stop);
        Assert.Equal((3, 20), (cut.LastCheckpoint!.Epoch, cut.LastCheckpoint.Position));

        // The same call again: it goes on from the file and ends as the run that never stopped.
        var learner = recipe.Prepare(data, options);
        Assert.Equal((3, 20), (learner.Options.ResumeFrom!.State.Epoch, learner.Options.ResumeFrom.State.Position));
        var again = learner.Run();
        Assert.Equal(whole.History.Epochs, again.History.Epochs);
        Assert.Equal(Weights(whole.Model), Weights(again.Model));

        // Once more: the finished run's checkpoint, nothing left to train, the same weights.
        var finished = recipe.Fit(data, options);
        Assert.Equal(whole.History.Epochs, finished.History.Epochs);
        Assert.Equal(Weights(whole.Model), Weights(finished.Model));

        // Another run's settings, or other validation rows: refused, naming what differs; the file is left as it was.
        byte[] before = File.ReadAllBytes(checkpoint);
        var alpha = Assert.Throws<RecipeException>(() => (recipe with { Alpha = 0.01 }).Fit(data, options));
        Assert.Equal("checkpoint", alpha.Setting);
        Assert.Equal($"{checkpoint} holds another run's checkpoint: it was made with alpha 0.001, not 0.01; give the same settings and data to continue it, "
            + "or name another file (or remove it) to start afresh", alpha.Message);
        var split = Assert.Throws<RecipeException>(() => recipe.Fit(data, options with { ValidationFraction = 0.3 }));
        Assert.Contains("holds another run's checkpoint: it was made on other training data: this data has 63 rows, not 72", split.Message);
        Assert.Equal(before, File.ReadAllBytes(checkpoint));

        // Without ContinueIfSameRun the file is written afresh, as before.
        var fresh = (recipe with { Epochs = 1 }).Fit(data, options with { ContinueIfSameRun = false });
        Assert.Single(fresh.History.Epochs);
        Assert.Equal(2, Checkpoint.Load(checkpoint).State.Epoch);
    }

    [Fact]
    public void A_run_started_from_a_model_continues_from_its_checkpoint_and_ends_as_the_run_that_never_stopped()
    {
        // Fine-tuning (FitOptions.StartFrom, train --init-from) cut by a cancel: the same call goes on from the checkpoint,
        // whose weights are the run's and not the start model's, and ends as the fine-tuning that never stopped.
        var data = CsvLoader.Load(Flowers, new CsvOptions { TargetColumns = ["species"] });
        var recipe = new Recipe { Epochs = 6, Hidden = [8], Batch = Batching.MiniBatch(10), Shuffle = true, Dropout = 0.3 };
        var start = (recipe with { Epochs = 3, Seed = 7 }).Fit(data).Model;
        var options = new FitOptions { ValidationFraction = 0.2, StartFrom = start };
        var whole = recipe.Fit(data, options);
        Assert.NotEqual(Weights(recipe.Fit(data, options with { StartFrom = null }).Model), Weights(whole.Model));   // the start model matters

        string checkpoint = _temp.File("tuned.ckpt");
        options = options with { CheckpointPath = checkpoint, ContinueIfSameRun = true };
        using var cancel = new CancellationTokenSource();
        var cut = recipe.Fit(data, options with { Observers = [new Stopper(cancel, epoch: 4, batches: 3)], Cancellation = cancel.Token });
        Assert.Equal(StopReason.Cancelled, cut.History.Stop);
        Assert.Equal((4, 30), (cut.LastCheckpoint!.Epoch, cut.LastCheckpoint.Position));

        var again = recipe.Fit(data, options);
        Assert.Equal(whole.History.Epochs, again.History.Epochs);
        Assert.Equal(Weights(whole.Model), Weights(again.Model));

        // Another start model's run is another run: refused while its checkpoint is at the path.
        var other = (recipe with { Epochs = 3, Seed = 8 }).Fit(data).Model;
        byte[] before = File.ReadAllBytes(checkpoint);
        var e = Assert.Throws<RecipeException>(() => recipe.Fit(data, options with { StartFrom = other }));
        Assert.Equal(("checkpoint", $"{checkpoint} holds another run's checkpoint: it started from another model's weights; give the same settings and data to continue it, "
            + "or name another file (or remove it) to start afresh"), (e.Setting, e.Message));
        e = Assert.Throws<RecipeException>(() => recipe.Fit(data, options with { StartFrom = null }));
        Assert.Contains("holds another run's checkpoint: it started from a model's weights, not from drawn ones;", e.Message);
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
        // And a run from drawn weights is not continued by one from a model.
        string drawn = _temp.File("drawn.ckpt");
        recipe.Fit(data, options with { StartFrom = null, CheckpointPath = drawn });
        e = Assert.Throws<RecipeException>(() => recipe.Fit(data, options with { CheckpointPath = drawn }));
        Assert.Contains("holds another run's checkpoint: it started from drawn weights, not from a model's;", e.Message);
    }

    // Cancels after a number of batches of an epoch, as Ctrl-C would.
    private sealed class Stopper(CancellationTokenSource cancel, int epoch, int batches) : ITrainingObserver
    {
        private int _seen;

        public void BatchEnded(TrainingSession session, BatchProgress progress)
        {
            if (progress.Epoch == epoch && ++_seen == batches - 1) cancel.Cancel();
        }
    }

    [Fact]
    public void Killed_after_a_checkpoint_the_same_train_command_continues_and_ends_byte_identical()
    {
        string checkpoint = _temp.File("c.ckpt"), model = _temp.File("m.model"), history = _temp.File("h.csv");
        string[] command = ["train", Flowers, "--target", "species", "--layers", "16", "--epochs", "30", "--batch", "4", "--shuffle", "--dropout", "0.3",
            "--validation", "0.2", "--checkpoint", checkpoint, "--save", model, "--history", history];
        var (code, _, err) = CliTests.Run([.. command[..^6], "--save", _temp.File("full.model"), "--history", _temp.File("full.csv")]);
        Assert.True(code == 0, err);

        // The built program with the same command, pausing 60 ms inside each checkpoint write (so that 30 epochs take
        // seconds), killed with SIGKILL 250 ms after its first checkpoint appeared.
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "backprop.dll"), .. command, "--quiet"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["BACKPROP_TEST_CHECKPOINT_PAUSE_MS"] = "60";
        using (var p = Process.Start(info)!)
        {
            var clock = Stopwatch.StartNew();
            while (!p.HasExited && !File.Exists(checkpoint) && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(2);
            Thread.Sleep(250);
            Assert.False(p.HasExited, "the run ended before it was killed");
            p.Kill();
            p.WaitForExit();
        }
        var killedAt = Checkpoint.Load(checkpoint).State;
        Assert.InRange(killedAt.Epoch, 2, 30);   // some epochs done, not all

        (code, var output, err) = CliTests.Run(command);
        Assert.True(code == 0, err);
        Assert.Contains($"continuing this run from its checkpoint {checkpoint}: epoch {killedAt.Epoch}, 0 of 72 examples done\n", output);
        Assert.Equal(File.ReadAllBytes(_temp.File("full.model")), File.ReadAllBytes(model));
        Assert.Equal(File.ReadAllBytes(_temp.File("full.csv")), File.ReadAllBytes(history));

        // Another run's flags with the same file: one line naming what differs; nothing written.
        byte[] before = File.ReadAllBytes(checkpoint);
        File.Delete(model);
        (code, _, err) = CliTests.Run([.. command, "--alpha", "0.01"]);
        Assert.Equal(2, code);
        Assert.Equal($"backprop: --checkpoint {checkpoint} holds another run's checkpoint: it was made with alpha 0.001, not 0.01; give the same flags and data to continue it, "
            + "or name another file (or remove it) to start afresh\n", err);
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void A_minimum_interval_skips_epoch_checkpoints_but_the_last_and_the_cancelled_ones()
    {
        // Counted, not timed: an interval of an hour skips every epoch's checkpoint but the last's; zero writes every one.
        var train = CsvLoader.Load(Flowers, new CsvOptions { TargetColumns = ["species"] });
        var recipe = new Recipe { Hidden = [4], Epochs = 5, Batch = Batching.MiniBatch(30) }.Resolve(train).Recipe;
        var written = new List<TrainingCheckpoint>();
        new Learner<float>(recipe, train).Fit(checkpointing: new Checkpointing { Write = written.Add, MinInterval = TimeSpan.FromHours(1) });
        Assert.Equal([6], written.Select(c => c.Epoch));
        written.Clear();
        new Learner<float>(recipe, train).Fit(checkpointing: new Checkpointing { Write = written.Add });
        Assert.Equal([2, 3, 4, 5, 6], written.Select(c => c.Epoch));
        // Cancelled in epoch 3: that batch's checkpoint is written whatever the interval.
        written.Clear();
        using var cancel = new CancellationTokenSource();
        var learner = new Learner<float>(recipe, train);
        learner.Trainer.BatchCompleted += p => { if (p.Epoch == 3) cancel.Cancel(); };
        learner.Fit(cancellation: cancel.Token, checkpointing: new Checkpointing { Write = written.Add, MinInterval = TimeSpan.FromHours(1) });
        Assert.Equal([(3, 30)], written.Select(c => (c.Epoch, c.Position)));
    }
}
