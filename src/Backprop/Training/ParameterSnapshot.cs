using System.Numerics;

namespace Backprop.Training;

/// <summary>
/// A copy of a network's parameters, taken and put back by the trainer: the last good epoch's (restored when the
/// loss diverges) and the best epoch's (restored by early stopping). Allocated once and reused across Fit calls.
/// </summary>
internal sealed class ParameterSnapshot<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Matrix<T>[] _copies;

    public ParameterSnapshot(Network<T> network) =>
        _copies = network.Parameters.Select(p => new Matrix<T>(p.Value.Rows, p.Value.Columns)).ToArray();

    /// <summary>Copies the network's current parameters in.</summary>
    public void Take(Network<T> network)
    {
        var parameters = network.Parameters;
        for (int i = 0; i < _copies.Length; i++) parameters[i].Value.Span.CopyTo(_copies[i].Span);
    }

    /// <summary>Puts the copied parameters back into the network.</summary>
    public void Restore(Network<T> network)
    {
        var parameters = network.Parameters;
        for (int i = 0; i < _copies.Length; i++) _copies[i].Span.CopyTo(parameters[i].Value.Span);
    }
}
