using System.Globalization;
using System.Numerics;

namespace Backprop.Training;

/// <summary>
/// Which optimizer moves the weights, with its own setting: <see cref="Sgd"/> (the notes' plain gradient descent),
/// <see cref="Momentum"/> (keeping a share of its velocity) or <see cref="Adam"/>. Its name for flags and files is
/// <c>sgd</c>, <c>momentum:BETA</c> or <c>adam</c> (<see cref="ToString"/>, <see cref="Parse"/>).
/// </summary>
public sealed record Optimizer
{
    private Optimizer(string name, double beta)
    {
        Name = name;
        Beta = beta;
    }

    /// <summary>sgd, momentum or adam.</summary>
    public string Name { get; }

    /// <summary>How much of its velocity momentum keeps each step (0.9 by default); 0 for the others.</summary>
    public double Beta { get; }

    /// <summary>The notes' plain gradient descent: weights -= alpha * gradient.</summary>
    public static Optimizer Sgd { get; } = new("sgd", 0);

    /// <summary>Adam (Kingma and Ba), with its paper's betas 0.9 and 0.999 and epsilon 1e-8.</summary>
    public static Optimizer Adam { get; } = new("adam", 0);

    /// <summary>Gradient descent with momentum keeping <paramref name="beta"/> of its velocity (0.9 by default).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is not from 0 to below 1.</exception>
    public static Optimizer Momentum(double beta = 0.9) => beta >= 0 && beta < 1 ? new("momentum", beta)
        : throw new ArgumentOutOfRangeException(nameof(beta), $"momentum's beta must be from 0 to below 1, not {Num(beta)}.");

    /// <summary>The names <see cref="Parse"/> reads, without momentum's beta.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sgd", "momentum", "adam"];

    /// <summary>The learning rate to use when none is given: 0.001 for adam (its paper's), 0.01 otherwise.</summary>
    public double DefaultAlpha => Name == "adam" ? 0.001 : 0.01;

    /// <summary>Reads <c>sgd</c>, <c>adam</c>, <c>momentum</c> or <c>momentum:BETA</c> (BETA 0.9 when not given), in any case.</summary>
    /// <exception cref="FormatException">Not one of those, or BETA not a number from 0 to below 1.</exception>
    public static Optimizer Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        switch (t)
        {
            case "sgd": return Sgd;
            case "adam": return Adam;
            case "momentum": return Momentum();
        }
        if (t.StartsWith("momentum:", StringComparison.Ordinal))
        {
            string b = t["momentum:".Length..];
            if (double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out double beta) && beta >= 0 && beta < 1) return Momentum(beta);
            throw new FormatException($"momentum's BETA '{b}' must be a number from 0 to below 1.");
        }
        throw new FormatException($"'{text}' is not one of sgd, momentum[:BETA], adam.");
    }

    /// <summary>The optimizer itself, in precision <typeparamref name="T"/>, moving weights by <paramref name="alpha"/> times their gradients.</summary>
    public IOptimizer<T> Create<T>(double alpha) where T : unmanaged, IFloatingPointIeee754<T> => Name switch
    {
        "sgd" => new Sgd<T>(alpha),
        "momentum" => new Momentum<T>(alpha, T.CreateChecked(Beta)),
        _ => new Adam<T>(alpha),
    };

    /// <summary>sgd, momentum:BETA or adam: the name <see cref="Parse"/> reads back.</summary>
    public override string ToString() => Name == "momentum" ? $"momentum:{Num(Beta)}" : Name;

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
