using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>Each thread's packing buffers, allocated once (pinned, 64-byte aligned) and reused by every product after.</summary>
internal static unsafe class PackBuffers<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? _a, _b;
    [ThreadStatic] private static nint _aPtr, _bPtr;

    public static T* A(int length) => Get(ref _a, ref _aPtr, length);

    public static T* B(int length) => Get(ref _b, ref _bPtr, length);

    private static T* Get(ref T[]? array, ref nint pointer, int length)
    {
        int alignment = 64 / sizeof(T);
        if (array is null || array.Length < length + alignment)
        {
            array = GC.AllocateUninitializedArray<T>(length + alignment, pinned: true);
            nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            pointer = (start + 63) & ~(nint)63;
        }
        return (T*)pointer;
    }
}
