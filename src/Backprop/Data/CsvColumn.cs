namespace Backprop.Data;

/// <summary>
/// What <see cref="CsvTable"/> knows of one input column while it reads a file: whether it holds numbers or text (its
/// first value decides, unless a schema says), and a text column's categories with their codes.
/// </summary>
internal sealed class CsvColumn
{
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>A column still to be learned (no <paramref name="known"/>), or one a schema describes.</summary>
    public CsvColumn(string name, InputColumn? known)
    {
        Name = name;
        _lookup = _codes.GetAlternateLookup<ReadOnlySpan<char>>();
        Known = known is not null;
        if (known is null) return;
        Kind = known.IsCategorical ? CsvColumnKind.Text : CsvColumnKind.Number;
        Fill = known.Fill;
        foreach (string category in known.Categories ?? []) Add(category);
    }

    public string Name { get; }

    /// <summary>True when a schema gave the column: its kind and categories are fixed.</summary>
    public bool Known { get; }

    public CsvColumnKind Kind { get; set; }

    /// <summary>What a missing numeric cell becomes, when a schema gave one.</summary>
    public double? Fill { get; }

    /// <summary>The first text value and its line, which made a learned column a text column (for messages).</summary>
    public (string Text, int Line) FirstText { get; set; }

    /// <summary>The categories, in the order of their codes (first seen first, or the schema's order).</summary>
    public List<string> Categories { get; } = [];

    /// <summary>The code of <paramref name="text"/>, or -1 when it is not a category yet.</summary>
    public int Code(ReadOnlySpan<char> text) => _lookup.TryGetValue(text, out int code) ? code : -1;

    /// <summary>Makes <paramref name="text"/> the next category; returns its code.</summary>
    public int Add(ReadOnlySpan<char> text)
    {
        string name = text.ToString();
        _codes.Add(name, Categories.Count);
        Categories.Add(name);
        return Categories.Count - 1;
    }

    /// <summary>The categories sorted (ordinal), and for each code its place among them.</summary>
    public (string[] Sorted, int[] Place) Sorted()
    {
        var sorted = Categories.Order(StringComparer.Ordinal).ToArray();
        var place = new int[Categories.Count];
        for (int i = 0; i < sorted.Length; i++) place[_codes[sorted[i]]] = i;
        return (sorted, place);
    }
}

/// <summary>What a column holds: not known yet (every value so far missing), numbers, or text categories.</summary>
internal enum CsvColumnKind { Unknown, Number, Text }
