using Backprop.Data;

namespace Backprop.Tests;

/// <summary>Images keep their bytes: every precision, subset and split sees the same values, byte / 255.</summary>
public sealed class ImageDatasetTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private Dataset Load()
    {
        static byte[] BigEndian(params int[] v) => v.SelectMany(x => new[] { (byte)(x >> 24), (byte)(x >> 16), (byte)(x >> 8), (byte)x }).ToArray();
        byte[] pixels = Enumerable.Range(0, 5 * 2 * 3).Select(i => (byte)(i * 8 + 1)).ToArray();
        string images = _temp.Write("train-images-idx3-ubyte", [.. BigEndian(0x803, 5, 2, 3), .. pixels]);
        _temp.Write("train-labels-idx1-ubyte", [.. BigEndian(0x801, 5), 3, 1, 4, 1, 5]);
        return IdxLoader.LoadPair(images);
    }

    [Fact]
    public void Every_view_of_the_pixels_is_byte_over_255()
    {
        var data = Load();
        Assert.Equal(5, data.Count);
        Assert.Equal(6, data.FeatureNames.Count);
        for (int r = 0; r < 5; r++)
            for (int c = 0; c < 6; c++)
            {
                int b = (r * 6 + c) * 8 + 1;
                Assert.Equal(b / 255.0, data.Features[r, c]);
                Assert.Equal((float)(b / 255.0), data.FeaturesAs<float>()[r, c]);
                Assert.Equal(b / 255.0, data.FeaturesAs<double>()[r, c]);
            }
    }

    [Fact]
    public void Take_and_split_keep_pixels_and_labels_together()
    {
        var data = Load();
        var taken = data.Take([4, 0]);
        Assert.Equal(data.Features.RowSpan(4).ToArray(), taken.Features.RowSpan(0).ToArray());
        Assert.Equal(data.Features.RowSpan(0).ToArray(), taken.FeaturesAs<double>().RowSpan(1).ToArray());
        Assert.Equal([5, 3], taken.Labels()!);
        var (first, second) = data.Split(0.4, SplitKind.Last);
        Assert.Equal(3, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Equal(data.Features.RowSpan(3).ToArray(), second.Features.RowSpan(0).ToArray());
        Assert.Equal([1, 5], second.Labels()!);
    }

    [Fact]
    public void Normalizing_a_dataset_scales_its_values_in_the_precision_asked_for()
    {
        var data = Load();
        var n = Normalization.Fit(NormalizationKind.Minmax, data.Features);
        var scaled = n.Apply<double>(data);
        Assert.Equal(0.0, scaled[0, 0]); // the smallest value of column 0 maps to 0
        Assert.Equal(1.0, scaled[4, 0]); // and the largest to 1
        Assert.Equal(n.Apply<double>(data.Features).Span.ToArray(), scaled.Span.ToArray()); // the same as from the float64 matrix
        var none = Normalization.Fit(NormalizationKind.None, data.FeaturesAs<float>());
        Assert.Equal(data.FeaturesAs<float>().Span.ToArray(), none.Apply<float>(data).Span.ToArray());
    }
}
