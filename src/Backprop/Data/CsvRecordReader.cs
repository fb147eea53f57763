using System.Text;

namespace Backprop.Data;

/// <summary>
/// Reads comma-separated records one at a time (RFC 4180: quoted fields may hold commas, doubled quotes and
/// line breaks; lines end in LF, CRLF or CR; a UTF-8 byte order mark is skipped). Blank lines are skipped.
/// Remembers the 1-based line each record and each field starts on, for error messages.
/// </summary>
internal sealed class CsvRecordReader : IDisposable
{
    private readonly string _path;
    private readonly TextReader _reader;
    private readonly char[] _buffer = new char[1 << 16];
    private int _position, _length;
    private int _line = 1;

    // The current record: every field's text, back to back, and where each field starts and ends.
    private char[] _text = new char[1024];
    private int _textLength;
    private int[] _starts = new int[16], _lengths = new int[16], _lines = new int[16];

    /// <summary>Opens <paramref name="path"/> as UTF-8 (or what its byte order mark says).</summary>
    public CsvRecordReader(string path)
    {
        _path = path;
        _reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
    }

    /// <summary>Number of fields in the current record.</summary>
    public int Count { get; private set; }

    /// <summary>The line the current record starts on.</summary>
    public int Line { get; private set; }

    /// <summary>Field <paramref name="index"/> of the current record, unquoted, spaces kept.</summary>
    public ReadOnlySpan<char> Field(int index) => _text.AsSpan(_starts[index], _lengths[index]);

    /// <summary>The line field <paramref name="index"/> starts on.</summary>
    public int FieldLine(int index) => _lines[index];

    /// <summary>Moves to the next non-blank record; false at the end of the file.</summary>
    public bool Read()
    {
        while (Peek() >= 0)
        {
            Count = 0;
            _textLength = 0;
            Line = _line;
            bool quoted = false;
            while (ReadField(ref quoted)) { }
            bool blank = Count == 1 && !quoted && Field(0).IsWhiteSpace();
            if (!blank) return true;
        }
        return false;
    }

    /// <summary>Reads one field; true when a comma ended it (another field follows in this record).</summary>
    private bool ReadField(ref bool anyQuoted)
    {
        int start = _textLength, line = _line, column = Count + 1;
        bool quoted = false;
        while (true)
        {
            int c = Next();
            switch (c)
            {
                case -1:
                    EndField(start, line);
                    return false;
                case ',':
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
                    ReadQuoted(line, column);
                    quoted = anyQuoted = true;
                    break;
                case '"' when !quoted:
                    throw new DataException(_path,
                        $"a quote inside unquoted field {column}; put the whole field in quotes and double the quotes inside it (\"\")",
                        _line, column);
                case ' ' or '\t' when quoted:
                    break; // spaces after a closing quote are not part of the field
                default:
                    if (quoted)
                        throw new DataException(_path,
                            $"'{(char)c}' after the closing quote of field {column}; expected a comma or the end of the line",
                            _line, column);
                    Append((char)c);
                    break;
            }
        }
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
        }
    }

    private void EndField(int start, int line)
    {
        if (Count == _starts.Length)
        {
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
        if (_textLength == _text.Length) Array.Resize(ref _text, _text.Length * 2);
        _text[_textLength++] = c;
    }

    private int Peek() => _position < _length || Fill() ? _buffer[_position] : -1;

    private int Next() => _position < _length || Fill() ? _buffer[_position++] : -1;

    private bool Fill()
    {
        _length = _reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _reader.Dispose();
}
