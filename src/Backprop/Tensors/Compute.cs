using System.Numerics;

namespace Backprop.Tensors;

/// <summary>
/// Where and how a network's arithmetic runs: how many threads its large products and updates may use, and how its
/// products round each multiply-add. A network is built with one (a NetworkSpec's or a Recipe's Compute, from the layers
/// above); two networks in one process can use different ones.
/// </summary>
/// <remarks>
/// Neither setting changes what a result is for a given rounding: every product sums over k in ascending order,
/// whatever the thread count or the processor's vector width. Only the rounding mode changes the last bits.
/// </remarks>
public sealed record Compute
{
    private readonly int _threads = Environment.ProcessorCount;

    /// <summary>All cores, fused multiply-adds in float32 and float64 (as BLAS libraries compute): the fast default.</summary>
    public static Compute Default { get; } = new();

    /// <summary>
    /// All cores, float64 products with numpy's separate multiply then add (<see cref="Summation.NumpySeparate"/>), so
    /// the notes' printed digits come out the same; float32 fused. The notes' preset uses it.
    /// </summary>
    public static Compute Numpy { get; } = new() { Float64 = Summation.NumpySeparate };

    /// <summary>Threads a large product, batch gathering or weight update may use (default: every core). At least 1.</summary>
    public int Threads
    {
        get => _threads;
        init => _threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Threads), $"A computation needs at least one thread, not {value}.");
    }

    /// <summary>How float64 products round each multiply-add (default <see cref="Summation.Fused"/>).</summary>
    public Summation Float64 { get; init; } = Summation.Fused;

    /// <summary>How float32 products round each multiply-add (default <see cref="Summation.Fused"/>).</summary>
    public Summation Float32 { get; init; } = Summation.Fused;

    /// <summary>The rounding of products of <typeparamref name="T"/> (other types than float and double: separate).</summary>
    public Summation SummationOf<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Float32 : typeof(T) == typeof(double) ? Float64 : Summation.NumpySeparate;
}
