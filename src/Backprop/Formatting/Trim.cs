namespace Backprop.Formatting;

/// <summary>How trailing zeros are trimmed; mirrors numpy's trim codes 'k', '.', '0', '-'.</summary>
internal enum Trim { Keep, Zeros, LeaveOneZero, DotAndZeros }
