namespace Backprop.Cli.Demos;

/// <summary>Notes, "Backpropagation in code": the 3-4-1 relu network learns the streetlights in 60 iterations.</summary>
internal sealed class BackpropagationInCode : Demo
{
    public override string Name => "backprop";

    public override string Title => "Backpropagation in code: a 3-4-1 relu network, 60 iterations, error every 10";

    private static Matrix<double> relu(Matrix<double> x) => (x > 0) * x; // returns x if x > 0, 0 otherwise

    private static Matrix<double> relu2deriv(Matrix<double> output) => output > 0; // 1 for input > 0, 0 otherwise

    public override void Run(Notebook nb)
    {
        var np_random = new NumpyRandom(1); // np.random.seed(1)
        var streetlights = Matrix.Array(new[,]
        {
            { 1, 0, 1 },
            { 0, 1, 1 },
            { 0, 0, 1 },
            { 1, 1, 1 },
        });
        var walk_vs_stop = Matrix.Array(new[,] { { 1, 1, 0, 0 } }).T;
        double alpha = 0.2;
        int hidden_size = 4;
        var weights_0_1 = 2 * Matrix.Random(np_random, 3, hidden_size) - 1;
        var weights_1_2 = 2 * Matrix.Random(np_random, hidden_size, 1) - 1;
        for (int iteration = 0; iteration < 60; iteration++)
        {
            double layer_2_error = 0;
            for (int i = 0; i < streetlights.Rows; i++)
            {
                var layer_0 = streetlights[i..(i + 1)];
                var layer_1 = relu(layer_0.Dot(weights_0_1));
                var layer_2 = layer_1.Dot(weights_1_2);
                layer_2_error += (layer_2 - walk_vs_stop[i..(i + 1)]).Pow(2).Sum();
                var layer_2_delta = layer_2 - walk_vs_stop[i..(i + 1)];
                var layer_1_delta = layer_2_delta.Dot(weights_1_2.T) * relu2deriv(layer_1);
                weights_1_2 -= alpha * layer_1.T.Dot(layer_2_delta);
                weights_0_1 -= alpha * layer_0.T.Dot(layer_1_delta);
            }
            if (iteration % 10 == 9)
                nb.print("Error:" + Notebook.str(layer_2_error));
        }
    }
}
