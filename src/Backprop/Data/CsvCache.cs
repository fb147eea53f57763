using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Backprop.Tensors;

namespace Backprop.Data;

/// <summary>
/// A CSV file's table converted once into a binary file of rows (<see cref="CsvOptions.Cache"/>, <c>train --cache</c>),
/// read memory-mapped: training then holds the targets but not the inputs, so a table larger than memory trains.
/// </summary>
/// <remarks>
/// <para>Layout (little-endian): a 64-byte prefix (the magic <c>BPCACHE</c> and a byte 0x1a, the version, the length of
/// the description, the body's offset and length, the SHA-256 of the description and the body), the description (UTF-8 JSON: the CSV's size,
/// modification time and SHA-256, the options it was read with, the shape, the storage precision, the column names, the
/// classes, the schema), then the body at a 64-byte boundary: the inputs, row after row, as the file holds them
/// (float32 when every value is exact in float32, else float64; a learned text column's code; NaN for a missing cell),
/// then the targets in float64.</para>
/// <para>The file is reused while the CSV (size, modification time and SHA-256) and the options are the same, and
/// written again (atomically) otherwise. It is untrusted input: the magic, the version, every size against the file's
/// length and the body's checksum are checked before a row is read; a file that is not a cache is never overwritten,
/// and a damaged cache is an error naming it (delete it and it is made again).</para>
/// </remarks>
internal static class CsvCache
{
    private static ReadOnlySpan<byte> Magic => "BPCACHE\u001a"u8;
    private const int Version = 1, PrefixBytes = 64, MaxDescription = 64 << 20;

    /// <summary>
    /// The dataset of <paramref name="path"/> read through the cache file <paramref name="cache"/>: the cache as it is when
    /// made from this CSV with these options, else converted again from the CSV (streamed: a row at a time).
    /// </summary>
    public static Dataset Load(string path, CsvOptions options, string cache, Func<CsvRecordReader, Func<int, int, TableSink>, Dataset> read)
    {
        if (!BitConverter.IsLittleEndian) throw new DataException(cache, "cache files are little-endian; this machine is not");
        if (Path.GetFullPath(cache) == Path.GetFullPath(path)) throw new DataException(cache, "the cache file cannot be the CSV file itself; name another file");
        var csv = new FileInfo(path);
        if (csv.Length == 0) throw new DataException(path, "is empty, or a pipe or device; a cache is made from a CSV file that can be read twice");
        string key = Key(options);
        string? stale = null;
        if (File.Exists(cache))
        {
            stale = Stale(cache, csv, key, out var description);
            if (stale is null) return Open(cache, path, description!.Value, reused: true);
        }
        else if (Directory.Exists(cache)) throw new DataException(cache, "is a folder; name a cache file");
        Write(path, options, cache, csv, key, read);
        using var file = OpenRead(cache);
        var written = Describe(cache, file);
        var dataset = Open(cache, path, written, reused: false);
        return WithNote(dataset, $"cache: {(stale is null ? "wrote" : $"wrote again ({stale})")} {cache}: {Shape(written)}");
    }

    private static Dataset WithNote(Dataset data, string note) => data.WithCacheNote(note);

    private static string Shape(JsonElement d) =>
        $"{MessageText.Plural(d.GetProperty("rows").GetInt32(), "row")} of {MessageText.Plural(d.GetProperty("stored").GetInt32(), "value")} in {d.GetProperty("precision").GetString()}";

    // What the rows depend on besides the CSV's bytes: the options read with.
    private static string Key(CsvOptions o)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            Strings(w, "targets", o.TargetColumns);
            Strings(w, "classes", o.Classes);
            w.WriteString("task", o.Task?.ToString());
            w.WriteBoolean("inferClasses", o.InferClasses);
            Strings(w, "expectFeatures", o.ExpectFeatures);
            w.WritePropertyName("schema");
            Schema(w, o.Schema);
            w.WriteString("delimiter", o.Delimiter?.ToString());
            w.WriteString("missing", o.Missing);
            w.WriteString("unknown", o.Unknown);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string>? values)
    {
        if (values is null) { w.WriteNull(name); return; }
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void Schema(Utf8JsonWriter w, InputSchema? schema)
    {
        if (schema is null) { w.WriteNullValue(); return; }
        w.WriteStartObject();
        w.WriteString("missing", schema.Missing);
        w.WriteStartArray("columns");
        foreach (var c in schema.Columns)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            Strings(w, "categories", c.Categories);
            if (c.Fill is double fill) w.WriteNumber("fill", fill);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static InputSchema? ReadSchema(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : new InputSchema(
        e.GetProperty("columns").EnumerateArray().Select(c => new InputColumn(c.GetProperty("name").GetString()!, ReadStrings(c.GetProperty("categories")),
            c.TryGetProperty("fill", out var f) ? f.GetDouble() : null)).ToArray(), e.GetProperty("missing").GetString()!);

    private static string[]? ReadStrings(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.EnumerateArray().Select(s => s.GetString()!).ToArray();

    private static FileStream OpenRead(string cache)
    {
        try { return new FileStream(cache, FileMode.Open, FileAccess.Read, FileShare.Read); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new DataException(cache, "cannot read the cache file: " + e.Message); }
    }

    // Why the cache is not this CSV's with these options (to be made again), or null when it is; a file that is not a
    // cache, or a damaged one, is an error.
    private static string? Stale(string cache, FileInfo csv, string key, out JsonElement? description)
    {
        description = null;
        using var file = OpenRead(cache);
        var d = Describe(cache, file);
        if (d.GetProperty("version").GetInt32() != Version) return "made by another version of Backprop";
        if (d.GetProperty("csvSize").GetInt64() != csv.Length || d.GetProperty("csvModified").GetInt64() != csv.LastWriteTimeUtc.Ticks)
            return "the CSV file changed";
        if (d.GetProperty("options").GetString() != key) return "the CSV is read with other options";
        if (d.GetProperty("csvSha256").GetString() != Sha256(csv.FullName)) return "the CSV file changed";
        description = d;
        return null;
    }

    private static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    // The prefix and description, every size checked against the file's length.
    private static JsonElement Describe(string cache, FileStream file)
    {
        long length = file.Length;
        Span<byte> prefix = stackalloc byte[PrefixBytes];
        if (length < PrefixBytes || file.ReadAtLeast(prefix, PrefixBytes, throwOnEndOfStream: false) < PrefixBytes || !prefix.StartsWith(Magic))
            throw new DataException(cache, "is not a Backprop cache file; --cache names the file train converts the CSV into (name a new file, or delete this one)");
        int version = BinaryPrimitives.ReadInt32LittleEndian(prefix[8..]);
        int size = BinaryPrimitives.ReadInt32LittleEndian(prefix[12..]);
        long offset = BinaryPrimitives.ReadInt64LittleEndian(prefix[16..]), body = BinaryPrimitives.ReadInt64LittleEndian(prefix[24..]);
        if (version != Version)
            return JsonDocument.Parse($"{{\"version\":{version}}}").RootElement;
        string damaged = "is a damaged cache file (delete it and train makes it again from the CSV)";
        if (size <= 0 || size > MaxDescription || size > length - PrefixBytes || offset != Align(PrefixBytes + (long)size) || body <= 0 || offset > length || body != length - offset)
            throw new DataException(cache, $"{damaged}: its sizes do not match its length of {length} bytes");
        var text = new byte[size];
        file.ReadExactly(text);
        JsonElement d;
        try { d = JsonDocument.Parse(text).RootElement; }
        catch (JsonException) { throw new DataException(cache, $"{damaged}: its description is not JSON"); }
        try
        {
            int rows = d.GetProperty("rows").GetInt32(), stored = d.GetProperty("stored").GetInt32(), targets = d.GetProperty("targets").GetInt32();
            string precision = d.GetProperty("precision").GetString()!;
            if (rows <= 0 || stored <= 0 || targets < 0 || precision is not ("float32" or "float64"))
                throw new DataException(cache, $"{damaged}: its shape is not one of rows");
            long expected = (long)rows * stored * (precision == "float32" ? 4 : 8) + (long)rows * targets * 8;
            if (expected != body) throw new DataException(cache, $"{damaged}: {rows} rows of {stored} values and {targets} targets do not make its {body} bytes of rows (truncated?)");
            d.GetProperty("csvSize").GetInt64();
            d.GetProperty("csvModified").GetInt64();
            d.GetProperty("options").GetString();
            d.GetProperty("csvSha256").GetString();
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new DataException(cache, $"{damaged}: its description lacks a value");
        }
        var copy = JsonDocument.Parse($"{{\"version\":{version},\"size\":{size},\"offset\":{offset},\"body\":{body},\"sha256\":\"{Convert.ToHexStringLower(prefix[32..64])}\",\"d\":{Encoding.UTF8.GetString(text)}}}").RootElement;
        return Merge(copy);
    }

    // The description's values with the prefix's beside them.
    private static JsonElement Merge(JsonElement e)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var p in e.EnumerateObject())
                if (p.Name != "d") p.WriteTo(w);
            foreach (var p in e.GetProperty("d").EnumerateObject()) p.WriteTo(w);
            w.WriteEndObject();
        }
        return JsonDocument.Parse(stream.ToArray()).RootElement;
    }

    private static long Align(long n) => (n + 63) / 64 * 64;

    // The cache mapped: its checksum (of the description and the body) checked, the targets read, the inputs left in the file.
    private static unsafe Dataset Open(string cache, string path, JsonElement d, bool reused)
    {
        string damaged = "is a damaged cache file (delete it and train makes it again from the CSV)";
        int rows = d.GetProperty("rows").GetInt32(), stored = d.GetProperty("stored").GetInt32(), targetColumns = d.GetProperty("targets").GetInt32();
        bool isDouble = d.GetProperty("precision").GetString() == "float64";
        long size = d.GetProperty("size").GetInt64(), offset = d.GetProperty("offset").GetInt64(), body = d.GetProperty("body").GetInt64();
        var file = OpenRead(cache);
        if (file.Length != offset + body) { file.Dispose(); throw new DataException(cache, $"{damaged}: it changed while being read"); }
        var map = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        start += view.PointerOffset;
        int[]?[]? places;
        string[] features, targetNames;
        string[]? classes;
        Dataset data;
        TableRows? table = null;
        try
        {
            // Every byte checked before one is used (read through the mapping: the bytes checked are the bytes trained on).
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                hash.AppendData(new ReadOnlySpan<byte>(start + PrefixBytes, (int)size));
                for (long at = 0; at < body; at += 1 << 30)
                    hash.AppendData(new ReadOnlySpan<byte>(start + offset + at, (int)Math.Min(1 << 30, body - at)));
                if (Convert.ToHexStringLower(hash.GetHashAndReset()) != d.GetProperty("sha256").GetString())
                    throw new DataException(cache, $"{damaged}: its contents do not match their checksum");
            }
            places = d.GetProperty("places").ValueKind == JsonValueKind.Null ? null
                : d.GetProperty("places").EnumerateArray().Select(p => p.ValueKind == JsonValueKind.Null ? null : p.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
            features = ReadStrings(d.GetProperty("featureNames"))!;
            targetNames = ReadStrings(d.GetProperty("targetNames"))!;
            classes = ReadStrings(d.GetProperty("classNames"));
            if (places is not null && (places.Length != stored || places.Any(p => p is not null && (p.Length == 0 || p.Any(v => (uint)v >= (uint)p.Length)))))
                throw new DataException(cache, $"{damaged}: its text columns do not match its rows");
            long columns = places is null ? stored : places.Sum(p => (long)(p?.Length ?? 1));
            if (columns != features.Length || (classes is null ? targetNames.Length != targetColumns : classes.Length != targetColumns || targetNames.Length != 1))
                throw new DataException(cache, $"{damaged}: its names do not match its columns");
            table = new TableRows(map, view, start + offset, isDouble, rows, stored, places);
            if (table.FirstBadCode() is int bad) throw new DataException(cache, $"{damaged}: row {bad + 1} holds a category its text column does not have");
            var targets = new Matrix<double>(rows, targetColumns);
            byte* from = start + offset + (long)rows * stored * (isDouble ? 8 : 4);
            for (int r = 0; r < rows; r++)
                new ReadOnlySpan<byte>(from + (long)r * targetColumns * 8, targetColumns * 8).CopyTo(MemoryMarshal.AsBytes(targets.RowSpan(r)));
            var inferred = d.GetProperty("inferred");
            data = new Dataset(new TableView(table, null, null), targets, features, targetNames, classes, path)
            {
                Schema = ReadSchema(d.GetProperty("schema")),
                Delimiter = d.GetProperty("delimiter").GetString() is { Length: 1 } c ? c[0] : null,
                DelimiterDetected = d.GetProperty("delimiterDetected").GetBoolean(),
                DroppedRows = d.GetProperty("dropped").GetInt32(),
                InferredTask = inferred.ValueKind == JsonValueKind.Null ? null
                    : new InferredTask(Enum.Parse<TaskKind>(inferred.GetProperty("task").GetString()!), inferred.GetProperty("reason").GetString()!),
            };
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or NullReferenceException)
        {
            if (table is not null) GC.SuppressFinalize(table);
            Release(view, map);
            throw new DataException(cache, $"{damaged}: its description does not describe its rows");
        }
        catch (DataException)
        {
            if (table is not null) GC.SuppressFinalize(table);
            Release(view, map);
            throw;
        }
        return reused ? data.WithCacheNote($"cache: reused {cache} (the CSV is unchanged): {Shape(d)}") : data;
    }

    private static void Release(MemoryMappedViewAccessor view, MemoryMappedFile map)
    {
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        map.Dispose();
    }

    // Converts the CSV: its rows streamed into a scratch file beside the cache, then the cache written atomically.
    private static void Write(string path, CsvOptions options, string cache, FileInfo csv, string key, Func<CsvRecordReader, Func<int, int, TableSink>, Dataset> read)
    {
        long size = csv.Length, modified = csv.LastWriteTimeUtc.Ticks;
        string sha = Sha256(csv.FullName);
        string scratch = $"{Path.GetFullPath(cache)}.{Environment.ProcessId}.rows.tmp";
        FileSink? sink = null;
        try
        {
            Dataset shape;
            using (var reader = new CsvRecordReader(path, options.Delimiter))
                shape = read(reader, (width, _) => sink = new FileSink(scratch, width));
            var rows = shape.Table!.Table;
            using var description = new MemoryStream();
            using (var w = new Utf8JsonWriter(description))
            {
                w.WriteStartObject();
                w.WriteString("csv", csv.FullName);
                w.WriteNumber("csvSize", size);
                w.WriteNumber("csvModified", modified);
                w.WriteString("csvSha256", sha);
                w.WriteString("options", key);
                w.WriteNumber("rows", rows.Count);
                w.WriteNumber("stored", rows.Stored);
                w.WriteNumber("targets", shape.Targets.Columns);
                w.WriteString("precision", sink!.IsDouble ? "float64" : "float32");
                w.WritePropertyName("places");
                if (sink.Places is null) w.WriteNullValue();
                else
                {
                    w.WriteStartArray();
                    foreach (var p in sink.Places)
                    {
                        if (p is null) { w.WriteNullValue(); continue; }
                        w.WriteStartArray();
                        foreach (int v in p) w.WriteNumberValue(v);
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                }
                Strings(w, "featureNames", shape.FeatureNames);
                Strings(w, "targetNames", shape.TargetNames);
                Strings(w, "classNames", shape.ClassNames);
                w.WritePropertyName("schema");
                Schema(w, shape.Schema);
                w.WriteString("delimiter", shape.Delimiter?.ToString());
                w.WriteBoolean("delimiterDetected", shape.DelimiterDetected);
                w.WriteNumber("dropped", shape.DroppedRows);
                w.WritePropertyName("inferred");
                if (shape.InferredTask is { } t)
                {
                    w.WriteStartObject();
                    w.WriteString("task", t.Task.ToString());
                    w.WriteString("reason", t.Reason);
                    w.WriteEndObject();
                }
                else w.WriteNullValue();
                w.WriteEndObject();
            }
            var targets = MemoryMarshal.AsBytes(shape.Targets.Span).ToArray();
            byte[] checksum = sink.Checksum(description.ToArray(), targets);
            long features = sink.Length, offset = Align(PrefixBytes + description.Length);
            var prefix = new byte[PrefixBytes];
            Magic.CopyTo(prefix);
            BinaryPrimitives.WriteInt32LittleEndian(prefix.AsSpan(8), Version);
            BinaryPrimitives.WriteInt32LittleEndian(prefix.AsSpan(12), (int)description.Length);
            BinaryPrimitives.WriteInt64LittleEndian(prefix.AsSpan(16), offset);
            BinaryPrimitives.WriteInt64LittleEndian(prefix.AsSpan(24), features + targets.Length);
            checksum.CopyTo(prefix, 32);
            sink.Close();
            AtomicFile.Write(cache, (Stream stream) =>
            {
                stream.Write(prefix);
                description.Position = 0;
                description.CopyTo(stream);
                stream.Write(new byte[offset - PrefixBytes - description.Length]);
                using (var values = new FileStream(scratch, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20)) values.CopyTo(stream, 1 << 20);
                stream.Write(targets);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(cache, "cannot write the cache file: " + e.Message);
        }
        finally
        {
            sink?.Close();
            try { File.Delete(scratch); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/>'s table would not fit in memory: its rows (lines) times its columns (the header's
    /// fields) at <paramref name="bytesPerValue"/> bytes, against what the garbage collector may use.
    /// </summary>
    public static bool WouldNotFit(string path, int bytesPerValue)
    {
        long size = File.Exists(path) ? new FileInfo(path).Length : 0;
        // A value takes at least two characters (a digit and a delimiter or line end): a file too small to hold more than
        // fits is not read.
        if (size == 0 || (double)(size / 2 + 1) * bytesPerValue <= MemoryBudget.Available) return false;
        int columns;
        using (var reader = new CsvRecordReader(path, null))
        {
            if (!reader.Read()) return false;
            columns = reader.Count;
        }
        return (double)LineCounter.Count(path) * columns * bytesPerValue > MemoryBudget.Available;
    }

    // The rows as they are read, into a scratch file: float32 while every value is exact in it, then float64 (the rows
    // written so far widened into a second file).
    private sealed class FileSink(string scratch, int width) : TableSink
    {
        private FileStream? _file = new(scratch, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        private readonly float[] _single = new float[width];
        private int _rows;

        public bool IsDouble { get; private set; }

        public int[]?[]? Places { get; private set; }

        public long Length => _file!.Length;

        public override void Add(ReadOnlySpan<double> row)
        {
            if (!IsDouble && TryNarrow(row, _single)) _file!.Write(MemoryMarshal.AsBytes(_single.AsSpan()));
            else
            {
                if (!IsDouble) ToDoubles();
                _file!.Write(MemoryMarshal.AsBytes(row));
            }
            _rows++;
        }

        private void ToDoubles()
        {
            string wide = scratch + ".f64";
            using (var to = new FileStream(wide, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                _file!.Position = 0;
                var singles = new float[width];
                var doubles = new double[width];
                for (int r = 0; r < _rows; r++)
                {
                    _file.ReadExactly(MemoryMarshal.AsBytes(singles.AsSpan()));
                    TableRows.Widen(singles, doubles);
                    to.Write(MemoryMarshal.AsBytes(doubles.AsSpan()));
                }
            }
            _file!.Dispose();
            File.Move(wide, scratch, overwrite: true);
            _file = new FileStream(scratch, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 20);
            _file.Seek(0, SeekOrigin.End);
            IsDouble = true;
        }

        public override void Grow(int capacity) { }

        // The loader's dataset needs its shape only: the rows are read again from the cache, mapped.
        public override TableRows Finish(int rows, int[]?[]? places)
        {
            Places = places;
            _file!.Flush();
            return TableRows.Shape(rows, width, places, IsDouble);
        }

        // SHA-256 of the description, the rows written, then the targets.
        public byte[] Checksum(byte[] description, byte[] targets)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(description);
            _file!.Position = 0;
            var buffer = new byte[1 << 20];
            int n;
            while ((n = _file.Read(buffer)) > 0) hash.AppendData(buffer.AsSpan(0, n));
            hash.AppendData(targets);
            return hash.GetHashAndReset();
        }

        public void Close()
        {
            _file?.Dispose();
            _file = null;
        }
    }
}
