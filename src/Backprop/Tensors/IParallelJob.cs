namespace Backprop.Tensors;

/// <summary>
/// Work that <see cref="WorkerPool"/> splits between threads: a struct holding what its parts read (pointers, spans'
/// owners, scalars), so that handing it to the pool allocates nothing.
/// </summary>
internal interface IParallelJob
{
    /// <summary>Does part <paramref name="part"/> of <paramref name="parts"/> (parts touch disjoint outputs).</summary>
    void Run(int part, int parts);
}
