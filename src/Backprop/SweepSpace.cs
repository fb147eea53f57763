using Backprop.Tensors;

namespace Backprop;

/// <summary>
/// The trials a sweep runs, each a list of settings (name, value as its flag reads it): every combination of lists
/// (<see cref="Grid"/>), or a number drawn at random (<see cref="Random"/>).
/// </summary>
public static class SweepSpace
{
    /// <summary>
    /// Every combination of the dimensions' values, the last dimension changing fastest (as Python's
    /// <c>itertools.product</c>): <c>alpha=0.1|0.01</c>, <c>layers=8|16</c> gives (0.1, 8), (0.1, 16), (0.01, 8), (0.01, 16).
    /// </summary>
    /// <exception cref="ArgumentException">A dimension is a range (ranges are for <see cref="Random"/>), or a setting is given twice.</exception>
    public static IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> Grid(IReadOnlyList<SweepDimension> dimensions)
    {
        Check(dimensions);
        if (dimensions.FirstOrDefault(d => d.IsRange) is { } range)
            throw new RecipeException(range.Name, $"{range} is a range, which random sampling draws from; give --random N, or the values as V1|V2|...");
        IEnumerable<IReadOnlyList<KeyValuePair<string, string>>> points = [[]];
        foreach (var d in dimensions)
            points = points.SelectMany(p => d.Values!.Select(v => (IReadOnlyList<KeyValuePair<string, string>>)[.. p, new(d.Name, v)])).ToArray();
        return [.. points];
    }

    /// <summary>
    /// <paramref name="count"/> trials drawn with numpy's <c>RandomState(seed)</c>. When every dimension is a list, they
    /// are distinct points of the <see cref="Grid"/>: <c>permutation(G)[:count]</c> of its G points, in grid order of the
    /// permutation (all G when <paramref name="count"/> is larger). Otherwise each trial draws each dimension in turn: a
    /// list's value <c>values[randint(len(values))]</c>; a rate's range (alpha, l2) <c>exp(uniform(log(low), log(high)))</c>
    /// and another number's <c>uniform(low, high)</c>, both rounded to 3 significant digits; a whole number's
    /// <c>randint(low, high + 1)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 1 trial, or a setting given twice.</exception>
    public static IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> Random(IReadOnlyList<SweepDimension> dimensions, int count, uint seed)
    {
        Check(dimensions);
        if (count < 1) throw new RecipeException("random", $"draw at least 1 trial, not {count}.");
        var random = new NumpyRandom(seed);
        if (dimensions.All(d => !d.IsRange))
        {
            var grid = Grid(dimensions);
            return [.. random.Permutation(grid.Count).Take(count).Select(i => grid[i])];
        }
        var points = new List<IReadOnlyList<KeyValuePair<string, string>>>(count);
        for (int t = 0; t < count; t++) points.Add([.. dimensions.Select(d => new KeyValuePair<string, string>(d.Name, d.Draw(random)))]);
        return points;
    }

    private static void Check(IReadOnlyList<SweepDimension> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Count == 0) throw new RecipeException("grid", "a sweep varies at least one setting: give --grid NAME=V1|V2|...");
        if (dimensions.GroupBy(d => d.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new RecipeException(twice.Key, $"{twice.Key} is swept twice; give its values in one --grid {twice.Key}=V1|V2|...");
    }
}
