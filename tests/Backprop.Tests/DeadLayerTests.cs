using System.Text;
using System.Text.Json.Nodes;
using Backprop.Data;

namespace Backprop.Tests;

/// <summary>
/// Dead relu layers (issue 24, item 5): a relu layer none of whose units outputs more than 0 for any training example
/// of an epoch (the notes' "off" units) is reported in that epoch's <see cref="EpochResult.DeadLayers"/>. The expected
/// epochs and losses come from the notes' loop run in numpy (/usr/bin/python3, longhand as the notes write it) or by hand.
/// </summary>
public sealed class DeadLayerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // The notes' streetlights, the first rows of these patterns, walk or stop.
    private static (Matrix<double> X, Matrix<double> Y) Lights(params int[] walk)
    {
        int[][] patterns = [[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1]];
        var x = new Matrix<double>(walk.Length, 3);
        var y = new Matrix<double>(walk.Length, 1);
        for (int i = 0; i < walk.Length; i++)
        {
            for (int c = 0; c < 3; c++) x[i, c] = patterns[i][c];
            y[i, 0] = walk[i];
        }
        return (x, y);
    }

    // The notes' network: weights 2 * np.random.random(shape) - 1 from seed 1, relu hidden, no bias, sse, alpha 0.2, one example a step.
    private static Trainer<double> Notes(int hidden) =>
        new(NetworkSpec.Notes(3, [hidden], 1).Build<double>(new NumpyRandom(1)), new SquaredError<double>(), new Sgd<double>(0.2));

    [Fact]
    public void The_notes_lights_at_seed_1_die_in_epoch_4_and_each_epoch_after_says_so()
    {
        // numpy, the notes' loop over walk_stop = [1, 1, 0, 1] with 3 hidden units: no unit of layer_1 is on for any
        // row from epoch 4 on, and the output is 0 for every row (error 1 + 1 + 0 + 1 = 3).
        var (x, y) = Lights(1, 1, 0, 1);
        var history = Notes(3).Fit(x, y, 8);
        Assert.Equal(["3.043044598284272", "3.0177907529787813", "3.00276904479564", "3.0", "3.0", "3.0", "3.0", "3.0"],
            history.Epochs.Select(e => Formatting.PyFormat.Repr(e.TotalLoss)));
        Assert.Equal([null, null, null], history.Epochs.Take(3).Select(e => e.DeadLayers));
        Assert.All(history.Epochs.Skip(3), e => Assert.Equal([1], e.DeadLayers!));
    }

    [Fact]
    public void The_notes_streetlights_network_that_learns_has_no_dead_layer()
    {
        var (x, y) = Lights(1, 1, 0, 0);
        var history = Notes(4).Fit(x, y, 60);
        Assert.Equal(1.5055622665134859e-05, history.Epochs[^1].TotalLoss);   // the notes' last error, "Backpropagation in code"
        Assert.All(history.Epochs, e => Assert.Null(e.DeadLayers));
    }

    [Fact]
    public void A_dead_second_layer_is_named_and_nothing_below_or_above_it_moves()
    {
        // By hand: layer_1 = relu(x · I) is on; weights_1_2 are all -1, so layer_2's inputs are -(a + b) <= 0 and it is
        // off for every row. No delta passes it (relu2deriv is 0), so weights_0_1 and weights_1_2 get none, and
        // weights_2_3's weight delta is layer_2.T · delta = 0: not one weight changes.
        var d1 = new Dense<double>(2, 2);
        var d2 = new Dense<double>(2, 2);
        var d3 = new Dense<double>(2, 1);
        new double[] { 1, 0, 0, 1 }.CopyTo(d1.Weights.Value.Span);
        new double[] { -1, -1, -1, -1 }.CopyTo(d2.Weights.Value.Span);
        new double[] { 0.5, -0.25 }.CopyTo(d3.Weights.Value.Span);
        var network = new Network<double>(d1, new Relu<double>(), d2, new Relu<double>(), d3);
        var before = network.Parameters.Select(p => p.Value.Span.ToArray()).ToArray();
        var trainer = new Trainer<double>(network, new SquaredError<double>(), new Sgd<double>(0.1));
        var history = trainer.Fit(Matrix.Array(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } }), Matrix.Array(new double[,] { { 1 }, { 0 }, { 1 } }), 2);
        Assert.All(history.Epochs, e => Assert.Equal([2], e.DeadLayers!));
        Assert.Equal(before, network.Parameters.Select(p => p.Value.Span.ToArray()));
        Assert.Equal(2 * 1.0, history.Epochs[0].TotalLoss);   // output 0 for every row: 1 + 0 + 1
    }

    [Fact]
    public void Minus_zero_and_NaN_are_not_on_and_any_value_above_zero_is_in_any_position()
    {
        Assert.False(Elementwise.AnyPositive<double>([]));
        Assert.False(Elementwise.AnyPositive<double>([-0.0, double.NaN, -1, 0, double.NegativeInfinity]));
        Assert.False(Elementwise.AnyPositive<float>([-0f, float.NaN, -1, 0, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, float.NaN]));
        for (int length = 1; length <= 40; length++)
            for (int at = 0; at < length; at++)
            {
                var values = Enumerable.Repeat(-0.0, length).ToArray();
                values[at] = double.Epsilon;   // the smallest value above 0
                Assert.True(Elementwise.AnyPositive<double>(values), $"{at} of {length}");
                var floats = Enumerable.Repeat(float.NaN, length).ToArray();
                floats[at] = float.PositiveInfinity;
                Assert.True(Elementwise.AnyPositive<float>(floats), $"float {at} of {length}");
            }
    }

    [Fact]
    public void A_watch_looks_at_the_relu_output_before_dropout()
    {
        // One hidden unit on for the one example, then dropout that (at this seed) drops it: the block's output is 0,
        // the relu's is not, and the layer is alive.
        var network = new NetworkSpec(1, [1], 1) { Dropout = 0.99, Init = Initializer.Uniform(0.5, 1) }.Build<double>(new NumpyRandom(1));
        var trainer = new Trainer<double>(network, new SquaredError<double>(), new Sgd<double>(0.1));
        var watch = new DeadLayerWatch<double>(network);
        Assert.Equal([1], watch.Layers);
        trainer.Step(Matrix.Array(new double[,] { { 1 } }), Matrix.Array(new double[,] { { 1 } }));
        Assert.Equal([0.0], network.Blocks[0].Output!.Span.ToArray());
        Assert.True(network.Blocks[0].ActivationLayer!.Output![0, 0] > 0);
        watch.Observe();
        Assert.Null(watch.EndEpoch());
        Assert.Equal([1], watch.NotSeenOn()!);   // the next epoch has seen nothing yet
        var e = Assert.Throws<ArgumentException>(() => watch.Resume([2]));
        Assert.StartsWith("layer_2 is not a relu layer of this network (its relu layers are layer_1).", e.Message);
        // Sigmoid and tanh layers have no off units: nothing to watch.
        Assert.Empty(new DeadLayerWatch<double>(new NetworkSpec(1, [3], 1) { HiddenActivation = Activation.Tanh }.Build<double>(new NumpyRandom(1))).Layers);
    }

    [Fact]
    public void A_run_resumed_from_any_checkpoint_of_a_dead_run_reports_the_same_dead_epochs()
    {
        var (x, y) = Lights(1, 1, 0, 1);
        var expected = Notes(3).Fit(x, y, 6).Epochs;
        var checkpoints = new List<TrainingCheckpoint>();
        Assert.Equal(expected, Notes(3).Fit(x, y, 6, checkpointing: new Checkpointing { Write = checkpoints.Add, EveryBatches = 1 }).Epochs);
        Assert.Equal(6 * 4, checkpoints.Count);   // after each of the 4 batches of each epoch; the last epoch's end is the finished run
        Assert.Contains(checkpoints, c => c.Position > 0 && c.DeadSoFar is [1]);
        Assert.Equal((7, 0), (checkpoints[^1].Epoch, checkpoints[^1].Position));
        foreach (var c in checkpoints)
            Assert.Equal(expected, Notes(3).Fit(x, y, 6, checkpointing: new Checkpointing { ResumeFrom = c }).Epochs);   // DeadLayers compared by value
        // A checkpoint made before dead layers were watched (none recorded) resumes within epoch 5, which then reports none.
        var old = checkpoints.First(c => c.Epoch == 5 && c.Position == 2) with { DeadSoFar = null };
        var resumed = Notes(3).Fit(x, y, 6, checkpointing: new Checkpointing { ResumeFrom = old }).Epochs;
        Assert.Equal([null, [1]], resumed.Skip(4).Select(e => e.DeadLayers?.ToArray()));
        var wrong = Assert.Throws<ArgumentException>(() => Notes(3).Fit(x, y, 6, checkpointing: new Checkpointing { ResumeFrom = checkpoints[3] with { DeadSoFar = [1] } }));
        Assert.Equal("The checkpoint has layers not seen on where it needs none (at an epoch's start).", wrong.Message);
    }

    [Fact]
    public void Epoch_results_are_equal_by_value_in_every_member()
    {
        var a = new EpochResult(3, 1.5, 4) { TrainAccuracy = 0.5, ValidationLoss = 0.25, ValidationAccuracy = 0.75, ValidationMae = 0.125, LearningRate = 0.01, DeadLayers = [1, 2] };
        var b = a with { DeadLayers = new List<int> { 1, 2 } };
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a == b);
        Assert.Equal(a with { TotalLoss = double.NaN }, b with { TotalLoss = double.NaN });
        // Each member, changed alone, makes another result (a member added later and left out of Equals fails here).
        foreach (var property in typeof(EpochResult).GetProperties().Where(p => p.CanWrite))
        {
            object boxed = b;
            object? other = property.PropertyType == typeof(int) ? 99 : property.PropertyType == typeof(IReadOnlyList<int>) ? new[] { 1 } : (object)9.5;
            property.SetValue(boxed, other);
            Assert.NotEqual(a, (EpochResult)boxed);
        }
        Assert.NotEqual(a, a with { DeadLayers = null });
        Assert.Equal(a with { DeadLayers = null }, b with { DeadLayers = null });
    }

    [Fact]
    public void Checkpoint_files_keep_the_dead_layers_and_files_without_them_still_load()
    {
        // The notes' lights as train reads them: killed (cancelled) within epoch 5, after its dead epoch 4.
        string csv = _temp.Write("lights.csv", "left,middle,right,walk\n1,0,1,1\n0,1,1,1\n0,0,1,0\n1,1,1,1\n");
        var train = CsvLoader.Load(csv, new CsvOptions { TargetColumns = ["walk"] });
        var recipe = new Recipe
        {
            Hidden = [3], Init = Initializer.Uniform(-1, 1), Normalize = NormalizationKind.None, Loss = LossKind.Sse, Output = Activation.Identity, Bias = false,
            Optimizer = Optimizer.Sgd, Alpha = 0.2, Batch = Batching.Stochastic, Epochs = 8, Precision = Precision.F64, Compute = Compute.Numpy,
        }.Resolve(train).Recipe;
        var learner = new Learner<double>(recipe, train);
        using var cancel = new CancellationTokenSource();
        int batches = 0;
        learner.Trainer.BatchCompleted += _ => { if (++batches == 4 * 4 + 2) cancel.Cancel(); };
        TrainingCheckpoint? last = null;
        learner.Fit(cancellation: cancel.Token, checkpointing: new Checkpointing { Write = c => last = c });
        Assert.Equal((5, 2), (last!.Epoch, last.Position));
        string path = _temp.File("c.ckpt");
        CheckpointFile.Save(learner.Checkpoint(last, null), path);
        var loaded = CheckpointFile.Load(path).State;
        Assert.Equal(last.History, loaded.History);
        Assert.Equal([1], loaded.History[3].DeadLayers!);
        Assert.Equal([1], loaded.DeadSoFar!);

        // The members as the format says, and a body without them (a file written before them) loads with none.
        var body = JsonNode.Parse(CheckpointFile.Body(learner.Checkpoint(last, null)))!;
        var state = body["state"]!;
        Assert.Equal("[1]", state["dead_so_far"]!.ToJsonString());
        Assert.Equal("[1]", state["history"]![3]!["dead_layers"]!.ToJsonString());
        Assert.Null(state["history"]![2]!["dead_layers"]);
        Assert.Null(Load(Edited(body, s => { s.AsObject().Remove("dead_so_far"); foreach (var h in s["history"]!.AsArray()) h!.AsObject().Remove("dead_layers"); })).State.DeadSoFar);
        Assert.Contains("\"state.history[3].dead_layers[0]\" is not a relu layer of the network (1 to 1)",
            Assert.Throws<DataException>(() => Load(Edited(body, s => s["history"]![3]!["dead_layers"] = new JsonArray(2)))).Message);
        Assert.Contains("\"state.dead_so_far\" is empty",
            Assert.Throws<DataException>(() => Load(Edited(body, s => s["dead_so_far"] = new JsonArray()))).Message);
    }

    private static JsonNode Edited(JsonNode body, Action<JsonNode> edit)
    {
        var copy = body.DeepClone();
        edit(copy["state"]!);
        return copy;
    }

    private Checkpoint Load(JsonNode body)
    {
        string path = _temp.File("edited.ckpt");
        File.WriteAllBytes(path, ChecksummedFile.Compose(CheckpointFile.Kind, Encoding.UTF8.GetBytes(body.ToJsonString() + "\n")));
        return CheckpointFile.Load(path);
    }
}
