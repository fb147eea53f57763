using System.Globalization;

namespace Backprop.Data;

/// <summary>
/// Loads a delimited file (comma, semicolon, tab or bar, found in the header line unless given) with a header row
/// into a <see cref="Dataset"/>. Every problem with the file is a <see cref="DataException"/> located at its line (as
/// in the file, 1-based) and field number.
/// </summary>
/// <remarks>
/// Numeric cells are finite numbers in invariant culture (<c>-2.5</c>, <c>1e-3</c>; spaces around them are allowed).
/// An input column whose first value is text holds categories, one-hot encoded (<see cref="InputSchema"/>); missing
/// cells (empty, NA, N/A, NaN, null) follow <see cref="CsvOptions.Missing"/>. A single target column becomes one-hot
/// classes when <see cref="CsvOptions.Classes"/> is given or when some of its values are not numbers; otherwise each
/// target column is one numeric output. The file's lines are counted first and the rows parsed straight into place,
/// held once: in float32 when every value is exact in float32, else as decimal codes when every value is a short
/// decimal (4 bytes a value, decoded exactly), else float64 (<see cref="CsvOptions.Cache"/>: in a cache file, float32
/// or float64, read memory-mapped).
/// </remarks>
public static class CsvLoader
{
    /// <summary>The most categories a text column may have: each becomes a network input.</summary>
    public const int MaxCategories = 1000;

    /// <summary>
    /// The most distinct whole numbers a single target column may hold and still be read as classes when no task is
    /// given (more are numbers to predict: ages, counts, prices); each value must also be seen twice on average.
    /// </summary>
    public const int MaxInferredClasses = 20;

    /// <summary>Reads <paramref name="path"/>; throws <see cref="DataException"/> for bad data and <see cref="ArgumentException"/> for bad options.</summary>
    public static Dataset Load(string path, CsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        CheckOptions(options);
        if (Directory.Exists(path)) throw new DataException(path, "this is a folder; expected a CSV file");
        if (!File.Exists(path)) throw new DataException(path, "file not found");
        try
        {
            if (OtherKind(path) is string other) throw new DataException(path, other);
            if (options.Cache is string cache)
                return CsvCache.Load(path, options, cache, (reader, sink) => Read(path, reader, options, sink));
            using var reader = new CsvRecordReader(path, options.Delimiter);
            return Read(path, reader, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, "cannot read the file: " + e.Message);
        }
    }

    internal static void CheckOptions(CsvOptions options)
    {
        if (options.Delimiter is char d && CsvRecordReader.Delimiters.IndexOf(d) < 0)
            throw new ArgumentException($"The delimiter must be one of , ; tab | space, not {MessageText.Quote([d])}.", nameof(options));
        if (!InputSchema.MissingPolicies.Contains(options.Missing))
            throw new ArgumentException($"Unknown missing-value policy {MessageText.Quote(options.Missing)}; expected {string.Join(", ", InputSchema.MissingPolicies)}.", nameof(options));
        if (!CsvOptions.UnknownPolicies.Contains(options.Unknown))
            throw new ArgumentException($"Unknown policy {MessageText.Quote(options.Unknown)} for unseen categories; expected error or ignore.", nameof(options));
        if (options.TargetColumns.Count == 0 && options.ExpectFeatures is null && options.Schema is null)
            throw new ArgumentException("Name at least one target column.", nameof(options));
        if (FirstDuplicate(options.TargetColumns) is { } target)
            throw new ArgumentException($"Target column '{target}' is named twice.", nameof(options));
        if (options.ExpectFeatures is { } expected && FirstDuplicate(expected) is { } feature)
            throw new ArgumentException($"Expected feature '{feature}' is named twice.", nameof(options));
        if (options.Classes is not { } classes) return;
        if (options.TargetColumns.Count != 1)
            throw new ArgumentException($"Classes apply to a single target column, not {options.TargetColumns.Count}.", nameof(options));
        if (classes.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("A class label cannot be empty.", nameof(options));
        if (classes.Count < 2)
            throw new ArgumentException($"Give at least two classes; got only '{classes.FirstOrDefault()}'.", nameof(options));
        if (FirstDuplicate(classes.Select(c => c.Trim())) is { } label)
            throw new ArgumentException($"Class '{label}' is listed twice.", nameof(options));
    }

    private static Dataset Read(string path, CsvRecordReader reader, CsvOptions options, Func<int, int, TableSink>? sink = null)
    {
        var (header, headerLine, inputs, targets, schema) = Columns(path, reader, options);
        return new CsvTable(path, reader, header, headerLine, inputs, targets, schema, options, Rows(path, headerLine), sink).Read();
    }

    /// <summary>
    /// "2 of the 5 column names are numbers (150, 4)" when some names in <paramref name="names"/> read as numbers, else
    /// null: a sign that the first line is data, or a line of counts (scikit-learn's own CSV files start with one),
    /// rather than a header. Names such as 0 to 783 for pixels are legitimate, so this is said, not refused.
    /// </summary>
    internal static string? NumbersAsNames(IReadOnlyList<string> names)
    {
        var numbers = names.Where(n => n.Any(char.IsAsciiDigit)
            && double.TryParse(n, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)).ToList();
        return numbers.Count == 0 ? null
            : $"{(numbers.Count == names.Count ? (names.Count == 1 ? "the only" : $"all {names.Count}") : $"{numbers.Count} of the {names.Count}")} column name{(names.Count == 1 ? " is a number" : "s are numbers")} ({MessageText.List(numbers)})";
    }

    // After "no column named X": why the names may not be what the user thinks.
    internal static string NoHeaderHint(string[] header) => NumbersAsNames(header) is string numbers
        ? $"; {numbers}: the first line is read as the header; if the file has none, add a line naming the columns"
        : "";

    /// <summary>The header and which columns are read: each input's and target's place in the file, and the schema the inputs follow (null: learned from the file).</summary>
    internal readonly record struct FileColumns(string[] Header, int HeaderLine, int[] Inputs, int[] Targets, InputSchema? Schema);

    /// <summary>Reads the header and finds the columns <paramref name="options"/> asks for; the reader is left at the first data row.</summary>
    internal static FileColumns Columns(string path, CsvRecordReader reader, CsvOptions options)
    {
        if (!reader.Read()) throw new DataException(path, "the file is empty; expected a header row naming the columns");
        int headerLine = reader.Line;
        string[] header = ReadHeader(path, reader);
        var schema = options.Schema
            ?? (options.ExpectFeatures is { } expected ? InputSchema.Numeric(expected) with { Missing = options.Missing } : null);

        int[] targets = options.TargetColumns.Select(name => Array.IndexOf(header, name) is var i and >= 0 ? i
            : throw new DataException(path, $"no column named {Quote(name)}; the columns are: {MessageText.List(header)}{NoHeaderHint(header)}", headerLine)).ToArray();
        int[] inputs;
        if (targets.Length == 0)
        {
            // Prediction: only the model's input columns, found by name (other columns, such as targets, are ignored).
            inputs = schema!.Columns.Select(column => Array.IndexOf(header, column.Name) is var i and >= 0 ? i
                : throw new DataException(path, $"no column named {Quote(column.Name)}, which the model takes as input; the columns are: {MessageText.List(header)}{NoHeaderHint(header)}", headerLine)).ToArray();
        }
        else
        {
            inputs = Enumerable.Range(0, header.Length).Where(c => !targets.Contains(c)).ToArray();
            if (inputs.Length == 0) throw new DataException(path, "every column is a target; no feature columns are left", headerLine);
            if (schema is not null)
                CheckFeatures(path, headerLine, inputs.Select(c => header[c]).ToArray(), inputs, schema.Columns.Select(c => c.Name).ToArray());
        }
        return new FileColumns(header, headerLine, inputs, targets, schema);
    }

    // The most data rows the file can hold: one a line after the header's (a quoted line break or a blank line makes
    // fewer). A file of unknown length (a device) starts small and grows.
    private static int Rows(string path, int headerLine)
    {
        if (new FileInfo(path).Length == 0) return 1024;
        return (int)Math.Clamp(LineCounter.Count(path) - headerLine, 0, Array.MaxLength);
    }

    private static string[] ReadHeader(string path, CsvRecordReader reader)
    {
        var header = new string[reader.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < header.Length; c++)
        {
            string name = reader.Field(c).Trim().ToString();
            if (name.Length == 0)
                throw new DataException(path, $"column {c + 1} has no name in the header; every column needs one", reader.FieldLine(c), c + 1);
            if (!seen.TryAdd(name, c))
                throw new DataException(path, $"duplicate column name {Quote(name)} (also column {seen[name] + 1})", reader.FieldLine(c), c + 1);
            header[c] = name;
        }
        return header;
    }

    // Backprop's own files start with a header naming their format: given as data, they are named, not parsed as CSV
    // (which would report "a quote inside unquoted field 1"). A device or pipe is not read ahead.
    internal static string? OtherKind(string path)
    {
        if (new FileInfo(path).Length == 0) return null;   // empty, or a pipe or device: read once, by the reader
        Span<byte> start = stackalloc byte[40];
        int read;
        using (var file = File.OpenRead(path)) read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        var head = start[..read];
        if (head.StartsWith("{\"format\":\"backprop-model\""u8))
            return "is a Backprop model file, not data; a model goes before the data: backprop evaluate MODEL DATA, backprop predict MODEL DATA (or train --init-from MODEL)";
        if (head.StartsWith("{\"format\":\"backprop-checkpoint\""u8))
            return "is a Backprop checkpoint, not data; train --resume CHECKPOINT continues the run it holds";
        if (head.StartsWith("PK\u0003\u0004"u8))
            return "is a zip archive (a numpy .npz?), not a CSV file; import weights with backprop import FILE.npz";
        // An ONNX model is protobuf: its first field is the IR version (tag 0x08).
        if (head.Length > 0 && head[0] == 0x08 && path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            return "is an ONNX model, not data; import it with backprop import FILE.onnx --save MODEL";
        return null;
    }

    /// <summary>The file's feature columns must be the model's, in the same order; reports the first difference.</summary>
    private static void CheckFeatures(string path, int line, string[] found, int[] columns, IReadOnlyList<string> expected)
    {
        string want = "the model's features are: " + MessageText.List(expected);
        for (int i = 0; i < Math.Max(found.Length, expected.Count); i++)
        {
            if (i < found.Length && i < expected.Count && found[i] == expected[i]) continue;
            if (i < expected.Count && !found.Contains(expected[i]))
                throw new DataException(path, $"missing feature column {Quote(expected[i])}; {want}", line);
            if (!expected.Contains(found[i]))
                throw new DataException(path, $"column {Quote(found[i])} is not a feature of the model; {want}", line, columns[i] + 1);
            throw new DataException(path,
                $"feature columns are in a different order: column {Quote(found[i])} is where the model expects {Quote(expected[i])}; {want}",
                line, columns[i] + 1);
        }
    }

    /// <summary>A cell or name quoted for a one-line message: what does not print escaped (\n, \x00), long text shortened.</summary>
    private static string Quote(ReadOnlySpan<char> text) => MessageText.Quote(text);

    private static string Plural(int n, string noun) => MessageText.Plural(n, noun);

    private static string? FirstDuplicate(IEnumerable<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return names.FirstOrDefault(name => !seen.Add(name));
    }
}
