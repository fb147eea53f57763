using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// Model files and checkpoints saved by earlier builds (tests/Backprop.Tests/Data/models, see its README) load, mean
/// what they meant, and save again to the very same bytes: the format on disk does not drift.
/// </summary>
public sealed class SavedFileTests
{
    private static string Fixture(string name) => TestData.Path("models", name);

    [Theory]
    [InlineData("messy_f32_classweights.bpm")]
    [InlineData("messy_f64_regression.bpm")]
    [InlineData("flowers_f64_nobias.bpm")]
    [InlineData("../npz/flowers_f32.bpm")]
    [InlineData("../npz/streetlights_f64.bpm")]
    public void An_old_model_file_loads_and_saves_to_the_same_bytes(string name)
    {
        var model = ModelFile.Load(Fixture(name));
        Assert.Null(model.FindProblem());
        Assert.Equal(File.ReadAllBytes(Fixture(name)), ModelFile.Serialize(model));
    }

    [Fact]
    public void An_old_model_file_means_what_it_said()
    {
        var weighted = ModelFile.Load(Fixture("messy_f32_classweights.bpm"));
        Assert.Equal(Precision.F32, weighted.Precision);
        Assert.Equal(new NetworkSpec(7, [3], 2) { HiddenActivation = Activation.Relu, OutputActivation = Activation.Softmax, Bias = true, Init = Initializer.He }, weighted.Spec);
        Assert.Equal(LossKind.CrossEntropy, weighted.Loss);
        Assert.Equal("balanced", weighted.ClassWeights!.Weighting.ToString());
        Assert.Equal([0.9090909090909091, 1.1111111111111112], weighted.ClassWeights.Weights);
        Assert.Equal(NormalizationKind.Standard, weighted.Normalization.Kind);
        Assert.Equal(4.772235294117648, weighted.Normalization.Offset[0]);
        Assert.Equal(["x1", "colour=Grey", "colour=blue", "colour=green", "colour=red", "colour=émeraude", "x2"], weighted.FeatureNames);
        Assert.Equal(["0", "1"], weighted.ClassNames!);
        Assert.Equal("mean", weighted.Inputs!.Missing);
        Assert.Equal(new InputColumn("x1", null, 4.772235294117647), weighted.Inputs.Columns[0]);
        Assert.Equal(["Grey", "blue", "green", "red", "émeraude"], weighted.Inputs.Columns[1].Categories!);
        Assert.Equal((double)0.86624944f, weighted.Weights[0][0]);
        Assert.Equal((double)-0.102337226f, weighted.Weights[1][5]);
        Assert.Equal((double)-0.0019993277f, weighted.Biases[1]![1]);

        var regression = ModelFile.Load(Fixture("messy_f64_regression.bpm"));
        Assert.Equal((Precision.F64, LossKind.Sse), (regression.Precision, regression.Loss));
        Assert.Null(regression.ClassNames);
        Assert.Null(regression.ClassWeights);
        Assert.Equal(4.581, regression.Inputs!.Columns[0].Fill);

        var noBias = ModelFile.Load(Fixture("flowers_f64_nobias.bpm"));
        Assert.Equal(Initializer.Uniform(-0.5, 0.5), noBias.Spec.Init);
        Assert.Equal(new[] { 4, 3 }, noBias.Spec.Hidden);
        Assert.All(noBias.Biases, Assert.Null);
        Assert.Null(noBias.Inputs);
    }

    [Theory]
    [InlineData("flowers_f32_adam.ckpt")]
    [InlineData("flowers_f64_momentum.ckpt")]
    public void An_old_checkpoint_loads_and_saves_to_the_same_bytes(string name)
    {
        var checkpoint = CheckpointFile.Load(Fixture(name));
        Assert.Equal(File.ReadAllBytes(Fixture(name)), CheckpointFile.Serialize(checkpoint));
    }

    [Fact]
    public void An_old_checkpoint_means_what_it_said()
    {
        var adam = CheckpointFile.Load(Fixture("flowers_f32_adam.ckpt"));
        Assert.Equal((3, 28), (adam.State.Epoch, adam.State.Position));
        Assert.Equal("plateau:0,0.5", adam.Recipe.Schedule!.Name);
        Assert.Equal("setosa=2", adam.Recipe.ClassWeight!.ToString());
        Assert.Equal((Precision.F32, 0.3, 2), (adam.Recipe.Precision, adam.Recipe.Dropout, adam.Recipe.Patience));
        Assert.Equal(["species"], adam.TargetNames!);
        Assert.NotNull(adam.Validation);
        Assert.Equal(72, adam.State.Order!.Length);
        Assert.Equal(Enumerable.Range(0, 72), adam.State.Order.Order());
        Assert.NotNull(adam.State.LastGood);
        Assert.Equal(("adam", 2 * 4), (adam.State.Optimizer.Name, adam.State.Optimizer.Buffers.Count));   // 2 layers x (weights, bias) x 2 moments
        Assert.Equal(2, adam.State.History.Count);
        Assert.NotNull(adam.State.EarlyStopping);
        Assert.Equal("plateau:0,0.5", adam.State.LearningRate!.Schedule);
        Assert.All(adam.State.Parameters.SelectMany(p => p), v => Assert.Equal(v, (double)(float)v));   // float32 values, as saved

        var momentum = CheckpointFile.Load(Fixture("flowers_f64_momentum.ckpt"));
        Assert.Equal((2, 0), (momentum.State.Epoch, momentum.State.Position));
        Assert.Equal(Optimizer.Momentum(0.8), momentum.Recipe.Optimizer);
        Assert.Null(momentum.Validation);
        Assert.Null(momentum.State.Order);
        Assert.Null(momentum.State.LastGood);
        Assert.Null(momentum.State.EarlyStopping);
        Assert.Equal(6, momentum.State.Parameters.Count);
        Assert.Equal(3 * 4, momentum.State.Parameters[0].Length);
    }
}
