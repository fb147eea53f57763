using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Tensors;

/// <summary>
/// <see cref="ILanes{TV, T}"/> on one float or double: the scalar loop, and the whole of it when the runtime has no SIMD
/// (<c>DOTNET_EnableHWIntrinsic=0</c>). The fused multiply-add is <see cref="Math.FusedMultiplyAdd(double, double, double)"/>
/// (or MathF's), one rounding also where the C runtime computes it.
/// </summary>
internal readonly struct Lanes1<T> : ILanes<T, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool IsHardwareAccelerated => true;

    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(ref T source, nuint index) => Unsafe.Add(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, ref T destination, nuint index) => Unsafe.Add(ref destination, index) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Create(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromBits(long bits) =>
        typeof(T) == typeof(float) ? Unsafe.BitCast<int, T>((int)bits) : Unsafe.BitCast<long, T>(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T a, T b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Subtract(T a, T b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Multiply(T a, T b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Divide(T a, T b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FusedMultiplyAdd(T a, T b, T c) => T.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LessThan(T a, T b) => a < b ? FromBits(-1) : T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LessThanAll(T a, T b) => a < b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ConditionalSelect(T mask, T whenTrue, T whenFalse) =>
        Or(And(mask, whenTrue), And(Xor(mask, FromBits(-1)), whenFalse));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T And(T a, T b) => FromBits(Bits(a) & Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Or(T a, T b) => FromBits(Bits(a) | Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Xor(T a, T b) => FromBits(Bits(a) ^ Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AddBits(T a, T b) => FromBits(Bits(a) + Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SubtractBits(T a, T b) => FromBits(Bits(a) - Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ShiftLeftBits(T a, int count) => FromBits(Bits(a) << count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ShiftRightLogicalBits(T a, int count) =>
        typeof(T) == typeof(float) ? FromBits((uint)Bits(a) >> count) : FromBits((long)((ulong)Bits(a) >> count));

    // The bit pattern as a signed integer of the lane's size, widened to long (float: sign-extended int).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Bits(T a) => typeof(T) == typeof(float) ? Unsafe.BitCast<T, int>(a) : Unsafe.BitCast<T, long>(a);
}
