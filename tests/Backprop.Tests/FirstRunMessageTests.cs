using System.Globalization;
using System.Text;
using Backprop.Data;

namespace Backprop.Tests;

/// <summary>
/// Issue 24, item 3: every message names the flag or value that caused it and, where there is one, the flag that
/// fixes it; and a space-separated file (scikit-learn's linnerud) is read, not taken as one column.
/// </summary>
public sealed class FirstRunMessageTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Flowers => TestData.Path("csv", "flowers.csv");

    private static string OneLine((int Code, string Out, string Err) run)
    {
        Assert.True(run.Code == 2, $"exit code {run.Code}; stderr: {run.Err}; stdout: {run.Out}");
        Assert.Single(run.Err.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", run.Err);
        return run.Err.TrimEnd('\n');
    }

    [Fact]
    public void A_missing_cell_names_the_flag_that_handles_it()
    {
        string file = _temp.Write("holes.csv", "a,b,y\n1,2,3\n,4,5\n6,7,8\n");
        Assert.Equal($"backprop: {file}:3:1: empty cell in column 'a'; expected a number; --missing drop leaves such rows out, --missing mean or median fills them",
            OneLine(CliTests.Run("train", file, "--target", "y")));
        string target = _temp.Write("target.csv", "a,b,y\n1,2,3\n3,4,NA\n");
        Assert.Equal($"backprop: {target}:3:3: 'NA' in target column 'y' marks a missing value; expected a number; --missing drop leaves such rows out",
            OneLine(CliTests.Run("train", target, "--target", "y")));
    }

    [Fact]
    public void A_batch_larger_than_the_data_is_blamed_on_batch_not_on_layers()
    {
        Assert.Equal("backprop: --batch: 2000000000 is larger than the 90 training examples.",
            OneLine(CliTests.Run("train", Flowers, "--target", "species", "--batch", "2000000000")));
        // A batch that fits the data but not the memory: 200,000 rows of 40,000 units, 8 values of 4 bytes a unit and
        // row for values and deltas (Recipe.CheckSize), is about 238 GiB, far above this machine; the weights are a few MiB.
        var rows = 200_000;
        var data = new Dataset(new Matrix<double>(rows, 1), new Matrix<double>(rows, 1), ["x"], ["y"], null, "code");
        var e = Assert.Throws<RecipeException>(() => new Recipe { Hidden = [40_000], Batch = Batching.Full }.Resolve(data));
        Assert.Equal("batch", e.Setting);
        Assert.StartsWith("a batch of 200,000 examples needs about 238.4 GiB for its layers' values and deltas (up to 40,000 a row)", e.Message);
        var wide = Assert.Throws<RecipeException>(() => new Recipe { Hidden = [40_000, 40_000], Batch = Batching.MiniBatch(1) }.Resolve(data));
        Assert.Equal("layers", wide.Setting);   // 1.6 billion weights: the layers, whatever the batch
    }

    [Theory]
    [InlineData("--epochs", "99999999999", "--epochs: '99999999999' is too large; at most 2147483647.")]
    [InlineData("--epochs", "0", "--epochs: '0' must be a whole number of at least 1.")]
    [InlineData("--checkpoint-every", "99999999999", "--checkpoint-every: '99999999999' is too large; at most 2147483647.")]
    public void A_number_too_large_says_so(string flag, string value, string message)
    {
        string[] checkpoint = flag == "--checkpoint-every" ? ["--checkpoint", _temp.File("c.ckpt")] : [];
        Assert.Equal($"backprop: {message}", OneLine(CliTests.Run(["train", Flowers, "--target", "species", flag, value, .. checkpoint])));
    }

    [Fact]
    public void Backprops_own_files_given_as_data_are_named_with_where_they_go()
    {
        string model = _temp.File("m.model"), checkpoint = _temp.File("c.ckpt"), npz = _temp.File("w.npz"), onnx = _temp.File("w.onnx");
        Assert.Equal(0, CliTests.Run("train", Flowers, "--target", "species", "--epochs", "2", "--quiet", "--save", model, "--checkpoint", checkpoint).Code);
        Assert.Equal(0, CliTests.Run("export", model, npz).Code);
        Assert.Equal(0, CliTests.Run("export", model, onnx).Code);
        Assert.Equal($"backprop: {model}: is a Backprop model file, not data; a model goes before the data: backprop evaluate MODEL DATA, backprop predict MODEL DATA (or train --init-from MODEL)",
            OneLine(CliTests.Run("train", model, "--target", "species")));
        Assert.Equal($"backprop: {checkpoint}: is a Backprop checkpoint, not data; train --resume CHECKPOINT continues the run it holds",
            OneLine(CliTests.Run("train", checkpoint, "--target", "species")));
        Assert.Contains("is a zip archive (a numpy .npz?), not a CSV file", OneLine(CliTests.Run("train", npz, "--target", "species")));
        Assert.Contains("is an ONNX model, not data; import it with backprop import FILE.onnx --save MODEL", OneLine(CliTests.Run("train", onnx, "--target", "species")));
        Assert.Contains($"{model}: is a Backprop model file, not data", OneLine(CliTests.Run("evaluate", model, model)));
    }

    [Fact]
    public void Resume_takes_the_target_columns_from_the_checkpoint()
    {
        string checkpoint = _temp.File("c.ckpt");
        Assert.Equal(0, CliTests.Run("train", Flowers, "--target", "species", "--epochs", "2", "--quiet", "--checkpoint", checkpoint).Code);
        var (code, output, err) = CliTests.Run("train", Flowers, "--resume", checkpoint, "--epochs", "3");
        Assert.True(code == 0, err);
        Assert.Contains("3 classes", output);
        Assert.Contains("epoch 3/3", output);
        Assert.Equal($"backprop: --target width conflicts with the checkpoint {checkpoint}, made with --target species; --resume takes the target columns from the checkpoint (leave --target out)",
            OneLine(CliTests.Run("train", Flowers, "--resume", checkpoint, "--target", "width")));
        Assert.Equal($"backprop: --task regression conflicts with the checkpoint {checkpoint}, made with --task classification; --resume takes the training flags from the checkpoint (leave --task out)",
            OneLine(CliTests.Run("train", Flowers, "--resume", checkpoint, "--task", "regression")));
    }

    [Fact]
    public void A_space_separated_file_is_read_with_runs_of_spaces_as_one_delimiter()
    {
        // scikit-learn's linnerud_exercise.csv (first rows): names and values separated by one space.
        string linnerud = _temp.Write("linnerud.csv", "Chins Situps Jumps\n5 162 60\n2 110 60\n12 101 101\n12 105 37\n13 155 58\n");
        var data = CsvLoader.Load(linnerud, new CsvOptions { TargetColumns = ["Jumps"] });
        Assert.Equal(' ', data.Delimiter);
        Assert.True(data.DelimiterDetected);
        Assert.Equal(["Chins", "Situps"], data.FeatureNames);
        Assert.Equal([12.0, 101], data.Features.RowSpan(2).ToArray());
        // Aligned columns (runs of spaces, spaces at the ends), a blank line, and NA for a missing cell.
        string aligned = _temp.Write("aligned.txt", "  a     b    y\n  1.5   2    3\n\n 10    NA    6 \n  7     8    9\n");
        var read = CsvLoader.Load(aligned, new CsvOptions { TargetColumns = ["y"], Missing = "drop" });
        Assert.Equal((2, 1), (read.Count, read.DroppedRows));
        Assert.Equal([1.5, 2, 7, 8], read.Features.Span.ToArray());
        var (code, output, err) = CliTests.Run("train", linnerud, "--target", "Jumps", "--epochs", "1");
        Assert.True(code == 0, err);
        Assert.Contains("delimiter space (detected)", output);
        Assert.Contains("5 training examples, 2 inputs", output);
        string given = _temp.Write("given.csv", "a b y\n1 2 3\n4 5 6\n");
        Assert.Equal(' ', CsvLoader.Load(given, new CsvOptions { TargetColumns = ["y"], Delimiter = ' ' }).Delimiter);
        Assert.Equal(0, CliTests.Run("train", given, "--target", "y", "--delimiter", "space", "--epochs", "1", "--quiet").Code);
    }

    [Theory]
    [InlineData("Chins Situps Jumps\n", ' ')]      // names separated by spaces, no other delimiter
    [InlineData("my target\n", ' ')]
    [InlineData("a b,c\n", ',')]                  // a comma: names may hold spaces
    [InlineData("\"a b\"\n", ',')]                // a space inside quotes separates nothing
    [InlineData("  abc  \n", ',')]                // spaces at the ends only
    public void A_space_is_the_delimiter_only_when_no_other_appears_and_spaces_separate_names(string header, char expected) =>
        Assert.Equal(expected, CsvRecordReader.Sniff(header));

    [Theory]
    [InlineData(0.0907, 0.0907, "0.0907", "0.0907")]      // equal: the rule never shows them, but they stay as they are
    [InlineData(0.09071, 0.09074, "0.09071", "0.09074")]
    [InlineData(0.5, 0.6, "0.5000", "0.6000")]
    [InlineData(0.123456781, 0.123456789, "0.12345678", "0.12345679")]   // 8 decimals tell them apart
    public void Two_losses_that_differ_are_shown_with_the_digits_that_tell_them_apart(double a, double b, string x, string y)
    {
        var (shownA, shownB) = Backprop.Cli.TrainingView.Apart(a, b);
        if (a == b) Assert.Equal((a.ToString("R", CultureInfo.InvariantCulture), b.ToString("R", CultureInfo.InvariantCulture)), (shownA, shownB));
        else Assert.Equal((x, y), (shownA, shownB));
    }
}
