using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop;

/// <summary>
/// One step of an <see cref="IterationTrace"/>, recorded once: a program prints it (<see cref="WriteTo"/>, as
/// <c>backprop trace</c> does) and a page draws the same record, so both carry the same expression and the same digits.
/// </summary>
/// <param name="Phase">What the step is part of: start, predict, compare, learn (the deltas), weight deltas, update.</param>
/// <param name="Expression">The step as numpy would write it, named as the notes name it: <c>layer_1_delta *= relu2deriv(layer_1)</c>.</param>
/// <param name="Text">The value as numpy prints it (its repr), or empty for a step that is only its expression (alpha, a note).</param>
public sealed partial record TraceStep(string Phase, string Expression, string Text)
{
    /// <summary>The layers whose units the step involves, by k of <c>layer_k</c>: those its expression names (<c>layer_1</c>, <c>layer_1_delta</c>, <c>bias_1</c>) and those its values are written beside.</summary>
    public IReadOnlyList<int> Layers { get; init; } = [];

    /// <summary>The weight matrices the step involves, by k of <c>weights_k_k+1</c>: those its expression names (<c>weights_0_1</c>, <c>weight_delta_0_1</c>).</summary>
    public IReadOnlyList<int> Weights { get; init; } = [];

    /// <summary>By layer, one string a unit: the value the step shows beside each unit (the tokens of a one-row array's text, as printed).</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> Values { get; init; } = new Dictionary<int, IReadOnlyList<string>>();

    /// <summary>The weight matrices (by k) that hold their updated values once this step is done (the update steps update them, the last layer first).</summary>
    public IReadOnlyList<int> Updated { get; init; } = [];

    /// <summary>Writes the step as a Python session shows it: <c>&gt;&gt;&gt; expression</c>, then the value's text.</summary>
    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Text.Length == 0 ? $">>> {Expression}\n" : $">>> {Expression}\n{Text}\n");
    }

    /// <summary>
    /// A step whose units and matrices are those its expression names, plus the units its per-unit values belong to
    /// (<paramref name="values"/>, by layer).
    /// </summary>
    internal static TraceStep Of(string phase, string expression, string text, IReadOnlyDictionary<int, IReadOnlyList<string>>? values = null)
    {
        values ??= new Dictionary<int, IReadOnlyList<string>>();
        var layers = LayerName().Matches(expression).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Concat(values.Keys).Distinct().Order().ToArray();
        var weights = WeightName().Matches(expression).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Distinct().Order().ToArray();
        return new TraceStep(phase, expression, text) { Layers = layers, Weights = weights, Values = values };
    }

    /// <summary>
    /// The values of a one-row array of <paramref name="units"/> columns, one string a unit, as its printed
    /// <paramref name="text"/> spells them (<c>array([[-0.        ,  0.13177044]])</c> gives <c>-0.</c> and <c>0.13177044</c>);
    /// null when the array has more rows, another width, or is printed summarised (<c>...</c>).
    /// </summary>
    internal static IReadOnlyList<string>? OnePerUnit(string text, int rows, int columns, int units)
    {
        if (rows != 1 || columns != units) return null;
        int open = text.IndexOf("[[", StringComparison.Ordinal), close = text.LastIndexOf("]]", StringComparison.Ordinal);
        if (open < 0 || close < open) return null;
        string[] parts = text[(open + 2)..close].Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == units && parts.All(p => p.Length > 0 && p != "..." && p.IndexOfAny(['[', ']']) < 0) ? parts : null;
    }

    // layer_1, layer_1_delta, bias_1, bias_delta_1: the units of layer 1.
    [GeneratedRegex(@"\b(?:layer|bias|bias_delta)_(\d+)")]
    private static partial Regex LayerName();

    // weights_0_1, weight_delta_0_1: the matrix between layers 0 and 1.
    [GeneratedRegex(@"\b(?:weights|weight_delta)_(\d+)_\d+")]
    private static partial Regex WeightName();
}
