using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>
/// Products whose result is at most one Vector512 wide (n ≤ 16 floats or 8 doubles), such as a hidden layer into
/// 10 classes: the packed kernel's tile is 4 vectors wide, so it would pad 10 columns to 64. Here each row of C is
/// one register: B is packed once per KC block into rows padded to one vector, and eight rows of C run side by side
/// (eight independent sums hide the multiply-add latency). A is read in place.
/// </summary>
/// <remarks>
/// The same sums in the same order as <see cref="SmallGemm"/> and <see cref="PackedGemm"/>: each c[i,j] starts
/// from +0 and adds a(i,p)·b(p,j) for p ascending, each step rounded as TMulAdd says; a later KC block reloads the
/// row from C and continues.
/// </remarks>
internal static unsafe class NarrowGemm
{
    private const int KC = 256, MR = 8;

    /// <summary>True when this kernel takes products of <paramref name="n"/> columns of <typeparamref name="T"/>.</summary>
    public static bool Takes<T>(int n) where T : unmanaged =>
        Vector512.IsHardwareAccelerated && (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && n <= Vector512<T>.Count;

    public static void Run<T, TMulAdd>(in Operands<T> o) where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        int w = Vector512<T>.Count, n = o.N;
        T* bPack = PackBuffers<T>.B(KC * w);
        T* row = stackalloc T[w];
        for (int pc = 0; pc < o.K; pc += KC)
        {
            int kc = Math.Min(KC, o.K - pc);
            PackB(o, pc, kc, bPack, w);
            bool first = pc == 0;
            int i = 0;
            for (; i + MR <= o.M; i += MR) Kernel8<T, TMulAdd>(o, i, pc, kc, bPack, first, row);
            for (; i < o.M; i++) Kernel1<T, TMulAdd>(o, i, pc, kc, bPack, first, row);
        }
    }

    // op(B)[pc..pc+kc, 0..n] into rows of one vector each, zero past column n.
    private static void PackB<T>(in Operands<T> o, int pc, int kc, T* dst, int w) where T : unmanaged
    {
        int n = o.N;
        for (int p = 0; p < kc; p++)
        {
            T* to = dst + p * w;
            if (o.TransB) for (int j = 0; j < n; j++) to[j] = o.PB[(long)j * o.K + pc + p];
            else new ReadOnlySpan<T>(o.PB + (long)(pc + p) * n, n).CopyTo(new Span<T>(to, n));
            new Span<T>(to + n, w - n).Clear();
        }
    }

    // Row i of C as one vector: +0 on the first KC block, else its first n values as stored so far.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> LoadRow<T>(in Operands<T> o, int i, bool first, T* row) where T : unmanaged
    {
        if (first) return Vector512<T>.Zero;
        T* c = o.PC + (long)i * o.N;
        for (int j = 0; j < o.N; j++) row[j] = c[j];
        return Vector512.Load(row);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T>(in Operands<T> o, int i, Vector512<T> sum, T* row) where T : unmanaged
    {
        sum.Store(row);
        T* c = o.PC + (long)i * o.N;
        for (int j = 0; j < o.N; j++) c[j] = row[j];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8<T, TMulAdd>(in Operands<T> o, int i, int pc, int kc, T* b, bool first, T* row)
        where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        int w = Vector512<T>.Count;
        var c0 = LoadRow(o, i, first, row); var c1 = LoadRow(o, i + 1, first, row);
        var c2 = LoadRow(o, i + 2, first, row); var c3 = LoadRow(o, i + 3, first, row);
        var c4 = LoadRow(o, i + 4, first, row); var c5 = LoadRow(o, i + 5, first, row);
        var c6 = LoadRow(o, i + 6, first, row); var c7 = LoadRow(o, i + 7, first, row);
        // a(i+r, pc+p) is at a + r*rowStep + p*pStep: a is (m,k), or (k,m) when transposed.
        long rowStep = o.TransA ? 1 : o.K, pStep = o.TransA ? o.M : 1;
        T* a = o.TransA ? o.PA + (long)pc * o.M + i : o.PA + (long)i * o.K + pc;
        for (int p = 0; p < kc; p++, a += pStep, b += w)
        {
            var bp = Vector512.Load(b);
            c0 = TMulAdd.Apply(Vector512.Create(a[0]), bp, c0);
            c1 = TMulAdd.Apply(Vector512.Create(a[rowStep]), bp, c1);
            c2 = TMulAdd.Apply(Vector512.Create(a[2 * rowStep]), bp, c2);
            c3 = TMulAdd.Apply(Vector512.Create(a[3 * rowStep]), bp, c3);
            c4 = TMulAdd.Apply(Vector512.Create(a[4 * rowStep]), bp, c4);
            c5 = TMulAdd.Apply(Vector512.Create(a[5 * rowStep]), bp, c5);
            c6 = TMulAdd.Apply(Vector512.Create(a[6 * rowStep]), bp, c6);
            c7 = TMulAdd.Apply(Vector512.Create(a[7 * rowStep]), bp, c7);
        }
        StoreRow(o, i, c0, row); StoreRow(o, i + 1, c1, row); StoreRow(o, i + 2, c2, row); StoreRow(o, i + 3, c3, row);
        StoreRow(o, i + 4, c4, row); StoreRow(o, i + 5, c5, row); StoreRow(o, i + 6, c6, row); StoreRow(o, i + 7, c7, row);
    }

    private static void Kernel1<T, TMulAdd>(in Operands<T> o, int i, int pc, int kc, T* b, bool first, T* row)
        where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        int w = Vector512<T>.Count;
        var c0 = LoadRow(o, i, first, row);
        long pStep = o.TransA ? o.M : 1;
        T* a = o.TransA ? o.PA + (long)pc * o.M + i : o.PA + (long)i * o.K + pc;
        for (int p = 0; p < kc; p++, a += pStep, b += w) c0 = TMulAdd.Apply(Vector512.Create(a[0]), Vector512.Load(b), c0);
        StoreRow(o, i, c0, row);
    }
}
