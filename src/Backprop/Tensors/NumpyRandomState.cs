namespace Backprop.Tensors;

/// <summary>
/// Where a <see cref="NumpyRandom"/> stream stands, as numpy's <c>RandomState.get_state()</c> gives it:
/// the Mersenne Twister's 624 words of state, the index of the next word, and the spare normal number the
/// polar method keeps. <see cref="NumpyRandom.SetState"/> on another stream makes it draw the same numbers next.
/// </summary>
/// <param name="Key">The 624 words of MT19937 state (numpy's <c>state[1]</c>).</param>
/// <param name="Position">The index of the next word, 0 to 624 (624: the words are regenerated first; numpy's <c>state[2]</c>).</param>
/// <param name="HasGauss">Whether a spare normal is kept (numpy's <c>state[3]</c>).</param>
/// <param name="Gauss">The spare normal, or 0 (numpy's <c>state[4]</c>).</param>
internal sealed record NumpyRandomState(uint[] Key, int Position, bool HasGauss, double Gauss)
{
    /// <summary>The number of words in <see cref="Key"/>.</summary>
    public const int KeyLength = 624;

    /// <summary>Two states are equal when every field is; the key word by word, the spare normal bit for bit.</summary>
    public bool Equals(NumpyRandomState? other) =>
        other is not null && Key.AsSpan().SequenceEqual(other.Key) && Position == other.Position && HasGauss == other.HasGauss
        && BitConverter.DoubleToInt64Bits(Gauss) == BitConverter.DoubleToInt64Bits(other.Gauss);

    /// <summary>A hash consistent with <see cref="Equals(NumpyRandomState?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Key.Length > 0 ? Key[0] : 0, Position, HasGauss, Gauss);
}
