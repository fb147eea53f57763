using System.Numerics;
using System.Runtime.CompilerServices;
using Backprop.Layers;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// Watches a network's relu layers through an epoch's training forwards for the notes' "off" units: a relu layer
/// none of whose units outputs more than 0 for any example of the epoch is dead, and nothing below it can learn (no
/// delta flows back through an off unit). <see cref="Trainer{T}"/> keeps one and reports what it finds in each
/// <see cref="EpochResult.DeadLayers"/>; code that steps a trainer itself (<see cref="Trainer{T}.Step(Matrix{T}, Matrix{T})"/>) can keep its own.
/// </summary>
/// <remarks>
/// A layer is looked at only until one of its units is seen on in the epoch: a network that learns has one in its
/// first batch, so the look costs one scan of one batch's output a layer an epoch.
/// </remarks>
internal sealed class DeadLayerWatch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ActivationLayer<T>[] _relus;
    private readonly int[] _layers;
    // Per watched layer, the epoch (a count of StartEpoch calls) in which a unit of it was last seen on: starting an
    // epoch is a count going up, not a clearing.
    private readonly int[] _seenIn;
    private int _epoch = 1, _unseen;

    /// <summary>A watch over the relu layers of <paramref name="network"/>, at the start of an epoch.</summary>
    public DeadLayerWatch(Network<T> network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var relus = new List<ActivationLayer<T>>();
        var layers = new List<int>();
        for (int b = 0; b < network.Blocks.Count; b++)
            if (network.Blocks[b].ActivationLayer is { Kind: Activation.Relu } relu)
            {
                relus.Add(relu);
                layers.Add(b + 1);   // block k-1 computes layer_k
            }
        (_relus, _layers, _seenIn) = ([.. relus], [.. layers], new int[relus.Count]);
        _unseen = _relus.Length;
    }

    /// <summary>The relu layers watched, by k of <c>layer_k</c>, input side first.</summary>
    public IReadOnlyList<int> Layers => _layers;

    /// <summary>
    /// After a training forward: each watched layer not yet seen on in this epoch is seen on if its output (before
    /// dropout) has a value above 0. Nothing to do once every layer has been seen on.
    /// </summary>
    public void Observe()
    {
        if (_unseen != 0) Look();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Look()
    {
        for (int i = 0; i < _relus.Length; i++)
            if (_seenIn[i] != _epoch && _relus[i].Output is { } output && Elementwise.AnyPositive<T>(output.Span))
            {
                _seenIn[i] = _epoch;
                _unseen--;
            }
    }

    /// <summary>The watched layers no unit of which has been seen on since the epoch started (k of <c>layer_k</c>, input side first), or null when there are none.</summary>
    public int[]? NotSeenOn() => _unseen == 0 ? null : Unseen();

    private int[] Unseen()
    {
        var off = new int[_unseen];
        for (int i = 0, j = 0; i < _seenIn.Length; i++)
            if (_seenIn[i] != _epoch) off[j++] = _layers[i];
        return off;
    }

    /// <summary>Ends an epoch whose every training forward was observed: returns its dead layers (<see cref="NotSeenOn"/>) and starts the next epoch.</summary>
    public int[]? EndEpoch()
    {
        var dead = NotSeenOn();
        StartEpoch();
        return dead;
    }

    /// <summary>Starts an epoch: no layer seen on yet.</summary>
    public void StartEpoch()
    {
        _unseen = _seenIn.Length;
        if (++_epoch == int.MaxValue) Restart();
    }

    // After 2^31 epochs, the count starts again at 1 with every layer's last epoch forgotten.
    private void Restart()
    {
        Array.Clear(_seenIn);
        _epoch = 1;
    }

    /// <summary>
    /// Goes on within an epoch in which the layers <paramref name="notSeenOn"/> (k of <c>layer_k</c>; null for none)
    /// have not been seen on and the others have, as <see cref="NotSeenOn"/> gave them.
    /// </summary>
    /// <exception cref="ArgumentException">A number is not one of <see cref="Layers"/>, or is given twice.</exception>
    public void Resume(IReadOnlyList<int>? notSeenOn)
    {
        var seen = new bool[_seenIn.Length];
        Array.Fill(seen, true);
        int unseen = 0;
        foreach (int k in notSeenOn ?? [])
        {
            int i = Array.IndexOf(_layers, k);
            if (i < 0 || !seen[i])
                throw new ArgumentException(i < 0 ? $"layer_{k} is not a relu layer of this network (its relu layers are {Names(_layers)})." : $"layer_{k} is given twice.", nameof(notSeenOn));
            seen[i] = false;
            unseen++;
        }
        StartEpoch();
        for (int i = 0; i < seen.Length; i++)
            if (seen[i]) _seenIn[i] = _epoch;
        _unseen = unseen;
    }

    private static string Names(int[] layers) => layers.Length == 0 ? "none" : string.Join(", ", layers.Select(k => $"layer_{k}"));
}
