using System.Buffers.Binary;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// The recipe: the defaults that <c>train</c> picks from the data, its checks, the notes' preset, and the short way a
/// C# user trains, evaluates, saves and reloads a classifier (the README's code, run here on small generated images).
/// </summary>
public sealed class RecipeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Dataset Csv(string name, params string[] targets) =>
        CsvLoader.Load(TestData.Path("csv", name), new CsvOptions { TargetColumns = targets });

    [Fact]
    public void Defaults_come_from_the_data_and_are_listed()
    {
        var flowers = Csv("flowers.csv", "species"); // 90 rows, 3 classes
        var (recipe, chosen) = new Recipe().Resolve(flowers);
        Assert.Equal(Activation.Softmax, recipe.Output);
        Assert.Equal(LossKind.CrossEntropy, recipe.Loss);
        Assert.Equal(Optimizer.Adam, recipe.Optimizer);
        Assert.Equal(0.001, recipe.Alpha);
        Assert.Equal(Batching.MiniBatch(32), recipe.Batch);
        Assert.Equal(334, recipe.Epochs); // 3 updates an epoch: 334 epochs give at least 1000 updates
        Assert.Equal(Initializer.He, recipe.Init);
        Assert.True(recipe.Bias);
        Assert.Equal(NormalizationKind.Standard, recipe.Normalize);
        Assert.Equal(Precision.F32, recipe.Precision);
        Assert.Contains("bias true", chosen);
        Assert.Contains("epochs 334", chosen);
        Assert.Contains("alpha 0.001", chosen);
        Assert.DoesNotContain(new Recipe { Alpha = 0.1 }.Resolve(flowers).Chosen, c => c.StartsWith("alpha", StringComparison.Ordinal)); // given, not chosen

        var numbers = Csv("streetlights.csv", "walk"); // 0/1 target, asked to be numbers: regression
        var (regression, _) = new Recipe { Activation = Activation.Tanh, Optimizer = Optimizer.Sgd, Task = TaskKind.Regression }.Resolve(numbers);
        Assert.Equal((LossKind.Mse, Activation.Identity), (regression.Loss, regression.Output));
        Assert.Equal(Initializer.Xavier, regression.Init);
        Assert.Equal(0.01, regression.Alpha);
        Assert.Equal(Batching.Full, regression.Batch); // fewer than 32 rows
    }

    [Theory]
    [InlineData("loss")]
    [InlineData("output-loss")]
    [InlineData("batch")]
    [InlineData("dropout")]
    public void A_setting_that_does_not_fit_names_itself(string what)
    {
        var numbers = Csv("streetlights.csv", "walk");
        var recipe = what switch
        {
            "loss" => new Recipe { Loss = (LossKind)99 },   // a loss no name reads as (a cast from an int)
            "output-loss" => new Recipe { Loss = LossKind.CrossEntropy, Output = Activation.Identity },
            "batch" => new Recipe { Batch = Batching.MiniBatch(100) },
            _ => new Recipe { Dropout = 1.5 },
        };
        var e = Assert.Throws<RecipeException>(() => recipe.Resolve(numbers));
        Assert.Equal(what == "output-loss" ? "loss" : what, e.Setting);
    }

    [Fact]
    public void Validation_targets_that_are_not_probabilities_are_refused_before_training()
    {
        var x = Matrix.Array(new double[,] { { 0 }, { 1 } });
        var train = new Dataset(x, Matrix.Array(new double[,] { { 0.5, 0.5 }, { 1, 0 } }), ["x"], ["a", "b"], null, "train.csv");
        var validation = new Dataset(x, Matrix.Array(new double[,] { { 0.7, 0.7 }, { 1, 0 } }), ["x"], ["a", "b"], null, "valid.csv");
        var e = Assert.Throws<DataException>(() => new Recipe { Loss = LossKind.CrossEntropy, Epochs = 1 }.Fit(train, new FitOptions { Validation = validation }));
        Assert.Contains("valid.csv", e.Message);
        Assert.Contains("target row 1 sums to 1.4", e.Message);
    }

    [Fact]
    public void The_notes_preset_reproduces_the_notes_error()
    {
        // The notes' "Backpropagation in code": after 60 iterations the error printed is 1.5055622665134859e-05.
        var streetlights = Csv("streetlights.csv", "walk");
        var trained = (Recipe.Notes with { Hidden = [4], Alpha = 0.2, Epochs = 60 }).Fit(streetlights);
        Assert.Equal(1.5055622665134859e-05, trained.History.Epochs[^1].TotalLoss);
        Assert.False(trained.Model.Spec.Bias);
        Assert.Equal(LossKind.Sse, trained.Model.Loss);
        Assert.Equal(Precision.F64, trained.Model.Precision);
    }

    // The README's "Use it from C#" code, with the folder and file names of this test. README.md must hold these
    // lines verbatim (but for the folder), so the README's code is the code that runs here.
    private const string ReadmeCode = """
        var (train, test) = IdxLoader.LoadFolder("/usr/share/datasets/fashion-mnist");
        var trained = new Recipe { Hidden = [128], Epochs = 5 }.Fit(train);   // softmax, cross-entropy, Adam, He, biases: chosen from the data
        Console.WriteLine($"test accuracy {trained.Model.Evaluate(test).Accuracy:P2}");
        trained.Model.Save("fashion.model");
        var model = Model.Load("fashion.model");                               // the same network, ready to Predict
        """;

    [Fact]
    public void The_readme_trains_evaluates_saves_and_reloads_a_classifier_in_a_few_lines()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        Assert.Contains(ReadmeCode.Replace("\r", ""), readme.Replace("\r", ""));

        string folder = WriteImages(_temp.Path);
        string modelPath = _temp.File("fashion.model");
        var output = new StringWriter();

        // The README's lines, with this test's folder and model file.
        var (train, test) = IdxLoader.LoadFolder(folder);
        var trained = new Recipe { Hidden = [128], Epochs = 5 }.Fit(train);   // softmax, cross-entropy, Adam, He, biases: chosen from the data
        output.WriteLine($"test accuracy {trained.Model.Evaluate(test).Accuracy:P2}");
        trained.Model.Save(modelPath);
        var model = Model.Load(modelPath);                                     // the same network, ready to Predict

        Assert.Equal(trained.Model, model);
        Assert.Contains("softmax", Vocabulary.Name(model.Spec.OutputActivation));
        Assert.True(trained.Model.Evaluate(test).Accuracy > 0.9, output.ToString()); // the generated classes are easy
        var p = model.Predict(test).Outputs;
        Assert.Equal((test.Count, train.ClassNames!.Count), (p.Rows, p.Columns));
        for (int r = 0; r < p.Rows; r++) Assert.Equal(1.0, p.RowSpan(r).ToArray().Sum(), 5); // softmax probabilities
    }

    // 6x6 images of three classes, each bright in its own third of the image, with noise: train (300) and t10k (60).
    private static string WriteImages(string folder)
    {
        var random = new NumpyRandom(8);
        foreach (var (prefix, count) in new[] { ("train", 300), ("t10k", 60) })
        {
            var pixels = new byte[count * 36];
            var labels = new byte[count];
            for (int i = 0; i < count; i++)
            {
                labels[i] = (byte)(i % 3);
                for (int p = 0; p < 36; p++)
                    pixels[i * 36 + p] = (byte)((p / 12 == labels[i] ? 150 : 0) + random.RandInt(100));
            }
            File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), [.. Header(0x803, count, 6, 6), .. pixels]);
            File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), [.. Header(0x801, count), .. labels]);
        }
        return folder;
    }

    private static byte[] Header(params int[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (with Backprop.slnx) was not found above the test assembly.");
    }
}
