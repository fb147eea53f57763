namespace Backprop.Tests;

/// <summary>The spec's defaults are today's usual ones; the notes' choices are the <see cref="NetworkSpec.Notes"/> preset.</summary>
public class NetworkSpecTests
{
    [Fact]
    public void Defaults_are_bias_and_he_weights_for_relu_and_xavier_for_sigmoid_or_tanh()
    {
        var spec = new NetworkSpec(4, [3], 2);
        Assert.True(spec.Bias);
        Assert.Equal(Activation.Relu, spec.HiddenActivation);
        Assert.Equal(Initializer.He, spec.Init);
        Assert.Equal(Initializer.Xavier, (spec with { HiddenActivation = Activation.Tanh }).Init);
        Assert.Equal(Initializer.Xavier, (spec with { HiddenActivation = Activation.Sigmoid }).Init);
        Assert.Equal(Initializer.Normal(0.5), (spec with { Init = Initializer.Normal(0.5), HiddenActivation = Activation.Tanh }).Init);
        var network = spec.Build<double>(new NumpyRandom(1));
        Assert.All(network.DenseLayers, d => Assert.NotNull(d.Bias));
    }

    [Fact]
    public void The_default_initializer_draws_what_he_draws()
    {
        // He: standard_normal(shape) * sqrt(2 / fan_in), from the same stream as an explicit He spec.
        var implicitHe = new NetworkSpec(5, [4], 1).Build<double>(new NumpyRandom(3));
        var explicitHe = (new NetworkSpec(5, [4], 1) { Init = Initializer.He }).Build<double>(new NumpyRandom(3));
        Assert.Equal(explicitHe.DenseLayers[0].Weights.Value.Span.ToArray(), implicitHe.DenseLayers[0].Weights.Value.Span.ToArray());
        Assert.Equal(new NetworkSpec(5, [4], 1), new NetworkSpec(5, [4], 1) { Init = Initializer.He }); // the same spec
    }

    [Fact]
    public void The_notes_preset_is_the_notes_network()
    {
        // The notes: np.random.seed(1); weights_0_1 = 2*np.random.random((3,4)) - 1; no bias; relu; identity output.
        var spec = NetworkSpec.Notes(3, [4], 1);
        Assert.False(spec.Bias);
        Assert.Equal(Activation.Relu, spec.HiddenActivation);
        Assert.Equal(Activation.Identity, spec.OutputActivation);
        Assert.Equal(Initializer.Uniform(-1, 1), spec.Init);
        var network = spec.Build<double>(new NumpyRandom(1));
        Assert.All(network.DenseLayers, d => Assert.Null(d.Bias));
        // The notes print weights_0_1[0][0] = 2 * 0.417022004702574 - 1 (np.random.seed(1); np.random.random() is 0.417022004702574).
        Assert.Equal(2 * 0.417022004702574 - 1, network.DenseLayers[0].Weights.Value[0, 0], 15);
    }

    [Fact]
    public void Specs_with_equal_hidden_sizes_in_different_lists_are_equal()
    {
        Assert.Equal(new NetworkSpec(3, [4, 2], 1), new NetworkSpec(3, new List<int> { 4, 2 }, 1));
        Assert.NotEqual(new NetworkSpec(3, [4, 2], 1), new NetworkSpec(3, [4, 3], 1));
        Assert.NotEqual(new NetworkSpec(3, [4], 1), NetworkSpec.Notes(3, [4], 1));
    }
}
