using System.Numerics;
using Backprop.Data;
using Backprop.Training;

namespace Backprop.Tests;

/// <summary>
/// The trainer's checkpoints: resuming from any of them ends with the same weights and history, bit for bit, as the
/// run that never stopped. The expected values are that uninterrupted run's own, computed in the same test.
/// </summary>
public class CheckpointResumeTests
{
    private static Dataset Flowers() => CsvLoader.Load(TestData.Path("csv", "flowers.csv"), new CsvOptions { TargetColumns = ["species"] });

    // Shuffling and dropout on (both draw from the stream), a last batch smaller than the others (90 = 12·7 + 6),
    // validation and early stopping (its best weights and patience are part of the state).
    private static Recipe RecipeFor(string optimizer, string precision) => new()
    {
        Hidden = [8], Optimizer = Optimizer.Parse(optimizer), Alpha = optimizer == "adam" ? 0.01 : 0.05, Batch = Batching.MiniBatch(7), Epochs = 5,
        Shuffle = true, Dropout = 0.3, Patience = 3, Precision = Vocabulary.Parse<Precision>(precision), Seed = 7,
    };

    private sealed record Outcome(double[][] Parameters, IReadOnlyList<EpochResult> History, StopReason Stop, int BestEpoch);

    private static Outcome Run<T>(Recipe recipe, Dataset train, Dataset validation, Checkpointing? checkpointing = null, CancellationToken cancel = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var learner = new Learner<T>(recipe.Resolve(train).Recipe, train);
        var history = learner.Trainer.Fit(learner.Rows, learner.Y, recipe.Epochs!.Value, checkpointing, learner.Prepare(validation), cancel);
        return new Outcome(learner.Network.Parameters.Select(p => p.Value.Span.ToArray().Select(v => double.CreateTruncating(v)).ToArray()).ToArray(),
            history.Epochs, history.Stop, history.BestEpoch);
    }

    private static void AssertSame(Outcome expected, Outcome actual, string at)
    {
        Assert.True(expected.Parameters.Length == actual.Parameters.Length, at);
        for (int i = 0; i < expected.Parameters.Length; i++)
            Assert.True(expected.Parameters[i].Select(BitConverter.DoubleToInt64Bits).SequenceEqual(actual.Parameters[i].Select(BitConverter.DoubleToInt64Bits)), $"{at}: parameter {i} differs");
        Assert.Equal(expected.History, actual.History);   // records: every double compared exactly
        Assert.Equal(expected.Stop, actual.Stop);
        Assert.Equal(expected.BestEpoch, actual.BestEpoch);
    }

    [Theory]
    [InlineData("sgd", "f64")]
    [InlineData("momentum", "f64")]
    [InlineData("adam", "f64")]
    [InlineData("sgd", "f32")]
    [InlineData("momentum", "f32")]
    [InlineData("adam", "f32")]
    // A schedule's state (plateau: best loss, bad epochs, the rate) is part of the checkpoint too.
    [InlineData("adam", "f32", "step:2,0.5")]
    [InlineData("sgd", "f64", "cosine")]
    [InlineData("momentum", "f32", "plateau:0,0.5")]   // validation loss rises in epoch 4: the rate halves for epoch 5
    public void Resuming_from_a_checkpoint_after_any_batch_ends_as_the_uninterrupted_run(string optimizer, string precision, string schedule = "constant")
    {
        if (precision == "f64") Check<double>(); else Check<float>();

        void Check<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (train, validation) = Flowers().Split(0.2);
            var recipe = RecipeFor(optimizer, precision) with { Schedule = LearningRateSchedule.Parse(schedule) };
            var expected = Run<T>(recipe, train, validation);
            Assert.Equal(5, expected.History.Count);   // the run goes the whole way: every checkpoint is mid-run
            Assert.Equal(schedule == "constant", expected.History.Select(e => e.LearningRate).Distinct().Count() == 1);   // a schedule changes the rate

            var checkpoints = new List<TrainingCheckpoint>();
            var written = Run<T>(recipe, train, validation, new Checkpointing { Write = checkpoints.Add, EveryBatches = 1 });
            AssertSame(expected, written, "checkpointing itself");
            // 72 rows in batches of 7: 11 a epoch, the last epoch's end included: that one is the finished run, which
            // resumes to the same end without training (issue 24: it used to be left out, so a resumed finished run
            // trained its last epoch again).
            Assert.Equal(5 * 11, checkpoints.Count);
            Assert.Equal((6, 0), (checkpoints[^1].Epoch, checkpoints[^1].Position));
            Assert.Contains(checkpoints, c => c.Position > 0 && c.Order is not null && c.LastGood is not null);
            Assert.Contains(checkpoints, c => c.Position == 0 && c.EarlyStopping is { BestEpoch: > 0 });

            foreach (var checkpoint in checkpoints)
                AssertSame(expected, Run<T>(recipe, train, validation, new Checkpointing { ResumeFrom = checkpoint }), $"resumed at epoch {checkpoint.Epoch}, example {checkpoint.Position}");
        }
    }

    [Fact]
    public void A_cancelled_run_checkpoints_the_batch_it_stopped_at_and_resumes_there()
    {
        var (train, validation) = Flowers().Split(0.2);
        var recipe = RecipeFor("adam", "f32");
        var expected = Run<float>(recipe, train, validation);

        using var cancel = new CancellationTokenSource();
        TrainingCheckpoint? last = null;
        var learner = new Learner<float>(recipe.Resolve(train).Recipe, train);
        int batches = 0;
        learner.Trainer.BatchCompleted += _ => { if (++batches == 17) cancel.Cancel(); };
        var history = learner.Trainer.Fit(learner.Rows, learner.Y, 5, new Checkpointing { Write = c => last = c }, learner.Prepare(validation), cancel.Token);
        Assert.Equal(StopReason.Cancelled, history.Stop);
        // 17 batches: epoch 1's 11, then 6 of epoch 2's (42 of its 72 examples)
        Assert.Equal((2, 42), (last!.Epoch, last.Position));
        AssertSame(expected, Run<float>(recipe, train, validation, new Checkpointing { ResumeFrom = last }), "resumed after the cancel");
    }

    [Fact]
    public void A_checkpoint_that_does_not_fit_the_trainer_is_refused_with_a_clear_message()
    {
        var (train, validation) = Flowers().Split(0.2);
        var checkpoints = new List<TrainingCheckpoint>();
        Run<double>(RecipeFor("adam", "f64"), train, validation, new Checkpointing { Write = checkpoints.Add, EveryBatches = 3 });
        var mid = checkpoints.First(c => c.Position > 0);

        var noDropout = Assert.Throws<ArgumentException>(() => Run<double>(RecipeFor("adam", "f64") with { Dropout = 0, Shuffle = false }, train, validation, new Checkpointing { ResumeFrom = mid }));
        Assert.Contains("random streams", noDropout.Message);
        var momentum = Assert.Throws<ArgumentException>(() => Run<double>(RecipeFor("momentum", "f64"), train, validation, new Checkpointing { ResumeFrom = mid }));
        Assert.Contains("adam's, not momentum's", momentum.Message);
        var wider = Assert.Throws<ArgumentException>(() => Run<double>(RecipeFor("adam", "f64") with { Hidden = [9] }, train, validation, new Checkpointing { ResumeFrom = mid }));
        Assert.Contains("parameters' array 0 has 24 values; weights_0_1 has 27", wider.Message);   // 3 inputs × 8 saved, × 9 built
        var badOrder = Assert.Throws<ArgumentException>(() => Run<double>(RecipeFor("adam", "f64"), train, validation,
            new Checkpointing { ResumeFrom = mid with { Order = [.. Enumerable.Repeat(0, 72)] } }));
        Assert.Contains("not a permutation", badOrder.Message);
    }

    [Fact]
    public void A_checkpoint_of_another_schedule_is_refused_with_a_clear_message()
    {
        var (train, validation) = Flowers().Split(0.2);
        var step = RecipeFor("adam", "f64") with { Schedule = new StepSchedule(2, 0.5) };
        var checkpoints = new List<TrainingCheckpoint>();
        Run<double>(step, train, validation, new Checkpointing { Write = checkpoints.Add });
        var second = checkpoints.First(c => c.Epoch == 3);
        Assert.Equal(new LearningRateState("step:2,0.5", 0.01, 0.005, double.PositiveInfinity, 0), second.LearningRate);   // halved after epoch 2

        var cosine = Assert.Throws<ArgumentException>(() => Run<double>(step with { Schedule = new CosineSchedule() }, train, validation, new Checkpointing { ResumeFrom = second }));
        Assert.Equal("The checkpoint's learning-rate schedule is step:2,0.5; this trainer's is cosine.", cosine.Message);
        var alpha = Assert.Throws<ArgumentException>(() => Run<double>(step with { Alpha = 0.02 }, train, validation, new Checkpointing { ResumeFrom = second }));
        Assert.Equal("The checkpoint's learning-rate schedule started from 0.01; this trainer's starts from 0.02.", alpha.Message);
        var none = Assert.Throws<ArgumentException>(() => Run<double>(step, train, validation, new Checkpointing { ResumeFrom = second with { LearningRate = null } }));
        Assert.Equal("The checkpoint has no learning-rate schedule state (its rate was constant); this trainer's schedule is step:2,0.5.", none.Message);
        // A constant run resumes from a checkpoint made before schedules (no state): it has nothing to go on from.
        var constant = RecipeFor("adam", "f64");
        checkpoints.Clear();
        var expected = Run<double>(constant, train, validation, new Checkpointing { Write = checkpoints.Add });
        AssertSame(expected, Run<double>(constant, train, validation, new Checkpointing { ResumeFrom = checkpoints[2] with { LearningRate = null } }), "resumed without a schedule state");
    }

    [Fact]
    public void The_random_state_is_numpys_get_state()
    {
        // numpy 1.24: r = np.random.RandomState(5); r.random_sample(3); r.standard_normal(); s = r.get_state()
        // gives s[2] == 10 (position), s[3] == 1 (has_gauss), s[4] == 0.8417776670118138 (the cached normal),
        // s[1][0] == 4081643083 (the first word after the regeneration).
        var random = new NumpyRandom(5);
        random.RandomSample(3);
        random.StandardNormal();
        var state = random.GetState();
        Assert.Equal((10, true), (state.Position, state.HasGauss));
        Assert.Equal(0.8417776670118138, state.Gauss);
        Assert.Equal(4081643083u, state.Key[0]);

        var other = new NumpyRandom(99);
        other.SetState(state);
        Assert.Equal(random.StandardNormal(), other.StandardNormal());
        Assert.Equal(random.RandomSample(5), other.RandomSample(5));
    }
}
