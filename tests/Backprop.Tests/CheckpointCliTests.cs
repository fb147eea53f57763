using System.Text;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>train --checkpoint / --resume / --init-from mistakes: each one line naming the file or flag and what differs, exit 2.</summary>
public class CheckpointCliTests
{
    private static readonly string Flowers = TestData.Path("csv", "flowers.csv");
    private static readonly string[] Base = ["--target", "species", "--layers", "8", "--epochs", "3", "--batch", "10", "--quiet"];

    private static string OneLineError(int code, string err)
    {
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("internal error", err);
        return err.TrimEnd('\n');
    }

    private static string Checkpoint(TempFolder temp)
    {
        string path = temp.File("c.ckpt");
        var (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--checkpoint", path]);
        Assert.True(code == 0, err);
        return path;
    }

    [Fact]
    public void A_conflicting_training_flag_names_both_values()
    {
        using var temp = new TempFolder();
        string c = Checkpoint(temp);
        var (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--resume", c, "--alpha", "0.5"]);
        Assert.Equal($"backprop: --alpha 0.5 conflicts with the checkpoint {c}, made with --alpha 0.001; --resume takes the training flags from the checkpoint (leave --alpha out)", OneLineError(code, err));
        // the same value, or more epochs, is fine
        (code, _, err) = CliTests.Run(["train", Flowers, "--target", "species", "--epochs", "5", "--quiet", "--resume", c, "--batch", "10"]);
        Assert.True(code == 0, err);
    }

    [Fact]
    public void Other_data_names_what_differs()
    {
        using var temp = new TempFolder();
        string c = Checkpoint(temp);
        string fewer = temp.Write("fewer.csv", string.Join("\n", File.ReadAllLines(Flowers)[..81]) + "\n");
        var (code, _, err) = CliTests.Run(["train", fewer, .. Base, "--resume", c]);
        Assert.Equal($"backprop: --resume {c}: it was made on other training data: this data has 80 rows, not 90", OneLineError(code, err));
        var lines = File.ReadAllLines(Flowers);
        lines[1] = lines[1].Replace("2.073", "2.074");
        string changed = temp.Write("changed.csv", string.Join("\n", lines) + "\n");
        (code, _, err) = CliTests.Run(["train", changed, .. Base, "--resume", c]);
        Assert.StartsWith($"backprop: --resume {c}: it was made on other training data: this data has other values (SHA-256 ", OneLineError(code, err));
        (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--resume", c, "--validation", "0.2"]);
        Assert.StartsWith($"backprop: --resume {c}: it was made on other training data: this data has 72 rows", OneLineError(code, err));
    }

    [Fact]
    public void Another_version_a_model_or_a_damaged_checkpoint_is_one_line()
    {
        using var temp = new TempFolder();
        string c = Checkpoint(temp);
        byte[] bytes = File.ReadAllBytes(c);
        string text = Encoding.UTF8.GetString(bytes);
        string v2 = temp.Write("v2.ckpt", text.Replace("\"version\":1,", "\"version\":2,"));
        var (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--resume", v2]);
        Assert.Equal($"backprop: {v2}:1: checkpoint format version 2 is newer than this build of Backprop reads (version 1); use a newer Backprop", OneLineError(code, err));

        string model = temp.File("m.model");
        Assert.Equal(0, CliTests.Run(["train", Flowers, .. Base, "--save", model]).Code);
        (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--resume", model]);
        Assert.Contains("is a model file, not a checkpoint", OneLineError(code, err));
        // ... and the other way round: a checkpoint given where a model goes.
        (code, _, err) = CliTests.Run("evaluate", c, Flowers);
        Assert.Equal($"backprop: {c}: is a checkpoint, not a model file; a checkpoint goes to 'train --resume'", OneLineError(code, err));
        // A checkpoint whose line endings were turned into CRLF still verifies, as a model file does (the CR bytes are not content).
        string crlf = temp.Write("crlf.ckpt", text.Replace("\n", "\r\n"));
        Assert.Equal(0, CliTests.Run(["train", Flowers, .. Base, "--resume", crlf]).Code);

        var flipped = (byte[])bytes.Clone();
        flipped[^40] ^= 1;
        (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--resume", temp.Write("flipped.ckpt", flipped)]);
        Assert.Contains("damaged checkpoint: checksum mismatch", OneLineError(code, err));
        (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--resume", temp.Write("short.ckpt", bytes[..^100])]);
        Assert.Contains("damaged checkpoint: truncated", OneLineError(code, err));
        (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--resume", temp.File("missing.ckpt")]);
        Assert.Contains("missing.ckpt: no such file", OneLineError(code, err));
    }

    [Fact]
    public void A_forged_checkpoint_whose_sizes_disagree_with_its_recipe_is_refused()
    {
        using var temp = new TempFolder();
        string c = Checkpoint(temp);
        // A forged checkpoint whose state is a 3-16-3 network's while its recipe says 8: the sizes are checked.
        var checkpoint = CheckpointFile.Load(c);
        string forged = temp.File("forged.ckpt");
        CheckpointFile.Save(checkpoint with { Recipe = checkpoint.Recipe with { Hidden = [16] } }, forged);
        var (code, _, err) = CliTests.Run(["train", Flowers, .. Base[2..4], "--resume", forged, "--target", "species"]);
        Assert.Contains("inconsistent checkpoint: \"state.optimizer.buffers[0]\" holds 96 bytes; the network needs 192", OneLineError(code, err));   // 3·8 vs 3·16 float32s
    }

    [Fact]
    public void Every_number_round_trips_bit_for_bit_through_the_file()
    {
        // -0, the smallest subnormals, the largest finite values, and NaN/infinities where single numbers can be them.
        using var temp = new TempFolder();
        var c = CheckpointFile.Load(Checkpoint(temp));
        foreach (string precision in new[] { "f64", "f32" })
        {
            double[] special = precision == "f64" ? [-0.0, double.Epsilon, -double.Epsilon, double.MaxValue, 2.2250738585072009E-308, 0.1]
                : [-0.0, float.Epsilon, -float.Epsilon, float.MaxValue, 1.1754942E-38f, 0.1f];
            var values = c.State.Parameters.Select(p => p.Select((_, i) => special[i % special.Length]).ToArray()).ToArray();
            var forged = c with
            {
                Recipe = c.Recipe with { Precision = Vocabulary.Parse<Precision>(precision) },
                State = c.State with { Parameters = values, TotalLoss = -0.0, History = [.. c.State.History.Select(h => h with { ValidationLoss = double.PositiveInfinity, TrainAccuracy = double.NaN })] },
            };
            string path = temp.File($"{precision}.ckpt");
            CheckpointFile.Save(forged, path);
            var back = CheckpointFile.Load(path);
            for (int p = 0; p < values.Length; p++)
                Assert.Equal(values[p].Select(BitConverter.DoubleToInt64Bits), back.State.Parameters[p].Select(BitConverter.DoubleToInt64Bits));
            Assert.True(double.IsNegative(back.State.TotalLoss) && back.State.TotalLoss == 0);
            Assert.Equal(forged.State.History, back.State.History);
            Assert.Equal(CheckpointFile.Serialize(forged), File.ReadAllBytes(path));
        }
    }

    [Fact]
    public void Init_from_a_model_with_no_updates_predicts_the_same()
    {
        using var temp = new TempFolder();
        string model = temp.File("m.model"), tuned = temp.File("t.model");
        Assert.Equal(0, CliTests.Run(["train", Flowers, "--target", "species", "--layers", "6,5", "--epochs", "4", "--normalize", "minmax", "--quiet", "--save", model]).Code);
        // alpha so small that no weight moves (each step's change is below half a float32 ulp): "0 updates"
        var (code, _, err) = CliTests.Run(["train", Flowers, "--target", "species", "--epochs", "1", "--optimizer", "sgd", "--alpha", "1e-30", "--init-from", model, "--save", tuned, "--quiet"]);
        Assert.True(code == 0, err);
        var (a, b) = (Model.Load(model), Model.Load(tuned));
        Assert.Equal(a.Spec, b.Spec);
        Assert.Equal(a.Normalization.Offset, b.Normalization.Offset);   // the model's scaling is kept
        var data = CsvLoader.Load(Flowers, new CsvOptions { TargetColumns = ["species"] });
        Assert.Equal(a.Predict(data).Outputs.Span.ToArray(), b.Predict(data).Outputs.Span.ToArray());
    }

    [Fact]
    public void Init_from_a_model_of_another_shape_names_what_differs_and_the_flag_behind_it()
    {
        using var temp = new TempFolder();
        string model = temp.File("m.model");
        Assert.Equal(0, CliTests.Run(["train", Flowers, "--target", "species", "--layers", "6", "--epochs", "1", "--quiet", "--save", model]).Code);
        var (code, _, err) = CliTests.Run(["train", Flowers, "--target", "species", "--layers", "7", "--init-from", model]);
        Assert.Equal($"backprop: --init-from {model}: the model's hidden layers are 6; the settings make 7 (--layers; leave it out to keep the model's)", OneLineError(code, err));
        string noise = temp.Write("two.csv", string.Join("\n", File.ReadAllLines(Flowers).Select(l => string.Join(",", l.Split(',').Where((_, i) => i != 2)))) + "\n");
        (code, _, err) = CliTests.Run(["train", noise, "--target", "species", "--init-from", model]);
        Assert.Equal($"backprop: --init-from {model}: the model takes 3 inputs; this data has 2 ({noise}'s input columns, one-hot text columns counted)", OneLineError(code, err));
        // A classifier's settings (softmax output, cross-entropy) on numbers: blamed on --init-from, not on --output, which nobody gave.
        string measured = temp.Write("measured.csv", string.Join("\n", File.ReadAllLines(Flowers).Select((l, i) => i == 0 ? "length,width,noise,size" : string.Join(",", l.Split(',')[..3].Append($"{i}.5")))) + "\n");
        (code, _, err) = CliTests.Run(["train", measured, "--target", "size", "--init-from", model]);
        Assert.Equal($"backprop: --init-from {model}: the model tells classes apart, but {measured}'s target column 'size' holds numbers", OneLineError(code, err));
        string numbers = temp.File("n.model");
        Assert.Equal(0, CliTests.Run(["train", Flowers, "--target", "width", "--epochs", "1", "--quiet", "--save", numbers]).Code);
        (code, _, err) = CliTests.Run(["train", Flowers, "--target", "species", "--init-from", numbers]);
        Assert.Equal($"backprop: --init-from {numbers}: the model predicts numbers, but {Flowers}'s target column 'species' holds labels", OneLineError(code, err));
        (code, _, err) = CliTests.Run(["train", Flowers, "--target", "species", "--init-from", model, "--resume", model]);
        Assert.Equal("backprop: --resume and --init-from both say where training starts; give one.", OneLineError(code, err));
    }

    [Fact]
    public void Resuming_a_finished_run_says_so_and_saves_what_it_ended_with()
    {
        // Issue 24: the last epoch was not in the checkpoint, so resuming a finished run said "epoch 3, 0 of 90
        // examples done" and trained epoch 3 again.
        using var temp = new TempFolder();
        string c = temp.File("c.ckpt"), model = temp.File("m.model"), again = temp.File("again.model"), history = temp.File("h.csv"), resumed = temp.File("r.csv");
        var (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--checkpoint", c, "--save", model, "--history", history]);
        Assert.True(code == 0, err);
        var state = CheckpointFile.Load(c).State;
        Assert.Equal((4, 0, 3), (state.Epoch, state.Position, state.History.Count));

        (code, var output, err) = CliTests.Run(["train", Flowers, "--target", "species", "--resume", c, "--save", again, "--history", resumed]);
        Assert.True(code == 0, err);
        Assert.Contains($"--resume {c}: the checkpoint is of a finished run: all 3 epochs done; nothing to resume (--epochs above 3 trains on)\n", output);
        Assert.DoesNotContain("\nepoch ", output);
        Assert.Equal(File.ReadAllBytes(model), File.ReadAllBytes(again));   // the weights it ended with
        Assert.Equal(File.ReadAllLines(history), File.ReadAllLines(resumed));

        // More epochs go on from the end, as a run asked for 5 from the start; fewer than were done is refused.
        string five = temp.File("five.csv");
        Assert.Equal(0, CliTests.Run(["train", Flowers, .. Base.Select(f => f == "3" ? "5" : f), "--history", five]).Code);
        (code, _, err) = CliTests.Run(["train", Flowers, "--target", "species", "--epochs", "5", "--quiet", "--resume", c, "--history", resumed]);
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllLines(five), File.ReadAllLines(resumed));
        (code, _, err) = CliTests.Run(["train", Flowers, "--target", "species", "--epochs", "4", "--quiet", "--resume", c]);
        Assert.Equal($"backprop: --resume {c}: it has 5 epochs done, past the 4 epochs asked for", OneLineError(code, err));
    }

    [Fact]
    public void A_checkpoint_within_the_last_epoch_asked_for_is_refused_rather_than_cut_short()
    {
        // Resumed with --epochs 2, a checkpoint within epoch 3 would have ended at once with epoch 3's half-trained weights.
        var train = CsvLoader.Load(Flowers, new CsvOptions { TargetColumns = ["species"] });
        var recipe = new Recipe { Hidden = [8], Epochs = 3, Batch = Batching.MiniBatch(10) }.Resolve(train).Recipe;
        var learner = new Learner<float>(recipe, train);
        var checkpoints = new List<TrainingCheckpoint>();
        learner.Fit(checkpointing: new Checkpointing { Write = checkpoints.Add, EveryBatches = 1 });
        var within = learner.Checkpoint(checkpoints.First(c => c.Epoch == 3 && c.Position > 0), null);
        Assert.Equal("it has 2 epochs done and is within epoch 3, past the 2 epochs asked for", new Learner<float>(recipe with { Epochs = 2 }, train).ResumeProblem(within, null));
        Assert.Null(new Learner<float>(recipe, train).ResumeProblem(within, null));
    }
}
