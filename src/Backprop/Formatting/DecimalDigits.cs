namespace Backprop.Formatting;

/// <summary>Decimal digits of a float: value = 0.d1d2d3... scaled so that d1 sits at 10^<see cref="Exp"/>.</summary>
/// <remarks>Zero is Digits "0", Exp 0. Digits may carry trailing zeros when rounding produced them.</remarks>
internal readonly record struct DecimalDigits(string Digits, int Exp);
