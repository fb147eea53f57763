using Backprop.Data;

namespace Backprop.Cli.Demos;

/// <summary>
/// Notes, "Edge case: Overfitting", at full size: the book's chapter 8 network trained on 1000 Fashion-MNIST
/// images for 350 iterations. Training accuracy reaches 1.0 while test accuracy peaks early and then falls: the
/// network memorises the 1000 images instead of learning what generalises.
/// </summary>
internal sealed class Overfitting : Demo
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    public override string Name => "overfitting";
    public override string Title => "Overfitting (book chapter 8): 1000 Fashion-MNIST images, 784-40-10, 350 iterations (--data FOLDER)";
    public override IReadOnlyList<string> Options => ["--data"];

    public override void Run(Notebook nb) => Run(nb, new DemoOptions());

    public override void Run(Notebook nb, DemoOptions options)
    {
        string folder = options.Data ?? DefaultFolder;
        if (!HasTrainAndTestPairs(folder))
            throw new UsageException(
                $"demo overfitting needs Fashion-MNIST and found no train/t10k IDX files in {folder}: install them with "
                + "'apt-get install dataset-fashion-mnist', or pass --data FOLDER holding train-images-idx3-ubyte, "
                + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may be .gz)");
        var (train, test) = IdxLoader.LoadFolder(folder); // pixels / 255, labels one-hot

        // images, labels = (x_train[0:1000].reshape(1000, 28*28) / 255, one-hot y_train[0:1000])
        int rows = Math.Min(1000, train.Count);
        var firstImages = train.Take(Enumerable.Range(0, rows).ToArray());
        var images = firstImages.Features;
        var labels = firstImages.Targets;
        var test_images = test.Features;
        var test_labels = test.Targets;

        var np_random = new NumpyRandom(1); // np.random.seed(1)
        double alpha = 0.005;
        int iterations = 350, hidden_size = 40, pixels_per_image = images.Columns, num_labels = labels.Columns;

        // weights_0_1 = 0.2 * np.random.random((pixels_per_image, hidden_size)) - 0.1
        // weights_1_2 = 0.2 * np.random.random((hidden_size, num_labels)) - 0.1
        // layer_1 = relu(np.dot(layer_0, weights_0_1)); layer_2 = np.dot(layer_1, weights_1_2): no bias, identity output
        var spec = NetworkSpec.Notes(pixels_per_image, [hidden_size], num_labels) with { Init = Initializer.Uniform(-0.1, 0.1) };
        var network = spec.Build<double>(np_random);
        // error += np.sum((labels[i:i+1] - layer_2) ** 2), one image at a time, weights -= alpha * delta
        var trainer = new Trainer<double>(network, new SquaredError<double>(), new Sgd<double>(alpha))
        {
            Batching = Batching.Stochastic,
            CountClasses = true, // correct_cnt += int(np.argmax(layer_2) == np.argmax(labels[i:i+1]))
        };

        nb.print($"{rows} training images, {test.Count} test images, {pixels_per_image} pixels, {num_labels} classes; "
            + $"{pixels_per_image}-{hidden_size}-{num_labels} relu network, squared error, alpha {Notebook.str(alpha)}, one image at a time.");
        nb.print($"Train-Err/Acc: mean error and accuracy over the {rows} training images as each iteration met them; "
            + $"Test-Err/Acc: on the {test.Count} test images, every 10 iterations.");

        var tested = new List<(int Iteration, double TrainAccuracy, double TestAccuracy)>();
        for (int j = 0; j < iterations; j++)
        {
            var history = trainer.Fit(images, labels, epochs: 1);
            if (history.Stop == StopReason.Diverged)
            {
                nb.print($"I:{j} the error overflowed: alpha {Notebook.str(alpha)} is too large for this data.");
                return;
            }
            var epoch = history.Epochs[0];
            if (j % 10 == 0 || j == iterations - 1)
            {
                var (testError, testAccuracy) = trainer.Evaluate(test_images, test_labels);
                double trainAccuracy = epoch.TrainAccuracy!.Value;
                nb.print("I:" + j + " Train-Err:" + Short(epoch.MeanLoss) + " Train-Acc:" + Notebook.str(trainAccuracy)
                    + " Test-Err:" + Short(testError) + " Test-Acc:" + Notebook.str(testAccuracy));
                tested.Add((j, trainAccuracy, testAccuracy));
            }
        }

        // What the learner should see: training accuracy climbs to 1.0 (the network has memorised its 1000 images)
        // while test accuracy peaks within the first few dozen iterations and then falls.
        var best = tested.MaxBy(t => t.TestAccuracy);
        var last = tested[^1];
        nb.print("");
        int? perfect = tested.Where(t => t.TrainAccuracy == 1.0).Select(t => (int?)t.Iteration).FirstOrDefault();
        nb.print(perfect is int first
            ? $"Training accuracy reached 1.0 by iteration {first}; it ended at {Notebook.str(last.TrainAccuracy)}."
            : $"Training accuracy ended at {Notebook.str(last.TrainAccuracy)}.");
        nb.print($"Test accuracy peaked at {Notebook.str(best.TestAccuracy)} in iteration {best.Iteration} and ended at {Notebook.str(last.TestAccuracy)} in iteration {last.Iteration}.");
        if (last.TestAccuracy < best.TestAccuracy)
            nb.print("After the peak the network kept fitting its training images ever better and new images worse: it memorised instead of generalising.");
    }

    // str(x)[0:5], as the book prints its errors.
    private static string Short(double value)
    {
        string text = Notebook.str(value);
        return text.Length > 5 ? text[..5] : text;
    }

    // True when the folder holds the train and t10k images files (their labels files are checked when loading).
    private static bool HasTrainAndTestPairs(string folder) =>
        Directory.Exists(folder) && new[] { "train", "t10k" }.All(prefix =>
            new[] { $"{prefix}-images-idx3-ubyte", $"{prefix}-images.idx3-ubyte" }
                .Any(name => File.Exists(Path.Combine(folder, name)) || File.Exists(Path.Combine(folder, name + ".gz"))));
}
