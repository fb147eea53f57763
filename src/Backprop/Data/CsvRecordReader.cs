using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Backprop.Data;

/// <summary>
/// Reads delimited records one at a time (RFC 4180: quoted fields may hold the delimiter, doubled quotes and
/// line breaks; lines end in LF, CRLF or CR; a UTF-8 byte order mark is skipped). Blank lines are skipped.
/// Remembers the 1-based line each record and each field starts on, for error messages. The delimiter is given,
/// or found in the header line (see <see cref="Sniff"/>).
/// </summary>
/// <remarks>
/// The file is untrusted: a field longer than <see cref="FieldLimit"/> characters, a record longer than
/// <see cref="RecordLimit"/> or with more than <see cref="FieldCountLimit"/> fields, and NUL characters while the
/// header is read (a binary file) are errors as soon as they are met, so /dev/zero or a 100 MB file without a line
/// break fails after reading at most a limit, not the whole file.
/// </remarks>
internal sealed class CsvRecordReader : IDisposable
{
    /// <summary>The longest field, in characters: 1 MiB.</summary>
    public const int FieldLimit = 1 << 20;

    /// <summary>The longest record (a line, or several when quotes hold line breaks), in characters: 64 MiB.</summary>
    public const int RecordLimit = 64 << 20;

    /// <summary>The most fields a record may have: 16 Mi.</summary>
    public const int FieldCountLimit = 1 << 24;

    /// <summary>The delimiters <see cref="Sniff"/> looks for, the first preferred in a tie: comma, semicolon, tab, bar.</summary>
    public static ReadOnlySpan<char> Candidates => ",;\t|";

    /// <summary>
    /// The delimiters a file may have: <see cref="Candidates"/> and a space. With a space, runs of spaces are one
    /// delimiter and spaces at a line's ends are not fields (as numpy's <c>savetxt</c> writes and pandas'
    /// <c>sep=r"\s+"</c> reads); an empty field cannot be written, so a missing cell is NA.
    /// </summary>
    public static ReadOnlySpan<char> Delimiters => ",;\t| ";

    // What ends a run of ordinary characters: outside quotes (the delimiter, a quote, a line break), and inside them.
    private static readonly SearchValues<char> Quoted = SearchValues.Create("\"\r\n");
    private readonly SearchValues<char> _unquoted;
    private readonly char _delimiter;

    private readonly string _path;
    private readonly TextReader _reader;
    private readonly char[] _buffer = new char[1 << 16];
    private int _position, _length;
    private int _line = 1;
    private bool _header = true; // true until the first record is read: NUL characters are looked for meanwhile
    private bool _firstFill = true;

    // The current record: every field's text, back to back, and where each field starts and ends. A line without
    // quotes that lies whole in the read buffer (most lines of most files) is not copied: its fields are read where
    // they stand in the buffer (_inBuffer), which stays as it is until the next Read.
    private bool _inBuffer;
    private char[] _text = new char[1024];
    private int _textLength;
    private int[] _starts = new int[16], _lengths = new int[16], _lines = new int[16];

    // The field being read: where it starts in _text, and the length of _text at which Append next checks the limits
    // (the end of the array, or where the field would pass FieldLimit): the one comparison Append made before.
    private int _fieldStart, _fieldLine, _checkAt;
    private bool _inQuotes;

    /// <summary>
    /// Opens <paramref name="path"/> as UTF-8 (or UTF-16 when its byte order mark says so); bytes that are not UTF-8
    /// are an error. With no <paramref name="delimiter"/>, it is found in the header line.
    /// </summary>
    public CsvRecordReader(string path, char? delimiter = null)
    {
        _path = path;
        _reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        if (delimiter is char given) _delimiter = given;
        else
        {
            Fill();
            _delimiter = Sniff(_buffer.AsSpan(0, _length));
            Detected = true;
        }
        _unquoted = SearchValues.Create([_delimiter, '"', '\r', '\n']);
    }

    /// <summary>The delimiter between fields.</summary>
    public char Delimiter => _delimiter;

    /// <summary>True when <see cref="Delimiter"/> was found in the header line rather than given.</summary>
    public bool Detected { get; }

    /// <summary>
    /// The delimiter of a file whose text starts with <paramref name="text"/>: of comma, semicolon, tab and bar, the one
    /// that appears most often in its first line outside quotes (so splits it into the most fields); comma on a tie
    /// with it; otherwise the first of them in that order. When none appears but a space stands between two names
    /// (<c>Chins Situps Jumps</c>), a space; else a comma.
    /// </summary>
    public static char Sniff(ReadOnlySpan<char> text)
    {
        Span<int> counts = stackalloc int[Candidates.Length];
        bool quoted = false, named = false, spaced = false, separated = false;
        foreach (char c in text)
        {
            if (c == '"') quoted = !quoted;
            else if (!quoted && (c == '\n' || c == '\r')) break;
            else if (!quoted && Candidates.IndexOf(c) is var k and >= 0) counts[k]++;
            // A name, spaces outside quotes, then another name: spaces separate the names.
            if (c == ' ' && !quoted) spaced = named;
            else if (c != ' ')
            {
                separated |= spaced;
                named = true;
                spaced = false;
            }
        }
        int best = 0;
        for (int k = 1; k < counts.Length; k++)
            if (counts[k] > counts[best]) best = k;
        return counts[best] == 0 && separated ? ' ' : Candidates[best];
    }

    /// <summary>Number of fields in the current record.</summary>
    public int Count { get; private set; }

    /// <summary>The line the current record starts on.</summary>
    public int Line { get; private set; }

    /// <summary>Field <paramref name="index"/> of the current record, unquoted, spaces kept.</summary>
    public ReadOnlySpan<char> Field(int index) => (_inBuffer ? _buffer : _text).AsSpan(_starts[index], _lengths[index]);

    /// <summary>The line field <paramref name="index"/> starts on.</summary>
    public int FieldLine(int index) => _inBuffer ? Line : _lines[index];

    /// <summary>Moves to the next non-blank record; false at the end of the file.</summary>
    public bool Read()
    {
        while (true)
        {
            if (ReadPlainLine())
            {
                if (Count == 0 || Count == 1 && Field(0).IsWhiteSpace()) continue;   // a blank line
                _header = false;
                return true;
            }
            if (Peek() < 0) return false;
            _inBuffer = false;
            Count = 0;
            _textLength = 0;
            Line = _line;
            bool quoted = false;
            while (ReadField(ref quoted)) { }
            if (_delimiter == ' ') Count = Compact(Count, lines: true);
            bool blank = Count == 0 || Count == 1 && !quoted && Field(0).IsWhiteSpace();
            if (blank) continue;
            _header = false;
            return true;
        }
    }

    /// <summary>
    /// The common case, read without copying: a line with no quote that ends within the buffer (after moving the
    /// unread text to the buffer's start and reading more, once, when the line is cut by the buffer's end). Its fields
    /// are found between the delimiters, many characters at a time. False, having read nothing, for any other line
    /// (quotes, longer than the buffer, the file's last line without a line break): the general reader takes it.
    /// </summary>
    private bool ReadPlainLine()
    {
        var rest = _buffer.AsSpan(_position, _length - _position);
        int end = rest.IndexOfAny(Quoted);
        // '\r' as the buffer's last character: whether '\n' follows is not known yet.
        if (end < 0 || end == rest.Length - 1 && rest[end] == '\r')
        {
            if (_position == 0 && _length == _buffer.Length || !Fill()) return false;
            rest = _buffer.AsSpan(_position, _length - _position);
            end = rest.IndexOfAny(Quoted);
            if (end < 0 || end == rest.Length - 1 && rest[end] == '\r') return false;
        }
        if (rest[end] == '"') return false;
        if (_starts.Length <= end)
        {
            int size = (int)BitOperations.RoundUpToPowerOf2((uint)end + 1);
            _starts = new int[size];
            _lengths = new int[size];
            _lines = new int[size];
        }
        Count = Split(rest[..end], _delimiter, _position, _starts, _lengths);
        if (_delimiter == ' ') Count = Compact(Count, lines: false);
        Line = _line;
        _inBuffer = true;
        _position += end + (rest[end] == '\r' && rest[end + 1] == '\n' ? 2 : 1);
        _line++;
        return true;
    }

    /// <summary>
    /// Splits <paramref name="line"/> at each <paramref name="delimiter"/> into fields (their starts, plus
    /// <paramref name="offset"/>, and lengths); returns how many. The arrays hold at least one more than the line's length.
    /// </summary>
    internal static int Split(ReadOnlySpan<char> line, char delimiter, int offset, int[] starts, int[] lengths)
    {
        int count = 0, start = 0, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // 16 characters a step: a bit for each delimiter among them, then one field for each bit.
            ref ushort chars = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(line));
            var delimiters = Vector256.Create((ushort)delimiter);
            for (; i + Vector256<ushort>.Count <= line.Length; i += Vector256<ushort>.Count)
            {
                uint bits = Vector256.Equals(Vector256.LoadUnsafe(ref chars, (nuint)i), delimiters).ExtractMostSignificantBits();
                while (bits != 0)
                {
                    int at = i + BitOperations.TrailingZeroCount(bits);
                    starts[count] = offset + start;
                    lengths[count++] = at - start;
                    start = at + 1;
                    bits &= bits - 1;
                }
            }
        }
        for (; i < line.Length; i++)
        {
            if (line[i] != delimiter) continue;
            starts[count] = offset + start;
            lengths[count++] = i - start;
            start = i + 1;
        }
        starts[count] = offset + start;
        lengths[count++] = line.Length - start;
        return count;
    }

    // Space-separated: the empty fields that runs of spaces and spaces at the line's ends make are not fields.
    private int Compact(int count, bool lines)
    {
        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            if (_lengths[i] == 0) continue;
            _starts[kept] = _starts[i];
            _lengths[kept] = _lengths[i];
            if (lines) _lines[kept] = _lines[i];
            kept++;
        }
        return kept;
    }

    /// <summary>Reads one field; true when the delimiter ended it (another field follows in this record).</summary>
    private bool ReadField(ref bool anyQuoted)
    {
        int start = _textLength, line = _line;
        // The common case, without a character at a time: an unquoted field that ends within the buffer and fits the
        // record's text as it is (no limit can be passed: the buffer is far shorter than a field may be).
        var rest = _buffer.AsSpan(_position, _length - _position);
        int run = ShortRun(rest, _delimiter);
        if (run >= 0 && rest[run] != '"' && run + 1 < rest.Length && _textLength + run <= _text.Length)
        {
            char stop = rest[run];
            rest[..run].CopyTo(_text.AsSpan(_textLength));
            _textLength += run;
            _position += run + 1;
            if (stop == _delimiter)
            {
                EndField(start, line);
                return true;
            }
            if (stop == '\r' && _buffer[_position] == '\n') _position++;
            _line++;
            EndField(start, line);
            return false;
        }
        return ReadFieldSlowly(ref anyQuoted);
    }

    /// <summary>Reads one field a character at a time: quotes, limits, a field that crosses the buffer's end.</summary>
    private bool ReadFieldSlowly(ref bool anyQuoted)
    {
        int start = _textLength, line = _line, column = Count + 1;
        bool quoted = false;
        _fieldStart = start;
        _fieldLine = line;
        _checkAt = (int)Math.Min(_text.Length, (long)start + FieldLimit);
        while (true)
        {
            int c = Next();
            switch (c)
            {
                case -1:
                    EndField(start, line);
                    return false;
                case var d when d == _delimiter:
                    EndField(start, line);
                    return true;
                case '\n':
                case '\r':
                    if (c == '\r' && Peek() == '\n') Next();
                    _line++;
                    EndField(start, line);
                    return false;
                case '"' when !quoted && _text.AsSpan(start, _textLength - start).IsWhiteSpace():
                    _textLength = start; // spaces before an opening quote are not part of the field
                    _inQuotes = true;
                    ReadQuoted(line, column);
                    _inQuotes = false;
                    quoted = anyQuoted = true;
                    break;
                case '"' when !quoted:
                    throw new DataException(_path,
                        $"a quote inside unquoted field {column}; put the whole field in quotes and double the quotes inside it (\"\")",
                        _line, column);
                case ' ' or '\t' when quoted:
                    break; // spaces after a closing quote are not part of the field (a tab delimiter is matched above)
                default:
                    if (quoted)
                        throw new DataException(_path,
                            $"{MessageText.Quote([(char)c])} after the closing quote of field {column}; expected {DelimiterName(_delimiter)} or the end of the line",
                            _line, column);
                    Append((char)c);
                    AppendRun(_unquoted);
                    break;
            }
        }
    }

    // Where the first delimiter, quote or line break of text is (-1: none): a character at a time, which for the short
    // fields of numeric files is faster than a vectorized search that needs setting up for each field.
    private static int ShortRun(ReadOnlySpan<char> text, char delimiter)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c > '"' && c != delimiter) continue;   // digits, letters, '.', '-': most characters
            if (c == delimiter || c == '"' || c == '\r' || c == '\n') return i;
        }
        return -1;
    }

    private void ReadQuoted(int line, int column)
    {
        while (true)
        {
            int c = Next();
            if (c < 0)
                throw new DataException(_path,
                    $"the quotes that open field {column} here are never closed; the file ends inside them", line, column);
            if (c == '"')
            {
                if (Peek() != '"') return;
                Next();
            }
            else if (c == '\r' || c == '\n')
            {
                if (c == '\r' && Peek() == '\n') Next();
                _line++;
                c = '\n';
            }
            Append((char)c);
            if (c != '"' && c != '\n') AppendRun(Quoted);
        }
    }

    /// <summary>
    /// Appends the characters from here to the next one of <paramref name="stops"/> (left unread) or the end of the
    /// file, a buffer at a time: the same text as reading them one by one, without the per-character work.
    /// </summary>
    private void AppendRun(SearchValues<char> stops)
    {
        while (true)
        {
            var rest = _buffer.AsSpan(_position, _length - _position);
            int run = rest.IndexOfAny(stops);
            Append(run < 0 ? rest : rest[..run]);
            _position += run < 0 ? rest.Length : run;
            if (run >= 0 || !Fill()) return;
        }
    }

    private void EndField(int start, int line)
    {
        if (Count == _starts.Length)
        {
            if (Count >= FieldCountLimit)
                throw new DataException(_path,
                    $"the line has more than {FieldCountLimit} fields, the most a record may have; is this a CSV file?", Line);
            Array.Resize(ref _starts, Count * 2);
            Array.Resize(ref _lengths, Count * 2);
            Array.Resize(ref _lines, Count * 2);
        }
        _starts[Count] = start;
        _lengths[Count] = _textLength - start;
        _lines[Count] = line;
        Count++;
    }

    private void Append(char c)
    {
        if (_textLength == _checkAt) Grow();
        _text[_textLength++] = c;
    }

    private void Append(ReadOnlySpan<char> chars)
    {
        while (!chars.IsEmpty)
        {
            if (_textLength == _checkAt) Grow();
            int n = Math.Min(chars.Length, _checkAt - _textLength);
            chars[..n].CopyTo(_text.AsSpan(_textLength));
            _textLength += n;
            chars = chars[n..];
        }
    }

    // The text is full, or the field has reached FieldLimit: fail at a limit, or make room.
    private void Grow()
    {
        if (_textLength - _fieldStart >= FieldLimit)
            throw new DataException(_path, $"field {Count + 1} is longer than the limit of 1 MiB ({FieldLimit} characters); " +
                (_inQuotes ? "are the quotes that open it ever closed?" : "is this a CSV file?"), _fieldLine, Count + 1);
        if ((long)_textLength + Count >= RecordLimit)
            throw new DataException(_path, $"the line is longer than the limit of 64 MiB ({RecordLimit} characters); is this a CSV file?", Line);
        if (_textLength == _text.Length) Array.Resize(ref _text, (int)Math.Min(2L * _text.Length, RecordLimit));
        _checkAt = (int)Math.Min(_text.Length, (long)_fieldStart + FieldLimit);
    }

    private int Peek() => _position < _length || Fill() ? _buffer[_position] : -1;

    private int Next() => _position < _length || Fill() ? _buffer[_position++] : -1;

    // Reads more text after what is left unread, which moves to the buffer's start; false when nothing more was read
    // (the end of the file).
    private bool Fill()
    {
        int kept = _length - _position;
        if (kept > 0) Array.Copy(_buffer, _position, _buffer, 0, kept);
        int read;
        try { read = _reader.Read(_buffer, kept, _buffer.Length - kept); }
        catch (DecoderFallbackException e)
        {
            if (_firstFill && StartsWithGzip()) throw new DataException(_path, "the file is gzip-compressed, not CSV text; decompress it first");
            string bytes = string.Join(" ", (e.BytesUnknown ?? []).Select(b => $"0x{b:X2}"));
            throw new DataException(_path, $"the file is not UTF-8 text: bytes {bytes} at or after this line are not UTF-8; save it as UTF-8", _line);
        }
        _position = 0;
        _length = kept + read;
        if (_header && _buffer.AsSpan(0, _length).Contains('\0')) throw Binary();
        _firstFill = false;
        return read > 0;
    }

    private bool StartsWithGzip()
    {
        Span<byte> start = stackalloc byte[2];
        using var file = File.OpenRead(_path);
        return file.ReadAtLeast(start, 2, throwOnEndOfStream: false) == 2 && start[0] == 0x1F && start[1] == 0x8B;
    }

    // A NUL character while the header is read: no CSV text holds one (UTF-16 text without a byte order mark is
    // mostly NULs, and gzip's header has some).
    private DataException Binary()
    {
        bool gzip = _firstFill && _buffer.AsSpan(0, _length).StartsWith("\u001F\uFFFD"); // 1f 8b, which is not UTF-8
        return new DataException(_path, gzip
            ? "the file is gzip-compressed, not CSV text; decompress it first"
            : "the file looks binary, not CSV text: it holds NUL bytes; expected a header row naming the columns");
    }

    /// <summary>A delimiter for a message: "a comma", "a semicolon", "a tab", "'|'".</summary>
    public static string DelimiterName(char delimiter) => delimiter switch
    {
        ',' => "a comma",
        ';' => "a semicolon",
        '\t' => "a tab",
        ' ' => "a space",
        _ => MessageText.Quote([delimiter]),
    };

    /// <summary>Closes the file.</summary>
    public void Dispose() => _reader.Dispose();
}
