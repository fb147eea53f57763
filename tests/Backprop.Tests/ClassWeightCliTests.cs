using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// <c>train --class-weight</c> as a user meets it: the weights shown before training (counted on the training rows),
/// one-line errors naming the flag, and checkpoints that keep the weighting (a resumed run takes it, and refuses another).
/// </summary>
public sealed class ClassWeightCliTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private static readonly string Flowers = TestData.Path("csv", "flowers.csv");

    public void Dispose() => Directory.Delete(_temp.Path, recursive: true);

    // 6 a, 2 b, 1 c, then 3 more a: with --validation 0.25 the last 3 rows are held out.
    private string Imbalanced()
    {
        string[] labels = ["a", "b", "a", "a", "c", "a", "b", "a", "a", "a", "a", "a"];
        return _temp.Write("abc.csv", "x,y,label\n" + string.Concat(labels.Select((l, i) => $"{i % 5},{(i * 7) % 3},{l}\n")));
    }

    private static string OneLineError((int Code, string Out, string Err) run)
    {
        Assert.Equal(2, run.Code);
        Assert.Single(run.Err.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("internal error", run.Err);
        return run.Err.TrimEnd('\n');
    }

    [Fact]
    public void Balanced_weights_are_shown_as_counted_on_the_training_rows()
    {
        // Training rows 6 a, 2 b, 1 c: 9/(3*6) = 0.5, 9/(3*2) = 1.5, 9/(3*1) = 3 (by hand). Counted on all 12 rows they
        // would be 0.444, 2 and 4.
        var (code, output, err) = CliTests.Run("train", Imbalanced(), "--target", "label", "--class-weight", "balanced", "--validation", "0.25", "--validation-split", "last", "--epochs", "2");
        Assert.True(code == 0, err);
        Assert.Contains("\nclass weights balanced: a 0.5, b 1.5, c 3\n", output);
        (code, output, err) = CliTests.Run("train", Imbalanced(), "--target", "label", "--class-weight", "c=2.25", "--epochs", "2");
        Assert.True(code == 0, err);
        Assert.Contains("\nclass weights c=2.25: a 1, b 1, c 2.25\n", output);
        // Without the flag, no line.
        (code, output, _) = CliTests.Run("train", Imbalanced(), "--target", "label", "--epochs", "2");
        Assert.Equal(0, code);
        Assert.DoesNotContain("class weights", output);
    }

    [Fact]
    public void One_column_of_0_and_1_has_the_classes_0_and_1()
    {
        // 1 one and 3 zeros: 4/(2*3) = 0.667 for 0, 4/(2*1) = 2 for 1.
        string csv = _temp.Write("yes.csv", "x,yes\n1,1\n2,0\n3,0\n4,0\n");
        var (code, output, err) = CliTests.Run("train", csv, "--target", "yes", "--loss", "binary-cross-entropy", "--class-weight", "balanced", "--epochs", "1");
        Assert.True(code == 0, err);
        Assert.Contains("\nclass weights balanced: 0 0.667, 1 2\n", output);
    }

    [Theory]
    [InlineData("d=2", "backprop: --class-weight: 'd' is not a class; the classes are a, b, c.")]
    [InlineData("a=0", "backprop: --class-weight: the weight of class 'a' is 0; a class weight is a finite number above 0.")]
    [InlineData("a=-1.5", "backprop: --class-weight: the weight of class 'a' is -1.5; a class weight is a finite number above 0.")]
    [InlineData("a=heavy", "backprop: --class-weight: the weight of class 'a' is 'heavy', not a number.")]
    [InlineData("heavy", "backprop: --class-weight: 'heavy' is not NAME=W; class weights are balanced or NAME=W[,NAME=W...].")]
    [InlineData("a=1,a=2", "backprop: --class-weight: the class 'a' is given a weight twice.")]
    public void Mistakes_are_one_line_naming_the_flag(string value, string message) =>
        Assert.Equal(message, OneLineError(CliTests.Run("train", Imbalanced(), "--target", "label", "--class-weight", value, "--epochs", "1")));

    [Fact]
    public void Losses_without_classes_and_classes_without_training_rows_are_refused()
    {
        Assert.Equal("backprop: --class-weight: class weights apply to cross-entropy and binary-cross-entropy, not to mse.",
            OneLineError(CliTests.Run("train", Imbalanced(), "--target", "label", "--loss", "mse", "--class-weight", "balanced")));
        // --validation 0.67 holds out the last 8 rows, leaving a, b, a, a: c (the 5th row) is only in the validation rows.
        Assert.StartsWith("backprop: --class-weight: balanced: the class 'c' has no training rows (after any validation split)",
            OneLineError(CliTests.Run("train", Imbalanced(), "--target", "label", "--class-weight", "balanced", "--validation", "0.67")));
        // Named weights need no count: the same split trains.
        Assert.Equal(0, CliTests.Run("train", Imbalanced(), "--target", "label", "--class-weight", "c=2", "--validation", "0.67", "--epochs", "1").Code);
        Assert.Equal("backprop: trace does not take --class-weight (it is an option of train, cv and sweep); see 'backprop trace --help'",
            OneLineError(CliTests.Run("trace", Imbalanced(), "--target", "label", "--class-weight", "balanced")));
        Assert.Contains("--class-weight", CliTests.Run("train", "--help").Out);
    }

    private static readonly string[] Base = ["--target", "species", "--layers", "8", "--batch", "10", "--shuffle", "--quiet"];

    [Fact]
    public void A_resumed_run_takes_the_weights_from_its_checkpoint_and_ends_as_the_uninterrupted_run()
    {
        string whole = _temp.File("whole.bpm"), resumed = _temp.File("resumed.bpm"), checkpoint = _temp.File("c.ckpt");
        Assert.Equal(0, CliTests.Run(["train", Flowers, .. Base, "--class-weight", "setosa=3,virginica=0.5", "--epochs", "4", "--save", whole]).Code);
        Assert.Equal(0, CliTests.Run(["train", Flowers, .. Base, "--class-weight", "setosa=3,virginica=0.5", "--epochs", "2", "--checkpoint", checkpoint]).Code);
        Assert.Equal("setosa=3,virginica=0.5", CheckpointFile.Load(checkpoint).Recipe.ClassWeight!.ToString());
        var (code, _, err) = CliTests.Run(["train", Flowers, "--target", "species", "--epochs", "4", "--quiet", "--resume", checkpoint, "--save", resumed]);
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(resumed));
        Assert.Equal([3, 1, 0.5], ModelFile.Load(resumed).ClassWeights!.Weights);

        // evaluate says how the model was trained; its loss is the unweighted one (as the library's Model.Evaluate).
        (code, string output, err) = CliTests.Run("evaluate", resumed, Flowers);
        Assert.True(code == 0, err);
        Assert.Contains("\ntrained with class weights setosa=3,virginica=0.5: setosa 3, versicolor 1, virginica 0.5 (the loss above is not weighted)\n", output);
        double unweighted = ModelFile.Load(resumed).Evaluate(CsvLoader.Load(Flowers, new CsvOptions { TargetColumns = ["species"] })).MeanLoss;
        Assert.Contains($"loss (cross-entropy, mean an example): {unweighted.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)}\n", output);
    }

    [Fact]
    public void A_resumed_run_refuses_another_weighting()
    {
        string weighted = _temp.File("w.ckpt"), plain = _temp.File("p.ckpt");
        Assert.Equal(0, CliTests.Run(["train", Flowers, .. Base, "--class-weight", "setosa=3", "--epochs", "2", "--checkpoint", weighted]).Code);
        Assert.Equal(0, CliTests.Run(["train", Flowers, .. Base, "--epochs", "2", "--checkpoint", plain]).Code);
        Assert.Equal($"backprop: --class-weight balanced conflicts with the checkpoint {weighted}, made with --class-weight setosa=3; --resume takes the training flags from the checkpoint (leave --class-weight out)",
            OneLineError(CliTests.Run(["train", Flowers, .. Base, "--epochs", "3", "--resume", weighted, "--class-weight", "balanced"])));
        Assert.Equal($"backprop: --class-weight setosa=3 conflicts with the checkpoint {plain}, made with --class-weight none; --resume takes the training flags from the checkpoint (leave --class-weight out)",
            OneLineError(CliTests.Run(["train", Flowers, .. Base, "--epochs", "3", "--resume", plain, "--class-weight", "setosa = 3"])));
        // The same weighting, however written, is fine.
        Assert.Equal(0, CliTests.Run(["train", Flowers, .. Base, "--epochs", "3", "--resume", weighted, "--class-weight", " setosa=3.0 "]).Code);

        // The library says the same to a learner with other weights.
        var train = CsvLoader.Load(Flowers, new CsvOptions { TargetColumns = ["species"] });
        var recipe = CheckpointFile.Load(weighted).Recipe;
        var learner = new Learner<float>(recipe with { ClassWeight = null }, train);
        Assert.Equal("it was made with class-weight setosa=3, not none", learner.ResumeProblem(CheckpointFile.Load(weighted), null));
    }

    [Fact]
    public void A_checkpoint_with_a_damaged_weighting_is_one_line()
    {
        string checkpoint = _temp.File("c.ckpt");
        Assert.Equal(0, CliTests.Run(["train", Flowers, .. Base, "--class-weight", "setosa=3", "--epochs", "2", "--checkpoint", checkpoint]).Code);
        string text = File.ReadAllText(checkpoint);
        string body = text[(text.IndexOf('\n') + 1)..].Replace("\"class_weight\": \"setosa=3\"", "\"class_weight\": \"setosa=-3\"", StringComparison.Ordinal);
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(body);
        string header = $"{{\"format\":\"backprop-checkpoint\",\"version\":1,\"length\":{bytes.Length},\"sha256\":\"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))}\"}}\n";
        string damaged = _temp.Write("d.ckpt", header + body);
        Assert.Equal($"backprop: {damaged}: malformed checkpoint: in \"recipe\": the weight of class 'setosa' is -3; a class weight is a finite number above 0.",
            OneLineError(CliTests.Run(["train", Flowers, .. Base, "--epochs", "3", "--resume", damaged])));
    }
}
