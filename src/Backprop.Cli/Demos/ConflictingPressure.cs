namespace Backprop.Cli.Demos;

/// <summary>
/// Notes, "Edge case: Conflicting pressure": when no input correlates with the output, every weight is pushed up
/// by some examples and down by others as much; a single layer cannot learn, and L2 turns the weights down.
/// </summary>
internal sealed class ConflictingPressure : Demo
{
    public override string Name => "conflicting-pressure";
    public override string Title => "Edge case: conflicting pressure: no light correlates with walk; equal up and down pressure; L2";

    public override void Run(Notebook nb)
    {
        // All eight patterns of three lights; walk when exactly one of the first two lights is on. The third
        // light has nothing to do with it, and the first two only matter together: no single light correlates.
        var streetlights = Matrix.Array(new[,]
        {
            { 0, 0, 0 },
            { 0, 0, 1 },
            { 0, 1, 0 },
            { 0, 1, 1 },
            { 1, 0, 0 },
            { 1, 0, 1 },
            { 1, 1, 0 },
            { 1, 1, 1 },
        });
        var walk_vs_stop = Matrix.Array(new[,] { { 0, 0, 1, 1, 1, 1, 0, 0 } }).T;
        double alpha = 0.1;
        double l2 = 0.5; // λ: each update also pulls every weight towards 0 by alpha * λ * weight
        int iterations = 100;

        nb.print("streetlights: all 8 patterns of 3 lights; walk_vs_stop: walk when exactly one of the first two lights is on.");
        nb.print("Correlation of each light with walk_vs_stop: "
            + string.Join(", ", Enumerable.Range(0, 3).Select(c => Notebook.str(Correlation(streetlights.T[c], walk_vs_stop.T[0])))));
        nb.print("");

        // Two single-layer networks (3 -> 1) from the same seeded start: 2 * np.random.random((3, 1)) - 1
        var spec = NetworkSpec.Notes(3, [], 1);
        var start = spec.Build<double>(new NumpyRandom(1)).DenseLayers.Single().Weights.Value.Copy();
        var plain = spec.Build<double>(new NumpyRandom(1));
        var decayed = spec.Build<double>(new NumpyRandom(1));
        var plainHistory = new Trainer<double>(plain, new SquaredError<double>(), new Sgd<double>(alpha)).Fit(streetlights, walk_vs_stop, iterations);
        var decayedHistory = new Trainer<double>(decayed, new SquaredError<double>(), new Sgd<double>(alpha)) { L2 = l2 }
            .Fit(streetlights, walk_vs_stop, iterations);

        // What the learner should see: neither error falls far. Predicting 0 for everything scores 4; the best a
        // single layer manages is not much better, because no weight has anything reliable to say.
        nb.print($"Stochastic gradient descent, squared error, alpha {Notebook.str(alpha)}; error for all lights:");
        nb.print($"{"iteration",9}  {"without L2",22}  {$"with L2 (lambda {Notebook.str(l2)})",24}");
        for (int iteration = 20; iteration <= iterations; iteration += 20)
            nb.print($"{iteration,9}  {Notebook.str(plainHistory.Epochs[iteration - 1].TotalLoss),22}  {Notebook.str(decayedHistory.Epochs[iteration - 1].TotalLoss),24}");
        nb.print("");

        // The pressure on each weight: one more iteration of the notes' loop at the weights learned without L2,
        // adding up each example's weight_delta = my_input * delta. A positive weight_delta pushes the weight down
        // (weights -= alpha * weight_delta), a negative one pushes it up.
        var weights = plain.DenseLayers.Single().Weights.Value.T[0]; // as the notes' vector of 3 weights
        var up = new double[3];
        var down = new double[3];
        for (int row_index = 0; row_index < streetlights.Rows; row_index++)
        {
            var my_input = streetlights[row_index];
            double goal_prediction = walk_vs_stop[row_index, 0];
            double prediction = my_input.Dot(weights).Item();
            double delta = prediction - goal_prediction;
            var weight_delta = my_input * delta;
            for (int i = 0; i < 3; i++)
            {
                double d = weight_delta[i].Item();
                if (d > 0) down[i] += d;
                else up[i] -= d;
            }
            weights = weights - (alpha * weight_delta);
        }

        // What the learner should see: each weight is pushed up exactly as hard as down over an iteration (its
        // pressure conflicts), so it stays where it is; and L2 has turned every weight down, towards 0.
        var plainWeights = plain.DenseLayers.Single().Weights.Value;
        var decayedWeights = decayed.DenseLayers.Single().Weights.Value;
        nb.print($"After {iterations} iterations; up and down pressure = sums of the negative and positive my_input * delta over one more iteration without L2:");
        nb.print($"{"light",5}  {"start",11}  {"without L2",11}  {"with L2",11}  {"up pressure",12}  {"down pressure",13}");
        for (int i = 0; i < 3; i++)
            nb.print($"{i + 1,5}  {DemoText.G(start[i, 0], 6),11}  {DemoText.G(plainWeights[i, 0], 6),11}  {DemoText.G(decayedWeights[i, 0], 6),11}  {DemoText.G(up[i], 6),12}  {DemoText.G(down[i], 6),13}");
        nb.print("");
        nb.print("Every weight is pushed up as much as down: the pressure conflicts, and the error stays high. L2 pulls every");
        nb.print("weight towards 0, silencing weights that have no strong correlation to stand on.");
    }

    // Pearson's correlation of two vectors of the same length.
    private static double Correlation(Matrix<double> a, Matrix<double> b)
    {
        int n = a.Length;
        var da = a - a.Sum() / n;
        var db = b - b.Sum() / n;
        return (da * db).Sum() / Math.Sqrt((da * da).Sum() * (db * db).Sum());
    }
}
