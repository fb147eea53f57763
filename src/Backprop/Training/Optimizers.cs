using System.Globalization;
using System.Numerics;

namespace Backprop.Training;

/// <summary>The optimizers by name (sgd, momentum[:BETA], adam): one vocabulary for flags and code, with their usual learning rates.</summary>
public static class Optimizers
{
    /// <summary>sgd (the notes' plain gradient descent), momentum, adam.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sgd", "momentum", "adam"];

    /// <summary>The optimizer named <paramref name="name"/> with learning rate <paramref name="alpha"/> (momentum keeps <paramref name="beta"/> of its velocity).</summary>
    /// <exception cref="ArgumentException">Not an optimizer's name, or alpha or beta out of range.</exception>
    public static IOptimizer<T> Create<T>(string name, double alpha, double beta = 0.9) where T : unmanaged, IFloatingPointIeee754<T> => Canonical(name) switch
    {
        "sgd" => new Sgd<T>(T.CreateChecked(alpha)),
        "momentum" => new Momentum<T>(T.CreateChecked(alpha), T.CreateChecked(beta)),
        _ => new Adam<T>(T.CreateChecked(alpha)),
    };

    /// <summary>The learning rate to use when none is given: 0.001 for adam (its paper's), 0.01 otherwise.</summary>
    public static double DefaultAlpha(string name) => Canonical(name) == "adam" ? 0.001 : 0.01;

    /// <summary>Reads <c>sgd</c>, <c>adam</c>, <c>momentum</c> or <c>momentum:BETA</c> (BETA 0.9 when not given).</summary>
    /// <exception cref="FormatException">Not one of those, or BETA not a number from 0 to below 1.</exception>
    public static (string Name, double Beta) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        if (Names.Contains(t)) return (t, 0.9);
        if (t.StartsWith("momentum:", StringComparison.Ordinal))
        {
            string b = t["momentum:".Length..];
            if (double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out double beta) && beta >= 0 && beta < 1) return ("momentum", beta);
            throw new FormatException($"momentum's BETA '{b}' must be a number from 0 to below 1.");
        }
        throw new FormatException($"'{text}' is not one of sgd, momentum[:BETA], adam.");
    }

    private static string Canonical(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string t = name.Trim().ToLowerInvariant();
        return Names.Contains(t) ? t : throw new ArgumentException($"'{name}' is not an optimizer; the optimizers are {string.Join(", ", Names)}.");
    }
}
