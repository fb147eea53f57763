using System.Globalization;
using System.IO.Compression;

namespace Backprop.Tests;

/// <summary>
/// <c>backprop train</c>, <c>evaluate</c> and <c>predict</c> as a user runs them: every flag has an observable
/// effect, and every kind of bad input is one line naming the file (and line, column) with exit code 2.
/// </summary>
public sealed class CliTrainTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Streetlights => TestData.Path("csv", "streetlights.csv");

    private static string Flowers => TestData.Path("csv", "flowers.csv");

    // The flowers data with settings that train quickly; extra flags override nothing but add to these.
    private (int Code, string Out, string Err) TrainFlowers(params string[] extra)
    {
        string[] defaults = ["--epochs", "5", "--batch", "10"];
        var kept = new List<string>();
        for (int i = 0; i < defaults.Length; i += 2)
            if (!extra.Contains(defaults[i])) kept.AddRange(defaults[i..(i + 2)]);
        return CliTests.Run(["train", Flowers, "--target", "species", .. kept, .. extra]);
    }

    private string[][] History(string path) =>
        File.ReadAllLines(path).Skip(1).Select(l => l.Split(',')).ToArray();

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void Train_cv_and_sweep_say_when_column_names_are_numbers()
    {
        // As scikit-learn's iris.csv: a first line of counts and class names, read as the header.
        var rows = Enumerable.Range(0, 40).Select(i => $"{i % 7 * 0.5},{i % 3},{(i + 1) % 5},{i % 2}");
        string file = _temp.File("counts.csv");
        File.WriteAllLines(file, ["40,3,setosa,versicolor", .. rows]);
        string note = $"note: {file}: 2 of the 4 column names are numbers (40, 3): its first line is read as the header, not as data; if the file has none, add a line naming the columns";
        var (code, stdout, _) = CliTests.Run(["train", file, "--target", "versicolor", "--epochs", "1"]);
        Assert.Equal(0, code);
        Assert.Contains(note, stdout.Split('\n').Select(l => l.TrimEnd('\r')));
        (code, stdout, _) = CliTests.Run(["cv", file, "--target", "versicolor", "--epochs", "1", "--folds", "2"]);
        Assert.Equal(0, code);
        Assert.Contains(note, stdout.Split('\n').Select(l => l.TrimEnd('\r')));
        (code, stdout, _) = CliTests.Run(["sweep", file, "--target", "versicolor", "--epochs", "1", "--grid", "layers=2|3", "--validation", "0.25", "--out", _temp.File("sweep")]);
        Assert.Equal(0, code);
        Assert.Contains(note, stdout.Split('\n').Select(l => l.TrimEnd('\r')));
        // names that are words say nothing
        (code, stdout, _) = TrainFlowers();
        Assert.Equal(0, code);
        Assert.DoesNotContain("column names are numbers", stdout);
    }

    [Fact]
    public void Train_cv_and_sweep_say_when_a_column_names_or_counts_the_rows()
    {
        // 40 rows: a row number from 1 (said), every other number from 0 (not a count: said of no column), a name on
        // every row (40 categories: said), a colour from 3 (not said).
        var rows = Enumerable.Range(0, 40).Select(i => $"{i + 1},{2 * i},person {i},{(i % 3 == 0 ? "red" : i % 3 == 1 ? "green" : "blue")},{i % 7},{i % 2}");
        string file = _temp.File("people.csv");
        File.WriteAllLines(file, ["id,even,name,colour,age,label", .. rows]);
        string names = "note: column 'name' holds 40 different texts in 40 rows (1.0 rows a text): one-hot, each of its inputs stands for a row or two, "
            + "which a network can only memorize; if it is a name or an identifier, remove it from the file";
        string counts = "note: column 'id' counts the rows (1 to 40 in file order): as an input it tells the network where a row is in the file, not what it is "
            + "(and in a file sorted by class it gives the answer away); if it is a row number or an identifier, remove it from the file";
        string[][] commands =
        [
            ["train", file, "--target", "label", "--epochs", "1"],
            ["cv", file, "--target", "label", "--epochs", "1", "--folds", "2"],
            ["sweep", file, "--target", "label", "--epochs", "1", "--grid", "layers=2|3", "--validation", "0.25", "--out", _temp.File("sweep")],
        ];
        foreach (var command in commands)
        {
            var (code, stdout, stderr) = CliTests.Run(command);
            Assert.True(code == 0, stderr);
            var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            Assert.Contains(names, lines);
            Assert.Contains(counts, lines);
            Assert.DoesNotContain(lines, l => l.Contains("column 'colour'") || l.Contains("column 'even'") || l.Contains("column 'age'"));
        }
        // 19 rows: too few to say anything about.
        File.WriteAllLines(file, ["id,even,name,colour,age,label", .. rows.Take(19)]);
        var (fewCode, few, fewErrors) = CliTests.Run(["train", file, "--target", "label", "--epochs", "1"]);
        Assert.True(fewCode == 0, fewErrors);
        Assert.DoesNotContain("different texts", few);
        Assert.DoesNotContain("counts the rows", few);
    }

    [Fact]
    public void Train_reproduces_the_notes_backpropagation_run_from_a_csv_file()
    {
        // The notes' "Backpropagation in code", from the command line: the history's train_loss is the notes'
        // layer_2_error (printed in the notes every 10th iteration) divided by the 4 examples.
        string history = _temp.File("h.csv");
        var (code, _, err) = CliTests.Run("train", Streetlights, "--target", "walk", "--layers", "4", "--activation", "relu",
            "--output", "identity", "--loss", "sse", "--optimizer", "sgd", "--alpha", "0.2", "--epochs", "60", "--batch", "1",
            "--init", "uniform:-1,1", "--bias", "false", "--seed", "1", "--normalize", "none", "--precision", "f64", "--rounding", "numpy",
            "--history", history, "--quiet");
        Assert.True(code == 0, err);
        var rows = History(history);
        Assert.Equal(60, rows.Length);
        Assert.Equal(1.5055622665134859e-05 / 4, D(rows[59][1]));
        Assert.Equal(0.6342311598444467 / 4, D(rows[9][1]));
        Assert.Equal(["60", rows[59][1], "", "", "", "", "0.2"], rows[59]); // no accuracy for numeric targets, no validation (so no validation MAE); the notes' alpha

        // Without --rounding numpy, float64 products fuse each multiply-add (the default): the last digits move.
        string fused = _temp.File("fused.csv");
        (code, _, err) = CliTests.Run("train", Streetlights, "--target", "walk", "--layers", "4", "--output", "identity", "--loss", "sse",
            "--optimizer", "sgd", "--alpha", "0.2", "--epochs", "60", "--batch", "1", "--init", "uniform:-1,1", "--bias", "false",
            "--normalize", "none", "--precision", "f64", "--history", fused, "--quiet");
        Assert.True(code == 0, err);
        Assert.NotEqual(rows[59][1], History(fused)[59][1]);
        Assert.Equal(1.5055622665134859e-05 / 4, D(History(fused)[59][1]), 1e-15);
    }

    [Theory]
    [InlineData("--bias")]
    [InlineData("--shuffle")]
    public void A_switch_followed_by_a_word_that_is_not_true_or_false_names_the_switch(string flag)
    {
        var (code, _, err) = TrainFlowers(flag, "maybe");
        Assert.Equal(2, code);
        Assert.Equal($"backprop: {flag}: 'maybe' is not true or false (the switch alone means true)", err.Trim());
    }

    [Theory]
    [InlineData("--epochs", "2", "--epochs", "3")]
    [InlineData("--shuffle", "--shuffle")]
    [InlineData("--alpha=0.1", "--alpha", "0.2")]
    public void A_flag_given_twice_is_a_usage_error(params string[] flags)
    {
        AssertUsageError(TrainFlowers(flags), $"backprop: {flags[0].Split('=')[0]} is given 2 times; give it once");
    }

    [Fact]
    public void More_threads_than_cores_are_capped_with_a_note()
    {
        int asked = Environment.ProcessorCount + 14;
        var (code, output, err) = TrainFlowers("--threads", asked.ToString(CultureInfo.InvariantCulture), "--epochs", "1");
        Assert.True(code == 0, err);
        Assert.Contains($"note: --threads {asked} is more than this machine's {Environment.ProcessorCount} cores; using {Environment.ProcessorCount}", output);
    }

    [Fact]
    public void Rounding_takes_fused_or_numpy()
    {
        var (code, _, err) = TrainFlowers("--rounding", "exact");
        Assert.Equal(2, code);
        Assert.Equal("backprop: --rounding: 'exact' is not one of fused, numpy.", err.Trim());
    }

    [Fact]
    public void With_only_data_and_target_defaults_are_chosen_and_stated()
    {
        var (code, output, err) = CliTests.Run("train", Flowers, "--target", "species");
        Assert.True(code == 0, err);
        Assert.Contains("defaults chosen", output);
        // 90 rows in batches of 32 make 3 updates an epoch: 334 epochs give the weights at least 1000 updates.
        foreach (var d in new[] { "layers 64", "activation relu", "output softmax", "loss cross-entropy", "optimizer adam", "alpha 0.001", "epochs 334", "batch 32", "init he", "normalize standard", "precision f32", "bias true" })
            Assert.Contains(d, output);
        Assert.Contains("epoch 334/334", output);
        Assert.Contains("3 classes", output);
        var final = output.Split('\n').Single(l => l.StartsWith("epoch 334/334"));
        Assert.True(double.Parse(final.Split("accuracy ")[1][..6], CultureInfo.InvariantCulture) > 0.9, final); // the defaults learn
    }

    [Fact]
    public void Quiet_prints_nothing_and_history_has_one_row_an_epoch()
    {
        string history = _temp.File("h.csv");
        var (code, output, err) = TrainFlowers("--quiet", "--history", history, "--validation", "0.2");
        Assert.Equal(0, code);
        Assert.Equal("", output);
        Assert.Equal("", err);
        var lines = File.ReadAllLines(history);
        Assert.Equal("epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,validation_mae,lr", lines[0]);
        Assert.Equal(6, lines.Length);
        foreach (var row in lines.Skip(1).Select(l => l.Split(',')))
        {
            Assert.Equal(7, row.Length);
            Assert.Equal("0.001", row[6]);   // adam's default rate, constant
            Assert.All(row.Skip(1).Take(4), cell => Assert.True(double.IsFinite(D(cell)), cell));
            Assert.Equal("", row[5]); // validation_mae is for regression; these are classes
            Assert.InRange(D(row[2]), 0, 1);
            Assert.Equal(D(row[1]).ToString("R", CultureInfo.InvariantCulture), row[1]); // round-trip precision
        }
    }

    [Fact]
    public void Plot_writes_a_png()
    {
        string plot = _temp.File("loss.png");
        var (code, _, err) = TrainFlowers("--quiet", "--plot", plot, "--validation", "0.2");
        Assert.True(code == 0, err);
        byte[] png = File.ReadAllBytes(plot);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        Assert.True(png.Length > 5000);
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.tmp*")); // written aside, then renamed
    }

    // Final training loss (mean) after the run, read from --history.
    private double FinalLoss(params string[] flags)
    {
        string history = _temp.File($"h{Guid.NewGuid():N}.csv");
        var (code, _, err) = TrainFlowers([.. flags, "--quiet", "--history", history]);
        Assert.True(code == 0, err);
        return D(History(history)[^1][1]);
    }

    [Theory]
    [InlineData("--layers", "8")]
    [InlineData("--layers", "")]
    [InlineData("--activation", "tanh")]
    [InlineData("--activation", "sigmoid")]
    [InlineData("--output", "sigmoid")]
    [InlineData("--loss", "mse")]
    [InlineData("--loss", "sse")]
    [InlineData("--optimizer", "sgd")]
    [InlineData("--optimizer", "momentum:0.5")]
    [InlineData("--alpha", "0.01")]
    [InlineData("--batch", "1")]
    [InlineData("--batch", "full")]
    [InlineData("--init", "uniform:-0.5,0.5")]
    [InlineData("--init", "normal:0.1")]
    [InlineData("--init", "xavier")]
    [InlineData("--seed", "2")]
    [InlineData("--bias", "false")]
    [InlineData("--shuffle")]
    [InlineData("--normalize", "minmax")]
    [InlineData("--normalize", "none")]
    [InlineData("--l2", "0.1")]
    [InlineData("--dropout", "0.5")]
    [InlineData("--dropout", "0.2")]
    [InlineData("--precision", "f64")]
    public void Each_flag_changes_the_training(params string[] flag)
    {
        // What the flag must change: exactly the library's setting of the same name, and nothing else. The CLI's final
        // loss equals that of the library's Recipe trained on the same file with that one setting (written here with
        // the library's types, not parsed from the flag), and the library without it gives the CLI's baseline.
        double baseline = FinalLoss();
        double changed = FinalLoss(flag);
        Assert.Equal(LibraryFinalLoss(r => r), baseline);
        Assert.Equal(LibraryFinalLoss(Setting(flag)), changed);
        // And the setting is not the default: the difference shows in the loss.
        Assert.NotEqual(baseline, changed);
        Assert.True(double.IsFinite(changed));
    }

    // The Recipe setting each flag of Each_flag_changes_the_training names.
    private static Func<Recipe, Recipe> Setting(string[] flag) => string.Join(' ', flag) switch
    {
        "--layers 8" => r => r with { Hidden = [8] },
        "--layers " => r => r with { Hidden = [] },
        "--activation tanh" => r => r with { Activation = Activation.Tanh },
        "--activation sigmoid" => r => r with { Activation = Activation.Sigmoid },
        "--output sigmoid" => r => r with { Output = Activation.Sigmoid },
        "--loss mse" => r => r with { Loss = LossKind.Mse },
        "--loss sse" => r => r with { Loss = LossKind.Sse },
        "--optimizer sgd" => r => r with { Optimizer = Optimizer.Sgd },
        "--optimizer momentum:0.5" => r => r with { Optimizer = Optimizer.Momentum(0.5) },
        "--alpha 0.01" => r => r with { Alpha = 0.01 },
        "--batch 1" => r => r with { Batch = Batching.Stochastic },
        "--batch full" => r => r with { Batch = Batching.Full },
        "--init uniform:-0.5,0.5" => r => r with { Init = Initializer.Uniform(-0.5, 0.5) },
        "--init normal:0.1" => r => r with { Init = Initializer.Normal(0.1) },
        "--init xavier" => r => r with { Init = Initializer.Xavier },
        "--seed 2" => r => r with { Seed = 2 },
        "--bias false" => r => r with { Bias = false },
        "--shuffle" => r => r with { Shuffle = true },
        "--normalize minmax" => r => r with { Normalize = NormalizationKind.Minmax },
        "--normalize none" => r => r with { Normalize = NormalizationKind.None },
        "--l2 0.1" => r => r with { L2 = 0.1 },
        "--dropout 0.5" => r => r with { Dropout = 0.5 },
        "--dropout 0.2" => r => r with { Dropout = 0.2 },
        "--precision f64" => r => r with { Precision = Precision.F64 },
        var other => throw new ArgumentException($"no setting written for {other}"),
    };

    // The final mean training loss of TrainFlowers's run (5 epochs, batches of 10) made with the library.
    private static double LibraryFinalLoss(Func<Recipe, Recipe> setting)
    {
        var data = CsvLoader.Load(Flowers, new CsvOptions { TargetColumns = ["species"] });
        var trained = setting(new Recipe { Epochs = 5, Batch = Batching.MiniBatch(10) }).Fit(data);
        return trained.History.Epochs[^1].MeanLoss;
    }

    [Fact]
    public void Classes_flag_reads_integer_labels_as_classes_in_the_given_order()
    {
        string csv = _temp.Write("digits.csv", "a,b,label\n0.1,0.9,2\n0.8,0.2,0\n0.5,0.5,1\n0.9,0.1,0\n0.2,0.8,2\n0.4,0.6,1\n");
        var (code, output, err) = CliTests.Run("train", csv, "--target", "label", "--epochs", "2", "--task", "regression");
        Assert.True(code == 0, err);
        Assert.Contains("1 outputs (label)", output); // --task regression: the integers are one numeric output
        (code, output, err) = CliTests.Run("train", csv, "--target", "label", "--epochs", "2");
        Assert.True(code == 0, err);
        // Without --task, 3 distinct whole numbers in 6 rows are classes (docs/cli.md's rule), in increasing order.
        Assert.Contains("3 classes", output);
        Assert.Contains("task classification (column 'label' holds 3 distinct whole numbers)", output);
        string model = _temp.File("digits.model");
        (code, output, err) = CliTests.Run("train", csv, "--target", "label", "--classes", "2,1,0", "--epochs", "2", "--save", model);
        Assert.True(code == 0, err);
        Assert.Contains("3 classes", output);
        var (_, predictions, _) = CliTests.Run("predict", model, csv);
        Assert.StartsWith("class,p_2,p_1,p_0\n", predictions); // the order --classes gave
        AssertUsageError(CliTests.Run("train", csv, "--target", "label", "--classes", "0,1"), "digits.csv:2:3", "'2'");
    }

    [Fact]
    public void Epochs_flag_sets_the_number_of_rows()
    {
        string history = _temp.File("h.csv");
        TrainFlowers("--quiet", "--epochs", "3", "--history", history);
        Assert.Equal(3, History(history).Length);
    }

    [Fact]
    public void Threads_do_not_change_results()
    {
        // Products large enough to be split between threads: 256 rows a batch through 64-256-256-4 layers, so the
        // forward products are 256x64x256 and 256x256x256 multiply-adds (PackedGemm splits from 2 x 2^20), and so are
        // the weight gradients; the 256x256 weights are updated on two threads (2^16 values, Tiny.ParallelLength).
        var random = new Random(3);
        var csv = new System.Text.StringBuilder(string.Join(',', Enumerable.Range(0, 64).Select(c => $"x{c}")) + ",label\n");
        for (int r = 0; r < 512; r++)
        {
            var x = Enumerable.Range(0, 64).Select(_ => random.NextDouble()).ToArray();
            csv.AppendJoin(',', x.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append(',').Append("abcd"[(int)(x[0] * 2) * 2 + (int)(x[1] * 2)]).Append('\n');
        }
        string data = _temp.Write("wide.csv", csv.ToString());

        (byte[] Model, string History) Train(int threads)
        {
            string model = _temp.File($"t{threads}.model"), history = _temp.File($"t{threads}.csv");
            var (code, _, err) = CliTests.Run("train", data, "--target", "label", "--layers", "256,256", "--batch", "256", "--epochs", "3",
                "--optimizer", "sgd", "--alpha", "0.1", "--threads", threads.ToString(CultureInfo.InvariantCulture), "--quiet", "--save", model, "--history", history);
            Assert.True(code == 0, err);
            return (File.ReadAllBytes(model), File.ReadAllText(history));
        }

        var one = Train(1);
        // Every run on two threads gives the same bits; it is repeated until one really split work (another test can
        // hold the pool, and on a busy machine the caller can take every part before a worker wakes: that run went on
        // one thread, correctly but proving nothing), unless products are never split here.
        bool canSplit = Environment.ProcessorCount >= 2 && PackedGemm.Supported;
        for (int attempt = 0; ; attempt++)
        {
            int splitBefore = WorkerPool.JobsSplitOnThisThread;
            var two = Train(2);
            Assert.Equal(one.History, two.History);
            Assert.Equal(one.Model, two.Model); // the same weights, bit for bit
            if (!canSplit || WorkerPool.JobsSplitOnThisThread > splitBefore) break;
            Assert.True(attempt < 20, "no product or update was split between threads in 20 runs");
        }
    }

    [Fact]
    public void Float32_agrees_with_float64_to_float32_tolerance()
    {
        double f32 = FinalLoss("--precision", "f32");
        double f64 = FinalLoss("--precision", "f64");
        Assert.True(Math.Abs(f32 - f64) <= 1e-4 * Math.Abs(f64), $"f32 {f32}, f64 {f64}");
    }

    [Fact]
    public void Validation_and_test_data_files_are_measured()
    {
        string history = _temp.File("h.csv");
        var (code, output, err) = TrainFlowers("--validation-data", Flowers, "--test-data", Flowers, "--history", history);
        Assert.True(code == 0, err);
        Assert.Contains("validation loss", output);
        Assert.Contains("test: loss", output);
        Assert.All(History(history), row => Assert.NotEqual("", row[3]));
    }

    [Fact]
    public void Early_stopping_stops_and_keeps_the_best_weights()
    {
        // Adam at a large alpha on a small batch bounces: with patience 1 it stops within the 200 epochs.
        string history = _temp.File("h.csv");
        var (code, output, err) = TrainFlowers("--epochs", "200", "--alpha", "0.5", "--early-stopping", "1", "--validation", "0.3", "--history", history);
        Assert.True(code == 0, err);
        Assert.Contains("early stopping", output);
        var rows = History(history);
        Assert.True(rows.Length < 200);
        int best = int.Parse(output.Split("kept the weights of epoch ")[1].Split('\n')[0].Trim());
        double bestLoss = rows.Min(r => D(r[3]));
        Assert.Equal(bestLoss, D(rows[best - 1][3]));
    }

    [Fact]
    public void Overfitting_is_pointed_out_once()
    {
        // Many epochs of a large network on few rows: validation loss turns up while training loss falls.
        var (code, output, err) = TrainFlowers("--epochs", "300", "--layers", "64,64", "--alpha", "0.01", "--validation", "0.5", "--batch", "5");
        Assert.True(code == 0, err);
        Assert.Single(output.Split('\n'), l => l.Contains("may be starting to overfit"));
    }

    [Fact]
    public void Saved_model_evaluates_and_predicts_like_the_trained_network()
    {
        string model = _temp.File("flowers.model");
        var (code, output, err) = TrainFlowers("--save", model, "--test-data", Flowers, "--epochs", "30");
        Assert.True(code == 0, err);
        string trainAccuracy = output.Split("test: loss ")[1].Split("accuracy ")[1][..6];

        var (ecode, eout, eerr) = CliTests.Run("evaluate", model, Flowers);
        Assert.True(ecode == 0, eerr);
        Assert.Contains($"accuracy: {trainAccuracy}", eout); // the same weights give the same accuracy
        Assert.Contains("confusion matrix", eout);
        Assert.Contains("precision", eout);
        Assert.Contains("virginica", eout);

        string predictions = _temp.File("p.csv");
        var (pcode, _, perr) = CliTests.Run("predict", model, Flowers, "--out", predictions);
        Assert.True(pcode == 0, perr);
        var lines = File.ReadAllLines(predictions);
        Assert.Equal("class,p_setosa,p_versicolor,p_virginica", lines[0]);
        Assert.Equal(91, lines.Length);
        var first = lines[1].Split(',');
        Assert.Contains(first[0], new[] { "setosa", "versicolor", "virginica" });
        Assert.Equal(1.0, first.Skip(1).Sum(D), 5); // probabilities
    }

    [Fact]
    public void A_model_trained_with_dropout_saves_and_predicts_without_it()
    {
        string model = _temp.File("dropout.model");
        var (code, output, err) = TrainFlowers("--dropout", "0.5", "--save", model, "--test-data", Flowers);
        Assert.True(code == 0, err);
        string testAccuracy = output.Split("test: loss ")[1].Split("accuracy ")[1][..6];
        var (ecode, eout, eerr) = CliTests.Run("evaluate", model, Flowers);
        Assert.True(ecode == 0, eerr);
        Assert.Contains($"accuracy: {testAccuracy}", eout); // evaluation has dropout off, in training and after loading
    }

    [Fact]
    public void Predict_reads_only_the_models_inputs()
    {
        string model = _temp.File("m.model");
        Assert.Equal(0, TrainFlowers("--save", model, "--quiet").Code);
        string inputs = _temp.Write("in.csv", "noise,width,length\n0.1,4.0,1.0\n");
        var (code, output, err) = CliTests.Run("predict", model, inputs);
        Assert.True(code == 0, err);
        Assert.StartsWith("class,p_setosa", output);
        Assert.Equal(2, output.TrimEnd('\n').Split('\n').Length);
    }

    // ---- bad input: one line, exit code 2, file (and line, column) named, nothing overwritten ----

    private static void AssertUsageError((int Code, string Out, string Err) run, params string[] expected)
    {
        Assert.True(run.Code == 2, $"exit code {run.Code}; stderr: {run.Err}; stdout: {run.Out}");
        Assert.Single(run.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("backprop: ", run.Err);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.DoesNotContain("(Parameter '", run.Err); // .NET's argument-name suffix means nobody rephrased the message
        foreach (var e in expected) Assert.Contains(e, run.Err);
    }

    [Fact]
    public void Missing_and_empty_files()
    {
        AssertUsageError(CliTests.Run("train", _temp.File("nope.csv"), "--target", "y"), "nope.csv");
        AssertUsageError(CliTests.Run("train", _temp.Write("empty.csv", ""), "--target", "y"), "empty.csv", "empty");
    }

    [Fact]
    public void Ragged_rows_non_numeric_cells_and_nan_name_line_and_column()
    {
        AssertUsageError(CliTests.Run("train", _temp.Write("r.csv", "a,b,y\n1,2,3\n1,2\n"), "--target", "y"), "r.csv:3", "2 fields");
        AssertUsageError(CliTests.Run("train", _temp.Write("n.csv", "a,b,y\n1,2,3\n1,x,3\n"), "--target", "y"), "n.csv:3:2", "'x'");
        AssertUsageError(CliTests.Run("train", _temp.Write("nan.csv", "a,b,y\n1,NaN,3\n"), "--target", "y"), "nan.csv:2:2");
        AssertUsageError(CliTests.Run("train", _temp.Write("inf.csv", "a,b,y\n1,2,3\n1,2,Infinity\n"), "--target", "y"), "inf.csv:3:3");
    }

    [Fact]
    public void Unknown_target_column()
    {
        AssertUsageError(CliTests.Run("train", Flowers, "--target", "colour"), "flowers.csv", "colour", "species");
        AssertUsageError(CliTests.Run("train", Flowers), "--target");
    }

    [Theory]
    [InlineData("--alpha", "0", "--alpha")]
    [InlineData("--alpha", "-1", "--alpha")]
    [InlineData("--alpha", "fast", "--alpha")]
    [InlineData("--batch", "1000", "--batch")]
    [InlineData("--batch", "0", "--batch")]
    [InlineData("--activation", "softmax", "--activation")]
    [InlineData("--optimizer", "rmsprop", "--optimizer")]
    [InlineData("--loss", "hinge", "--loss")]
    [InlineData("--loss", "binary-cross-entropy", "--loss")]
    [InlineData("--init", "uniform:1,-1", "--init")]
    [InlineData("--layers", "8,x", "--layers")]
    [InlineData("--dropout", "1", "--dropout")]
    [InlineData("--validation", "1.5", "--validation")]
    [InlineData("--precision", "f16", "--precision")]
    [InlineData("--normalize", "log", "--normalize")]
    [InlineData("--early-stopping", "0", "--early-stopping")]
    [InlineData("--no-such-flag", "1", "--no-such-flag")]
    public void Bad_flag_values_name_the_flag(string flag, string value, string named)
    {
        AssertUsageError(TrainFlowers(flag, value), named);
    }

    [Fact]
    public void Nothing_is_overwritten_when_input_is_bad()
    {
        string model = _temp.Write("keep.model", "precious");
        string history = _temp.Write("keep.csv", "precious");
        // (A number first: a column whose first value is text holds categories.)
        AssertUsageError(CliTests.Run("train", _temp.Write("bad.csv", "a,y\n1,1\nx,1\n"), "--target", "y", "--save", model, "--history", history), "bad.csv:3:1");
        Assert.Equal("precious", File.ReadAllText(model));
        Assert.Equal("precious", File.ReadAllText(history));
    }

    [Fact]
    public void Model_and_data_of_different_widths()
    {
        string model = _temp.File("m.model");
        Assert.Equal(0, TrainFlowers("--save", model, "--quiet").Code);
        AssertUsageError(CliTests.Run("evaluate", model, Streetlights), "streetlights.csv");
        AssertUsageError(CliTests.Run("evaluate", _temp.Write("junk.model", "not a model"), Flowers), "junk.model");
    }

    [Fact]
    public void Divergence_stops_naming_the_epoch_and_suggesting_a_smaller_alpha()
    {
        string model = _temp.File("m.model");
        var run = CliTests.Run("train", Streetlights, "--target", "walk", "--optimizer", "sgd", "--alpha", "1e200",
            "--loss", "sse", "--epochs", "5", "--batch", "1", "--quiet", "--save", model, "--precision", "f64");
        AssertUsageError(run, "diverged", "epoch 1", "smaller --alpha");
        Assert.False(File.Exists(model)); // no epoch finished: nothing worth saving
    }

    [Fact]
    public void Output_paths_are_checked_before_training()
    {
        AssertUsageError(TrainFlowers("--save", _temp.File("no/such/folder/m.model")), "--save", "does not exist");
        AssertUsageError(TrainFlowers("--history", _temp.Path), "--history", "is a folder");
        AssertUsageError(TrainFlowers("--plot", _temp.File("missing/p.png")), "--plot");
        // A folder where nothing can be written (even by root): the check creates a file there, before training.
        AssertUsageError(TrainFlowers("--save", "/proc/m.model"), "--save: cannot write in /proc");
        AssertUsageError(TrainFlowers("--history", "/proc/h.csv"), "--history: cannot write in /proc");
        AssertUsageError(TrainFlowers("--plot", "/proc/p.png"), "--plot: cannot write in /proc");
        string readOnly = _temp.Write("ro.model", "x");
        File.SetAttributes(readOnly, FileAttributes.ReadOnly);
        AssertUsageError(TrainFlowers("--save", readOnly), "--save", "is read-only");
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.probe.tmp")); // the probe leaves nothing behind
    }

    // Mistakes in flags end as one line naming the flag (exit 2), never as an internal error.
    [Theory]
    [InlineData("--classes", "yes", "--classes: 'yes' is one class; a classifier needs at least two")]
    [InlineData("--classes", "", "--classes: give the class labels, at least two")]
    [InlineData("--classes", "yes,yes,no", "--classes: class label 'yes' is given twice.")]
    [InlineData("--classes", "a,,b", "--classes: 'a,,b' has an empty class label.")]
    [InlineData("--layers", "100000,100000", "--layers: a layer of 100000 x 100000 weights is 10,000,000,000 values, more than one array holds")]
    [InlineData("--layers", "46000,46000,46000", "GiB available.")]
    [InlineData("--alpha", "1e308", "--alpha: 1E+308 is outside float32's range")]
    [InlineData("--validation", "0.999", "--validation: Splitting 90 rows")]
    public void Flag_mistakes_are_one_line_naming_the_flag(string flag, string value, string expected)
    {
        AssertUsageError(TrainFlowers(flag, value), expected);
    }

    [Fact]
    public void A_target_named_twice_and_a_validation_split_that_leaves_a_side_empty_are_usage_errors()
    {
        AssertUsageError(CliTests.Run("train", Flowers, "--target", "species,species"), "--target: column 'species' is given twice.");
        string five = _temp.Write("five.csv", "x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n");
        AssertUsageError(CliTests.Run("train", five, "--target", "y", "--validation", "0.9"), "--validation", "gives 0 and 5 rows");
        string one = _temp.Write("one.csv", "x,y\n1,0\n");
        AssertUsageError(CliTests.Run("train", one, "--target", "y", "--validation", "0.5"), "--validation", "both parts need at least one row");
    }

    [Fact]
    public async Task Interrupting_training_keeps_the_last_finished_epoch_and_the_history_and_exits_130()
    {
        // Ctrl-C is a cancelled token: training stops after the current batch. The history file grows an epoch at a
        // time, so the test waits until it holds three epochs before interrupting.
        string model = _temp.File("m.model"), history = _temp.File("h.csv");
        using var interrupt = new CancellationTokenSource();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var run = Task.Run(() => Backprop.Cli.Cli.Run(["train", Flowers, "--target", "species", "--epochs", "100000000", "--batch", "1",
            "--save", model, "--history", history], stdout, stderr, interrupt.Token));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!run.IsCompleted && (!File.Exists(history) || File.ReadAllLines(history).Length < 4))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the history did not reach three epochs in a minute");
            Thread.Sleep(5);
        }
        interrupt.Cancel();
        Assert.Equal(130, await run.WaitAsync(TimeSpan.FromSeconds(60)));

        var rows = History(history);
        int epochs = rows.Length;
        Assert.True(epochs >= 3, $"{epochs} epochs in the history");
        Assert.Equal(Enumerable.Range(1, epochs).Select(e => e.ToString(CultureInfo.InvariantCulture)), rows.Select(r => r[0]));
        string err = stderr.ToString();
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Equal($"backprop: interrupted in epoch {epochs + 1} of 100000000; saved the weights of epoch {epochs} to {model}; {epochs} epochs in {history}", err.TrimEnd('\n'));

        // The saved weights are those of the last finished epoch: the same as a run of exactly that many epochs.
        string exact = _temp.File("exact.model");
        var (code, _, exactErr) = CliTests.Run("train", Flowers, "--target", "species", "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--batch", "1", "--save", exact, "--quiet");
        Assert.True(code == 0, exactErr);
        var (saved, reference) = (Backprop.Models.Model.Load(model), Backprop.Models.Model.Load(exact));
        Assert.Equal(reference.Weights.SelectMany(w => w), saved.Weights.SelectMany(w => w));
    }

    [Fact]
    public void Interrupting_before_the_first_epoch_ends_saves_nothing_and_says_so()
    {
        string model = _temp.File("m.model");
        using var interrupt = new CancellationTokenSource();
        interrupt.Cancel();
        var stderr = new StringWriter();
        int code = Backprop.Cli.Cli.Run(["train", Flowers, "--target", "species", "--batch", "1", "--save", model, "--quiet"], new StringWriter(), stderr, interrupt.Token);
        Assert.Equal(130, code);
        // 20 epochs: the default (90 updates an epoch pass 1000 updates within 20).
        Assert.Equal($"backprop: interrupted in epoch 1 of 20; nothing saved to {model}: no epoch had finished", stderr.ToString().TrimEnd('\n'));
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Epochs_as_large_as_an_int_allocate_nothing_up_front()
    {
        // Training "until early stopping says so": a history of 2^31-1 epochs must not be reserved at the start.
        var (code, _, err) = TrainFlowers("--epochs", "2147483647", "--early-stopping", "1", "--validation", "0.2");
        Assert.True(code == 0, err);
    }

    // ---- IDX ----

    private (string Images, string Labels) WriteIdx(string prefix, int n, bool gzip, int labelCount = -1) =>
        IdxFixture.Write(_temp, prefix, n, gzip, labelCount);

    private static byte[] BigEndian(params int[] values) => IdxFixture.BigEndian(values);

    [Fact]
    public void Test_images_that_do_not_fit_the_training_images_are_refused_before_training()
    {
        // t10k images of another size than train's: found when the data is loaded, not after the last epoch.
        IdxFixture.Write(_temp, "train", 30, gzip: false);
        IdxFixture.Write(_temp, "t10k", 6, gzip: false, side: 5);
        string model = _temp.File("m.model");
        AssertUsageError(CliTests.Run("train", _temp.Path, "--epochs", "1", "--save", model), "t10k-images-idx3-ubyte", "images of 25 pixels; the training images have 16");
        Assert.False(File.Exists(model));

        // Test labels above the training labels' highest class (IDX labels are at least the 10 classes 0-9).
        using var other = new TempFolder();
        IdxFixture.Write(other, "train", 30, gzip: false);
        IdxFixture.Write(other, "t10k", 6, gzip: false, labelOffset: 10);
        AssertUsageError(CliTests.Run("train", other.Path, "--epochs", "1"), "t10k-images-idx3-ubyte", "has labels of 13 classes; the training labels have 10");
    }

    [Fact]
    public void Test_data_of_another_kind_than_the_training_data_is_a_usage_error()
    {
        var (images, _) = IdxFixture.Write(_temp, "train", 30, gzip: false);
        IdxFixture.Write(_temp, "t10k", 6, gzip: false);
        AssertUsageError(CliTests.Run("train", images, "--epochs", "1", "--test-data", Flowers), "flowers.csv: is not an IDX images file");
        AssertUsageError(CliTests.Run("train", _temp.Path, "--epochs", "1", "--test-data", Flowers), "flowers.csv: is not an IDX images file");
        AssertUsageError(TrainFlowers("--test-data", images), "is an IDX images file; the training data is a CSV file");
    }

    [Fact]
    public void Trains_on_small_idx_files_and_on_a_folder_of_train_and_test_pairs()
    {
        var (images, _) = WriteIdx("train", 120, gzip: true);
        WriteIdx("t10k", 30, gzip: false);
        var (code, output, err) = CliTests.Run("train", images, "--epochs", "10", "--layers", "8");
        Assert.True(code == 0, err);
        Assert.Contains("120 training examples, 16 inputs, 10 classes", output);

        string model = _temp.File("idx.model");
        (code, output, err) = CliTests.Run("train", _temp.Path, "--epochs", "20", "--layers", "8", "--alpha", "0.01", "--batch", "10", "--save", model);
        Assert.True(code == 0, err);
        Assert.Contains("30 test examples", output);
        double accuracy = D(output.Split("test: loss ")[1].Split("accuracy ")[1][..6]);
        Assert.True(accuracy > 0.9, $"test accuracy {accuracy} on an easy problem");

        var (ecode, eout, eerr) = CliTests.Run("evaluate", model, _temp.File("t10k-images-idx3-ubyte"));
        Assert.True(ecode == 0, eerr);
        Assert.Contains("30 examples", eout);
    }

    [Fact]
    public void Bad_idx_files()
    {
        var (images, _) = WriteIdx("train", 12, gzip: false, labelCount: 11);
        AssertUsageError(CliTests.Run("train", images), "12", "11");
        string wrongMagic = _temp.Write("bad-images-idx3-ubyte", BigEndian(0x804, 1, 1, 1).Append((byte)0).ToArray());
        _temp.Write("bad-labels-idx1-ubyte", BigEndian(0x801, 1).Append((byte)0).ToArray());
        AssertUsageError(CliTests.Run("train", wrongMagic), "bad-images-idx3-ubyte", "magic");
        string truncated = _temp.Write("short-images-idx3-ubyte", BigEndian(0x803, 5, 4, 4).Concat(new byte[10]).ToArray());
        _temp.Write("short-labels-idx1-ubyte", BigEndian(0x801, 5).Concat(new byte[5]).ToArray());
        AssertUsageError(CliTests.Run("train", truncated), "short-images-idx3-ubyte");
    }

    // The epoch numbers of the "epoch N/M" lines, in the order printed.
    private static int[] EpochLines(string output) =>
        [.. output.Split('\n').Where(l => l.StartsWith("epoch ", StringComparison.Ordinal)).Select(l => int.Parse(l[6..l.IndexOf('/')], CultureInfo.InvariantCulture))];

    [Fact]
    public void A_long_run_of_fast_epochs_prints_some_epoch_lines_and_verbose_prints_each()
    {
        // Issue 24: the defaults on 90 rows run 334 epochs, and printed 334 lines. Now: 1 to 5, every 20th, the last.
        string history = _temp.File("h.csv");
        var (code, output, err) = CliTests.Run("train", Flowers, "--target", "species", "--history", history);
        Assert.True(code == 0, err);
        Assert.Contains("\nshowing epochs 1 to 5, then every 20th, the last and any with a note (--verbose shows every one; --history FILE keeps every epoch)\n", output);
        Assert.Equal([1, 2, 3, 4, 5, .. Enumerable.Range(1, 16).Select(i => 20 * i), 334], EpochLines(output));
        Assert.Equal(1 + 334, File.ReadAllLines(history).Length);
        (code, output, err) = CliTests.Run("train", Flowers, "--target", "species", "--verbose");
        Assert.True(code == 0, err);
        Assert.Equal(Enumerable.Range(1, 334), EpochLines(output));
        Assert.DoesNotContain("showing epochs", output);

        // Up to 30 epochs, every line; 31 take every second.
        (code, output, err) = TrainFlowers("--epochs", "30");
        Assert.Equal(Enumerable.Range(1, 30), EpochLines(output));
        Assert.DoesNotContain("showing epochs", output);
        (code, output, err) = TrainFlowers("--epochs", "31");
        Assert.Equal([1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 31], EpochLines(output));

        (code, _, err) = TrainFlowers("--quiet", "--verbose");
        Assert.Equal((2, "backprop: --quiet and --verbose ask for no lines and every line; give one."), (code, err.TrimEnd('\n')));
        var help = CliTests.Run("train", "--help").Out;
        Assert.Contains("--verbose", help);
        Assert.Contains("Print every epoch's line. Default: all of a run of up to 30 epochs;", help);
        (code, _, err) = CliTests.Run("trace", Flowers, "--target", "species", "--verbose");
        Assert.Equal(2, code);
        Assert.Contains("--verbose", err);
    }

    [Fact]
    public void A_run_stopped_early_prints_its_last_epoch_and_its_lowest_validation_loss()
    {
        string history = _temp.File("h.csv");
        var (code, output, err) = CliTests.Run("train", Flowers, "--target", "species", "--validation", "0.3", "--validation-split", "last", "--epochs", "200", "--batch", "10", "--layers", "16",
            "--alpha", "0.02", "--early-stopping", "5", "--history", history);
        Assert.True(code == 0, err);
        var rows = History(history);
        var lines = output.Split('\n');
        int kept = int.Parse(lines.Single(l => l.StartsWith("early stopping: ", StringComparison.Ordinal)).Split(' ')[^1], CultureInfo.InvariantCulture);
        int last = rows.Length;
        // every 10th of 200; the last epoch run (not a 10th) is printed when the run stops
        Assert.True(last % 10 != 0 && last > kept && kept > 5 && kept % 10 != 0, $"stopped after {last}, kept {kept}: pick other settings for this test");
        Assert.Equal([1, 2, 3, 4, 5, .. Enumerable.Range(1, last / 10).Select(i => 10 * i), last], EpochLines(output));
        // The epoch whose weights were kept, which was not printed, is, marked, with its validation loss as the history has it.
        string lowest = lines.Single(l => l.StartsWith("lowest validation loss: ", StringComparison.Ordinal));
        Assert.StartsWith($"lowest validation loss: epoch {kept}/200  loss ", lowest);
        Assert.Contains($"  validation loss {D(rows[kept - 1][3]).ToString("0.0000", CultureInfo.InvariantCulture)}  ", lowest);
        Assert.True(Array.IndexOf(lines, lowest) < Array.FindIndex(lines, l => l.StartsWith("early stopping: ", StringComparison.Ordinal)));
    }
}
