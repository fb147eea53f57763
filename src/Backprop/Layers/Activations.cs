using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>Activations by name: relu, sigmoid, tanh (hidden), identity, sigmoid, softmax (output).</summary>
internal static class Activations
{
    /// <summary>The activations a hidden layer can have.</summary>
    public static IReadOnlyList<string> HiddenNames { get; } = ["relu", "sigmoid", "tanh"];

    /// <summary>The activations an output layer can have.</summary>
    public static IReadOnlyList<string> OutputNames { get; } = ["identity", "sigmoid", "softmax"];

    /// <summary>The activation named <paramref name="name"/>, among <paramref name="allowed"/> (any case).</summary>
    /// <exception cref="ArgumentException">The name is not one of <paramref name="allowed"/>.</exception>
    public static Activation Parse(string name, IReadOnlyList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(name);
        string t = name.Trim().ToLowerInvariant();
        return allowed.Contains(t) ? Vocabulary.Parse<Activation>(t)
            : throw new ArgumentException($"'{name}' is not one of {string.Join(", ", allowed)}.");
    }
}
