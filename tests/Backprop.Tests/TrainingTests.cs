using System.Text.Json;

namespace Backprop.Tests;

/// <summary>
/// The trainer against training runs computed independently in numpy (Data/training/generate.py writes them,
/// longhand, as the notes write their loops): stochastic, full and mini-batch descent, shuffling, several
/// activations and losses, with and without bias.
/// </summary>
public class TrainingTests
{
    public static TheoryData<string> CaseNames()
    {
        using var doc = TestData.Json("training", "cases.json");
        var data = new TheoryData<string>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_numpy_reference_run(string name)
    {
        using var doc = TestData.Json("training", "cases.json");
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var s = c.GetProperty("settings");
        var x = TestData.Matrix(c.GetProperty("x"));
        var y = TestData.Matrix(c.GetProperty("y"));
        double low = s.TryGetProperty("low", out var l) ? l.GetDouble() : -1, high = s.TryGetProperty("high", out var h) ? h.GetDouble() : 1;
        var spec = new NetworkSpec(x.Columns, s.GetProperty("hidden").EnumerateArray().Select(v => v.GetInt32()).ToArray(), y.Columns)
        {
            HiddenActivation = Enum.Parse<Activation>(s.GetProperty("act").GetString()!, ignoreCase: true),
            OutputActivation = Enum.Parse<Activation>(s.GetProperty("out").GetString()!, ignoreCase: true),
            Bias = s.GetProperty("bias").GetBoolean(),
            Init = Initializer.Uniform(low, high),
        };
        var random = new NumpyRandom(s.GetProperty("seed").GetUInt32());
        var network = spec.Build<double>(random);
        ILoss<double> loss = s.GetProperty("loss").GetString() switch
        {
            "sse" => new SquaredError<double>(),
            "mse" => new MeanSquaredError<double>(),
            "cross-entropy" => new CrossEntropy<double>(),
            var other => throw new InvalidOperationException(other),
        };
        var batch = s.GetProperty("batch");
        var trainer = new Trainer<double>(network, loss, new Sgd<double>(s.GetProperty("alpha").GetDouble()))
        {
            Batching = batch.ValueKind == JsonValueKind.String ? Batching.Full : Batching.MiniBatch(batch.GetInt32()),
            ShuffleWith = s.GetProperty("shuffle").GetBoolean() ? random : null,
        };

        var history = trainer.Fit(x, y, s.GetProperty("epochs").GetInt32());

        var expectedLosses = c.GetProperty("losses").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(expectedLosses.Length, history.Epochs.Count);
        for (int i = 0; i < expectedLosses.Length; i++)
            Assert.True(Math.Abs(history.Epochs[i].TotalLoss - expectedLosses[i]) <= 1e-10 * Math.Max(1, Math.Abs(expectedLosses[i])),
                $"{name}, epoch {i + 1}: loss {TestData.Num(history.Epochs[i].TotalLoss)}, numpy {TestData.Num(expectedLosses[i])}");

        var dense = network.DenseLayers.ToArray();
        var weights = c.GetProperty("weights").EnumerateArray().ToArray();
        Assert.Equal(weights.Length, dense.Length);
        for (int i = 0; i < dense.Length; i++)
            AssertClose(TestData.Matrix(weights[i]), dense[i].Weights.Value, $"{name}, weights {i}");
        var biases = c.GetProperty("biases").EnumerateArray().ToArray();
        for (int i = 0; i < biases.Length; i++)
            AssertClose(TestData.Matrix(biases[i]), dense[i].Bias!.Value, $"{name}, bias {i}");
    }

    private static void AssertClose(Matrix<double> expected, Matrix<double> actual, string what)
    {
        Assert.Equal((expected.Rows, expected.Columns), (actual.Rows, actual.Columns));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected.Span[i] - actual.Span[i]) <= 1e-10,
                $"{what}[{i}]: {TestData.Num(actual.Span[i])}, numpy {TestData.Num(expected.Span[i])}");
    }

    [Fact]
    public void Library_trainer_reproduces_the_notes_backpropagation_errors_exactly()
    {
        // The notes' "Backpropagation in code": 3-4-1 relu, seed 1, alpha 0.2, one example at a time, 60
        // iterations, printing the summed error every 10th. Expected values are the notes' printed lines.
        string[] printed = TestData.Notes.Split('\n').Where(l => l.StartsWith("Error:0") || l.StartsWith("Error:1")).ToArray();
        Assert.Equal(6, printed.Length);
        double[] expected = printed.Select(l => double.Parse(l["Error:".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        var streetlights = Matrix.Array(new[,] { { 1, 0, 1 }, { 0, 1, 1 }, { 0, 0, 1 }, { 1, 1, 1 } });
        var walk_vs_stop = Matrix.Array(new[,] { { 1, 1, 0, 0 } }).T;
        // README.md's and src/Backprop/PACKAGE.md's network "by hand", with the public API only.
        var network = NetworkSpec.Notes(inputs: 3, hidden: [4], outputs: 1).Build<double>(new NumpyRandom(1));
        var trainer = new Trainer<double>(network, LossCatalog.Create<double>(LossKind.Sse), Optimizer.Sgd.Create<double>(0.2));
        var seen = new List<double>();
        trainer.EpochCompleted += e => { if (e.Epoch % 10 == 0) seen.Add(e.TotalLoss); };

        trainer.Fit(streetlights, walk_vs_stop, 60);

        Assert.Equal(expected, seen); // bit for bit: exact double equality
    }

    [Fact]
    public void Epoch_event_reports_every_epoch_and_mean_loss()
    {
        var x = Matrix.Array(new[,] { { 1, 0, 1 }, { 0, 1, 1 } });
        var y = Matrix.Array(new[,] { { 1 }, { 0 } });
        var trainer = new Trainer<double>(NetworkSpec.Notes(3, [], 1).Build<double>(new NumpyRandom(0)), new SquaredError<double>(), new Sgd<double>(0.1));
        var epochs = new List<EpochResult>();
        trainer.EpochCompleted += epochs.Add;
        var history = trainer.Fit(x, y, 5);
        Assert.Equal([1, 2, 3, 4, 5], epochs.Select(e => e.Epoch));
        Assert.Equal(history.Epochs, epochs);
        Assert.Equal(StopReason.Completed, history.Stop);
        Assert.All(epochs, e => Assert.Equal(e.TotalLoss / 2, e.MeanLoss));
        Assert.True(epochs[^1].TotalLoss < epochs[0].TotalLoss, "loss should fall on a learnable problem");
    }

    [Fact]
    public void Bad_training_arguments_are_rejected_with_clear_messages()
    {
        var x = new Matrix<double>(3, 2);
        var trainer = new Trainer<double>(NetworkSpec.Notes(2, [], 1).Build<double>(new NumpyRandom(0)), new SquaredError<double>(), new Sgd<double>(0.1))
        { Batching = Batching.MiniBatch(4) };
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(x, new Matrix<double>(3, 1), 1));
        Assert.Contains("Batch size 4 is larger than the 3 examples", e.Message);
        var shape = Assert.Throws<ShapeMismatchException>(() => trainer.Fit(x, new Matrix<double>(2, 1), 1));
        Assert.Contains("(3, 2)", shape.Message);
        Assert.Contains("(2, 1)", shape.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<double>(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<double>(double.NaN));
    }

    [Fact]
    public void Default_initializer_draws_the_notes_weights_layer_by_layer()
    {
        // The notes' "One iteration of backprop": weights_0_1 = 2*np.random.random((3,3)) - 1 after seed(1),
        // then weights_1_2 = 2*np.random.random((3,1)) - 1: expected values are numpy's own stream (NumpyRandom
        // is tested against numpy separately), computed the notes' way.
        var reference = new NumpyRandom(1);
        var w01 = 2 * Matrix.Random(reference, 3, 3) - 1;
        var w12 = 2 * Matrix.Random(reference, 3, 1) - 1;
        var network = NetworkSpec.Notes(3, [3], 1).Build<double>(new NumpyRandom(1));
        var dense = network.DenseLayers.ToArray();
        Assert.Equal(w01.Span.ToArray(), dense[0].Weights.Value.Span.ToArray());
        Assert.Equal(w12.Span.ToArray(), dense[1].Weights.Value.Span.ToArray());
        Assert.Equal(-0.16595599, dense[0].Weights.Value[0, 0], 8); // printed in the notes
        Assert.Equal("weights_0_1", dense[0].Weights.Name);
    }
}
