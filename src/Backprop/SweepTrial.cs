namespace Backprop;

/// <summary>One trial of a <see cref="Sweep"/>: its number (from 1), the settings it varies (name, value as the flag reads it), and the recipe they make.</summary>
public sealed class SweepTrial
{
    internal SweepTrial(int number, IReadOnlyList<KeyValuePair<string, string>> settings, Recipe recipe) => (Number, Settings, Recipe) = (number, settings, recipe);

    /// <summary>The trial's number, from 1.</summary>
    public int Number { get; }

    /// <summary>The swept settings' names (as <c>train</c>'s flags name them: alpha, layers, ...) and values, in the sweep's order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; }

    /// <summary>The sweep's base recipe with these settings, each read as its flag reads it.</summary>
    public Recipe Recipe { get; }

    /// <summary>The settings as flags would give them: "alpha 0.01, layers 128,64".</summary>
    public override string ToString() => string.Join(", ", Settings.Select(s => $"{s.Key} {(s.Value.Length == 0 ? "\"\"" : s.Value)}"));
}
