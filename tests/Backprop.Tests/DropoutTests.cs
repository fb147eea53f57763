namespace Backprop.Tests;

/// <summary>
/// Dropout draws its masks in bulk, yet exactly what the book's numpy calls draw: <c>randint(2, size)</c> for
/// p = 0.5 and <c>random_sample(size) &gt;= p</c> otherwise, element by element from the same stream (the scalar
/// NumpyRandom calls below are checked against numpy in NumpyRandomTests), leaving the stream where numpy would.
/// </summary>
public class DropoutTests
{
    [Theory]
    [InlineData(0.5, 3, 7, false)]       // shorter than a vector
    [InlineData(0.5, 64, 512, false)]    // 32768 words: many regenerations of the 624-word state, at every offset
    [InlineData(0.2, 64, 256, false)]    // two words an element
    [InlineData(0.3, 5, 131, false)]
    [InlineData(0.5, 3, 7, true)]        // float32 has its own vector paths
    [InlineData(0.5, 64, 512, true)]
    [InlineData(0.2, 64, 256, true)]
    [InlineData(0.3, 5, 131, true)]
    [InlineData(0.2, 7, 300, false)]     // 2100 values: two whole chunks of 1024 and part of a third
    [InlineData(0.5, 9, 250, true)]      // 2250 values, one word each
    public void Masks_are_the_numpy_draws_and_leave_the_stream_where_numpy_would(double p, int rows, int columns, bool float32)
    {
        if (float32) Check<float>(p, rows, columns);
        else Check<double>(p, rows, columns);
    }

    private static void Check<T>(double p, int rows, int columns) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var data = new NumpyRandom(11);
        var x = Matrix.Random<double>(data, rows, columns) - Matrix.Array(new[,] { { 0.5 } });
        // Both streams one draw in, so that the mask does not start at a block boundary of the generator's state.
        var stream = new NumpyRandom(5);
        var reference = new NumpyRandom(5);
        stream.RandomSample();
        reference.RandomSample();
        var layer = new Dropout<T>(p, stream);
        var xt = x.Cast<T>();

        for (int pass = 0; pass < 2; pass++) // the second mask continues the stream
        {
            var y = layer.Forward(xt, training: true).Copy();
            var delta = Matrix.Random<T>(data, rows, columns);
            var dx = layer.Backward(delta, needInputDelta: true)!;
            T scale = T.CreateChecked(1 / (1 - p));
            for (int i = 0; i < x.Length; i++)
            {
                bool keep = p == 0.5 ? reference.RandInt(2) == 1 : reference.RandomSample() >= p;
                T m = keep ? scale : T.Zero;
                Assert.Equal(xt.Span[i] * m, y.Span[i]);
                Assert.Equal(delta.Span[i] * m, dx.Span[i]);
            }
        }
        Assert.Equal(reference.RandomSample(), stream.RandomSample());
    }

    [Fact]
    public void At_evaluation_values_pass_untouched_and_nothing_is_drawn()
    {
        var random = new NumpyRandom(3);
        var layer = new Dropout<float>(0.5, random);
        var x = Matrix.Random<float>(new NumpyRandom(4), 4, 9);
        Assert.Same(x, layer.Forward(x, training: false));
        Assert.Equal(new NumpyRandom(3).RandomSample(), random.RandomSample());
    }
}
