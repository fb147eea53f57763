namespace Backprop;

/// <summary>One trial of a <see cref="Sweep"/>: its number (from 1), the settings it varies (name, value as the flag reads it), and the recipe they make.</summary>
/// <param name="Number">The trial's number, from 1.</param>
/// <param name="Settings">The swept settings' names (<see cref="RecipeSettings.Names"/>) and values, in the sweep's order.</param>
/// <param name="Recipe">The sweep's base recipe with these settings (<see cref="RecipeSettings.With"/>).</param>
public sealed record SweepTrial(int Number, IReadOnlyList<KeyValuePair<string, string>> Settings, Recipe Recipe)
{
    /// <summary>The settings as flags would give them: "alpha 0.01, layers 128,64".</summary>
    public override string ToString() => string.Join(", ", Settings.Select(s => $"{s.Key} {(s.Value.Length == 0 ? "\"\"" : s.Value)}"));
}
