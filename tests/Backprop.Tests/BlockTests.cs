namespace Backprop.Tests;

/// <summary>
/// The library's network, block by block, against the notes' "Backpropagation in code" loop written out with numpy-style
/// matrices (Grokking Deep Learning, chapter 6; the same cell as Demos/BackpropagationInCode.cs): every layer, delta,
/// weight delta and updated weight, bit for bit, at every step of the notes' 60 iterations.
/// </summary>
public class BlockTests
{
    private static Matrix<double> relu(Matrix<double> x) => (x > 0) * x;

    private static Matrix<double> relu2deriv(Matrix<double> output) => output > 0;

    private static readonly Matrix<double> streetlights = Matrix.Array(new[,] { { 1, 0, 1 }, { 0, 1, 1 }, { 0, 0, 1 }, { 1, 1, 1 } });
    private static readonly Matrix<double> walk_vs_stop = Matrix.Array(new[,] { { 1, 1, 0, 0 } }).T;

    private static void Same(Matrix<double> expected, Matrix<double>? actual, string what)
    {
        Assert.NotNull(actual);
        Assert.Equal((expected.Rows, expected.Columns), (actual.Rows, actual.Columns));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(expected.Span[i]) == BitConverter.DoubleToInt64Bits(actual.Span[i]),
                $"{what}[{i}]: the notes' loop gives {expected.Span[i]:R}, the network {actual.Span[i]:R}");
    }

    [Fact]
    public void The_network_computes_the_notes_loop_step_by_step()
    {
        // The notes' cell: np.random.seed(1); alpha = 0.2; hidden_size = 4; weights uniform in [-1, 1).
        var np_random = new NumpyRandom(1);
        double alpha = 0.2;
        var weights_0_1 = 2 * Matrix.Random(np_random, 3, 4) - 1;
        var weights_1_2 = 2 * Matrix.Random(np_random, 4, 1) - 1;

        var network = NetworkSpec.Notes(3, [4], 1).Build<double>(new NumpyRandom(1));
        var loss = new SquaredError<double>();
        var sgd = new Sgd<double>(alpha);
        Assert.Equal(2, network.Blocks.Count);
        Assert.Equal([Activation.Relu, Activation.Identity], network.Blocks.Select(b => b.Activation));
        Same(weights_0_1, network.Blocks[0].Dense.Weights.Value, "weights_0_1");
        Same(weights_1_2, network.Blocks[1].Dense.Weights.Value, "weights_1_2");

        double layer_2_error = 0;
        for (int iteration = 0; iteration < 60; iteration++)
        {
            layer_2_error = 0;
            for (int i = 0; i < streetlights.Rows; i++)
            {
                var layer_0 = streetlights[i..(i + 1)];
                var goal = walk_vs_stop[i..(i + 1)];
                var layer_1 = relu(layer_0.Dot(weights_0_1));
                var layer_2 = layer_1.Dot(weights_1_2);
                layer_2_error += (layer_2 - goal).Pow(2).Sum();
                var layer_2_delta = layer_2 - goal;
                var layer_1_delta = layer_2_delta.Dot(weights_1_2.T) * relu2deriv(layer_1);
                var weight_delta_1_2 = layer_1.T.Dot(layer_2_delta);
                var weight_delta_0_1 = layer_0.T.Dot(layer_1_delta);
                weights_1_2 -= alpha * weight_delta_1_2;
                weights_0_1 -= alpha * weight_delta_0_1;

                string step = $"iteration {iteration}, light {i}";
                var prediction = network.Forward(layer_0, training: true);
                Same(layer_0, network.Blocks[0].Input, $"layer_0 ({step})");
                Same(layer_1, network.Blocks[0].Output, $"layer_1 ({step})");
                Same(layer_1, network.Blocks[1].Input, $"block 2's input ({step})");
                Same(layer_2, network.Blocks[1].Output, $"layer_2 ({step})");
                Assert.Same(network.Blocks[1].Output, prediction);
                network.Backward(loss, prediction, goal);
                Same(layer_2_delta, network.Blocks[1].Delta, $"layer_2_delta ({step})");
                Same(layer_1_delta, network.Blocks[0].Delta, $"layer_1_delta ({step})");
                Same(weight_delta_1_2, network.Blocks[1].Dense.Weights.Gradient, $"weight_delta_1_2 ({step})");
                Same(weight_delta_0_1, network.Blocks[0].Dense.Weights.Gradient, $"weight_delta_0_1 ({step})");
                sgd.Update([.. network.Parameters]);
                Same(weights_1_2, network.Blocks[1].Dense.Weights.Value, $"weights_1_2 ({step})");
                Same(weights_0_1, network.Blocks[0].Dense.Weights.Value, $"weights_0_1 ({step})");
            }
        }
        // The notes print this error after the 60th iteration.
        Assert.Equal(1.5055622665134859e-05, layer_2_error);
    }

    [Fact]
    public void A_block_with_dropout_masks_forward_and_backward_as_written_out()
    {
        // Chapter 8's dropout on the same network, mini-batches of 2: layer_1 *= dropout_mask * 2 with the mask from
        // np.random.randint(2, size=layer_1.shape), drawn from the stream after the weights. The delta is the exact
        // gradient, masked and scaled as the forward pass was (the book multiplies by the mask without the 2).
        var np_random = new NumpyRandom(1);
        double alpha = 0.1;
        var weights_0_1 = 2 * Matrix.Random(np_random, 3, 4) - 1;
        var weights_1_2 = 2 * Matrix.Random(np_random, 4, 1) - 1;

        var network = (NetworkSpec.Notes(3, [4], 1) with { Dropout = 0.5 }).Build<double>(new NumpyRandom(1));
        Assert.NotNull(network.Blocks[0].Dropout);
        Assert.Null(network.Blocks[1].Dropout);
        var loss = new SquaredError<double>();
        var sgd = new Sgd<double>(alpha);
        for (int iteration = 0; iteration < 10; iteration++)
            for (int i = 0; i < streetlights.Rows; i += 2)
            {
                var layer_0 = streetlights[i..(i + 2)];
                var goal = walk_vs_stop[i..(i + 2)];
                var dropout_mask = new Matrix<double>(2, 4);
                for (int j = 0; j < dropout_mask.Length; j++) dropout_mask.Span[j] = np_random.RandInt(2);
                var layer_1 = relu(layer_0.Dot(weights_0_1)) * (dropout_mask * 2);
                var layer_2 = layer_1.Dot(weights_1_2);
                var layer_2_delta = (layer_2 - goal) / 2;
                var layer_1_delta = layer_2_delta.Dot(weights_1_2.T) * (dropout_mask * 2) * relu2deriv(relu(layer_0.Dot(weights_0_1)));
                var weight_delta_1_2 = layer_1.T.Dot(layer_2_delta);
                var weight_delta_0_1 = layer_0.T.Dot(layer_1_delta);
                weights_1_2 -= alpha * weight_delta_1_2;
                weights_0_1 -= alpha * weight_delta_0_1;

                string step = $"iteration {iteration}, rows {i}-{i + 1}";
                var prediction = network.Forward(layer_0, training: true);
                Same(layer_1, network.Blocks[0].Output, $"layer_1 after dropout ({step})");
                Same(layer_2, prediction, $"layer_2 ({step})");
                network.Backward(loss, prediction, goal);
                Same(layer_2_delta, network.Blocks[1].Delta, $"layer_2_delta ({step})");
                Same(layer_1_delta, network.Blocks[0].Delta, $"layer_1_delta ({step})");
                Same(weight_delta_0_1, network.Blocks[0].Dense.Weights.Gradient, $"weight_delta_0_1 ({step})");
                sgd.Update([.. network.Parameters]);
                Same(weights_0_1, network.Blocks[0].Dense.Weights.Value, $"weights_0_1 ({step})");
            }
    }

    [Fact]
    public void Softmax_with_cross_entropy_starts_below_the_output_activation_by_name()
    {
        var softmax = new NetworkSpec(3, [4], 2) { OutputActivation = Activation.Softmax }.Build<double>(new NumpyRandom(1));
        var sigmoid = new NetworkSpec(3, [4], 1) { OutputActivation = Activation.Sigmoid }.Build<double>(new NumpyRandom(1));
        Assert.Equal(BackwardStart.BelowOutputActivation, softmax.StartFor(new CrossEntropy<double>()));
        Assert.Equal(BackwardStart.AtOutput, softmax.StartFor(new MeanSquaredError<double>()));
        Assert.Equal(BackwardStart.BelowOutputActivation, sigmoid.StartFor(new BinaryCrossEntropy<double>()));
        Assert.Equal(BackwardStart.AtOutput, sigmoid.StartFor(new SquaredError<double>()));

        // Below the softmax the delta is p - y (divided by the batch): layer_2_delta at the dense layer's output.
        var x = Matrix.Array(new[,] { { 1.0, 0, 1 }, { 0, 1, 1 } });
        var y = Matrix.Array(new[,] { { 1.0, 0 }, { 0, 1 } });
        var p = softmax.Forward(x, training: true).Copy();
        softmax.Backward(new CrossEntropy<double>(), p, y);
        Same((p - y) / 2, softmax.Blocks[1].Delta, "p - y");
    }

    [Fact]
    public void Layers_that_do_not_form_blocks_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new Network<double>(new Relu<double>(), new Dense<double>(3, 1)));
        Assert.StartsWith("Layer 0 (relu) does not start a block", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Network<double>(new Dense<double>(3, 4), new Relu<double>(), new Relu<double>()));
        Assert.StartsWith("Layer 2 (relu) does not start a block", e.Message);
        var grouped = new Network<double>(new Dense<double>(3, 4), new Relu<double>(), new Dense<double>(4, 1), new Sigmoid<double>());
        Assert.Equal([Activation.Relu, Activation.Sigmoid], grouped.Blocks.Select(b => b.Activation));
        Assert.Equal(Activation.Sigmoid, grouped.OutputActivation);
    }
}
