using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// train --lr-schedule: the rate in the epoch line, the history and the checkpoint; mistakes one line, exit 2. The
/// expected rates are hand-calculated (halvings of 0.001); the resumed runs' expected values are the uninterrupted run's.
/// </summary>
public class LearningRateScheduleCliTests : IDisposable
{
    private static readonly string Flowers = TestData.Path("csv", "flowers.csv");
    private static readonly string[] Base = ["--target", "species", "--layers", "8", "--batch", "10", "--shuffle", "--validation", "0.2"];
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string OneLineError(int code, string err)
    {
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("internal error", err);
        return err.TrimEnd('\n');
    }

    [Fact]
    public void The_rate_is_in_the_epoch_line_the_network_line_and_the_history()
    {
        string history = _temp.File("h.csv");
        var (code, output, err) = CliTests.Run(["train", Flowers, .. Base, "--epochs", "5", "--lr-schedule", "step:2,0.5", "--history", history]);
        Assert.True(code == 0, err);
        Assert.Contains("adam alpha 0.001 lr-schedule step:2,0.5, batch 10", output);
        // Adam's 0.001, halved after epochs 2 and 4.
        string[] rates = ["0.001", "0.001", "0.0005", "0.0005", "0.00025"];
        var epochLines = output.Split('\n').Where(l => l.StartsWith("epoch ")).ToArray();
        Assert.Equal(5, epochLines.Length);
        for (int i = 0; i < 5; i++) Assert.Contains($"  lr {rates[i]}  (", epochLines[i]);
        var lines = File.ReadAllLines(history);
        Assert.Equal("epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,validation_mae,lr", lines[0]);
        Assert.Equal(rates, lines.Skip(1).Select(l => l.Split(',')[6]));
    }

    [Fact]
    public void Without_a_schedule_the_epoch_line_is_as_before()
    {
        var (code, output, err) = CliTests.Run(["train", Flowers, .. Base, "--epochs", "2"]);
        Assert.True(code == 0, err);
        Assert.DoesNotContain(" lr ", output);
        Assert.DoesNotContain("lr-schedule", output);
    }

    [Theory]
    [InlineData("linear", "backprop: --lr-schedule: 'linear' is not a learning-rate schedule; the schedules are constant, step:EVERY[,FACTOR], cosine, plateau[:PATIENCE[,FACTOR]].")]
    [InlineData("step:0", "backprop: --lr-schedule: step's EVERY must be a whole number of epochs, at least 1, not 0.")]
    [InlineData("plateau:3,2", "backprop: --lr-schedule: plateau's FACTOR must be a number above 0 and below 1, not 2.")]
    public void A_bad_schedule_is_one_line_naming_the_flag(string schedule, string message)
    {
        var (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--lr-schedule", schedule]);
        Assert.Equal(message, OneLineError(code, err));
    }

    [Fact]
    public void Help_describes_the_flag_and_only_train_takes_it()
    {
        var (code, output, _) = CliTests.Run("train", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--lr-schedule", output);
        Assert.Contains("plateau[:PATIENCE[,FACTOR]]", output);
        (code, _, var err) = CliTests.Run("trace", Flowers, "--target", "species", "--lr-schedule", "cosine");
        Assert.NotEqual(0, code);
        Assert.Contains("--lr-schedule", err);
    }

    [Fact]
    public void A_run_resumed_from_its_checkpoint_file_goes_on_with_the_same_rates()
    {
        // plateau:0,0.5 on the validation loss; the checkpoint after 3 of 8 epochs, resumed for the rest.
        string[] flags = [.. Base, "--lr-schedule", "plateau:0,0.5", "--alpha", "0.05", "--optimizer", "momentum", "--quiet"];
        string full = _temp.File("full.csv"), part = _temp.File("part.csv"), c = _temp.File("c.ckpt");
        var (code, _, err) = CliTests.Run(["train", Flowers, .. flags, "--epochs", "8", "--history", full]);
        Assert.True(code == 0, err);
        var rates = File.ReadAllLines(full).Skip(1).Select(l => l.Split(',')[6]).ToArray();
        Assert.True(rates.Distinct().Count() > 1, string.Join(" ", rates));   // the plateau schedule reduced the rate

        // The last checkpoint is the finished run's, at epoch 5's start with epoch 5's rate (issue 24: it was epoch 4's
        // start, so that resuming with --epochs 4 ran epoch 4 again).
        (code, _, err) = CliTests.Run(["train", Flowers, .. flags, "--epochs", "4", "--checkpoint", c]);
        Assert.True(code == 0, err);
        var state = CheckpointFile.Load(c).State;
        Assert.Equal((5, 0), (state.Epoch, state.Position));
        Assert.Equal("plateau:0,0.5", state.LearningRate!.Schedule);
        Assert.Equal(double.Parse(rates[4], CultureInfo.InvariantCulture), state.LearningRate.Rate);
        Assert.Equal(state.History.Min(e => e.ValidationLoss!.Value), state.LearningRate.Best);

        (code, _, err) = CliTests.Run(["train", Flowers, "--target", "species", "--validation", "0.2", "--quiet", "--epochs", "8", "--resume", c, "--history", part]);
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllLines(full), File.ReadAllLines(part));
    }

    [Fact]
    public void Resuming_with_another_schedule_or_cosine_with_other_epochs_is_refused()
    {
        string c = _temp.File("c.ckpt");
        var (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--quiet", "--epochs", "3", "--lr-schedule", "cosine", "--checkpoint", c]);
        Assert.True(code == 0, err);
        (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--quiet", "--epochs", "3", "--lr-schedule", "step:1", "--resume", c]);
        Assert.Equal($"backprop: --lr-schedule step:1,0.1 conflicts with the checkpoint {c}, made with --lr-schedule cosine; --resume takes the training flags from the checkpoint (leave --lr-schedule out)", OneLineError(code, err));
        (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--quiet", "--epochs", "6", "--resume", c]);
        Assert.Equal($"backprop: --resume {c}: it was made with lr-schedule cosine over 3 epochs, and cosine's rates depend on the number of epochs: keep epochs 3", OneLineError(code, err));
        (code, _, err) = CliTests.Run(["train", Flowers, .. Base, "--quiet", "--epochs", "3", "--resume", c]);
        Assert.True(code == 0, err);
    }

    [Fact]
    public void A_checkpoint_from_before_schedules_still_resumes()
    {
        // A checkpoint of a constant-rate run without the members schedules added (recipe.lr_schedule,
        // state.learning_rate, history[].learning_rate), as the first builds wrote them, resealed: it reads as constant.
        string c = _temp.File("c.ckpt");
        string[] flags = [.. Base, "--quiet"];
        var (code, _, err) = CliTests.Run(["train", Flowers, .. flags, "--epochs", "2", "--checkpoint", c]);
        Assert.True(code == 0, err);
        byte[] file = File.ReadAllBytes(c);
        int newline = Array.IndexOf(file, (byte)'\n');
        var body = JsonNode.Parse(file.AsSpan(newline + 1))!.AsObject();
        Assert.True(body["recipe"]!.AsObject().Remove("lr_schedule"));
        Assert.True(body["state"]!.AsObject().Remove("learning_rate"));
        foreach (var h in body["state"]!["history"]!.AsArray()) Assert.True(h!.AsObject().Remove("learning_rate"));
        byte[] old = Encoding.UTF8.GetBytes(body.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        string header = $"{{\"format\":\"backprop-checkpoint\",\"version\":1,\"length\":{old.Length},\"sha256\":\"{ModelFile.Sha256Hex(old)}\"}}\n";
        string oldPath = _temp.Write("old.ckpt", [.. Encoding.ASCII.GetBytes(header), .. old]);

        var loaded = CheckpointFile.Load(oldPath);
        Assert.Null(loaded.State.LearningRate);
        Assert.Equal("constant", loaded.Recipe.Schedule!.Name);
        Assert.All(loaded.State.History, e => Assert.Null(e.LearningRate));
        (code, _, err) = CliTests.Run(["train", Flowers, .. flags, "--epochs", "3", "--resume", oldPath]);
        Assert.True(code == 0, err);
        // ... but a checkpoint whose recipe has a schedule must have its state.
        body["recipe"]!["lr_schedule"] = "cosine";
        old = Encoding.UTF8.GetBytes(body.ToJsonString() + "\n");
        header = $"{{\"format\":\"backprop-checkpoint\",\"version\":1,\"length\":{old.Length},\"sha256\":\"{ModelFile.Sha256Hex(old)}\"}}\n";
        string forged = _temp.Write("forged.ckpt", [.. Encoding.ASCII.GetBytes(header), .. old]);
        (code, _, err) = CliTests.Run(["train", Flowers, .. flags, "--epochs", "3", "--resume", forged]);
        Assert.Equal($"backprop: {forged}: malformed checkpoint: \"state.learning_rate\" is missing; the recipe has a learning-rate schedule", OneLineError(code, err));
    }
}
