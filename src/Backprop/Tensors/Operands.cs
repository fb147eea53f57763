using System.Numerics;

namespace Backprop.Tensors;

/// <summary>
/// The operands of c (m,n) = op(a) · op(b), op a transpose or not, as raw pointers: element (i,p) of op(a) and
/// (p,j) of op(b) are read through <see cref="A"/> and <see cref="B"/>, whatever the layout.
/// </summary>
internal readonly unsafe struct Operands<T>(T* a, bool transA, T* b, bool transB, T* c, int m, int k, int n)
    where T : unmanaged
{
    public readonly T* PA = a, PB = b, PC = c;
    public readonly bool TransA = transA, TransB = transB;
    public readonly int M = m, K = k, N = n;

    /// <summary>op(a)[i, p]: a is (m,k), or (k,m) when transposed.</summary>
    public T A(int i, int p) => TransA ? PA[(long)p * M + i] : PA[(long)i * K + p];

    /// <summary>op(b)[p, j]: b is (k,n), or (n,k) when transposed.</summary>
    public T B(int p, int j) => TransB ? PB[(long)j * K + p] : PB[(long)p * N + j];
}
