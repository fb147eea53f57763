using System.Numerics;

namespace Backprop.Tensors;

/// <summary>
/// The operations of one register of <typeparamref name="T"/> lanes (<typeparamref name="TV"/> is Vector512, Vector256 or
/// Vector128 of T, or T itself for one lane), for kernels written once and run at every width. Each operation gives the
/// same bits at every width and on every processor: +, -, *, / and the fused multiply-add are single IEEE operations
/// (correctly rounded, also where the hardware lacks them and the runtime emulates them); comparisons, selects, bitwise
/// and integer operations on the bit patterns are exact.
/// </summary>
/// <remarks>
/// The integer operations treat each lane's bits as a signed integer of the same size (int for float, long for double),
/// wrapping on overflow. A mask is a lane of all ones (true) or all zeros (false), as the comparisons give.
/// </remarks>
internal interface ILanes<TV, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether this width runs in hardware here (for one lane, always).</summary>
    static abstract bool IsHardwareAccelerated { get; }

    /// <summary>Lanes in a register.</summary>
    static abstract int Count { get; }

    static abstract TV Load(ref T source, nuint index);
    static abstract void Store(TV value, ref T destination, nuint index);

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TV Create(T value);

    /// <summary>Every lane the float whose bit pattern is <paramref name="bits"/> (the low 32 bits for float).</summary>
    static abstract TV FromBits(long bits);

    static abstract TV Add(TV a, TV b);
    static abstract TV Subtract(TV a, TV b);
    static abstract TV Multiply(TV a, TV b);
    static abstract TV Divide(TV a, TV b);

    /// <summary>a * b + c with one rounding.</summary>
    static abstract TV FusedMultiplyAdd(TV a, TV b, TV c);

    /// <summary>A mask: a &lt; b (false where either is NaN).</summary>
    static abstract TV LessThan(TV a, TV b);

    /// <summary>Whether a &lt; b in every lane (false if any is NaN).</summary>
    static abstract bool LessThanAll(TV a, TV b);

    /// <summary>Where the mask's bits are set, those of <paramref name="whenTrue"/>; elsewhere those of <paramref name="whenFalse"/>.</summary>
    static abstract TV ConditionalSelect(TV mask, TV whenTrue, TV whenFalse);

    static abstract TV And(TV a, TV b);
    static abstract TV Or(TV a, TV b);
    static abstract TV Xor(TV a, TV b);

    /// <summary>The bit patterns added as integers.</summary>
    static abstract TV AddBits(TV a, TV b);

    /// <summary>The bit patterns subtracted as integers.</summary>
    static abstract TV SubtractBits(TV a, TV b);

    static abstract TV ShiftLeftBits(TV a, int count);
    static abstract TV ShiftRightLogicalBits(TV a, int count);
}
