using Backprop.Data;

namespace Backprop.Tests;

/// <summary>
/// Image rows read straight from their bytes (Dataset.RowsAs) against the float matrix the same dataset gives
/// (FeaturesAs, then Normalization.ApplyInPlace): the same values to the last bit, so training, normalization and
/// evaluation come out the same whichever is used.
/// </summary>
public sealed class PixelRowsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // 300 images of 40 pixels whose bytes take every value 0..255, and labels 0..9.
    private Dataset Load()
    {
        static byte[] BigEndian(params int[] v) => v.SelectMany(x => new[] { (byte)(x >> 24), (byte)(x >> 16), (byte)(x >> 8), (byte)x }).ToArray();
        const int count = 300, rows = 5, columns = 8;
        var random = new NumpyRandom(11);
        byte[] pixels = Enumerable.Range(0, count * rows * columns).Select(i => i < 256 ? (byte)i : (byte)random.RandInt(0, 256)).ToArray();
        byte[] labels = Enumerable.Range(0, count).Select(i => (byte)(i * 7 % 10)).ToArray();
        string images = _temp.Write("train-images-idx3-ubyte", [.. BigEndian(0x803, count, rows, columns), .. pixels]);
        _temp.Write("train-labels-idx1-ubyte", [.. BigEndian(0x801, count), .. labels]);
        return IdxLoader.LoadPair(images);
    }

    private static T[] AllRows<T>(IRowSource<T> source) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var all = new T[source.Rows * source.Columns];
        for (int r = 0; r < source.Rows; r++) source.CopyRow(r, all.AsSpan(r * source.Columns, source.Columns));
        return all;
    }

    public static TheoryData<string> Kinds() => ["none", "minmax", "standard"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Rows_from_bytes_equal_the_scaled_float_matrix(string kind)
    {
        var data = Load();
        Check<float>(data, kind);
        Check<double>(data, kind);

        static void Check<T>(Dataset data, string kind) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var matrix = data.FeaturesAs<T>();
            var normalization = Normalization.Fit(Vocabulary.Parse<NormalizationKind>(kind), matrix);
            normalization.ApplyInPlace(matrix);
            var rows = data.RowsAs<T>(normalization);
            Assert.IsNotType<Matrix<T>>(rows); // images stay bytes
            Assert.Equal((matrix.Rows, matrix.Columns), (rows.Rows, rows.Columns));
            Assert.Equal(matrix.Span.ToArray(), AllRows(rows));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Normalization_fitted_on_byte_rows_equals_the_one_fitted_on_the_matrix(string kind)
    {
        var data = Load();
        var fromMatrix = Normalization.Fit(Vocabulary.Parse<NormalizationKind>(kind), data.FeaturesAs<float>());
        var fromRows = Normalization.Fit(Vocabulary.Parse<NormalizationKind>(kind), data.RowsAs<float>());
        Assert.Equal(fromMatrix.Offset, fromRows.Offset);
        Assert.Equal(fromMatrix.Scale, fromRows.Scale);
        // and the same as the longhand definition, column by column in row order (standard: population std)
        if (kind == "standard")
        {
            var x = data.Features;
            double mean = 0;
            for (int r = 0; r < x.Rows; r++) mean += (double)(float)x[r, 3];
            mean /= x.Rows;
            Assert.Equal(mean, fromRows.Offset[3]);
        }
    }

    [Fact]
    public void Training_and_evaluating_from_byte_rows_gives_the_same_network()
    {
        var data = Load();
        var y = data.Targets.Cast<float>();
        {
            var normalization = Normalization.Fit(NormalizationKind.Standard, data.RowsAs<float>());
            var matrix = data.FeaturesAs<float>();
            normalization.ApplyInPlace(matrix);
            (float[] Weights, double Loss, double Accuracy) Train(IRowSource<float> x)
            {
                var network = new NetworkSpec(40, [16], 10) { OutputActivation = Activation.Softmax, Bias = true, Compute = new Compute { Threads = 2 } }.Build<float>(new NumpyRandom(3));
                var trainer = new Trainer<float>(network, new CrossEntropy<float>(), new Sgd<float>(0.1f))
                {
                    Batching = Batching.MiniBatch(32),
                    ShuffleWith = new NumpyRandom(4),
                };
                trainer.Fit(x, y, 3, validation: (x, y));
                var (loss, accuracy) = trainer.Evaluate(x, y);
                return ([.. network.Parameters.SelectMany(p => p.Value.Span.ToArray())], loss, accuracy);
            }
            var fromMatrix = Train(matrix);
            var fromRows = Train(data.RowsAs<float>(normalization));
            Assert.Equal(fromMatrix.Weights, fromRows.Weights);
            Assert.Equal(fromMatrix.Loss, fromRows.Loss);
            Assert.Equal(fromMatrix.Accuracy, fromRows.Accuracy);
        }

    }

    [Fact]
    public void A_row_outside_the_images_or_a_short_destination_is_refused()
    {
        var rows = Load().RowsAs<float>();
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.CopyRow(300, new float[40]));
        Assert.Throws<ArgumentException>(() => rows.CopyRow(0, new float[39]));
    }
}
