namespace Backprop.Cli.Demos;

/// <summary>Notes, "Learning the whole dataset": stochastic updates over all six patterns, 40 iterations.</summary>
internal sealed class LearnWholeDataset : Demo
{
    public override string Name => "learn-all";

    public override string Title => "Learning the whole dataset: all six streetlight patterns, one update each, 40 iterations";

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
        for (int iteration = 0; iteration < 40; iteration++)
        {
            double error_for_all_lights = 0;
            for (int row_index = 0; row_index < walk_vs_stop.Columns; row_index++)
            {
                var my_input = streetlights[row_index];
                double goal_prediction = walk_vs_stop[row_index].Item();
                double prediction = my_input.Dot(weights).Item();
                double error = Math.Pow(goal_prediction - prediction, 2);
                error_for_all_lights += error;
                double delta = prediction - goal_prediction;
                weights = weights - (alpha * (my_input * delta));
                nb.print("Error: " + Notebook.str(error) + " Prediction:" + Notebook.str(prediction));
            }
            nb.print("Error For All: " + Notebook.str(error_for_all_lights) + "\n");
        }
    }
}
