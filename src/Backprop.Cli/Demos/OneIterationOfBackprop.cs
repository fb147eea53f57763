namespace Backprop.Cli.Demos;

/// <summary>Notes, "One iteration of backprop": every intermediate of one update of a 3-3-1 relu network.</summary>
internal sealed class OneIterationOfBackprop : Demo
{
    public override string Name => "one-iteration";

    public override string Title => "One iteration of backprop: every intermediate of one update, step by step";

    private static Matrix<double> relu(Matrix<double> x) => (x > 0) * x;

    private static Matrix<double> relu2deriv(Matrix<double> output) => output > 0;

    public override void Run(Notebook nb)
    {
        // Initialize network weights and data
        var np_random = new NumpyRandom(1); // np.random.seed(1)
        var lights = Matrix.Array(new[,]
        {
            { 1, 0, 1 },
            { 0, 1, 1 },
            { 0, 0, 1 },
            { 1, 1, 1 },
        });
        var walk_stop = Matrix.Array(new[,] { { 1, 1, 0, 1 } }).T;
        double alpha = 0.2;
        int hidden_size = 3; // hidden layer with 3 nodes
        var weights_0_1 = 2 * Matrix.Random(np_random, 3, hidden_size) - 1;
        var weights_1_2 = 2 * Matrix.Random(np_random, hidden_size, 1) - 1;

        // View initialized weights
        nb.Show("walk_stop[0:1]", walk_stop[0..1]);
        nb.Show("weights_0_1", weights_0_1);
        nb.Show("weights_1_2", weights_1_2);
        double layer_2_error = 0;

        // Predict + Compare: make a prediction, calculate the output error and delta
        var layer_0 = lights[0..1];
        nb.Show("layer_0", layer_0);
        var layer_1 = relu(layer_0.Dot(weights_0_1));
        nb.Show("layer_1", layer_1);
        var layer_2 = layer_1.Dot(weights_1_2); // prediction
        nb.Show("layer_2", layer_2);
        // The notes' cells write walk_vs_stop[0:1], a name left over from the previous example; its first row,
        // [[1]], is walk_stop's first row too, which is what this example means.
        layer_2_error += (layer_2 - walk_stop[0..1]).Pow(2).Sum(); // error (same as delta ** 2)
        nb.Show("layer_2_error", layer_2_error);
        var layer_2_delta = layer_2 - walk_stop[0..1];
        nb.Show("layer_2_delta", layer_2_delta);

        // Learn: backpropagate from layer_2 to layer_1
        var layer_1_delta = layer_2_delta.Dot(weights_1_2.T);
        nb.Show("layer_1_delta", layer_1_delta);
        layer_1_delta *= relu2deriv(layer_1);
        nb.Show("layer_1_delta", layer_1_delta);

        // Learn: generate weight deltas and update the weights
        var weight_delta_1_2 = layer_1.T.Dot(layer_2_delta);
        nb.Show("weight_delta_1_2", weight_delta_1_2);
        var weight_delta_0_1 = layer_0.T.Dot(layer_1_delta);
        nb.Show("weight_delta_0_1", weight_delta_0_1);
        weights_1_2 -= alpha * weight_delta_1_2;
        nb.Show("weights_1_2", weights_1_2);
        weights_0_1 -= alpha * weight_delta_0_1;
        nb.Show("weights_0_1", weights_0_1);
    }
}
