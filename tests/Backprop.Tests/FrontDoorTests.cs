using System.Globalization;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// Issue 25, items 1, 2 and 7: the library's one front door (Recipe.Fit with FitOptions, Recipe.Prepare), the open
/// training loop (TrainingSession, observers), and predictions with labels, each checked against the command line or
/// against the closed loop it replaces.
/// </summary>
public sealed class FrontDoorTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Flowers => TestData.Path("csv", "flowers.csv");

    private static Dataset Load(string target = "species") => CsvLoader.Load(Flowers, new CsvOptions { TargetColumns = [target] });

    private static double[] Weights(Model model) => [.. model.Weights.SelectMany(w => w), .. model.Biases.SelectMany(b => b ?? [])];

    [Fact]
    public void A_fraction_held_out_is_the_split_of_Dataset_Split_and_the_command_lines_validation()
    {
        var data = Load();
        var recipe = new Recipe { Epochs = 3, Hidden = [6], Seed = 4 };
        var byFraction = recipe.Fit(data, new FitOptions { ValidationFraction = 0.3 });
        var (train, validation) = data.Split(0.3, SplitKind.Shuffled, seed: 4);
        var bySplit = recipe.Fit(train, new FitOptions { Validation = validation });
        Assert.Equal(bySplit.History.Epochs, byFraction.History.Epochs);
        Assert.Equal(Weights(bySplit.Model), Weights(byFraction.Model));

        string history = _temp.File("h.csv");
        var (code, _, err) = CliTests.Run("train", Flowers, "--target", "species", "--epochs", "3", "--layers", "6", "--seed", "4", "--validation", "0.3", "--history", history, "--quiet");
        Assert.True(code == 0, err);
        Assert.Equal(HistoryCsv.Format(byFraction.History.Epochs), File.ReadAllText(history));   // the command line is this call

        var e = Assert.Throws<RecipeException>(() => recipe.Fit(data, new FitOptions { ValidationFraction = 0.999 }));
        Assert.Equal("validation", e.Setting);
    }

    [Fact]
    public void Stepping_a_session_batch_by_batch_is_the_run_bit_for_bit()
    {
        var data = Load();
        var recipe = new Recipe { Epochs = 4, Hidden = [5], Batch = Batching.MiniBatch(7), Shuffle = true, Dropout = 0.2, Seed = 3 };
        var run = recipe.Fit(data, new FitOptions { ValidationFraction = 0.2 });

        var learner = recipe.Prepare(data, new FitOptions { ValidationFraction = 0.2 });
        var session = learner.Start();
        int steps = 0;
        while (session.Step() is not null) steps++;
        Assert.Equal(4 * (int)Math.Ceiling(learner.Train.Count / 7.0), steps);
        Assert.Equal(StopReason.Completed, session.Stopped);
        Assert.Equal(run.History.Epochs, session.History);
        Assert.Equal(Weights(run.Model), Weights(learner.ToModel()));

        var byEpoch = recipe.Prepare(data, new FitOptions { ValidationFraction = 0.2 });
        var epochs = byEpoch.Start();
        for (int e = 1; e <= 4; e++) Assert.Equal(run.History.Epochs[e - 1], epochs.RunEpoch());
        Assert.Null(epochs.RunEpoch());
        Assert.Equal(Weights(run.Model), Weights(byEpoch.ToModel()));
    }

    private sealed class Watcher : ITrainingObserver
    {
        public List<string> Seen { get; } = [];
        public int StopAfter { get; init; } = int.MaxValue;

        public void EpochStarting(TrainingSession session) => Seen.Add($"start {session.Epoch} at {session.LearningRate.ToString(CultureInfo.InvariantCulture)}");

        public void EpochEnded(TrainingSession session, EpochResult result)
        {
            Seen.Add($"end {result.Epoch}");
            if (result.Epoch == StopAfter) session.StopEarly();
        }

        public void Stopping(TrainingSession session, StopReason reason) => Seen.Add($"stop {reason}");
    }

    [Fact]
    public void Observers_see_each_epoch_and_the_schedules_rate_and_can_stop_training()
    {
        var data = Load();
        var watcher = new Watcher { StopAfter = 3 };
        var recipe = new Recipe { Epochs = 10, Alpha = 0.1, Optimizer = Optimizer.Sgd, Schedule = LearningRateSchedule.Parse("step:2,0.5") };
        var trained = recipe.Fit(data, new FitOptions { Observers = [watcher] });
        // step:2,0.5 from 0.1: epochs 1-2 at 0.1, 3 at 0.05 (halving is exact in binary); the observer stops after epoch 3.
        Assert.Equal(["start 1 at 0.1", "end 1", "start 2 at 0.1", "end 2", "start 3 at 0.05", "end 3", "stop EarlyStopping"], watcher.Seen);
        Assert.Equal(StopReason.EarlyStopping, trained.History.Stop);
        Assert.Equal(3, trained.History.Epochs.Count);
    }

    [Fact]
    public void Early_stopping_given_as_an_observer_is_the_recipes_patience()
    {
        var data = Load();
        var recipe = new Recipe { Epochs = 60, Alpha = 0.05, Hidden = [16] };
        var byPatience = (recipe with { Patience = 2 }).Fit(data, new FitOptions { ValidationFraction = 0.3 });
        var stopping = new EarlyStopping(2);
        var byObserver = recipe.Fit(data, new FitOptions { ValidationFraction = 0.3, Observers = [stopping] });
        Assert.Equal(StopReason.EarlyStopping, byPatience.History.Stop);   // 60 epochs at 0.05 overfit 63 rows
        Assert.Equal(byPatience.History, byObserver.History, new HistoryComparer());
        Assert.Equal(byPatience.History.BestEpoch, stopping.BestEpoch);
        Assert.Equal(Weights(byPatience.Model), Weights(byObserver.Model));
    }

    private sealed class HistoryComparer : IEqualityComparer<TrainingHistory>
    {
        public bool Equals(TrainingHistory? a, TrainingHistory? b) =>
            a!.Stop == b!.Stop && a.BestEpoch == b.BestEpoch && a.Epochs.SequenceEqual(b.Epochs);

        public int GetHashCode(TrainingHistory h) => h.Epochs.Count;
    }

    [Fact]
    public void A_run_cancelled_and_resumed_from_its_checkpoint_file_ends_as_the_run_that_never_stopped()
    {
        var data = Load();
        var recipe = new Recipe { Epochs = 6, Hidden = [8], Batch = Batching.MiniBatch(10), Shuffle = true, Dropout = 0.3 };
        var whole = recipe.Fit(data, new FitOptions { ValidationFraction = 0.2 });

        string checkpoint = _temp.File("run.ckpt");
        using var cancel = new CancellationTokenSource();
        var stopper = new Stopper(cancel, epoch: 3, batches: 2);
        var cut = recipe.Fit(data, new FitOptions { ValidationFraction = 0.2, CheckpointPath = checkpoint, Observers = [stopper], Cancellation = cancel.Token });
        Assert.Equal(StopReason.Cancelled, cut.History.Stop);
        Assert.Equal((3, 20), (cut.LastCheckpoint!.Epoch, cut.LastCheckpoint.Position));

        var resumed = new Recipe().Fit(data, new FitOptions { ValidationFraction = 0.2, ResumeFrom = Checkpoint.Load(checkpoint) });
        Assert.Equal(whole.History.Epochs, resumed.History.Epochs);
        Assert.Equal(Weights(whole.Model), Weights(resumed.Model));

        var conflict = Assert.Throws<RecipeException>(() => new Recipe { Alpha = 0.5 }.Fit(data, new FitOptions { ValidationFraction = 0.2, ResumeFrom = Checkpoint.Load(checkpoint) }));
        Assert.Equal(("alpha", ("0.5", "0.001")), (conflict.Setting, conflict.Conflict!.Value));
        var other = Assert.Throws<RecipeException>(() => new Recipe().Fit(data, new FitOptions { ResumeFrom = Checkpoint.Load(checkpoint) }));
        Assert.Equal("resume-from", other.Setting);   // made with validation data; this run has none
    }

    // Cancels after a number of batches of an epoch, as Ctrl-C would.
    private sealed class Stopper(CancellationTokenSource cancel, int epoch, int batches) : ITrainingObserver
    {
        private int _seen;

        public void BatchEnded(TrainingSession session, BatchProgress progress)
        {
            if (progress.Epoch == epoch && ++_seen == batches - 1) cancel.Cancel();
        }
    }

    [Fact]
    public void Fine_tuning_takes_the_models_settings_and_a_model_that_does_not_fit_names_start_from()
    {
        var data = Load();
        var first = new Recipe { Hidden = [7], Activation = Activation.Tanh, Epochs = 2 }.Fit(data);
        var tuned = new Recipe { Epochs = 1 }.Fit(data, new FitOptions { StartFrom = first.Model });
        Assert.Equal(first.Model.Spec, tuned.Model.Spec);   // layers and activation from the model, not the defaults (64, relu)
        Assert.Equal(first.Model.Normalization.Offset, tuned.Model.Normalization.Offset);
        var e = Assert.Throws<RecipeException>(() => new Recipe { Hidden = [9] }.Fit(data, new FitOptions { StartFrom = first.Model }));
        Assert.Equal("start-from", e.Setting);
        Assert.Equal("the model's hidden layers are 7; the settings make 9 (--layers; leave it out to keep the model's)", e.Message);
    }

    [Fact]
    public void Predictions_name_the_class_with_its_probabilities_and_write_what_predict_writes()
    {
        string model = _temp.File("flowers.model");
        var trained = new Recipe { Epochs = 30, Hidden = [8] }.Fit(Load(), new FitOptions { ValidationFraction = 0.2 });
        trained.Model.Save(model);
        var loaded = Model.Load(model);
        var predictions = loaded.Predict(Flowers);
        Assert.Equal(90, predictions.Count);
        Assert.Equal(["setosa", "versicolor", "virginica"], predictions.Columns);
        foreach (var (p, r) in predictions.Select((p, r) => (p, r)))
        {
            var row = predictions.Outputs.RowSpan(r).ToArray();
            int best = Array.IndexOf(row, row.Max());
            Assert.Equal(predictions.Columns[best], p.Label);
            Assert.Equal(row.Max(), p.Probability);
            Assert.Equal(1.0, p.Values.Sum(), 1e-6);   // softmax: the probabilities add up to 1 (to float32's precision)
        }
        var csv = new StringWriter();
        predictions.WriteCsv(csv);
        Assert.Equal(CliTests.Run("predict", model, Flowers).Out, csv.ToString());
    }

    [Fact]
    public void A_yes_no_model_predicts_both_probabilities_and_a_regression_its_values()
    {
        var x = Matrix.Array(new double[,] { { 0 }, { 1 }, { 2 }, { 3 } });
        var y = Matrix.Array(new double[,] { { 0 }, { 0 }, { 1 }, { 1 } });
        var yesNo = new Recipe { Output = Activation.Sigmoid, Loss = LossKind.BinaryCrossEntropy, Epochs = 1 }.Fit(new Dataset(x, y, ["x"], ["y"], null, "code")).Model with { ClassNames = ["no", "yes"] };
        var predicted = yesNo.Predict(new Dataset(x, y, ["x"], ["y"], null, "code"));
        for (int r = 0; r < 4; r++)
        {
            double yes = predicted.Outputs[r, 0];
            Assert.Equal([1 - yes, yes], predicted[r].Values);
            Assert.Equal(yes >= 0.5 ? "yes" : "no", predicted[r].Label);
        }
        var numbers = new Recipe { Epochs = 1 }.Fit(new Dataset(x, y, ["x"], ["y"], null, "code")).Model.Predict(new Dataset(x, y, ["x"], ["y"], null, "code"));
        Assert.Null(numbers[0].Label);
        Assert.Equal(["y"], numbers.Columns);
        Assert.Equal([numbers.Outputs[2, 0]], numbers[2].Values);
    }

    [Fact]
    public void The_readme_snippet_trains_saves_loads_and_predicts_labels_in_six_statements()
    {
        // README.md, "Use it from C#": the same statements, with this test's files.
        string path = Flowers, saved = _temp.File("flowers.model");
        string newFlowers = _temp.Write("new.csv", "length,width,noise\n2.1,4.2,0.1\n6.0,2.9,-0.2\n");
        var lines = new List<string>();

        var data = CsvLoader.Load(path, new CsvOptions { TargetColumns = ["species"] });
        var trained = new Recipe().Fit(data, new FitOptions { ValidationFraction = 0.2 });
        trained.Model.Save(saved);
        var model = Model.Load(saved);
        foreach (var p in model.Predict(newFlowers)) lines.Add($"{p.Label} {p.Probability:0.00}");

        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Matches("^(setosa|versicolor|virginica) (0|1)\\.[0-9]{2}$", l));
    }
}
