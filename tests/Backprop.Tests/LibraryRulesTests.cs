using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// The names and compatibility rules live in the library, with one vocabulary: what the library writes (loss names,
/// model files) reads back, and a loss that cannot train a network's output is refused before training starts.
/// Each case here failed before the rule moved into the library (issue 10).
/// </summary>
public sealed class LibraryRulesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Every_loss_name_parses_back_to_the_same_loss()
    {
        // The names flags and files use (docs/cli.md --loss), each reading back as its loss in any case.
        Assert.Equal(["sse", "mse", "cross-entropy", "binary-cross-entropy"], Vocabulary.Names<LossKind>());
        foreach (string name in Vocabulary.Names<LossKind>())
        {
            Assert.Equal(name, Vocabulary.Name(LossCatalog.Create<double>(Vocabulary.Parse<LossKind>(name)).Kind));
            Assert.Equal(name, Vocabulary.Name(LossCatalog.Create<float>(Vocabulary.Parse<LossKind>(name.ToUpperInvariant())).Kind));
        }
        Assert.Equal(LossKind.BinaryCrossEntropy, LossCatalog.For<double>(LossKind.CrossEntropy, Activation.Sigmoid).Kind);
        Assert.Equal(LossKind.CrossEntropy, LossCatalog.For<double>(LossKind.CrossEntropy, Activation.Softmax).Kind);
        var e = Assert.Throws<FormatException>(() => Vocabulary.Parse<LossKind>("hinge"));
        Assert.Equal("'hinge' is not one of sse, mse, cross-entropy, binary-cross-entropy.", e.Message);
    }

    [Fact]
    public void Every_optimizer_name_parses_back()
    {
        Assert.IsType<Sgd<double>>(Optimizer.Parse("sgd").Create<double>(0.1));
        Assert.IsType<Adam<float>>(Optimizer.Parse("ADAM").Create<float>(0.001));
        var parsed = Optimizer.Parse("momentum:0.8");
        Assert.Equal(Optimizer.Momentum(0.8), parsed);
        Assert.Equal("momentum:0.8", parsed.ToString());
        var momentum = Assert.IsType<Momentum<double>>(parsed.Create<double>(0.01));
        Assert.Equal(0.8, momentum.Beta);
        Assert.Equal(0.01, momentum.LearningRate);
        Assert.Throws<FormatException>(() => Optimizer.Parse("momentum:1.5"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Optimizer.Momentum(1.5));
        Assert.Equal(0.001, Optimizer.Adam.DefaultAlpha);
        Assert.Equal(0.01, Optimizer.Sgd.DefaultAlpha);
    }

    [Fact]
    public void Cross_entropy_on_an_identity_output_is_refused_before_training()
    {
        // Before: this trained and reported Completed with a mean loss of -50.99.
        var network = new NetworkSpec(3, [4], 2).Build<double>(new NumpyRandom(1)); // identity output
        var e = Assert.Throws<ArgumentException>(() => new Trainer<double>(network, new CrossEntropy<double>(), new Sgd<double>(0.1)));
        Assert.Contains("softmax", e.Message);
        Assert.Contains("identity", e.Message);
        var sigmoid = (new NetworkSpec(3, [4], 2) { OutputActivation = Activation.Softmax }).Build<double>(new NumpyRandom(1));
        Assert.Throws<ArgumentException>(() => new Trainer<double>(sigmoid, new BinaryCrossEntropy<double>(), new Sgd<double>(0.1)));
        Assert.Throws<ArgumentException>(() => LossCatalog.CheckOutput(LossKind.CrossEntropy, Activation.Identity));
        LossCatalog.CheckOutput(LossKind.CrossEntropy, Activation.Sigmoid); // read as binary cross-entropy
    }

    [Fact]
    public void A_model_saved_from_code_with_binary_cross_entropy_evaluates_from_the_command_line()
    {
        // Before: `evaluate` said "--loss: 'binary-cross-entropy' is not one of sse, mse, cross-entropy".
        var (network, model) = TrainYesNo(classes: null, "y");
        string path = _temp.File("yes-no.model");
        ModelFile.Save(model, path);
        string csv = _temp.Write("data.csv", "a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,1\n");
        var (code, output, err) = CliTests.Run("evaluate", path, csv);
        Assert.True(code == 0, err);
        // The loss printed is the library's binary cross-entropy of the same network on the same rows.
        var x = Matrix.Array(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var y = Matrix.Array(new double[,] { { 0 }, { 1 }, { 1 }, { 1 } });
        double expected = new BinaryCrossEntropy<double>().Loss(network.Forward(x), y) / 4;
        Assert.Contains($"loss (binary-cross-entropy, mean an example): {expected.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)}", output);
    }

    [Fact]
    public void A_yes_no_model_with_one_output_and_two_class_names_evaluates_and_predicts()
    {
        // Before: `evaluate` failed with "has 2 outputs; the model gives 1".
        var (network, model) = TrainYesNo(classes: ["no", "yes"], "answer");
        string path = _temp.File("binary.model");
        ModelFile.Save(model, path);
        string csv = _temp.Write("data.csv", "a,b,answer\n0,0,no\n0,1,yes\n1,0,yes\n1,1,yes\n");
        var (code, output, err) = CliTests.Run("evaluate", path, csv);
        Assert.True(code == 0, err);
        var x = Matrix.Array(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var p = network.Forward(x);
        int[] actual = [0, 1, 1, 1];
        int right = Enumerable.Range(0, 4).Count(r => (p[r, 0] >= 0.5 ? 1 : 0) == actual[r]);
        Assert.Contains($"accuracy: {(right / 4.0).ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)} ({right} of 4)", output);

        string predictions = _temp.File("p.csv");
        (code, _, err) = CliTests.Run("predict", path, csv, "--out", predictions);
        Assert.True(code == 0, err);
        var lines = File.ReadAllLines(predictions);
        Assert.Equal("class,p_no,p_yes", lines[0]);
        for (int r = 0; r < 4; r++)
        {
            var cells = lines[r + 1].Split(',');
            Assert.Equal(p[r, 0] >= 0.5 ? "yes" : "no", cells[0]);
            Assert.Equal(1 - p[r, 0], double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(p[r, 0], double.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    // A 2-3-1 sigmoid network trained a little on "a or b", saved as a model.
    private static (Network<double>, Model) TrainYesNo(string[]? classes, string target)
    {
        var spec = new NetworkSpec(2, [3], 1) { OutputActivation = Activation.Sigmoid };
        var network = spec.Build<double>(new NumpyRandom(2));
        var loss = new BinaryCrossEntropy<double>();
        var trainer = new Trainer<double>(network, loss, new Sgd<double>(0.5));
        var x = Matrix.Array(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var y = Matrix.Array(new double[,] { { 0 }, { 1 }, { 1 }, { 1 } });
        trainer.Fit(x, y, epochs: 30);
        return (network, Model.From(network, spec, Normalization.None(2), ["a", "b"], [target], classes, loss.Kind));
    }
}

/// <summary>Cross-entropy on several numeric target columns reads each row as probabilities, as Keras's categorical cross-entropy does.</summary>
public sealed class SoftTargetTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Rows_of_probabilities_train_a_softmax_whose_outputs_approach_them()
    {
        // Every row's target is (0.2, 0.3, 0.5): -Σ y·log p over softmax outputs p is smallest at p = y (Gibbs'
        // inequality), so a network trained on them predicts about 0.2, 0.3, 0.5 whatever its input.
        var csv = new System.Text.StringBuilder("x1,x2,p_a,p_b,p_c\n");
        var random = new NumpyRandom(4);
        for (int r = 0; r < 60; r++) csv.Append($"{random.RandomSample():R},{random.RandomSample():R},0.2,0.3,0.5\n");
        string data = _temp.Write("soft.csv", csv.ToString());
        string model = _temp.File("soft.model"), predictions = _temp.File("p.csv");
        var (code, output, err) = CliTests.Run("train", data, "--target", "p_a,p_b,p_c", "--loss", "cross-entropy", "--epochs", "300",
            "--alpha", "0.01", "--save", model);
        Assert.True(code == 0, err);
        Assert.Contains("output softmax", output);   // chosen for rows of probabilities
        Assert.Contains("accuracy", output);         // by the largest output, as for one-hot rows
        (code, _, err) = CliTests.Run("predict", model, data, "--out", predictions);
        Assert.True(code == 0, err);
        foreach (var line in File.ReadAllLines(predictions).Skip(1))
        {
            var p = line.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(0.2, p[0], 0.02);
            Assert.Equal(0.3, p[1], 0.02);
            Assert.Equal(0.5, p[2], 0.02);
        }
        (code, output, err) = CliTests.Run("evaluate", model, data);
        Assert.True(code == 0, err);
        Assert.Contains("accuracy: 1.0000 (60 of 60)", output); // every row's largest target is p_c, and so is every prediction's
    }

    [Fact]
    public void A_target_row_that_is_not_probabilities_is_one_line_naming_the_file_and_row()
    {
        string data = _temp.Write("bad.csv", "x,a,b\n1,0.5,0.5\n2,0.7,0.7\n");
        var (code, _, err) = CliTests.Run("train", data, "--target", "a,b", "--loss", "cross-entropy", "--epochs", "1");
        Assert.Equal(2, code);
        Assert.Contains("bad.csv", err);
        Assert.Contains("target row 2 sums to 1.4", err);
        Assert.Single(err.Trim().Split('\n'));
    }
}
