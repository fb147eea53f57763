using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>
/// The fast matrix product: Goto-style cache blocking with packed panels and a register-blocked SIMD micro-kernel.
/// </summary>
/// <remarks>
/// Loops, outermost first: NC columns of C (B block in L3), KC steps of k (packed B block), MC rows (packed A block
/// in L2), NR columns (a B micro-panel in L1), MR rows (an MR×NR tile of C held in registers). The micro-kernel adds
/// a(i,p)·b(p,j) into each accumulator for p ascending; a later KC block reloads the tile from C and continues, so
/// every element sees exactly the sequence (((0 + a0·b0) + a1·b1) + ...) that the plain loop computes, each step
/// rounded as TMulAdd says (see <see cref="Summation"/>).
/// </remarks>
internal static unsafe class PackedGemm
{
    // Vector512 where the processor has it (AVX-512), else Vector256 (AVX2); tiles sized to the register file.
    private static readonly bool Wide = Vector512.IsHardwareAccelerated;

    /// <summary>True when a SIMD micro-kernel exists for this processor.</summary>
    public static bool Supported => Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated;

    private const int KC = 256, MC = 128, NC = 1024;

    // Below this many multiply-adds a product stays on one thread: waking another costs more than it saves.
    private const long ParallelWork = 1L << 20;

    private static int MR => 4;

    private static int NR<T>() where T : unmanaged => Wide ? 4 * Vector512<T>.Count : 2 * Vector256<T>.Count;

    public static void Run<T, TMulAdd>(in Operands<T> o, long work, int threads) where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            SmallGemm.Run<T, TMulAdd>(o); // Half and other types: the plain loop
            return;
        }
        int parts = (int)Math.Min(threads, Math.Max(1, work / ParallelWork));
        if (parts > 1 && (o.M + MR - 1) / MR >= parts)
        {
            // Bands of rows against one B block packed together (the usual case: enough rows for every thread).
            var shared = new SharedJob<T, TMulAdd>(o, PackBuffers<T>.B(KC * (NC + NR<T>())));
            if (WorkerPool.Shared.TryRun(parts, ref shared)) return;
        }
        else
        {
            var job = new Job<T, TMulAdd>(o);
            if (parts > 1 && WorkerPool.Shared.TryRun(parts, ref job)) return;
        }
        Block<T, TMulAdd>(o, 0, o.M, 0, o.N);
    }

    // A product as a job for the worker pool: each part computes a band of the result.
    private readonly struct Job<T, TMulAdd>(Operands<T> o) : IParallelJob where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        public void Run(int part, int parts) => RunPart<T, TMulAdd>(o, part, parts);
    }

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/>: a band of rows (or of columns, for few rows), in whole tiles.</summary>
    internal static void RunPart<T, TMulAdd>(in Operands<T> o, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        int mr = MR, nr = NR<T>();
        if (o.M >= o.N || (o.M + mr - 1) / mr >= parts)
        {
            int tiles = (o.M + mr - 1) / mr;
            int from = Math.Min(o.M, tiles * part / parts * mr), to = Math.Min(o.M, tiles * (part + 1) / parts * mr);
            if (from < to) Block<T, TMulAdd>(o, from, to, 0, o.N);
        }
        else
        {
            int tiles = (o.N + nr - 1) / nr;
            int from = Math.Min(o.N, tiles * part / parts * nr), to = Math.Min(o.N, tiles * (part + 1) / parts * nr);
            if (from < to) Block<T, TMulAdd>(o, 0, o.M, from, to);
        }
    }

    // C[i0..i1, j0..j1] = op(A)[i0..i1, :] · op(B)[:, j0..j1]
    private static void Block<T, TMulAdd>(in Operands<T> o, int i0, int i1, int j0, int j1) where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        int nr = NR<T>();
        T* aPack = PackBuffers<T>.A(MC * KC);
        T* bPack = PackBuffers<T>.B(KC * (NC + nr));
        for (int jc = j0; jc < j1; jc += NC)
        {
            int nc = Math.Min(NC, j1 - jc);
            for (int pc = 0; pc < o.K; pc += KC)
            {
                int kc = Math.Min(KC, o.K - pc);
                bool direct = ReadsBInPlace(o, nc);
                if (!direct) PackB(o, pc, kc, jc, nc, bPack, nr);
                Rows<T, TMulAdd>(o, i0, i1, jc, nc, pc, kc, bPack, aPack, direct);
            }
        }
    }

    // B is read where it lies, not packed, when it is not transposed, the block is whole panels and A has few rows
    // (at most MC, a batch against a layer's weights): a panel's NR values of one p are then contiguous in b's row p, as
    // in a packed panel, and the kernel steps from row to row. The kernel reads the same values in the same order, so
    // the sums are the same. With few rows of A each panel serves only a few tiles, and packing it was a copy of every
    // weight each product (for a batch of 64, about a sixth of the product's time); with many rows the packed panel,
    // read again and again, is faster (a 1024 x 1024 product read in place ran at 70% of its packed speed).
    private static bool ReadsBInPlace<T>(in Operands<T> o, int nc) where T : unmanaged => !o.TransB && o.M <= MC && nc % NR<T>() == 0;

    // C[i0..i1, jc..jc+nc] += op(A)[i0..i1, pc..pc+kc] · (the B block packed at bPack, or read in place when
    // `direct`), MC rows of A packed at a time.
    private static void Rows<T, TMulAdd>(in Operands<T> o, int i0, int i1, int jc, int nc, int pc, int kc, T* bPack, T* aPack, bool direct) where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        int mr = MR, nr = NR<T>();
        T* tile = stackalloc T[4 * 64];
        for (int ic = i0; ic < i1; ic += MC)
        {
            int mc = Math.Min(MC, i1 - ic);
            PackA(o, ic, mc, pc, kc, aPack, mr);
            for (int jr = 0; jr < nc; jr += nr)
                for (int ir = 0; ir < mc; ir += mr)
                {
                    int rows = Math.Min(mr, mc - ir), cols = Math.Min(nr, nc - jr);
                    T* c = o.PC + (long)(ic + ir) * o.N + jc + jr;
                    bool full = rows == mr && cols == nr;
                    // Edge tiles go through a scratch tile so the kernel always reads and writes MR×NR.
                    T* target = full ? c : tile;
                    int ldc = full ? o.N : nr;
                    if (!full && pc > 0) CopyTile(c, o.N, tile, nr, rows, cols);
                    T* b = direct ? o.PB + (long)pc * o.N + jc + jr : bPack + jr * kc;
                    Kernel<T, TMulAdd>(aPack + ir * kc, b, direct ? o.N : nr, kc, target, ldc, first: pc == 0);
                    if (!full) CopyTile(tile, nr, c, o.N, rows, cols);
                }
        }
    }

    // A product on several threads that share one packed B block, as BLIS does: for each block, every part packs its
    // share of B's micro-panels, all wait, each computes its band of rows against the whole block, all wait again (B is
    // then repacked). Each thread packing all of B itself, as bands computed apart do, cost the second thread a third
    // of its speed. The job lives on the caller's stack; the parts reach its barrier fields through the same reference.
    private unsafe struct SharedJob<T, TMulAdd>(Operands<T> o, T* bPack) : IParallelJob where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        private int _arrived, _generation;

        public void Run(int part, int parts)
        {
            int mr = MR, nr = NR<T>();
            T* aPack = PackBuffers<T>.A(MC * KC);
            int tiles = (o.M + mr - 1) / mr;
            int i0 = Math.Min(o.M, tiles * part / parts * mr), i1 = Math.Min(o.M, tiles * (part + 1) / parts * mr);
            for (int jc = 0; jc < o.N; jc += NC)
            {
                int nc = Math.Min(NC, o.N - jc);
                int panels = (nc + nr - 1) / nr, p0 = panels * part / parts, p1 = panels * (part + 1) / parts;
                for (int pc = 0; pc < o.K; pc += KC)
                {
                    int kc = Math.Min(KC, o.K - pc);
                    if (ReadsBInPlace(o, nc))
                    {
                        // Nothing to pack, so nothing to wait for.
                        if (i0 < i1) Rows<T, TMulAdd>(o, i0, i1, jc, nc, pc, kc, bPack, aPack, direct: true);
                        continue;
                    }
                    if (p0 < p1) PackB(o, pc, kc, jc + p0 * nr, Math.Min(nc, p1 * nr) - p0 * nr, bPack + (long)p0 * nr * kc, nr);
                    Barrier(parts);
                    if (i0 < i1) Rows<T, TMulAdd>(o, i0, i1, jc, nc, pc, kc, bPack, aPack, direct: false);
                    Barrier(parts);
                }
            }
        }

        // Waits until all parts have arrived. The last to arrive resets the count, then moves the generation on.
        private void Barrier(int parts)
        {
            int generation = Volatile.Read(ref _generation);
            if (Interlocked.Increment(ref _arrived) == parts)
            {
                Volatile.Write(ref _arrived, 0);
                Interlocked.Increment(ref _generation);
                return;
            }
            var spin = new SpinWait();
            while (Volatile.Read(ref _generation) == generation) spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    private static void CopyTile<T>(T* from, int ldFrom, T* to, int ldTo, int rows, int cols) where T : unmanaged
    {
        for (int r = 0; r < rows; r++)
            new ReadOnlySpan<T>(from + (long)r * ldFrom, cols).CopyTo(new Span<T>(to + (long)r * ldTo, cols));
    }

    // op(A)[ic.., pc..] (mc × kc) into panels of MR rows: panel[p * MR + r]; rows past the end are zeros.
    private static void PackA<T>(in Operands<T> o, int ic, int mc, int pc, int kc, T* dst, int mr) where T : unmanaged
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            T* panel = dst + ir * kc;
            int rows = Math.Min(mr, mc - ir);
            if (o.TransA && rows == 4 && mr == 4)
            {
                // a is (k, m): the four values of one p are contiguous, one short copy each.
                T* src = o.PA + (long)pc * o.M + ic + ir;
                for (int p = 0; p < kc; p++, src += o.M)
                    Unsafe.CopyBlockUnaligned(panel + 4 * p, src, (uint)(4 * sizeof(T)));
            }
            else if (o.TransA)
            {
                // a is (k, m): the MR values of one p are contiguous.
                for (int p = 0; p < kc; p++)
                {
                    T* src = o.PA + (long)(pc + p) * o.M + ic + ir;
                    int r = 0;
                    for (; r < rows; r++) panel[p * mr + r] = src[r];
                    for (; r < mr; r++) panel[p * mr + r] = default;
                }
            }
            else if (rows == 4 && mr == 4)
            {
                // a is (m, k): four rows read side by side, written as one contiguous stream.
                T* r0 = o.PA + (long)(ic + ir) * o.K + pc, r1 = r0 + o.K, r2 = r1 + o.K, r3 = r2 + o.K;
                int p = 0;
                if (typeof(T) == typeof(float) && System.Runtime.Intrinsics.X86.Sse.IsSupported)
                    for (; p + 4 <= kc; p += 4)
                        Transpose4((float*)r0 + p, (float*)r1 + p, (float*)r2 + p, (float*)r3 + p, (float*)panel + 4 * p, 4);
                for (; p < kc; p++)
                {
                    panel[4 * p] = r0[p];
                    panel[4 * p + 1] = r1[p];
                    panel[4 * p + 2] = r2[p];
                    panel[4 * p + 3] = r3[p];
                }
            }
            else
            {
                for (int r = 0; r < mr; r++)
                {
                    if (r >= rows) { for (int p = 0; p < kc; p++) panel[p * mr + r] = default; continue; }
                    T* src = o.PA + (long)(ic + ir + r) * o.K + pc;
                    for (int p = 0; p < kc; p++) panel[p * mr + r] = src[p];
                }
            }
        }
    }

    // Four values from each of four rows, written column by column: to[p * stride + r] = row r's p-th value.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4(float* r0, float* r1, float* r2, float* r3, float* to, int stride)
    {
        var (v0, v1, v2, v3) = (Vector128.Load(r0), Vector128.Load(r1), Vector128.Load(r2), Vector128.Load(r3));
        var t0 = System.Runtime.Intrinsics.X86.Sse.UnpackLow(v0, v1);   // a0 b0 a1 b1
        var t1 = System.Runtime.Intrinsics.X86.Sse.UnpackHigh(v0, v1);  // a2 b2 a3 b3
        var t2 = System.Runtime.Intrinsics.X86.Sse.UnpackLow(v2, v3);   // c0 d0 c1 d1
        var t3 = System.Runtime.Intrinsics.X86.Sse.UnpackHigh(v2, v3);  // c2 d2 c3 d3
        System.Runtime.Intrinsics.X86.Sse.MoveLowToHigh(t0, t2).Store(to);                // a0 b0 c0 d0
        System.Runtime.Intrinsics.X86.Sse.MoveHighToLow(t2, t0).Store(to + stride);       // a1 b1 c1 d1
        System.Runtime.Intrinsics.X86.Sse.MoveLowToHigh(t1, t3).Store(to + 2 * stride);   // a2 b2 c2 d2
        System.Runtime.Intrinsics.X86.Sse.MoveHighToLow(t3, t1).Store(to + 3 * stride);   // a3 b3 c3 d3
    }

    // op(B)[pc.., jc..] (kc × nc) into panels of NR columns: panel[p * NR + c]; columns past the end are zeros.
    private static void PackB<T>(in Operands<T> o, int pc, int kc, int jc, int nc, T* dst, int nr) where T : unmanaged
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            T* panel = dst + jr * kc;
            int cols = Math.Min(nr, nc - jr);
            if (!o.TransB)
            {
                for (int p = 0; p < kc; p++)
                {
                    var row = new ReadOnlySpan<T>(o.PB + (long)(pc + p) * o.N + jc + jr, cols);
                    row.CopyTo(new Span<T>(panel + p * nr, cols));
                    if (cols < nr) new Span<T>(panel + p * nr + cols, nr - cols).Clear();
                }
            }
            else
            {
                // b is (n, k): column j of op(B) is row j of b, contiguous in p. Four columns by four p at a time,
                // transposed in registers (a batch's delta times a layer's weights transposed packs every weight).
                int c = 0;
                if (typeof(T) == typeof(float) && System.Runtime.Intrinsics.X86.Sse.IsSupported)
                    for (; c + 4 <= cols; c += 4)
                    {
                        float* s0 = (float*)o.PB + (long)(jc + jr + c) * o.K + pc, s1 = s0 + o.K, s2 = s1 + o.K, s3 = s2 + o.K;
                        float* to = (float*)panel + c;
                        int p = 0;
                        for (; p + 4 <= kc; p += 4) Transpose4(s0 + p, s1 + p, s2 + p, s3 + p, to + p * nr, nr);
                        for (; p < kc; p++)
                        {
                            to[p * nr] = s0[p];
                            to[p * nr + 1] = s1[p];
                            to[p * nr + 2] = s2[p];
                            to[p * nr + 3] = s3[p];
                        }
                    }
                for (; c < nr; c++)
                {
                    if (c >= cols) { for (int p = 0; p < kc; p++) panel[p * nr + c] = default; continue; }
                    T* src = o.PB + (long)(jc + jr + c) * o.K + pc;
                    for (int p = 0; p < kc; p++) panel[p * nr + c] = src[p];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel<T, TMulAdd>(T* a, T* b, int ldb, int kc, T* c, int ldc, bool first) where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        if (Wide) Kernel4x4<T, TMulAdd>(a, b, ldb, kc, c, ldc, first);
        else Kernel4x2<T, TMulAdd>(a, b, ldb, kc, c, ldc, first);
    }

    // A 4 × (4 vectors) tile of C in 16 Vector512 registers: per p, four loads of b (a packed panel's row p, or b's
    // own row: ldb apart), four broadcasts of a and sixteen multiply-adds (one rounding or two, as TMulAdd says).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x4<T, TMulAdd>(T* a, T* b, int ldb, int kc, T* c, int ldc, bool first) where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        int w = Vector512<T>.Count;
        Vector512<T> c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (first)
        {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = c20 = c21 = c22 = c23 = c30 = c31 = c32 = c33 = Vector512<T>.Zero;
        }
        else
        {
            c00 = Vector512.Load(c); c01 = Vector512.Load(c + w); c02 = Vector512.Load(c + 2 * w); c03 = Vector512.Load(c + 3 * w);
            T* r1 = c + ldc; c10 = Vector512.Load(r1); c11 = Vector512.Load(r1 + w); c12 = Vector512.Load(r1 + 2 * w); c13 = Vector512.Load(r1 + 3 * w);
            T* r2 = c + 2 * ldc; c20 = Vector512.Load(r2); c21 = Vector512.Load(r2 + w); c22 = Vector512.Load(r2 + 2 * w); c23 = Vector512.Load(r2 + 3 * w);
            T* r3 = c + 3 * ldc; c30 = Vector512.Load(r3); c31 = Vector512.Load(r3 + w); c32 = Vector512.Load(r3 + 2 * w); c33 = Vector512.Load(r3 + 3 * w);
        }
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + w);
            var b2 = Vector512.Load(b + 2 * w);
            var b3 = Vector512.Load(b + 3 * w);
            Vector512<T> s;
            s = Vector512.Create(a[0]);
            c00 = TMulAdd.Apply(s, b0, c00); c01 = TMulAdd.Apply(s, b1, c01); c02 = TMulAdd.Apply(s, b2, c02); c03 = TMulAdd.Apply(s, b3, c03);
            s = Vector512.Create(a[1]);
            c10 = TMulAdd.Apply(s, b0, c10); c11 = TMulAdd.Apply(s, b1, c11); c12 = TMulAdd.Apply(s, b2, c12); c13 = TMulAdd.Apply(s, b3, c13);
            s = Vector512.Create(a[2]);
            c20 = TMulAdd.Apply(s, b0, c20); c21 = TMulAdd.Apply(s, b1, c21); c22 = TMulAdd.Apply(s, b2, c22); c23 = TMulAdd.Apply(s, b3, c23);
            s = Vector512.Create(a[3]);
            c30 = TMulAdd.Apply(s, b0, c30); c31 = TMulAdd.Apply(s, b1, c31); c32 = TMulAdd.Apply(s, b2, c32); c33 = TMulAdd.Apply(s, b3, c33);
            a += 4;
            b += ldb;
        }
        c00.Store(c); c01.Store(c + w); c02.Store(c + 2 * w); c03.Store(c + 3 * w);
        T* s1 = c + ldc; c10.Store(s1); c11.Store(s1 + w); c12.Store(s1 + 2 * w); c13.Store(s1 + 3 * w);
        T* s2 = c + 2 * ldc; c20.Store(s2); c21.Store(s2 + w); c22.Store(s2 + 2 * w); c23.Store(s2 + 3 * w);
        T* s3 = c + 3 * ldc; c30.Store(s3); c31.Store(s3 + w); c32.Store(s3 + 2 * w); c33.Store(s3 + 3 * w);
    }

    // The AVX2 tile: 4 × (2 vectors) in 8 Vector256 registers, the same sums in the same order.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x2<T, TMulAdd>(T* a, T* b, int ldb, int kc, T* c, int ldc, bool first) where T : unmanaged, IFloatingPointIeee754<T> where TMulAdd : struct, IMulAdd
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00, c01, c10, c11, c20, c21, c30, c31;
        if (first)
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector256<T>.Zero;
        }
        else
        {
            c00 = Vector256.Load(c); c01 = Vector256.Load(c + w);
            c10 = Vector256.Load(c + ldc); c11 = Vector256.Load(c + ldc + w);
            c20 = Vector256.Load(c + 2 * ldc); c21 = Vector256.Load(c + 2 * ldc + w);
            c30 = Vector256.Load(c + 3 * ldc); c31 = Vector256.Load(c + 3 * ldc + w);
        }
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + w);
            Vector256<T> s;
            s = Vector256.Create(a[0]); c00 = TMulAdd.Apply(s, b0, c00); c01 = TMulAdd.Apply(s, b1, c01);
            s = Vector256.Create(a[1]); c10 = TMulAdd.Apply(s, b0, c10); c11 = TMulAdd.Apply(s, b1, c11);
            s = Vector256.Create(a[2]); c20 = TMulAdd.Apply(s, b0, c20); c21 = TMulAdd.Apply(s, b1, c21);
            s = Vector256.Create(a[3]); c30 = TMulAdd.Apply(s, b0, c30); c31 = TMulAdd.Apply(s, b1, c31);
            a += 4;
            b += ldb;
        }
        c00.Store(c); c01.Store(c + w);
        c10.Store(c + ldc); c11.Store(c + ldc + w);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + w);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + w);
    }
}
