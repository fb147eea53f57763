namespace Backprop.Cli.Demos;

/// <summary>
/// Notes, "Learning indirect correlation": on the notes' four streetlights no single light correlates with
/// walk/stop, so a network without a hidden layer cannot learn them; the 3-4-1 relu network of the notes can.
/// </summary>
internal sealed class IndirectCorrelation : Demo
{
    public override string Name => "indirect-correlation";
    public override string Title => "Learning indirect correlation: no hidden layer fails, a relu hidden layer (3-4-1) learns, 60 iterations";

    public override void Run(Notebook nb)
    {
        var streetlights = Matrix.Array(new[,]
        {
            { 1, 0, 1 },
            { 0, 1, 1 },
            { 0, 0, 1 },
            { 1, 1, 1 },
        });
        var walk_vs_stop = Matrix.Array(new[,] { { 1, 1, 0, 0 } }).T;
        double alpha = 0.2;
        int iterations = 60;

        // The same training twice, as the notes' backpropagation code: seed 1, weights 2 * np.random.random(...) - 1,
        // stochastic updates, squared error, alpha 0.2; the only difference is the hidden layer.
        (string Heading, NetworkSpec Spec)[] networks =
        [
            ("Without a hidden layer (3 -> 1): no light correlates with walk_vs_stop, so the error stays high.",
                NetworkSpec.Notes(3, [], 1)),
            ("With a relu hidden layer (3 -> 4 -> 1), the notes' network: the hidden layer builds an intermediate dataset that correlates.",
                NetworkSpec.Notes(3, [4], 1)),
        ];
        foreach (var (heading, spec) in networks)
        {
            var network = spec.Build<double>(new NumpyRandom(1)); // np.random.seed(1)
            var trainer = new Trainer<double>(network, new SquaredError<double>(), new Sgd<double>(alpha));
            // The notes print layer_2_error, the error for all four lights, every 10th iteration.
            trainer.EpochCompleted += epoch =>
            {
                if (epoch.Epoch % 10 == 0) nb.print("Error:" + Notebook.str(epoch.TotalLoss));
            };
            nb.print(heading);
            trainer.Fit(streetlights, walk_vs_stop, iterations);
            nb.print("");
        }
    }
}
