namespace Backprop.Cli.Demos;

/// <summary>Notes, "Your first deep neural network": a 3-4-1 relu network's forward pass, step by step.</summary>
internal sealed class FirstDeepNetwork : Demo
{
    public override string Name => "first-deep";

    public override string Title => "Your first deep neural network: the forward pass of a 3-4-1 relu network";

    // This function sets all negative numbers to 0
    private static Matrix<double> relu(Matrix<double> x) => (x > 0) * x; // if x > 0 return x, else return 0

    public override void Run(Notebook nb)
    {
        var np_random = new NumpyRandom(1); // np.random.seed(1)
        int hidden_size = 4;
        var streetlights = Matrix.Array(new[,]
        {
            { 1, 0, 1 },
            { 0, 1, 1 },
            { 0, 0, 1 },
            { 1, 1, 1 },
        });
        var walk_vs_stop = Matrix.Array(new[,] { { 1, 1, 0, 0 } }).T;

        // The notes' first cell: two sets of weights connecting 3 layers, randomly initialised (16 numbers drawn).
        var weights_0_1 = 2 * Matrix.Random(np_random, 3, hidden_size) - 1;
        var weights_1_2 = 2 * Matrix.Random(np_random, hidden_size, 1) - 1;
        var layer_0 = streetlights[0];
        var layer_1 = relu(layer_0.Dot(weights_0_1));
        var layer_2 = layer_1.Dot(weights_1_2);

        // "Let's break it down step by step": these cells draw the weights again, continuing the same seeded
        // stream, so what they show are numbers 17 to 32 of seed 1.
        // Initialises the weights for layer_0 to layer_1: 3 input nodes x 4 hidden nodes = 12 weights
        weights_0_1 = 2 * Matrix.Random(np_random, 3, hidden_size) - 1;
        nb.Show("weights_0_1", weights_0_1);

        // Initialises the weights for layer_1 to layer_2: 4 hidden nodes x 1 output = 4 weights
        weights_1_2 = 2 * Matrix.Random(np_random, hidden_size, 1) - 1;
        nb.Show("weights_1_2", weights_1_2);

        // First set of streetlight inputs
        layer_0 = streetlights[0];
        nb.Show("layer_0", layer_0);

        // Dot product of layer_0 and weights_0_1, then relu sets negative values to 0
        layer_1 = relu(layer_0.Dot(weights_0_1));
        nb.Show("layer_1", layer_1);

        // Prediction at the output layer: dot product of layer_1 and weights_1_2
        layer_2 = layer_1.Dot(weights_1_2);
        nb.Show("layer_2", layer_2);
        _ = walk_vs_stop; // defined by the notes' cell, not used by its forward pass
    }
}
