using System.Text;

namespace Backprop.Tests;

/// <summary>
/// Seeded mutations of model files for <see cref="ModelFileFuzzTests"/>: byte-level (flip a bit, replace, delete,
/// insert, duplicate or swap bytes, truncate) and JSON-aware (change a number, a string or a literal; remove,
/// duplicate, add, replace, wrap or unwrap an element of an array or a member of an object). Each mutation appends a
/// short description to the log, so a failing case says what was done.
/// </summary>
internal static class ModelFileMutator
{
    /// <summary>One to three mutations of <paramref name="body"/> (a model's JSON), mostly JSON-aware.</summary>
    public static byte[] Mutate(byte[] body, Random random, List<string> log)
    {
        int count = random.Next(4) == 0 ? 2 + random.Next(2) : 1;
        for (int k = 0; k < count; k++)
            body = random.Next(5) < 3 ? MutateJson(body, 0, body.Length, random, log) : MutateBytes(body, 0, body.Length, random, log);
        return body;
    }

    /// <summary>One to three mutations of a whole file, each anywhere in it or (half the time) in its header line.</summary>
    public static byte[] MutateFile(byte[] file, Random random, List<string> log)
    {
        int count = random.Next(4) == 0 ? 2 + random.Next(2) : 1;
        for (int k = 0; k < count; k++)
        {
            int headerEnd = Array.IndexOf(file, (byte)'\n');
            int end = headerEnd > 0 && random.Next(2) == 0 ? headerEnd : file.Length;
            file = random.Next(2) == 0 ? MutateJson(file, 0, end, random, log) : MutateBytes(file, 0, end, random, log);
        }
        return file;
    }

    /// <summary>One mutation of the header line of <paramref name="file"/>.</summary>
    public static byte[] MutateHeader(byte[] file, Random random, List<string> log)
    {
        int end = Array.IndexOf(file, (byte)'\n');
        if (end <= 0) end = file.Length;
        log.Add("in the header:");
        return random.Next(2) == 0 ? MutateJson(file, 0, end, random, log) : MutateBytes(file, 0, end, random, log);
    }

    // ------------------------------------------------------------------ bytes

    private static readonly byte[][] Tokens =
        [.. new[] { ",", "]", "[", "{", "}", "\"", ":", "\n", "\r", "\r\n", "-", "e", "0", "9", " ", "\\", "null", "\uFEFF" }.Select(Encoding.UTF8.GetBytes),
         [0x00], [0x80], [0xC3], [0xFF], [0xED, 0xA0, 0x80]];

    /// <summary>One byte-level mutation inside [from, to) of <paramref name="data"/>.</summary>
    private static byte[] MutateBytes(byte[] data, int from, int to, Random random, List<string> log)
    {
        int size = to - from;
        int kind = size == 0 ? 3 : random.Next(7);
        int at = from + (size == 0 ? 0 : random.Next(size));
        switch (kind)
        {
            case 0:
            {
                int bit = random.Next(3) == 0 ? 7 : random.Next(8);
                byte[] result = (byte[])data.Clone();
                result[at] ^= (byte)(1 << bit);
                log.Add($"flip bit {bit} of byte {at} ({Show(data, at, at + 1)})");
                return result;
            }
            case 1:
            {
                byte[] result = (byte[])data.Clone();
                result[at] = random.Next(2) == 0 ? (byte)random.Next(256) : Tokens[random.Next(Tokens.Length)][0];
                log.Add($"byte {at} {Show(data, at, at + 1)} -> {Show(result, at, at + 1)}");
                return result;
            }
            case 2:
            {
                int length = 1 + random.Next(Math.Min(random.Next(4) == 0 ? Math.Max(1, size / 4) : 16, to - at));
                log.Add($"delete {length} bytes at {at} ({Show(data, at, at + length)})");
                return Splice(data, at, at + length, []);
            }
            case 3:
            {
                byte[] inserted = random.Next(2) == 0 ? Tokens[random.Next(Tokens.Length)] : RandomBytes(random, 1 + random.Next(8));
                log.Add($"insert {Show(inserted, 0, inserted.Length)} at {at}");
                return Splice(data, at, at, inserted);
            }
            case 4:
            {
                int length = 1 + random.Next(Math.Min(64, to - at));
                int where = from + random.Next(size + 1);
                log.Add($"copy {length} bytes from {at} ({Show(data, at, at + length)}) to {where}");
                return Splice(data, where, where, data[at..(at + length)]);
            }
            case 5:
                log.Add($"truncate at {at} of {data.Length}");
                return data[..at];
            default:
            {
                int other = from + random.Next(size);
                byte[] result = (byte[])data.Clone();
                (result[at], result[other]) = (result[other], result[at]);
                log.Add($"swap bytes {at} and {other}");
                return result;
            }
        }
    }

    // ------------------------------------------------------------------ JSON

    private static readonly string[] Numbers =
        ["0", "-0", "1", "-1", "2", "3", "4", "5", "7", "64", "255", "65536", "2147483647", "2147483648", "-2147483648",
         "4294967296", "268435456", "1e308", "1e309", "-1e309", "1e-400", "3.5", "0.5", "1E+400", "99999999999999999999999",
         "1e5", "1e9", "NaN", "Infinity", "-", "1e", "01", "1.", "3.4028236E+38", "1.5e-45", "0x10", "+1"];

    private static readonly byte[][] StringContents =
        [.. new[] { "", " ", "x", "f16", "f32", "f64", "relu", "tanh", "sigmoid", "softmax", "identity", "he", "xavier",
                    "uniform:1,0", "uniform:-1,1", "uniform", "normal:0", "normal:1e-400", "normal:0.5", "normal:x", "cross-entropy",
                    "binary-cross-entropy", "sse", "mse", "none", "minmax", "standard", "backprop-model", "setosa", "species",
                    "length", "\\u0000", "\\ud800", "\\udc00x", "\\n", "a\\nb", "\\\"", "\\", "\\x", "\\u12", "ü", "✓",
                    new string('x', 300) }.Select(Encoding.UTF8.GetBytes),
         [0xC3, 0x28], [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x98, 0x80], [0xED, 0xA0, 0x80], [0xC0, 0xAF]];

    private static readonly string[] Values = ["null", "[]", "{}", "\"\"", "0", "true", "[0]", "{\"a\": 1}", "-1", "1e400", "\"x\"", "[[]]"];

    private static readonly string[] Literals = ["true", "false", "null", "0", "\"true\"", "[]", "{}", "tru", "nul"];

    /// <summary>An array or object: where it opens and closes, and the commas between its elements.</summary>
    private sealed class Container(int start)
    {
        public int Start { get; } = start;
        public int End { get; set; }
        public List<int> Commas { get; } = [];
    }

    /// <summary>One JSON-aware mutation inside [from, to) of <paramref name="data"/> (byte-level when it holds no JSON).</summary>
    private static byte[] MutateJson(byte[] data, int from, int to, Random random, List<string> log)
    {
        var strings = new List<(int Start, int End)>();
        var numbers = new List<(int Start, int End)>();
        var literals = new List<(int Start, int End)>();
        var containers = new List<Container>();
        var open = new Stack<Container>();
        for (int i = from; i < to;)
        {
            byte b = data[i];
            if (b == '"')
            {
                int j = i + 1;
                while (j < to && data[j] != '"') j += data[j] == '\\' ? 2 : 1;
                if (j >= to) break;
                strings.Add((i, j + 1));
                i = j + 1;
                continue;
            }
            if (b == '-' || char.IsAsciiDigit((char)b))
            {
                int j = i + 1;
                while (j < to && (char.IsAsciiDigit((char)data[j]) || data[j] is (byte)'.' or (byte)'e' or (byte)'E' or (byte)'+' or (byte)'-')) j++;
                numbers.Add((i, j));
                i = j;
                continue;
            }
            if (char.IsAsciiLetterLower((char)b))
            {
                int j = i + 1;
                while (j < to && char.IsAsciiLetterLower((char)data[j])) j++;
                literals.Add((i, j));
                i = j;
                continue;
            }
            if (b is (byte)'[' or (byte)'{') open.Push(new Container(i));
            else if (b is (byte)']' or (byte)'}' && open.Count > 0)
            {
                var c = open.Pop();
                c.End = i;
                containers.Add(c);
            }
            else if (b == ',' && open.Count > 0) open.Peek().Commas.Add(i);
            i++;
        }

        int pick = random.Next(100);
        if (pick < 35 && numbers.Count > 0)
        {
            var (start, end) = numbers[random.Next(numbers.Count)];
            string old = Encoding.ASCII.GetString(data, start, end - start);
            string replacement = random.Next(4) switch
            {
                0 => old + random.Next(10),
                1 when old.Length > 0 => old[..^1] + (char)('0' + random.Next(10)),
                _ => Numbers[random.Next(Numbers.Length)],
            };
            log.Add($"number at {start} {old} -> {replacement}");
            return Splice(data, start, end, Encoding.ASCII.GetBytes(replacement));
        }
        if (pick < 65 && strings.Count > 0)
        {
            var (start, end) = strings[random.Next(strings.Count)];
            byte[] content;
            if (random.Next(4) == 0)
            {
                var (s, e) = strings[random.Next(strings.Count)];
                content = data[(s + 1)..(e - 1)];
            }
            else content = StringContents[random.Next(StringContents.Length)];
            log.Add($"string at {start} {Show(data, start, end)} -> \"{Show(content, 0, content.Length)}\"");
            return Splice(data, start + 1, end - 1, content);
        }
        if (pick < 90 && containers.Count > 0)
            return MutateContainer(data, containers[random.Next(containers.Count)], random, log);
        if (literals.Count > 0)
        {
            var (start, end) = literals[random.Next(literals.Count)];
            string replacement = Literals[random.Next(Literals.Length)];
            log.Add($"literal at {start} {Show(data, start, end)} -> {replacement}");
            return Splice(data, start, end, Encoding.ASCII.GetBytes(replacement));
        }
        return MutateBytes(data, from, to, random, log);
    }

    private static byte[] MutateContainer(byte[] data, Container c, Random random, List<string> log)
    {
        // Element k runs from just after boundary k to boundary k + 1 (the opening bracket, the commas, the closing one).
        int[] bounds = [c.Start, .. c.Commas, c.End];
        bool empty = c.Commas.Count == 0 && data.AsSpan(c.Start + 1, c.End - c.Start - 1).Trim(" \t\r\n"u8).IsEmpty;
        int count = empty ? 0 : bounds.Length - 1;
        string kind = c.Start < data.Length && data[c.Start] == '[' ? "array" : "object";
        int op = count == 0 ? 3 : random.Next(7);
        int k = count == 0 ? 0 : random.Next(count);
        int elementStart = bounds[k] + 1, elementEnd = count == 0 ? c.End : bounds[k + 1];
        byte[] element = data[elementStart..elementEnd];
        switch (op)
        {
            case 0:
                log.Add($"remove element {k} of {count} of the {kind} at {c.Start} ({Show(element, 0, element.Length)})");
                // With its comma: the one before it, or for the first element the one after.
                return k > 0 ? Splice(data, bounds[k], elementEnd, [])
                    : Splice(data, elementStart, count > 1 ? bounds[1] + 1 : elementEnd, []);
            case 1:
                log.Add($"duplicate element {k} of {count} of the {kind} at {c.Start} ({Show(element, 0, element.Length)})");
                return Splice(data, elementEnd, elementEnd, [(byte)',', .. element]);
            case 2:
                log.Add($"empty the {kind} at {c.Start} ({count} elements)");
                return Splice(data, c.Start + 1, c.End, []);
            case 3:
            {
                string value = Values[random.Next(Values.Length)];
                if (count == 0)
                {
                    log.Add($"put {value} into the empty {kind} at {c.Start}");
                    return Splice(data, c.Start + 1, c.End, Encoding.UTF8.GetBytes(value));
                }
                log.Add($"replace element {k} of the {kind} at {c.Start} ({Show(element, 0, element.Length)}) by {value}");
                return Splice(data, elementStart, elementEnd, Encoding.UTF8.GetBytes(" " + value));
            }
            case 4:
                log.Add($"wrap element {k} of the {kind} at {c.Start} ({Show(element, 0, element.Length)}) in []");
                return Splice(data, elementStart, elementEnd, [(byte)'[', .. element, (byte)']']);
            case 5:
            {
                int copy = random.Next(count);
                byte[] other = data[(bounds[copy] + 1)..bounds[copy + 1]];
                log.Add($"append a copy of element {copy} to the {kind} at {c.Start} ({Show(other, 0, other.Length)})");
                return Splice(data, c.End, c.End, [(byte)',', .. other]);
            }
            default:
                log.Add($"replace the {kind} at {c.Start} by its element {k} ({Show(element, 0, element.Length)})");
                return Splice(data, c.Start, c.End + 1, element);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] Splice(byte[] data, int start, int end, byte[] replacement) =>
        [.. data.AsSpan(0, start), .. replacement, .. data.AsSpan(end)];

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Up to 24 bytes as printable text, anything else as \xNN.</summary>
    private static string Show(byte[] data, int start, int end)
    {
        var text = new StringBuilder();
        for (int i = start; i < Math.Min(end, start + 24) && i < data.Length; i++)
            text.Append(data[i] is >= 0x20 and < 0x7F ? ((char)data[i]).ToString() : $"\\x{data[i]:X2}");
        return (end - start > 24 ? text.Append("...") : text).ToString();
    }
}
