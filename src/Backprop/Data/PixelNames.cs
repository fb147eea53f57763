using System.Collections;

namespace Backprop.Data;

/// <summary>
/// The feature names of an image: pixel0, pixel1, ... made when read rather than stored, so that an image of
/// 10000x10000 pixels does not hold a hundred million strings (about 6 GiB) just to name its inputs.
/// </summary>
internal sealed class PixelNames(int count) : IReadOnlyList<string>
{
    public int Count { get; } = count >= 0 ? count : throw new ArgumentOutOfRangeException(nameof(count));

    public string this[int index] =>
        (uint)index < (uint)Count ? "pixel" + index.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : throw new ArgumentOutOfRangeException(nameof(index), $"Pixel {index} is outside an image of {Count} pixels.");

    public IEnumerator<string> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
