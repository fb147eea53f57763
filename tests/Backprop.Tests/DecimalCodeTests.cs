using System.Globalization;
using Backprop.Data;

namespace Backprop.Tests;

/// <summary>
/// Decimal codes (<see cref="DecimalCode"/>): a short decimal in four bytes that decodes to the float64 the parser
/// gave for its text, to the bit. Expected values are the parser's own (double.Parse, correctly rounded).
/// </summary>
public sealed class DecimalCodeTests
{
    private static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);

    [Theory]
    [InlineData("5.1")]
    [InlineData("-0.125")]
    [InlineData("12345.67")]
    [InlineData("0.000123")]
    [InlineData("134217727")]            // the largest whole number a code holds (2^27 - 1)
    [InlineData("-134217727")]
    [InlineData("0.00000000000001")]     // 14 digits after the point
    [InlineData("1.3421772")]
    [InlineData("0")]
    [InlineData("255")]
    [InlineData("0.000000954")]          // 954 · 10^-9
    public void A_short_decimal_comes_back_as_parsed(string text)
    {
        double parsed = double.Parse(text, CultureInfo.InvariantCulture);
        Assert.True(DecimalCode.TryEncode(parsed, out int code));
        Assert.Equal(Bits(parsed), Bits(DecimalCode.Decode(code)));
    }

    [Theory]
    [InlineData("-0")]                   // comes back as +0
    [InlineData("134217728")]            // 2^27: too large
    [InlineData("0.1234567891")]         // ten significant digits
    [InlineData("1e-20")]                // more digits after the point than a code holds
    [InlineData("1e300")]
    [InlineData("9.5367431640625E-07")]  // 2^-20, exact in float32, but 20 digits after the point
    public void A_value_without_a_short_decimal_has_no_code(string text) =>
        Assert.False(DecimalCode.TryEncode(double.Parse(text, CultureInfo.InvariantCulture), out _));

    [Fact]
    public void Infinities_have_no_code() =>
        Assert.False(DecimalCode.TryEncode(double.PositiveInfinity, out _) || DecimalCode.TryEncode(double.NegativeInfinity, out _));

    [Fact]
    public void A_missing_cell_is_its_own_code_and_decodes_as_NaN()
    {
        Assert.True(DecimalCode.TryEncode(double.NaN, out int code));
        Assert.Equal(DecimalCode.Missing, code);
        Assert.Equal(Bits(double.NaN), Bits(DecimalCode.Decode(code)));
    }

    [Fact]
    public void Random_decimals_of_up_to_eight_digits_come_back_as_parsed_whatever_digits_are_tried_first()
    {
        var rng = new Random(28);
        for (int i = 0; i < 200_000; i++)
        {
            int digits = rng.Next(0, 9);
            long whole = rng.NextInt64(-99_999_999, 100_000_000);
            string text = (whole / Math.Pow(10, digits)).ToString("F" + digits, CultureInfo.InvariantCulture);
            double parsed = double.Parse(text, CultureInfo.InvariantCulture);
            int hint = rng.Next(-1, 16);
            bool encoded = DecimalCode.TryEncode(parsed, out int code, ref hint);
            // Eight significant digits always fit (below 2^27 once the point is moved); -0 never does.
            if (Bits(parsed) == Bits(-0.0)) { Assert.False(encoded, text); continue; }
            Assert.True(encoded, text);
            Assert.Equal(Bits(parsed), Bits(DecimalCode.Decode(code)));
            Assert.Equal(code & 15, hint);
        }
    }
}
