namespace Backprop.Cli.Demos;

/// <summary>
/// Notes, "Edge case: Overfitting": weights (0.5, 0, -0.5) predict [1, 0, 1] perfectly, so that example stops
/// teaching, yet they are wrong for the other patterns; training on all six moves the weight to the middle light.
/// </summary>
internal sealed class OverfitWeights : Demo
{
    public override string Name => "overfit-weights";
    public override string Title => "Edge case: overfitting: weights (0.5, 0, -0.5) are perfect for [1, 0, 1], wrong elsewhere";

    public override void Run(Notebook nb)
    {
        // "What if the far left weight was 0.5, and the far right weight was -0.5?"
        var weights = Matrix.Vector(0.5, 0.0, -0.5);
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

        nb.print("weights = " + weights.ToStr());
        nb.print("Each streetlight: goal, prediction = my_input.dot(weights), error = (goal_prediction - prediction) ** 2");
        for (int row_index = 0; row_index < walk_vs_stop.Columns; row_index++)
        {
            var my_input = streetlights[row_index];
            double goal_prediction = walk_vs_stop[row_index].Item();
            double prediction = my_input.Dot(weights).Item();
            double error = Math.Pow(goal_prediction - prediction, 2);
            nb.print($"  {my_input.ToStr()}  goal {goal_prediction}  prediction {Notebook.str(prediction)}  error {Notebook.str(error)}");
        }

        // Learning on [1, 0, 1] alone: the error is 0, so the delta is 0, so every weight_delta is 0: nothing moves.
        // The network predicts this example perfectly without having found what matters (the middle light).
        {
            var my_input = streetlights[0];
            double goal_prediction = walk_vs_stop[0].Item();
            double prediction = my_input.Dot(weights).Item();
            double delta = prediction - goal_prediction;
            var weight_delta = my_input * delta;
            nb.print("");
            nb.print($"Learning from {my_input.ToStr()} alone: delta = {Notebook.str(delta)}, weight_delta = {weight_delta.ToStr()}: the weights stay {(weights - alpha * weight_delta).ToStr()}.");
        }

        // Learning the whole dataset, as the notes' loop: the other examples have errors, and their pressure moves
        // the weight from the outer lights to the middle light, the one that correlates with walk.
        nb.print("");
        nb.print("Learning all six streetlights (stochastic, alpha 0.1):");
        nb.print($"{"iteration",9}  {"error for all",22}  weights");
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
            }
            if (iteration < 3 || iteration % 5 == 4)
                nb.print($"{iteration + 1,9}  {Notebook.str(error_for_all_lights),22}  {weights.ToStr()}");
        }
        nb.print("The middle light is on exactly when the goal is walk: its weight goes to 1 and the outer weights to 0.");
    }
}
