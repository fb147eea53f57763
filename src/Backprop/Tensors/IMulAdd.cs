using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>One step of a sum, c + a·b, rounded as a <see cref="Summation"/> mode says; a struct so the JIT inlines it.</summary>
internal interface IMulAdd
{
    static abstract T Apply<T>(T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T>;

    static abstract Vector<T> Apply<T>(Vector<T> a, Vector<T> b, Vector<T> c) where T : unmanaged, IFloatingPointIeee754<T>;

    static abstract Vector256<T> Apply<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged, IFloatingPointIeee754<T>;

    static abstract Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : unmanaged, IFloatingPointIeee754<T>;
}
