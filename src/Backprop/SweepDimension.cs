using System.Globalization;
using Backprop.Tensors;

namespace Backprop;

/// <summary>
/// One setting a sweep varies, by its flag's name (task, layers, activation, output, loss, class-weight, optimizer,
/// alpha, lr-schedule, epochs, batch, init, seed, bias, shuffle, normalize, l2, dropout, early-stopping, precision,
/// rounding): a list of values (<c>alpha=0.01|0.001</c>), or, for
/// random sampling only, a range of numbers (<c>alpha=1e-4..1e-1</c>), drawn log-uniformly for the rates (alpha, l2),
/// as whole numbers for epochs, batch, seed and early-stopping, uniformly otherwise (dropout).
/// </summary>
public sealed record SweepDimension
{
    private SweepDimension(string name, IReadOnlyList<string>? values, double low, double high) => (Name, Values, Low, High) = (name, values, low, high);

    /// <summary>The setting's name, as its flag names it (alpha, layers, ...).</summary>
    public string Name { get; }

    /// <summary>The values, as the setting's flag reads them; null for a range.</summary>
    public IReadOnlyList<string>? Values { get; }

    /// <summary>A range's lower end.</summary>
    public double Low { get; }

    /// <summary>A range's upper end.</summary>
    public double High { get; }

    /// <summary>True for a range of numbers (sampled only).</summary>
    public bool IsRange => Values is null;

    /// <summary>True when a range is drawn log-uniformly: the rates, alpha and l2.</summary>
    internal bool LogUniform => Name is "alpha" or "l2";

    /// <summary>True when a range is of whole numbers: epochs, batch, seed, early-stopping.</summary>
    internal bool Whole => Name is "epochs" or "batch" or "seed" or "early-stopping";

    /// <summary>A list of values of the setting <paramref name="name"/>.</summary>
    /// <exception cref="RecipeException">The name is not a setting's, a value is not one of its values, or a value is given twice.</exception>
    public static SweepDimension Of(string name, params IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new RecipeException(name, "give at least one value.");
        foreach (string v in values) RecipeSettings.With(new Recipe(), name, v);   // each must read as the flag reads it
        if (values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new RecipeException(name, $"'{twice.Key}' is given twice.");
        return new SweepDimension(name, [.. values], 0, 0);
    }

    /// <summary>A range of the setting <paramref name="name"/>, from <paramref name="low"/> to <paramref name="high"/>, for random sampling.</summary>
    /// <exception cref="RecipeException">The setting is not a number, the range is empty or reversed, or its ends are not the setting's values (a log range must be above 0).</exception>
    public static SweepDimension Between(string name, double low, double high)
    {
        if (!RecipeSettings.Names.Contains(name)) RecipeSettings.With(new Recipe(), name, "");
        if (name is not ("alpha" or "l2" or "dropout" or "epochs" or "batch" or "seed" or "early-stopping"))
            throw new RecipeException(name, $"a range is for numbers (alpha, l2, dropout, epochs, batch, seed, early-stopping); give {name}'s values as V1|V2|...");
        if (!(low < high)) throw new RecipeException(name, $"the range {Num(low)}..{Num(high)} is empty; give LOW..HIGH with LOW below HIGH.");
        var dimension = new SweepDimension(name, null, low, high);
        if (dimension.Whole && (low != Math.Floor(low) || high != Math.Floor(high)))
            throw new RecipeException(name, $"{name} is a whole number; give whole ends, not {Num(low)}..{Num(high)}.");
        if (dimension.LogUniform && low <= 0) throw new RecipeException(name, $"{name} is drawn log-uniformly: the range must be above 0, not {Num(low)}..{Num(high)}.");
        foreach (double end in new[] { low, high }) RecipeSettings.With(new Recipe(), name, Num(end));
        return dimension;
    }

    /// <summary>
    /// Reads <c>NAME=V1|V2|...</c> (a list) or <c>NAME=LOW..HIGH</c> (a range), as <c>--grid</c> takes it.
    /// </summary>
    /// <exception cref="RecipeException">Not of that form, or as <see cref="Of"/> and <see cref="Between"/>; the setting named is "grid" when there is no name.</exception>
    public static SweepDimension Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new RecipeException("grid", $"'{text}' is not NAME=V1|V2|... or NAME=LOW..HIGH (NAME a setting: {string.Join(", ", RecipeSettings.Names)}).");
        string name = text[..eq].Trim().TrimStart('-'), values = text[(eq + 1)..];
        if (!RecipeSettings.Names.Contains(name)) RecipeSettings.With(new Recipe(), name, values);
        int dots = values.IndexOf("..", StringComparison.Ordinal);
        if (!values.Contains('|', StringComparison.Ordinal) && dots > 0 && double.TryParse(values[..dots], NumberStyles.Float, CultureInfo.InvariantCulture, out double low)
            && double.TryParse(values[(dots + 2)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double high))
            return Between(name, low, high);
        return Of(name, values.Split('|'));
    }

    /// <summary>One value drawn from <paramref name="random"/> (see <see cref="SweepSpace.Random"/>), as text.</summary>
    internal string Draw(NumpyRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (Values is { } values) return values[(int)random.RandInt(values.Count)];
        if (Whole) return random.RandInt((long)Low, (long)High + 1).ToString(CultureInfo.InvariantCulture);
        double v = LogUniform ? Math.Exp(random.Uniform(Math.Log(Low), Math.Log(High))) : random.Uniform(Low, High);
        return Num(double.Parse(v.ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    /// <summary>As <c>--grid</c> takes it: NAME=V1|V2 or NAME=LOW..HIGH.</summary>
    public override string ToString() => $"{Name}={(Values is { } v ? string.Join("|", v) : $"{Num(Low)}..{Num(High)}")}";

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
