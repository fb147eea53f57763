using System.Globalization;

namespace Backprop.Models;

/// <summary>
/// Reads an .npy header's text strictly: a Python dict literal with exactly the keys 'descr' (a string),
/// 'fortran_order' (True or False) and 'shape' (a tuple of whole numbers), in any order, an optional comma after
/// the last, then spaces and a line feed. Anything else (another key, an expression, a list) is a damaged header.
/// </summary>
internal sealed class NpyHeaderParser(string text)
{
    private int _at;

    /// <summary>The three values; throws <see cref="NpzProblem"/> for anything else.</summary>
    public (string Descr, bool FortranOrder, int[] Shape) Parse()
    {
        string? descr = null;
        bool? fortran = null;
        int[]? shape = null;
        Expect('{');
        while (true)
        {
            Space();
            if (Peek() == '}') { _at++; break; }
            string key = String();
            Expect(':');
            switch (key)
            {
                case "descr" when descr is null: descr = String(); break;
                case "fortran_order" when fortran is null: fortran = Bool(); break;
                case "shape" when shape is null: shape = Tuple(); break;
                case "descr" or "fortran_order" or "shape": throw Damaged($"'{key}' is given twice");
                default: throw Damaged($"it has a key '{MessageText.Shorten(key)}'; an .npy header has descr, fortran_order and shape");
            }
            Space();
            if (Peek() == ',') { _at++; continue; }
            Expect('}');
            break;
        }
        var rest = text.AsSpan(_at);
        if (rest.Length == 0 || rest[^1] != '\n' || rest[..^1].ContainsAnyExcept(' '))
            throw Damaged("something follows the dict, or the line feed that ends it is missing");
        if (descr is null || fortran is null || shape is null)
            throw Damaged($"it has no '{(descr is null ? "descr" : fortran is null ? "fortran_order" : "shape")}'");
        return (descr, fortran.Value, shape);
    }

    private NpzProblem Damaged(string problem) => new($"has a damaged .npy header: {problem}");

    private char Peek() => _at < text.Length ? text[_at] : '\0';

    private void Space()
    {
        while (_at < text.Length && text[_at] is ' ' or '\n') _at++;
    }

    private void Expect(char c)
    {
        Space();
        if (Peek() != c) throw Damaged(_at < text.Length ? $"'{c}' expected at character {_at + 1}, found '{text[_at]}'" : $"'{c}' expected, found the end");
        _at++;
    }

    private string String()
    {
        Space();
        char quote = Peek();
        if (quote is not ('\'' or '"')) throw Damaged($"a quoted string expected at character {_at + 1}");
        int end = text.IndexOf(quote, _at + 1);
        if (end < 0) throw Damaged("a string is not closed");
        string value = text[(_at + 1)..end];
        if (value.Contains('\\')) throw Damaged("a string holds an escape");
        _at = end + 1;
        return value;
    }

    private bool Bool()
    {
        Space();
        foreach (var (word, value) in new[] { ("True", true), ("False", false) })
            if (text.AsSpan(_at).StartsWith(word, StringComparison.Ordinal))
            {
                _at += word.Length;
                return value;
            }
        throw Damaged($"'fortran_order' is not True or False (at character {_at + 1})");
    }

    private int[] Tuple()
    {
        Expect('(');
        var sizes = new List<int>();
        bool comma = false;
        while (true)
        {
            Space();
            if (Peek() == ')') { _at++; break; }
            if (sizes.Count == 32) throw Damaged("the shape has more than 32 dimensions");
            int start = _at;
            while (_at < text.Length && char.IsAsciiDigit(text[_at])) _at++;
            if (_at == start) throw Damaged($"the shape holds something other than whole numbers (at character {start + 1})");
            if (!int.TryParse(text.AsSpan(start, _at - start), NumberStyles.None, CultureInfo.InvariantCulture, out int size))
                throw Damaged($"the shape's size {MessageText.Shorten(text[start.._at])} is too large");
            if (Peek() == 'L') _at++;   // Python 2's long integers: numpy reads them
            sizes.Add(size);
            Space();
            comma = Peek() == ',';
            if (comma) { _at++; continue; }
            Expect(')');
            break;
        }
        // (3) is the number 3 in Python, not a tuple.
        if (sizes.Count == 1 && !comma) throw Damaged("the shape (N) is not a tuple; a one-dimensional shape is written (N,)");
        return [.. sizes];
    }
}
