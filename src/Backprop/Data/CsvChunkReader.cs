namespace Backprop.Data;

/// <summary>
/// Reads a CSV file a chunk of rows at a time, each chunk a <see cref="Dataset"/> parsed as <see cref="CsvLoader.Load"/>
/// parses the file (the same reader and table, so the same values and the same errors, located at the file's line and
/// field), so that memory holds one chunk whatever the file's size: how <c>evaluate</c> and <c>predict</c> read data.
/// </summary>
/// <remarks>
/// Every chunk must read its columns alike, so they are known beforehand: a model's schema or the expected features
/// (no column learned from the file), and targets, when read, are the given classes or numbers (a regression task).
/// A file problem found when the whole file is done (a target cell missing, no rows) is reported at the chunk it is in.
/// </remarks>
internal sealed class CsvChunkReader : IDisposable
{
    private readonly string _path;
    private readonly CsvOptions _options;
    private readonly int _maxRows, _capacity;
    private readonly CsvRecordReader _reader;
    private readonly CsvLoader.FileColumns _columns;
    private long _rows, _dropped;
    private bool _done;

    /// <summary>Opens <paramref name="path"/> and reads its header; throws <see cref="DataException"/> for bad data and <see cref="ArgumentException"/> for bad options.</summary>
    public CsvChunkReader(string path, CsvOptions options, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        CsvLoader.CheckOptions(options);
        if (options.Schema is null && options.ExpectFeatures is null)
            throw new ArgumentException("Reading a file in chunks needs its input columns beforehand: a schema or the expected features.", nameof(options));
        if (options.TargetColumns.Count > 0 && options.Classes is null && options.Task != TaskKind.Regression)
            throw new ArgumentException("Reading targets in chunks needs the classes, or the regression task.", nameof(options));
        if (Directory.Exists(path)) throw new DataException(path, "this is a folder; expected a CSV file");
        if (!File.Exists(path)) throw new DataException(path, "file not found");
        _path = path;
        _options = options;
        _maxRows = maxRows;
        CsvRecordReader? reader = null;
        try
        {
            if (CsvLoader.OtherKind(path) is string other) throw new DataException(path, other);
            reader = new CsvRecordReader(path, options.Delimiter);
            _columns = CsvLoader.Columns(path, reader, options);
            // A chunk's buffer holds no more rows than the file can: a data row has at least one character a field
            // but the first (a delimiter), or one for a single column. A file of unknown length (a device) gets a chunk.
            long length = new FileInfo(path).Length;
            _capacity = length == 0 ? maxRows : (int)Math.Clamp(length / Math.Max(1, _columns.Header.Length - 1) + 1, 1, maxRows);
            _reader = reader;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reader?.Dispose();
            throw new DataException(path, "cannot read the file: " + e.Message);
        }
        catch
        {
            reader?.Dispose();
            throw;
        }
    }

    /// <summary>The rows read so far.</summary>
    public long Rows => _rows;

    /// <summary>The rows left out so far for a missing cell (<c>--missing drop</c>), including any after the last chunk once <see cref="Next"/> returned null.</summary>
    public long Dropped => _dropped;

    /// <summary>The next chunk: up to the reader's rows (fewer at the end), or null after the last; valid until the next call.</summary>
    /// <exception cref="DataException">The chunk's rows are bad data (located), or the file held no row at all.</exception>
    public Dataset? Next()
    {
        if (_done) return null;
        try
        {
            var (header, headerLine, inputs, targets, schema) = _columns;
            var table = new CsvTable(_path, _reader, header, headerLine, inputs, targets, schema, _options, _capacity);
            var chunk = table.ReadChunk(_maxRows);
            _dropped += table.Dropped;
            if (chunk is null)
            {
                _done = true;
                if (_rows == 0) throw CsvTable.NoRows(_path, _dropped, headerLine);
                return null;
            }
            _rows += chunk.Count;
            return chunk;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _done = true;
            throw new DataException(_path, "cannot read the file: " + e.Message);
        }
        catch
        {
            _done = true;
            throw;
        }
    }

    public void Dispose() => _reader.Dispose();
}
