using System.Globalization;
using System.Text;
using Backprop.Data;

namespace Backprop.Tests;

/// <summary>
/// Issue 24, items 1 and 2: a target column of few whole numbers is read as classes (as a careful person, and
/// scikit-learn's type_of_target, read one), the task can be given, and --validation holds out rows at random,
/// stratified by class, so that a file sorted by class still validates on every class.
/// </summary>
public sealed class TaskAndSplitTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // ---- the rule (docs/cli.md, "Classes or numbers") ----

    [Theory]
    [InlineData(new double[] { 0, 1, 1, 0 }, TaskKind.Classification, "2 distinct whole numbers")]
    [InlineData(new double[] { 3, 1, 2, 3, 1, 2 }, TaskKind.Classification, "3 distinct whole numbers")]
    [InlineData(new double[] { -1, 1, -1, 1, -0.0, 0 }, TaskKind.Classification, "3 distinct whole numbers")] // -0 is 0
    [InlineData(new double[] { 1, 2, 3, 1 }, TaskKind.Regression, "3 distinct whole numbers, too few rows each for classes")] // 3 * 2 > 4
    [InlineData(new double[] { 5, 5, 5, 5 }, TaskKind.Regression, "1 distinct whole number")]
    [InlineData(new double[] { 0, 1.5, 1, 0 }, TaskKind.Regression, null)]   // a fraction: numbers, no choice was open
    public void Infer_reads_few_whole_numbers_as_classes(double[] values, TaskKind task, string? why)
    {
        Assert.Equal((task, why), TaskKinds.Infer(values));
    }

    [Fact]
    public void Twenty_distinct_whole_numbers_are_classes_twenty_one_are_numbers()
    {
        double[] Cycle(int k) => Enumerable.Range(0, 100).Select(i => (double)(i % k)).ToArray();
        Assert.Equal(TaskKind.Classification, TaskKinds.Infer(Cycle(20)).Task);
        Assert.Equal((TaskKind.Regression, "21 distinct whole numbers, more than 20"), TaskKinds.Infer(Cycle(21)));
    }

    // ---- reading CSV files ----

    /// <summary>A table shaped like scikit-learn's digits: whole-number pixels and a label 0-9 (here 0, 2, 10 to check the order).</summary>
    private string Digits()
    {
        var text = new StringBuilder("p0,p1,digit\n");
        int[] labels = [10, 2, 0];
        for (int i = 0; i < 12; i++) text.Append(CultureInfo.InvariantCulture, $"{i % 7},{(i * 5) % 16},{labels[i % 3]}\n");
        return _temp.Write("digits.csv", text.ToString());
    }

    [Fact]
    public void Whole_number_labels_are_classes_in_increasing_order()
    {
        var data = CsvLoader.Load(Digits(), new CsvOptions { TargetColumns = ["digit"] });
        Assert.Equal(["0", "2", "10"], data.ClassNames);   // by value, not as text ("10" < "2")
        Assert.Equal([2, 1, 0, 2], data.Labels()![..4]);   // rows 10, 2, 0, 10
        Assert.Equal(new InferredTask(TaskKind.Classification, "column 'digit' holds 3 distinct whole numbers"), data.InferredTask);
        Assert.Equal(TaskKind.Classification, data.Task);
    }

    [Fact]
    public void A_given_task_reads_the_column_that_way_and_says_so_when_it_cannot()
    {
        string digits = Digits();
        var numbers = CsvLoader.Load(digits, new CsvOptions { TargetColumns = ["digit"], Task = TaskKind.Regression });
        Assert.Null(numbers.ClassNames);
        Assert.Null(numbers.InferredTask);
        Assert.Equal([10.0, 2, 0], numbers.Targets.Span[..3].ToArray());
        var notes = CsvLoader.Load(digits, new CsvOptions { TargetColumns = ["digit"], InferClasses = false });   // as the notes read 0/1
        Assert.Null(notes.ClassNames);

        string fractions = _temp.Write("f.csv", "x,y\n1,0.5\n2,1.5\n3,0.5\n");
        Assert.Equal(["0.5", "1.5"], CsvLoader.Load(fractions, new CsvOptions { TargetColumns = ["y"], Task = TaskKind.Classification }).ClassNames);

        string labels = _temp.Write("l.csv", "x,y\n1,cat\n2,dog\n");
        var e = Assert.Throws<DataException>(() => CsvLoader.Load(labels, new CsvOptions { TargetColumns = ["y"], Task = TaskKind.Regression }));
        Assert.Equal((2, 2), (e.Line, e.Column));
        Assert.Contains("'cat' in target column 'y' is not a number; regression (task regression) needs numbers", e.Problem);

        string two = _temp.Write("two.csv", "x,a,b\n1,0,1\n2,1,0\n");
        e = Assert.Throws<DataException>(() => CsvLoader.Load(two, new CsvOptions { TargetColumns = ["a", "b"], Task = TaskKind.Classification }));
        Assert.Contains("classification (task classification) takes a single target column of labels, not 2: a, b", e.Problem);
    }

    [Fact]
    public void Many_distinct_whole_numbers_stay_a_regression_as_diabetes_progression_does()
    {
        // Shaped like scikit-learn's diabetes: 442 rows, the target a whole number with 214 distinct values.
        var text = new StringBuilder("age,progression\n");
        for (int i = 0; i < 442; i++) text.Append(CultureInfo.InvariantCulture, $"{i * 0.01},{25 + i % 214}\n");
        var data = CsvLoader.Load(_temp.Write("diabetes.csv", text.ToString()), new CsvOptions { TargetColumns = ["progression"] });
        Assert.Null(data.ClassNames);
        Assert.Equal(new InferredTask(TaskKind.Regression, "column 'progression' holds 214 distinct whole numbers, more than 20"), data.InferredTask);
    }

    // ---- the recipe ----

    [Fact]
    public void The_recipe_says_which_task_it_chose_and_a_loss_for_numbers_reads_whole_numbers_as_numbers()
    {
        var data = CsvLoader.Load(Digits(), new CsvOptions { TargetColumns = ["digit"] });
        var (classifier, chosen) = new Recipe().Resolve(data);
        Assert.Equal(TaskKind.Classification, classifier.Task);
        Assert.Equal("task classification (column 'digit' holds 3 distinct whole numbers)", chosen[0]);
        var (regression, said) = new Recipe { Loss = LossKind.Mse }.Resolve(data);
        Assert.Equal(TaskKind.Regression, regression.Task);
        Assert.Equal(Activation.Identity, regression.Output);
        Assert.Equal("task regression (column 'digit' holds 3 distinct whole numbers, read as numbers for loss mse)", said[0]);
        Assert.DoesNotContain(new Recipe { Task = TaskKind.Classification }.Resolve(data).Chosen, c => c.StartsWith("task", StringComparison.Ordinal));
    }

    [Fact]
    public void The_notes_preset_on_their_0_1_targets_trains_as_it_did_when_they_were_read_as_numbers()
    {
        // streetlights.csv's walk column (0/1) is now read as two classes; the notes' sse makes it one number again,
        // and the run is the same, bit for bit, as on the column read as numbers.
        string lights = TestData.Path("csv", "streetlights.csv");
        var recipe = Recipe.Notes with { Hidden = [4], Alpha = 0.2, Epochs = 60 };
        var inferred = CsvLoader.Load(lights, new CsvOptions { TargetColumns = ["walk"] });
        Assert.Equal(["0", "1"], inferred.ClassNames);
        var numbers = CsvLoader.Load(lights, new CsvOptions { TargetColumns = ["walk"], Task = TaskKind.Regression });
        var a = recipe.Fit(inferred);
        var b = recipe.Fit(numbers);
        Assert.Equal(1, a.Model.Spec.Outputs);
        Assert.Null(a.Model.ClassNames);
        Assert.Equal(b.History.Epochs.Select(e => e.TotalLoss), a.History.Epochs.Select(e => e.TotalLoss));
        Assert.Equal(b.Model.Weights.SelectMany(w => w), a.Model.Weights.SelectMany(w => w));
    }

    [Fact]
    public void A_recipe_asked_for_classes_converts_a_column_of_numbers()
    {
        var x = Matrix.Array(new double[,] { { 0, 1 }, { 1, 0 }, { 1, 1 }, { 0, 0 } });
        var y = Matrix.Array(new double[,] { { 1 }, { 2 }, { 1 }, { 2 } });
        var data = new Dataset(x, y, ["a", "b"], ["label"], null, "code");
        var trained = new Recipe { Task = TaskKind.Classification, Epochs = 2, Hidden = [3] }.Fit(data, new FitOptions { Validation = data });
        Assert.Equal(["1", "2"], trained.Model.ClassNames);
        Assert.Equal(Activation.Softmax, trained.Model.Spec.OutputActivation);
        Assert.NotNull(trained.History.Epochs[0].ValidationAccuracy);
    }

    [Fact]
    public void ForTask_goes_between_classes_named_by_numbers_and_numbers()
    {
        var x = new Matrix<double>(3, 1);
        var onehot = Matrix.Array(new double[,] { { 0, 1, 0 }, { 0, 0, 1 }, { 1, 0, 0 } });
        var classes = new Dataset(x, onehot, ["x"], ["y"], ["-1", "2.5", "7"], "code");
        var numbers = classes.ForTask(TaskKind.Regression);
        Assert.Equal([2.5, 7, -1], numbers.Targets.Span.ToArray());
        Assert.Same(numbers, numbers.ForTask(TaskKind.Regression));
        var back = numbers.ForTask(TaskKind.Classification, classes.ClassNames);
        Assert.Equal(onehot.Span.ToArray(), back.Targets.Span.ToArray());
        Assert.Equal(["-1", "2.5", "7"], numbers.ForTask(TaskKind.Classification).ClassNames);   // by value
        var e = Assert.Throws<DataException>(() => numbers.ForTask(TaskKind.Classification, ["-1", "7"]));
        Assert.Contains("target 2.5 in row 1 is not one of the classes: -1, 7", e.Problem);
        var text = new Dataset(x, onehot, ["x"], ["y"], ["a", "b", "c"], "code");
        Assert.Contains("holds labels such as 'a'; regression needs numbers", Assert.Throws<DataException>(() => text.ForTask(TaskKind.Regression)).Problem);
    }

    // ---- the split ----

    /// <summary>Rows sorted by class, as scikit-learn ships iris: <paramref name="counts"/>[c] rows of class c, feature 0 the row's index.</summary>
    private static Dataset Sorted(params int[] counts)
    {
        int n = counts.Sum();
        var x = new Matrix<double>(n, 1);
        var y = new Matrix<double>(n, counts.Length);
        int r = 0;
        for (int c = 0; c < counts.Length; c++)
            for (int i = 0; i < counts[c]; i++, r++)
            {
                x[r, 0] = r;
                y[r, c] = 1;
            }
        return new Dataset(x, y, ["index"], ["class"], counts.Select((_, c) => ((char)('a' + c)).ToString()).ToArray(), "sorted.csv");
    }

    private static int[] Index(Dataset d) => Enumerable.Range(0, d.Count).Select(r => (int)d.Features[r, 0]).ToArray();

    [Fact]
    public void A_regression_split_holds_out_the_first_rows_of_numpys_permutation()
    {
        var x = new Matrix<double>(10, 1);
        for (int r = 0; r < 10; r++) x[r, 0] = r;
        var data = new Dataset(x, x.Copy(), ["index"], ["y"], null, "code");
        var (train, validation) = data.Split(0.3, seed: 1);
        // numpy: np.random.seed(1); np.random.permutation(10) == [2, 9, 6, 4, 0, 3, 1, 7, 8, 5]; as train_test_split, the held-out rows come first.
        Assert.Equal([2, 9, 6], Index(validation));
        Assert.Equal([4, 0, 3, 1, 7, 8, 5], Index(train));
    }

    [Fact]
    public void A_file_sorted_by_class_is_split_with_every_class_on_both_sides_in_proportion()
    {
        var data = Sorted(10, 10, 10);
        var (train, validation) = data.Split(0.2, seed: 1);
        Assert.Equal([8, 8, 8], Counts(train));
        Assert.Equal([2, 2, 2], Counts(validation));
        Assert.Equal(Enumerable.Range(0, 30), Index(train).Concat(Index(validation)).Order());   // every row once
        Assert.Null(Dataset.MissingClasses(train, validation));
        Assert.Equal(Index(validation), Index(data.Split(0.2, seed: 1).Second));             // the seed decides
        Assert.NotEqual(Index(validation), Index(data.Split(0.2, seed: 2).Second));

        // Held-out rows of each class are its first rows in numpy's permutation (seed 7 of 12 rows, 6 of each class):
        // np.random.seed(7); np.random.permutation(12) == [7, 10, 2, 5, 0, 1, 11, 8, 3, 6, 9, 4]; a third of each class: 2 of a (rows 0-5), 2 of b (6-11).
        var (_, held) = Sorted(6, 6).Split(1 / 3.0, seed: 7);
        Assert.Equal([7, 10, 2, 5], Index(held));

        var (last, lastValidation) = data.Split(0.2, SplitKind.Last);
        Assert.Equal([10, 10, 4], Counts(last));
        Assert.Equal("classes 'a', 'b' have no validation rows", Dataset.MissingClasses(last, lastValidation));
        var (front, back) = Sorted(27, 3).Split(0.1, SplitKind.Last);
        Assert.Equal("class 'b' has no training rows: the model never learns it; class 'a' has no validation rows", Dataset.MissingClasses(front, back));
    }

    [Fact]
    public void Shares_of_uneven_classes_round_to_the_total_by_largest_remainder()
    {
        // 7, 2 and 1 rows, 0.3 held out: 3 rows; shares 2.1, 0.6, 0.3 -> 2, 0, 0 and the one left goes to b (0.6 the largest remainder).
        var (train, validation) = Sorted(7, 2, 1).Split(0.3, seed: 3);
        Assert.Equal([2, 1, 0], Counts(validation));
        Assert.Equal([5, 1, 1], Counts(train));
        Assert.Equal("class 'c' has no validation rows", Dataset.MissingClasses(train, validation));
    }

    private static int[] Counts(Dataset d) => Enumerable.Range(0, d.ClassNames!.Count).Select(c => d.Labels()!.Count(l => l == c)).ToArray();

    // ---- the command line ----

    /// <summary>A CSV file sorted by class with whole-number labels 0, 1, 2, shaped like scikit-learn's iris (10 rows a class here).</summary>
    private string SortedFile()
    {
        var text = new StringBuilder("a,b,species\n");
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 10; i++)
                text.Append(CultureInfo.InvariantCulture, $"{c + 0.1 * i},{(c * 7 + i) % 5},{c}\n");
        return _temp.Write("sorted.csv", text.ToString());
    }

    [Fact]
    public void Train_on_a_sorted_file_with_integer_labels_validates_on_every_class()
    {
        string file = SortedFile(), model = _temp.File("m.model");
        var (code, output, err) = CliTests.Run("train", file, "--target", "species", "--validation", "0.2", "--epochs", "3", "--save", model);
        Assert.True(code == 0, err);
        Assert.Contains("24 training examples, 2 inputs, 3 classes; 6 validation examples", output);
        Assert.Contains("task classification (column 'species' holds 3 distinct whole numbers)", output);
        Assert.DoesNotContain("warning", output);
        var (_, predictions, _) = CliTests.Run("predict", model, file);
        Assert.StartsWith("class,p_0,p_1,p_2\n", predictions);
        Assert.All(predictions.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1), l => Assert.Contains(l.Split(',')[0], new[] { "0", "1", "2" }));
        Assert.Equal(0, CliTests.Run("evaluate", model, file).Code);

        (code, output, err) = CliTests.Run("train", file, "--target", "species", "--validation", "0.2", "--validation-split", "last", "--epochs", "1");
        Assert.True(code == 0, err);
        // The last 6 of 30 rows are all class 2.
        Assert.Contains("\nwarning: classes '0', '1' have no validation rows with --validation-split last", output);

        (code, output, err) = CliTests.Run("train", file, "--target", "species", "--task", "regression", "--epochs", "1");
        Assert.True(code == 0, err);
        Assert.Contains("30 training examples, 2 inputs, 1 outputs (species)", output);
        Assert.DoesNotContain("task ", output);   // given, not chosen
    }

    [Theory]
    [InlineData(new[] { "--validation-split", "last" }, "--validation-split chooses the rows --validation holds out; give --validation FRACTION too.")]
    [InlineData(new[] { "--validation", "0.2", "--validation-split", "first" }, "--validation-split: 'first' is not one of shuffled, last.")]
    [InlineData(new[] { "--task", "clustering" }, "--task: 'clustering' is not one of classification, regression.")]
    public void Bad_task_and_split_flags_are_one_line_naming_the_flag(string[] flags, string message)
    {
        var (code, _, err) = CliTests.Run(["train", SortedFile(), "--target", "species", .. flags]);
        Assert.Equal(2, code);
        Assert.Equal($"backprop: {message}\n", err);
    }

    [Fact]
    public void A_model_of_0_1_numbers_evaluates_its_file_as_numbers()
    {
        // Trained as numbers (a sigmoid and binary cross-entropy on a 0/1 column), evaluated on the same file: the
        // column is not read as two classes, because the model's targets are numbers.
        var text = new StringBuilder("x,y\n");
        for (int i = 0; i < 20; i++) text.Append(CultureInfo.InvariantCulture, $"{i},{(i >= 10 ? 1 : 0)}\n");
        string file = _temp.Write("binary.csv", text.ToString()), model = _temp.File("b.model");
        var (code, _, err) = CliTests.Run("train", file, "--target", "y", "--loss", "binary-cross-entropy", "--epochs", "2", "--save", model, "--quiet");
        Assert.True(code == 0, err);
        (code, var output, err) = CliTests.Run("evaluate", model, file);
        Assert.True(code == 0, err);
        Assert.Contains("mae", output);   // a regression's errors, as before: not two classes
    }
}
