using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary><see cref="Summation.NumpySeparate"/>: c + (a·b), two roundings.</summary>
// Every Apply is marked for inlining: a loop with many call sites can exhaust the JIT's inlining budget, and a
// call per multiply-add was a tenth of the time of the notes' 3-4-1 network.
internal struct Separate : IMulAdd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Apply<T>(T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T> => c + a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Apply<T>(Vector<T> a, Vector<T> b, Vector<T> c) where T : unmanaged, IFloatingPointIeee754<T> => c + a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Apply<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged, IFloatingPointIeee754<T> => c + a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : unmanaged, IFloatingPointIeee754<T> => c + a * b;
}
