namespace Backprop.Tests;

/// <summary>Softmax leaves no subnormal probability behind: below 2^-100 a probability is 0.</summary>
public class SoftmaxTests
{
    [Fact]
    public void Probabilities_below_two_to_the_minus_100_are_zero_and_the_rest_are_e_to_the_x_over_the_sum()
    {
        // Row 1: e^-60 / (1 + e^-60) = 8.75651076269652e-27 stays (above 2^-100 = 7.9e-31); e^-80 = 1.8e-35 and e^-120 = 7.7e-53
        // (subnormal or zero in float32) become 0. Expected values by hand: 1 / (1 + e^-60 + ...) rounds to 1.
        var x = Matrix.Array(new double[,] { { 0, -60, -80, -120 }, { 1, 2, 3, 4 } }).Cast<float>();
        var p = new Softmax<float>().Forward(x, training: true);
        Assert.Equal(1f, p[0, 0]);
        Assert.Equal((float)Math.Exp(-60), p[0, 1], 1e-33f);
        Assert.Equal(0f, p[0, 2]);
        Assert.Equal(0f, p[0, 3]);
        Assert.DoesNotContain(p.Span.ToArray(), float.IsSubnormal);
        // An ordinary row is untouched: e^(x - 4) / Σ, as numpy's scipy.special.softmax([1, 2, 3, 4]) gives
        // [0.0320586, 0.08714432, 0.23688282, 0.64391426].
        float[] expected = [0.0320586f, 0.08714432f, 0.23688282f, 0.64391426f];
        for (int c = 0; c < 4; c++) Assert.Equal(expected[c], p[1, c], 1e-6f);
    }
}
