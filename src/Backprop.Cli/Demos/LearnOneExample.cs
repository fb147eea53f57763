namespace Backprop.Cli.Demos;

/// <summary>Notes, "Building a neural network": one example, [1, 0, 1] -> 0, learned over 20 iterations.</summary>
internal sealed class LearnOneExample : Demo
{
    public override string Name => "learn-one";

    public override string Title => "Building a neural network: learning one streetlight example, 20 iterations";

    public override void Run(Notebook nb)
    {
        var weights = Matrix.Vector(0.5, 0.48, -0.7);
        double alpha = 0.1; // learning rate
        var streetlights = Matrix.Array(new[,]
        {
            { 1, 0, 1 },
            { 0, 1, 1 },
            { 0, 0, 1 },
            { 1, 1, 1 },
            { 0, 1, 1 },
            { 1, 0, 1 },
        });
        var walk_vs_stop = Matrix.Vector(0, 1, 0, 1, 1, 0);
        var my_input = streetlights[0]; // [1, 0, 1]
        double goal_prediction = walk_vs_stop[0].Item(); // should be 0, i.e. 'stop'
        for (int iteration = 0; iteration < 20; iteration++)
        {
            double prediction = my_input.Dot(weights).Item();
            double error = Math.Pow(goal_prediction - prediction, 2);
            double delta = prediction - goal_prediction;
            weights = weights - (alpha * (my_input * delta));
            nb.print("Error: " + Notebook.str(error) + " Prediction:" + Notebook.str(prediction));
        }
    }
}
