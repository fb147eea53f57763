using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Losses;

/// <summary>
/// One weight a class, as <see cref="ClassWeighting.Resolve"/> found them for the training data. A row of targets
/// weighs Σ_c weight_c · target_c: its class's weight for a one-hot row, the mixture of the weights for a row of
/// probabilities; with two classes and one 0/1 column (binary cross-entropy), weight_1 · y + weight_0 · (1 - y).
/// <see cref="CrossEntropy{T}"/> and <see cref="BinaryCrossEntropy{T}"/> multiply each row's loss and delta by it.
/// </summary>
/// <param name="Weighting">What was asked for: balanced, or weights by name.</param>
/// <param name="Classes">The class names, one a target column (two, "0" and "1", for one 0/1 column).</param>
/// <param name="Weights">One weight a class, each a finite number above 0.</param>
public sealed record ClassWeights(ClassWeighting Weighting, IReadOnlyList<string> Classes, IReadOnlyList<double> Weights)
{
    /// <summary>Why these weights cannot be used, or null: names and weights must pair up, names be distinct, weights finite and above 0.</summary>
    public string? Problem()
    {
        if (Weighting is null) return "class weights without a weighting";
        if (Classes is null || Weights is null || Classes.Count != Weights.Count)
            return $"{Classes?.Count ?? 0} class names for {Weights?.Count ?? 0} class weights";
        if (Classes.Count < 2) return $"class weights for {Classes.Count} class; weights need at least two";
        if (Classes.Any(string.IsNullOrWhiteSpace)) return "a class weight's class name is empty";
        if (Classes.Distinct(StringComparer.Ordinal).Count() != Classes.Count) return "a class is weighted twice";
        for (int c = 0; c < Weights.Count; c++)
            if (!(Weights[c] > 0) || !double.IsFinite(Weights[c])) return $"the weight of class '{Classes[c]}' is {Weights[c].ToString("R", CultureInfo.InvariantCulture)}; a class weight is a finite number above 0";
        return null;
    }

    /// <summary>"balanced: a 0.667, b 2" — each weight to 3 significant digits, for a summary line.</summary>
    public override string ToString() =>
        $"{Weighting}: {string.Join(", ", Classes.Zip(Weights, (c, w) => $"{c} {w.ToString("G3", CultureInfo.InvariantCulture)}"))}";

    /// <summary>True when the weighting, the class names and the weights (bit for bit) are the same.</summary>
    public bool Equals(ClassWeights? other) =>
        other is not null && Equals(Weighting, other.Weighting) && Classes.SequenceEqual(other.Classes, StringComparer.Ordinal)
        && MemoryMarshal.Cast<double, long>(Weights.ToArray()).SequenceEqual(MemoryMarshal.Cast<double, long>(other.Weights.ToArray()));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Weighting, Classes.Count);

    /// <summary>The weights in precision <typeparamref name="T"/>, checked first.</summary>
    /// <exception cref="ArgumentException">They cannot be used (<see cref="Problem"/>).</exception>
    internal T[] Values<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Problem() is string problem) throw new ArgumentException($"Class weights: {problem}.");
        return [.. Weights.Select(T.CreateChecked)];
    }
}
