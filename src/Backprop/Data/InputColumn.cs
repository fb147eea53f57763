namespace Backprop.Data;

/// <summary>
/// One column of a table as a network takes it: a number (one input), or text categories (one 0/1 input a
/// category, named <c>column=category</c>), with the value that fills a missing cell when one was learned.
/// </summary>
/// <param name="Name">The column's name in the header row.</param>
/// <param name="Categories">The categories of a text column, sorted by ordinal (UTF-16) order as scikit-learn's
/// OneHotEncoder sorts them; null for a numeric column.</param>
/// <param name="Fill">What a missing cell of a numeric column becomes (the training rows' mean or median), or null.</param>
internal sealed record InputColumn(string Name, IReadOnlyList<string>? Categories = null, double? Fill = null)
{
    /// <summary>True for a text column, which becomes one input a category.</summary>
    public bool IsCategorical => Categories is not null;

    /// <summary>The number of network inputs it makes: 1, or one a category.</summary>
    public int Width => Categories?.Count ?? 1;

    /// <summary>The network inputs' names: the column's name, or <c>name=category</c> for each category.</summary>
    public IEnumerable<string> InputNames => Categories is null ? [Name] : Categories.Select(c => Name + "=" + c);
}
