using System.Numerics;
using Backprop.Layers;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// A copy of a network's parameters, taken and put back by the trainer: the last good epoch's (restored when the
/// loss diverges) and the best epoch's (restored by early stopping). Allocated once and reused across Fit calls.
/// </summary>
internal sealed class ParameterSnapshot<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // The network's parameters (fixed when it was built), and a copy of each.
    private readonly Parameter<T>[] _parameters;
    private readonly Matrix<T>[] _copies;

    public ParameterSnapshot(Network<T> network)
    {
        _parameters = [.. network.Parameters];
        _copies = _parameters.Select(p => new Matrix<T>(p.Value.Rows, p.Value.Columns)).ToArray();
    }

    /// <summary>Copies the network's current parameters in.</summary>
    public void Take()
    {
        for (int i = 0; i < _copies.Length; i++) _parameters[i].Value.Span.CopyTo(_copies[i].Span);
    }

    /// <summary>Puts the copied parameters back into the network.</summary>
    public void Restore()
    {
        for (int i = 0; i < _copies.Length; i++) _copies[i].Span.CopyTo(_parameters[i].Value.Span);
    }

    /// <summary>The copied parameters in float64 (for a checkpoint).</summary>
    public double[][] ToArrays() => _copies.Select(c => Widen(c.Span)).ToArray();

    /// <summary>Copies float64 parameters in (from a checkpoint; their lengths are checked by <see cref="Set"/>'s caller).</summary>
    public void Load(IReadOnlyList<double[]> values)
    {
        for (int i = 0; i < _copies.Length; i++) Narrow(values[i], _copies[i].Span);
    }

    /// <summary>A network's parameters in float64.</summary>
    public static double[][] Read(IReadOnlyList<Parameter<T>> parameters) => parameters.Select(p => Widen(p.Value.Span)).ToArray();

    /// <summary>Sets a network's parameters from float64 values, after checking that there are as many of the same lengths.</summary>
    /// <exception cref="ArgumentException">The values do not fit the parameters; <paramref name="what"/> names them in the message.</exception>
    public static void Set(IReadOnlyList<Parameter<T>> parameters, IReadOnlyList<double[]> values, string what)
    {
        Check(parameters, values, what);
        for (int i = 0; i < parameters.Count; i++) Narrow(values[i], parameters[i].Value.Span);
    }

    /// <summary>Checks that <paramref name="values"/> are as many as the parameters, each as long as its parameter.</summary>
    public static void Check(IReadOnlyList<Parameter<T>> parameters, IReadOnlyList<double[]> values, string what)
    {
        if (values.Count != parameters.Count)
            throw new ArgumentException($"The {what} are {values.Count} arrays; the network has {parameters.Count} parameters.");
        for (int i = 0; i < values.Count; i++)
            if (values[i].Length != parameters[i].Value.Length)
                throw new ArgumentException($"The {what}' array {i} has {values[i].Length} values; {parameters[i].Name} has {parameters[i].Value.Length}.");
    }

    private static double[] Widen(ReadOnlySpan<T> values)
    {
        var wide = new double[values.Length];
        for (int i = 0; i < values.Length; i++) wide[i] = double.CreateTruncating(values[i]);
        return wide;
    }

    private static void Narrow(double[] values, Span<T> to)
    {
        for (int i = 0; i < values.Length; i++) to[i] = T.CreateTruncating(values[i]);
    }
}
