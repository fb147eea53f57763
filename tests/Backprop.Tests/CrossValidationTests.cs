using System.Globalization;
using System.Text.Json;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// Issue 26, item 1: cross-validation. The folds are scikit-learn's, row for row (Data/folds/cases.json, written by
/// Data/folds/generate.py from StratifiedKFold and KFold); each fold's model is the one Recipe.Fit trains on the rows
/// outside the fold, validated on the fold's; the mean and standard deviation are numpy's; the command line's table
/// and CSV are the library's results.
/// </summary>
public sealed class CrossValidationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Flowers => TestData.Path("csv", "flowers.csv");

    private static Dataset LoadFlowers() => CsvLoader.Load(Flowers, new CsvOptions { TargetColumns = ["species"] });

    private static double[] Weights(Model model) => [.. model.Weights.SelectMany(w => w), .. model.Biases.SelectMany(b => b ?? [])];

    private static IEnumerable<JsonElement> Cases() => TestData.Json("folds", "cases.json").RootElement.GetProperty("cases").EnumerateArray();

    private static JsonElement Case(string name) => Cases().Single(c => c.GetProperty("name").GetString() == name);

    private static int[] SklearnFolds(JsonElement c) => [.. c.GetProperty("folds").EnumerateArray().Select(f => f.GetInt32())];

    // Rows labelled as given, class names sorted (so that the order labels first appear in differs from the classes' order).
    private static Dataset Labelled(IReadOnlyList<string> labels)
    {
        string[] names = [.. labels.Distinct().Order(StringComparer.Ordinal)];
        var targets = new Matrix<double>(labels.Count, names.Length);
        for (int r = 0; r < labels.Count; r++) targets[r, Array.IndexOf(names, labels[r])] = 1;
        return new Dataset(new Matrix<double>(labels.Count, 1), targets, ["x"], ["label"], names, "labels.csv");
    }

    private static Dataset Numbers(int rows) => new(new Matrix<double>(rows, 1), new Matrix<double>(rows, 1), ["x"], ["y"], null, "numbers.csv");

    [Fact]
    public void Folds_are_scikit_learns_StratifiedKFold_and_KFold_row_for_row()
    {
        int checkedCases = 0;
        foreach (var c in Cases())
        {
            string name = c.GetProperty("name").GetString()!;
            int k = c.GetProperty("k").GetInt32();
            uint seed = c.GetProperty("seed").GetUInt32();
            var kind = c.GetProperty("kind").GetString() == "contiguous" ? FoldKind.Contiguous : FoldKind.Shuffled;
            var labels = c.GetProperty("labels");
            var data = name.StartsWith("flowers", StringComparison.Ordinal) ? LoadFlowers()
                : labels.ValueKind == JsonValueKind.Array ? Labelled([.. labels.EnumerateArray().Select(l => l.GetString()!)])
                : Numbers(c.GetProperty("rows").GetInt32());
            var folds = FoldAssignment.Of(data, k, kind, seed);
            Assert.True(SklearnFolds(c).SequenceEqual(Enumerable.Range(0, data.Count).Select(r => folds.FoldOf(r) - 1)), name);
            Assert.Equal(labels.ValueKind == JsonValueKind.Array && kind == FoldKind.Shuffled, folds.Stratified);
            // Every row validates once; each fold trains on the others, both in file order.
            var validation = Enumerable.Range(1, k).SelectMany(folds.ValidationRows).Order().ToArray();
            Assert.Equal(Enumerable.Range(0, data.Count), validation);
            Assert.Equal(Enumerable.Range(0, data.Count).Except(folds.ValidationRows(2)), folds.TrainingRows(2));
            checkedCases++;
        }
        Assert.Equal(10, checkedCases);
    }

    [Fact]
    public void Too_few_folds_or_rows_are_refused_and_a_class_smaller_than_the_folds_is_warned_about()
    {
        // Counted by hand: 'uneven' (generate.py) has classes c 10, a 8, b 5 and d 2 rows.
        var uneven = Labelled([.. Case("uneven k4 seed2").GetProperty("labels").EnumerateArray().Select(l => l.GetString()!)]);
        Assert.Equal("class 'd' has 2 rows, fewer than the 4 folds: some folds validate without it", FoldAssignment.Of(uneven, 4).Warning);
        Assert.Null(FoldAssignment.Of(uneven, 2).Warning);
        Assert.Null(FoldAssignment.Of(uneven, 4, FoldKind.Contiguous).Warning);   // not stratified: nothing promised per class
        Assert.Equal("cross-validation needs at least 2 folds, not 1. (Parameter 'folds')", Assert.Throws<ArgumentException>(() => FoldAssignment.Of(uneven, 1)).Message);
        Assert.StartsWith("26 folds need at least 26 rows; labels.csv has 25.", Assert.Throws<ArgumentException>(() => FoldAssignment.Of(uneven, 26)).Message);
        Assert.StartsWith("11 folds need a class with at least 11 rows; labels.csv's largest class has 10.", Assert.Throws<ArgumentException>(() => FoldAssignment.Of(uneven, 11)).Message);
        Assert.Equal("classes 'a' (8 rows), 'b' (5) and 'd' (2) have fewer rows than the 10 folds: some folds validate without them", FoldAssignment.Of(uneven, 10).Warning);
        Assert.Equal(11, FoldAssignment.Of(uneven, 11, FoldKind.Contiguous).Count);   // KFold needs rows, not classes
    }

    [Fact]
    public void Each_folds_model_is_the_recipe_fitted_on_the_other_folds_rows_and_measured_on_its_own()
    {
        var data = LoadFlowers();
        var recipe = new Recipe { Hidden = [6], Epochs = 4, Batch = Batching.MiniBatch(8), Shuffle = true, Seed = 0 };
        var ended = new List<int>();
        var cv = recipe.CrossValidate(data, new CrossValidationOptions { Folds = 3, FoldEnded = r => ended.Add(r.Fold) });
        Assert.True(cv.Finished);
        Assert.Equal([1, 2, 3], ended);
        Assert.Equal(["train_loss", "train_accuracy", "validation_loss", "validation_accuracy"], cv.Metrics);
        int[] sklearn = SklearnFolds(Case("flowers k3 seed0"));   // StratifiedKFold(3, shuffle=True, random_state=0): the recipe's seed
        foreach (var result in cv.Results)
        {
            int[] held = [.. Enumerable.Range(0, data.Count).Where(r => sklearn[r] == result.Fold - 1)];
            int[] kept = [.. Enumerable.Range(0, data.Count).Where(r => sklearn[r] != result.Fold - 1)];
            var alone = recipe.Fit(data.Take(kept), new FitOptions { Validation = data.Take(held) });
            Assert.Equal(alone.History.Epochs, result.Trained.History.Epochs);
            Assert.Equal(Weights(alone.Model), Weights(result.Trained.Model));
            Assert.Equal(alone.History.Epochs[^1].ValidationAccuracy, result.Metric("validation_accuracy"));
            Assert.Equal((60, 30), (result.Trained.Train!.Count, result.Trained.Validation!.Count));
        }
        // The mean and std of the folds' validation accuracy, as numpy computes them from the same values.
        double[] accuracy = [.. cv.Results.Select(r => r.Metric("validation_accuracy")!.Value)];
        Assert.Equal(accuracy.Sum() / 3, cv.Mean("validation_accuracy"));
        Assert.Equal(Math.Sqrt(accuracy.Select(a => (a - accuracy.Average()) * (a - accuracy.Average())).Sum() / 3), cv.Std("validation_accuracy"), 1e-15);
    }

    [Fact]
    public void The_mean_and_standard_deviation_are_numpys()
    {
        // numpy 1.24: np.mean and np.std (ddof 0) of these values.
        Assert.Equal(0.5833333333333334, Summary.Mean([0.5, 0.25, 1.0]));
        Assert.Equal(0.31180478223116176, Summary.Std([0.5, 0.25, 1.0]));
        Assert.Equal(0.888888888888889, Summary.Mean([0.9444444444444444, 0.8333333333333334, 1.0, 0.7777777777777778, 0.8888888888888888]));
        Assert.Equal(0.0785674201318386, Summary.Std([0.9444444444444444, 0.8333333333333334, 1.0, 0.7777777777777778, 0.8888888888888888]));
    }

    [Fact]
    public void Every_fold_trains_with_the_recipe_resolved_on_fold_1s_rows_and_a_setting_that_does_not_fit_names_folds()
    {
        // 35 rows in 5 folds: fold 1 trains on 28 (fewer than 32, so a full batch), as every other fold does.
        var data = LoadFlowers().Take([.. Enumerable.Range(0, 35)]);
        var validator = new Recipe { Epochs = 2 }.PrepareCrossValidation(data, new CrossValidationOptions { Folds = 5 });
        Assert.Contains("batch full", validator.Chosen);
        var cv = validator.Run();
        Assert.All(cv.Results, r => Assert.Equal(Checkpoints.Settings(validator.Recipe), Checkpoints.Settings(r.Trained.Recipe)));
        Assert.Equal("folds", Assert.Throws<RecipeException>(() => new Recipe().CrossValidate(data, new CrossValidationOptions { Folds = 36 })).Setting);
    }

    [Fact]
    public void Cv_prints_a_row_a_fold_with_the_mean_and_std_and_writes_the_librarys_csv()
    {
        string csv = _temp.File("cv.csv");
        var (code, output, err) = CliTests.Run("cv", Flowers, "--target", "species", "--folds", "3", "--layers", "6", "--epochs", "4", "--batch", "8", "--shuffle", "--seed", "0", "--out", csv);
        Assert.True(code == 0, err);
        var cv = new Recipe { Hidden = [6], Epochs = 4, Batch = Batching.MiniBatch(8), Shuffle = true, Seed = 0 }.CrossValidate(LoadFlowers(), new CrossValidationOptions { Folds = 3 });
        Assert.Equal(cv.ToCsv(), File.ReadAllText(csv));
        Assert.StartsWith(CrossValidation.CsvHeader + "\n1,60,30,4,completed,", cv.ToCsv());
        var lines = output.Split('\n');
        Assert.Contains("90 examples, 3 inputs, 3 classes; 3 folds, stratified by class, shuffled with seed 0: 30 examples to validate on in each", lines[0]);
        int header = Array.FindIndex(lines, l => l.StartsWith("fold ", StringComparison.Ordinal));
        Assert.Matches(@"^fold +train +validation +epoch +train_loss +train_accuracy +validation_loss +validation_accuracy$", lines[header]);
        for (int f = 1; f <= 3; f++)
        {
            var r = cv.Results[f - 1];
            Assert.Equal([$"{f}", "60", "30", "4", F(r.Metric("train_loss")), F(r.Metric("train_accuracy")), F(r.Metric("validation_loss")), F(r.Metric("validation_accuracy"))],
                lines[header + f].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.Equal(["mean", .. cv.Metrics.Select(m => F(cv.Mean(m)))], lines[header + 4].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["std", .. cv.Metrics.Select(m => F(cv.Std(m)))], lines[header + 5].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string F(double? v) => v!.Value.ToString("0.0000", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("backprop: --folds: '1' must be a whole number of at least 2.", "--folds", "1")]
    [InlineData("backprop: --folds: 91 folds need at least 91 rows; {0} has 90.", "--folds", "91")]
    [InlineData("backprop: --fold-split: 'last' is not one of shuffled, contiguous.", "--fold-split", "last")]
    [InlineData("backprop: cv does not take --validation (it is an option of train and sweep); see 'backprop cv --help'", "--validation", "0.2")]
    [InlineData("backprop: --out: the folder /no/such/folder does not exist", "--out", "/no/such/folder/cv.csv")]
    public void Cv_mistakes_are_one_line_naming_the_flag(string message, params string[] flags)
    {
        var (code, _, err) = CliTests.Run(["cv", Flowers, "--target", "species", "--epochs", "1", .. flags]);
        Assert.Equal(2, code);
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, message, Flowers) + "\n", err);
    }
}
