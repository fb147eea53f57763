using System.Runtime.InteropServices;
using Backprop.Data;
using Backprop.Layers;

namespace Backprop.Models;

// Structural equality, numbers compared bit for bit (so -0 differs from 0, and a NaN equals the same NaN).
public sealed partial record Model
{
    /// <summary>True when every field of <paramref name="other"/> equals this model's, numbers bit for bit.</summary>
    public bool Equals(Model? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null) return false;
        return SpecEquals(Spec, other.Spec)
            && Precision == other.Precision
            && Loss == other.Loss
            && Equals(ClassWeights, other.ClassWeights)
            && NormalizationEquals(Normalization, other.Normalization)
            && ListEquals(FeatureNames, other.FeatureNames)
            && ListEquals(TargetNames, other.TargetNames)
            && ListEquals(ClassNames, other.ClassNames)
            && Equals(Inputs, other.Inputs)
            && NumbersEqual(Weights, other.Weights)
            && NumbersEqual(Biases, other.Biases);
    }

    /// <summary>A hash consistent with <see cref="Equals(Model?)"/>.</summary>
    public override int GetHashCode() =>
        HashCode.Combine(Spec?.Inputs, Spec?.Outputs, Spec?.Hidden?.Count, Precision, Loss, Weights?.Count);

    private static bool SpecEquals(NetworkSpec? a, NetworkSpec? b)
    {
        if (a is null || b is null) return a is null && b is null;
        return a == b; // NetworkSpec compares its hidden sizes element by element
    }

    private static bool NormalizationEquals(Normalization? a, Normalization? b)
    {
        if (a is null || b is null) return a is null && b is null;
        return a.Kind == b.Kind && BitsEqual(a.Offset, b.Offset) && BitsEqual(a.Scale, b.Scale);
    }

    private static bool ListEquals(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        a is null || b is null ? a is null && b is null : a.SequenceEqual(b, StringComparer.Ordinal);

    private static bool NumbersEqual(IReadOnlyList<double[]?>? a, IReadOnlyList<double[]?>? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++)
            if (!BitsEqual(a[i], b[i])) return false;
        return true;
    }

    private static bool BitsEqual(double[]? a, double[]? b)
    {
        if (a is null || b is null) return a is null && b is null;
        return MemoryMarshal.Cast<double, long>(a.AsSpan()).SequenceEqual(MemoryMarshal.Cast<double, long>(b.AsSpan()));
    }
}
