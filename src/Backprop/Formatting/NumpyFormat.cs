using System.Text;

namespace Backprop.Formatting;

/// <summary>numpy 1.24's <c>repr(arr)</c> and <c>str(arr)</c> with the default print options.</summary>
internal static class NumpyFormat
{
    private const int LineWidth = 75;
    private const int Threshold = 1000;
    private const int EdgeItems = 3;

    /// <summary>numpy's <c>repr(arr)</c> for C-ordered <paramref name="data"/> of the given shape, e.g. "array([1, 0, 1])".</summary>
    public static string ArrayRepr(ReadOnlySpan<double> data, ReadOnlySpan<int> shape, NumpyDtype dtype)
    {
        int size = CheckedSize(data, shape);
        const string prefix = "array(";
        bool dtypeImplied = dtype != NumpyDtype.Float32 && size > 0;
        string suffix = dtypeImplied ? ")" : ",";

        string body = size > 0 || shape.Length == 1
            ? Array2String(data.ToArray(), shape.ToArray(), dtype, LineWidth - suffix.Length, ", ", prefix)
            : "[], shape=" + ShapeRepr(shape);   // numpy shows the shape of empty arrays other than (0,)
        string arrStr = prefix + body + suffix;
        if (dtypeImplied) return arrStr;

        string dtypeStr = $"dtype={DtypeName(dtype)})";
        // The dtype goes on its own line when it would push the last line past the line width.
        int lastLineLen = arrStr.Length - (arrStr.LastIndexOf('\n') + 1);
        string spacer = lastLineLen + dtypeStr.Length + 1 > LineWidth ? "\n" + new string(' ', prefix.Length) : " ";
        return arrStr + spacer + dtypeStr;
    }

    /// <summary>numpy's <c>str(arr)</c> / <c>print(arr)</c>, e.g. "[[-0.16595599  0.44064899]\n [...]]".</summary>
    public static string ArrayStr(ReadOnlySpan<double> data, ReadOnlySpan<int> shape, NumpyDtype dtype)
    {
        CheckedSize(data, shape);
        if (shape.Length == 0)
        {
            // A 0-d array prints like its scalar: full repr precision, no padding.
            double v = data[0];
            return dtype switch
            {
                NumpyDtype.Float64 => PyFormat.Repr(v),
                NumpyDtype.Float32 => PyFormat.Repr((float)v),
                NumpyDtype.Int64 => ElementFormat.Int(v),
                _ => v != 0 ? "True" : "False",
            };
        }
        return Array2String(data.ToArray(), shape.ToArray(), dtype, LineWidth, " ", "");
    }

    private static int CheckedSize(ReadOnlySpan<double> data, ReadOnlySpan<int> shape)
    {
        long size = 1;
        foreach (int n in shape)
        {
            if (n < 0) throw new ArgumentException("Shape dimensions must be non-negative.", nameof(shape));
            size *= n;
        }
        if (size != data.Length)
            throw new ArgumentException($"Shape ({string.Join(", ", shape.ToArray())}) needs {size} elements, got {data.Length}.", nameof(data));
        return (int)size;
    }

    private static string DtypeName(NumpyDtype dtype) => dtype switch
    {
        NumpyDtype.Float64 => "float64",
        NumpyDtype.Float32 => "float32",
        NumpyDtype.Int64 => "int64",
        _ => "bool",
    };

    /// <summary>Python's repr of a shape tuple: "(0, 3)", "(0,)".</summary>
    private static string ShapeRepr(ReadOnlySpan<int> shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.ToArray()) + ")";

    private static string Array2String(double[] data, int[] shape, NumpyDtype dtype, int lineWidth, string separator, string prefix)
    {
        if (data.Length == 0) return "[]";
        bool summarize = data.Length > Threshold;
        var printer = new Printer(data, shape, separator, summarize);
        // Column widths and notation come only from the elements that will actually be printed.
        var format = ElementFormat.For(dtype, printer.ShownValues(), zeroDim: shape.Length == 0);
        return printer.Format(format, lineWidth, " " + new string(' ', prefix.Length));
    }

    /// <summary>A port of numpy's _formatArray: nested brackets, hanging indents, line wrapping, '...' summaries.</summary>
    private sealed class Printer(double[] data, int[] shape, string separator, bool summarize)
    {
        private Func<double, string> _format = null!;

        /// <summary>Indices printed along an axis: all, or the first and last EdgeItems when summarised.</summary>
        private IEnumerable<int> Shown(int axis)
        {
            int n = shape[axis];
            return summarize && n > 2 * EdgeItems
                ? Enumerable.Range(0, EdgeItems).Concat(Enumerable.Range(n - EdgeItems, EdgeItems))
                : Enumerable.Range(0, n);
        }

        public List<double> ShownValues()
        {
            var values = new List<double>();
            void Walk(int axis, int offset)
            {
                if (axis == shape.Length) { values.Add(data[offset]); return; }
                foreach (int i in Shown(axis)) Walk(axis + 1, offset * shape[axis] + i);
            }
            Walk(0, 0);
            return values;
        }

        public string Format(Func<double, string> format, int lineWidth, string nextLinePrefix)
        {
            _format = format;
            return Recurse(0, 0, nextLinePrefix, lineWidth);
        }

        private string Recurse(int axis, int offset, string hangingIndent, int currWidth)
        {
            int axesLeft = shape.Length - axis;
            if (axesLeft == 0) return _format(data[offset]);

            // Nested rows sit one column further right (after the '[') and lose one column to the ']'.
            string nextHanging = hangingIndent + " ";
            int nextWidth = currWidth - 1;
            int n = shape[axis];
            bool showSummary = summarize && 2 * EdgeItems < n;
            int leading = showSummary ? EdgeItems : 0;
            int trailing = showSummary ? EdgeItems : n;
            string Item(int i) => Recurse(axis + 1, offset * n + i, nextHanging, nextWidth);

            var s = new StringBuilder();
            if (axesLeft == 1)
            {
                // Leave room for the separator or closing bracket after each element.
                int elemWidth = currWidth - Math.Max(separator.TrimEnd().Length, 1);
                string line = hangingIndent;
                for (int i = 0; i < leading; i++)
                    line = ExtendLine(s, line, Item(i), elemWidth, hangingIndent) + separator;
                if (showSummary)
                    line = ExtendLine(s, line, "...", elemWidth, hangingIndent) + separator;
                for (int i = trailing; i > 1; i--)
                    line = ExtendLine(s, line, Item(n - i), elemWidth, hangingIndent) + separator;
                line = ExtendLine(s, line, Item(n - 1), elemWidth, hangingIndent);
                s.Append(line);
            }
            else
            {
                // Higher axes separate their rows by one blank line per extra dimension.
                string lineSep = separator.TrimEnd() + new string('\n', axesLeft - 1);
                for (int i = 0; i < leading; i++)
                    s.Append(hangingIndent).Append(Item(i)).Append(lineSep);
                if (showSummary)
                    s.Append(hangingIndent).Append("...").Append(lineSep);
                for (int i = trailing; i > 1; i--)
                    s.Append(hangingIndent).Append(Item(n - i)).Append(lineSep);
                s.Append(hangingIndent).Append(Item(n - 1));
            }
            return "[" + s.ToString(hangingIndent.Length, s.Length - hangingIndent.Length) + "]";
        }

        /// <summary>Appends word to line, first flushing the line into s when it would get too long.</summary>
        private static string ExtendLine(StringBuilder s, string line, string word, int lineWidth, string nextLinePrefix)
        {
            // Wrapping a line that holds only the indent would not help, so numpy doesn't.
            bool needsWrap = line.Length + word.Length > lineWidth && line.Length > nextLinePrefix.Length;
            if (!needsWrap) return line + word;
            s.Append(line.TrimEnd()).Append('\n');
            return nextLinePrefix + word;
        }
    }
}
