using Backprop.Data;

namespace Backprop.Tests;

/// <summary>Dataset: shape checks, splitting off the last rows, taking rows, and class labels.</summary>
public class DatasetTests
{
    /// <summary>n rows: features (r, 10r), one-hot class r % 3 of classes a, b, c.</summary>
    private static Dataset Classes(int n)
    {
        var x = new Matrix<double>(n, 2);
        var y = new Matrix<double>(n, 3);
        for (int r = 0; r < n; r++)
        {
            x[r, 0] = r;
            x[r, 1] = 10 * r;
            y[r, r % 3] = 1;
        }
        return new Dataset(x, y, ["f0", "f1"], ["class"], ["a", "b", "c"], "file.csv");
    }

    private static double[] Column0(Dataset d) => Enumerable.Range(0, d.Count).Select(r => d.Features[r, 0]).ToArray();

    [Fact]
    public void Holds_what_it_was_given()
    {
        var d = Classes(4);
        Assert.Equal(4, d.Count);
        Assert.Equal(["f0", "f1"], d.FeatureNames);
        Assert.Equal(["class"], d.TargetNames);
        Assert.Equal(["a", "b", "c"], d.ClassNames);
        Assert.Equal("file.csv", d.Source);
        Assert.Equal([0, 1, 2, 0], d.Labels()!);
    }

    [Fact]
    public void Name_lists_are_copied()
    {
        string[] names = ["x"], targets = ["y"];
        var d = new Dataset(new Matrix<double>(1, 1), new Matrix<double>(1, 1), names, targets, null, "f");
        names[0] = "changed";
        targets[0] = "changed";
        Assert.Equal(["x"], d.FeatureNames);
        Assert.Equal(["y"], d.TargetNames);
    }

    [Fact]
    public void Constructor_checks_shapes()
    {
        var x = new Matrix<double>(3, 2);
        Assert.Contains("Features have 3 rows but targets have 2",
            Assert.Throws<ArgumentException>(() => new Dataset(x, new Matrix<double>(2, 1), ["a", "b"], ["y"], null, "f")).Message);
        Assert.Contains("2 columns but 1 feature names",
            Assert.Throws<ArgumentException>(() => new Dataset(x, new Matrix<double>(3, 1), ["a"], ["y"], null, "f")).Message);
        Assert.Contains("2 columns but 1 target names",
            Assert.Throws<ArgumentException>(() => new Dataset(x, new Matrix<double>(3, 2), ["a", "b"], ["y"], null, "f")).Message);
        Assert.Contains("3 columns but there are 2 class names",
            Assert.Throws<ArgumentException>(() => new Dataset(x, new Matrix<double>(3, 3), ["a", "b"], ["y"], ["p", "q"], "f")).Message);
        Assert.Contains("one target column, not 2",
            Assert.Throws<ArgumentException>(() => new Dataset(x, new Matrix<double>(3, 2), ["a", "b"], ["y", "z"], ["p", "q"], "f")).Message);
    }

    [Fact]
    public void Split_takes_the_last_fraction_of_rows_in_order()
    {
        var (first, second) = Classes(10).Split(0.2, SplitKind.Last);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], Column0(first));
        Assert.Equal([8, 9], Column0(second));
        Assert.Equal([80, 90], Enumerable.Range(0, 2).Select(r => second.Features[r, 1]));
        Assert.Equal([2, 0], second.Labels()!);
        Assert.Equal(["a", "b", "c"], second.ClassNames);
        Assert.Equal(["f0", "f1"], second.FeatureNames);
        Assert.Equal("file.csv", second.Source);
    }

    [Theory]
    [InlineData(3, 0.5, 1, 2)]   // 1.5 rows rounds up
    [InlineData(60000, 0.1, 54000, 6000)]
    [InlineData(7, 0.3, 5, 2)]   // 2.1 rounds down
    [InlineData(2, 0.5, 1, 1)]
    public void Split_rounds_to_the_nearest_row(int n, double fraction, int firstCount, int secondCount)
    {
        var (first, second) = Classes(n).Split(fraction, SplitKind.Last);
        Assert.Equal((firstCount, secondCount), (first.Count, second.Count));
        Assert.Equal(firstCount, second.Features[0, 0]);
        (first, second) = Classes(n).Split(fraction);   // shuffled and stratified: the same counts
        Assert.Equal((firstCount, secondCount), (first.Count, second.Count));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.2)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Split_fraction_must_be_strictly_between_0_and_1(double fraction)
    {
        var e = Assert.Throws<ArgumentException>(() => Classes(10).Split(fraction));
        Assert.Contains("between 0 and 1", e.Message);
    }

    [Fact]
    public void Split_that_would_leave_a_part_empty()
    {
        var e = Assert.Throws<ArgumentException>(() => Classes(3).Split(0.1));
        Assert.StartsWith("Splitting 3 rows of file.csv at fraction 0.1 gives 3 and 0 rows; both parts need at least one row.", e.Message);
        var f = Assert.Throws<ArgumentException>(() => Classes(3).Split(0.9));
        Assert.StartsWith("Splitting 3 rows of file.csv at fraction 0.9 gives 0 and 3 rows", f.Message);
        Assert.Throws<ArgumentException>(() => Classes(1).Split(0.5));
    }

    [Fact]
    public void Take_picks_rows_in_the_given_order()
    {
        var d = Classes(5).Take([4, 0, 4, 2]);
        Assert.Equal(4, d.Count);
        Assert.Equal([4, 0, 4, 2], Column0(d));
        Assert.Equal([40, 0, 40, 20], Enumerable.Range(0, 4).Select(r => d.Features[r, 1]));
        Assert.Equal([1, 0, 1, 2], d.Labels()!);
        Assert.Equal(["a", "b", "c"], d.ClassNames);
    }

    [Fact]
    public void Take_copies_rows()
    {
        var source = Classes(2);
        var d = source.Take([1]);
        d.Features[0, 0] = 99;
        Assert.Equal(1, source.Features[1, 0]);
    }

    [Fact]
    public void Take_rejects_rows_out_of_range()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Classes(3).Take([0, 3]));
        Assert.Contains("Row 3 is outside a dataset of 3 rows", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Classes(3).Take([-1]));
    }

    [Fact]
    public void Labels_are_null_for_numeric_targets()
    {
        var d = new Dataset(new Matrix<double>(2, 1), new Matrix<double>(2, 2), ["x"], ["y1", "y2"], null, "f");
        Assert.Null(d.Labels()!);
        Assert.Null(d.ClassNames);
    }

    [Fact]
    public void Labels_are_the_argmax_of_each_row()
    {
        var y = new Matrix<double>(3, 3, [0.1, 0.7, 0.2, 0.5, 0.2, 0.3, 0, 0.4, 0.6]);
        var d = new Dataset(new Matrix<double>(3, 1), y, ["x"], ["y"], ["p", "q", "r"], "f");
        Assert.Equal([1, 0, 2], d.Labels()!);
    }
}
