using Backprop.Data;

namespace Backprop.Cli.Demos;

/// <summary>
/// Notes, "Streetlights example": the dimmer lights and their ×10 and ×20 multiples hold the same pattern, but at
/// the same alpha only the dimmer values learn it; scaled to the same range first, all three learn it alike.
/// </summary>
internal sealed class DimmerScale : Demo
{
    public override string Name => "dimmer";
    public override string Title => "Why scale matters for alpha: dimmer lights x1, x10, x20 at alpha 0.1 (--normalize scales them first)";
    public override IReadOnlyList<string> Options => ["--normalize"];

    public override void Run(Notebook nb) => Run(nb, new DemoOptions());

    public override void Run(Notebook nb, DemoOptions options)
    {
        // Varying degrees of intensity
        var streetlights_dimmer = Matrix.Array(new[,]
        {
            { .9, .0, 1 },
            { .2, .8, 1 },
            { .1, .0, 1 },
            { .8, .9, 1 },
            { .1, .7, 1 },
            { .9, .1, 0 },
        });
        var walk_vs_stop = Matrix.Array(new[,] { { 0, 1, 0, 1, 1, 0 } }).T;
        double alpha = 0.1; // learning rate, the same for every dataset
        int iterations = 40;
        int[] shown = [1, 10, 20, 40]; // the iterations whose error the table shows

        // The same pattern three times: only the size of the numbers differs.
        (string Name, Matrix<double> Lights)[] datasets =
        [
            ("streetlights_dimmer", streetlights_dimmer),
            ("streetlights_dimmer * 10", streetlights_dimmer * 10),
            ("streetlights_dimmer * 20", streetlights_dimmer * 20),
        ];

        nb.print("A single-layer network (weights 3 -> 1, starting at [0.5, 0.48, -0.7]) learns walk_vs_stop = [0, 1, 0, 1, 1, 0]");
        nb.print($"from each dataset: stochastic gradient descent, squared error, alpha {Notebook.str(alpha)}, {iterations} iterations.");
        nb.print(options.Normalize is null
            ? "Inputs as they are (run 'backprop demo dimmer --normalize' to scale each column first)."
            : options.Normalize == "minmax"
                ? "Each input column scaled to 0..1 first (minmax, fitted on the dataset itself)."
                : "Each input column scaled to mean 0, standard deviation 1 first (standard, fitted on the dataset itself).");
        nb.print("");
        nb.print($"{"dataset",-26}{"alpha*|x|^2",12}{"error after 1",15}{"10",12}{"20",12}{"40",12}   final weights");

        var diverged = new List<string>();
        foreach (var (name, lights) in datasets)
        {
            var streetlights = options.Normalize is null ? lights : Normalization.Fit(Vocabulary.Parse<NormalizationKind>(options.Normalize), lights).Apply<double>(lights);

            // weights = np.array([0.5, 0.48, -0.7]): one dense layer, no bias, as the notes' network
            var layer = new Dense<double>(3, 1, compute: Compute.Numpy); // numpy's rounding, for the notes' digits
            Matrix.Vector(0.5, 0.48, -0.7).Span.CopyTo(layer.Weights.Value.Span);
            var trainer = new Trainer<double>(new Network<double>(layer), new SquaredError<double>(), new Sgd<double>(alpha))
            {
                Batching = Batching.Stochastic, // the notes' loop: one update after each streetlight
            };
            var history = trainer.Fit(streetlights, walk_vs_stop, iterations);

            // An update on example x moves its prediction by alpha * |x|^2 times the error: above 2 it overshoots the
            // goal by more than it was off, so every update makes that example's error bigger, not smaller.
            double step = 0;
            for (int row = 0; row < streetlights.Rows; row++)
                step = Math.Max(step, alpha * streetlights[row].Dot(streetlights[row]).Item());

            string errors = string.Concat(shown.Select((iteration, i) =>
                (iteration <= history.Epochs.Count ? DemoText.G(history.Epochs[iteration - 1].TotalLoss) : "overflow")
                    .PadLeft(i == 0 ? 15 : 12)));
            nb.print($"{name,-26}{DemoText.G(step),12}{errors}   {DemoText.Weights(layer.Weights.Value)}");
            if (history.Stop == StopReason.Diverged)
                diverged.Add($"{name}: the error overflowed to infinity in iteration {history.DivergedAt}; "
                    + $"the weights shown are from the end of iteration {history.Epochs.Count}.");
        }

        nb.print("");
        foreach (string line in diverged) nb.print(line);
        if (options.Normalize is null)
        {
            // What the learner should see: the dimmer values learn (error falls towards 0.02), the x10 values' error
            // grows by orders of magnitude each iteration, and the x20 values' error overflows.
            nb.print("Same pattern, same alpha: only the dimmer values learn. The bigger the inputs, the bigger each step; once");
            nb.print("alpha*|x|^2 passes 2, a step overshoots the goal by more than the prediction was off, so the error grows");
            nb.print("instead of shrinking. A smaller alpha, or inputs scaled to one range (--normalize), fixes it.");
        }
        else
        {
            // Scaling removes the size of the numbers and keeps the pattern: the three datasets become one matrix
            // (to rounding), so they learn the same weights at the same alpha.
            nb.print("Scaled, the three datasets are the same matrix, so at the same alpha they learn the same weights.");
            if (options.Normalize == "standard")
                nb.print("(Standard scaling centres each column on 0; with no bias the network cannot add the goals' average, so the error stays near 2.)");
        }
    }
}
