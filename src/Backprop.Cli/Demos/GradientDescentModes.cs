namespace Backprop.Cli.Demos;

/// <summary>Notes, "Full, batch, and stochastic gradient descent": the three ways of updating, side by side.</summary>
internal sealed class GradientDescentModes : Demo
{
    public override string Name => "modes";
    public override string Title => "Full, batch, and stochastic gradient descent: the six streetlights learned three ways, 40 epochs";

    public override void Run(Notebook nb)
    {
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
        var walk_vs_stop = Matrix.Array(new[,] { { 0, 1, 0, 1, 1, 0 } }).T;
        int epochs = 40;

        (string Name, Batching Batching, string Explanation)[] modes =
        [
            ("stochastic", Batching.Stochastic,
                "updates the weights one example at a time: 6 updates an epoch (the notes' loop)."),
            ("full", Batching.Full,
                "averages weight_delta over the entire dataset, then updates once: 1 update an epoch."),
            ("mini-batch 2", Batching.MiniBatch(2),
                "averages weight_delta over each batch of 2 examples (typically 8 to 256): 3 updates an epoch."),
        ];

        var errors = new List<IReadOnlyList<EpochResult>>();
        var finalWeights = new List<Matrix<double>>();
        foreach (var mode in modes)
        {
            // weights = np.array([0.5, 0.48, -0.7]), the same start for every mode
            var layer = new Dense<double>(3, 1, compute: Compute.Numpy); // numpy's rounding, for the notes' digits
            Matrix.Vector(0.5, 0.48, -0.7).Span.CopyTo(layer.Weights.Value.Span);
            var trainer = new Trainer<double>(new Network<double>(layer), new SquaredError<double>(), new Sgd<double>(alpha))
            {
                Batching = mode.Batching,
            };
            errors.Add(trainer.Fit(streetlights, walk_vs_stop, epochs).Epochs);
            finalWeights.Add(layer.Weights.Value);
        }

        nb.print($"A single-layer network (weights 3 -> 1, starting at [0.5, 0.48, -0.7]) learns walk_vs_stop, alpha {Notebook.str(alpha)}:");
        foreach (var mode in modes) nb.print($"  {mode.Name,-13}{mode.Explanation}");
        nb.print("");
        // Each column is the notes' error_for_all_lights: every example's squared error, as the epoch met it.
        // What the learner should see: all three fall; stochastic fastest per epoch (it updates 6 times), full
        // slowest (it updates once, with the average), mini-batch in between.
        nb.print("Error for all lights, each epoch:");
        nb.print($"{"epoch",5}  {string.Concat(modes.Select(m => m.Name.PadLeft(24)))}");
        for (int epoch = 0; epoch < epochs; epoch++)
            nb.print($"{epoch + 1,5}  {string.Concat(errors.Select(e => Notebook.str(e[epoch].TotalLoss).PadLeft(24)))}");
        nb.print("");
        nb.print("Final weights:");
        for (int i = 0; i < modes.Length; i++) nb.print($"  {modes[i].Name,-13}{DemoText.Weights(finalWeights[i])}");
    }
}
