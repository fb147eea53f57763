using System.Buffers.Binary;
using System.Text;

namespace Backprop.Onnx;

/// <summary>
/// Reads one protocol buffers message (https://protobuf.dev/programming-guides/encoding/) from untrusted bytes: every
/// varint, length and fixed-width value is checked against the bytes left in the message before it is used, and
/// every problem is an <see cref="OnnxFormatException"/> naming the message being read.
/// </summary>
internal sealed class ProtoReader
{
    /// <summary>Wire types: varint, 64-bit, length-delimited, 32-bit (groups, 3 and 4, are not read).</summary>
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    private readonly byte[] _data;
    private readonly int _end;
    private readonly string _what;
    private int _position;

    /// <summary>A reader of <paramref name="data"/>[<paramref name="start"/>..<paramref name="end"/>], a message named <paramref name="what"/> in errors.</summary>
    public ProtoReader(byte[] data, int start, int end, string what)
    {
        _data = data;
        _position = start;
        _end = end;
        _what = what;
    }

    /// <summary>The field number and wire type of the next field, or false at the end of the message.</summary>
    public bool Next(out int field, out int wireType)
    {
        field = wireType = 0;
        if (_position >= _end) return false;
        ulong tag = ReadVarint();
        wireType = (int)(tag & 7);
        ulong number = tag >> 3;
        if (number == 0 || number > 536_870_911) throw Damaged($"field number {number} is not a valid protobuf field number");
        field = (int)number;
        if (wireType is not (Varint or Fixed64 or LengthDelimited or Fixed32))
            throw Damaged($"field {field} has wire type {wireType}, which ONNX does not use");
        return true;
    }

    /// <summary>A varint field's value as int64 (int32, int64 and enum fields all read this way).</summary>
    public long Int(int wireType)
    {
        Expect(wireType, Varint);
        return (long)ReadVarint();
    }

    /// <summary>A float field (fixed 32 bits).</summary>
    public float Float(int wireType)
    {
        Expect(wireType, Fixed32);
        return BinaryPrimitives.ReadSingleLittleEndian(Take(4));
    }

    /// <summary>A length-delimited field's bytes, as (start, length) in the whole buffer.</summary>
    public (int Start, int Length) Bytes(int wireType)
    {
        Expect(wireType, LengthDelimited);
        ulong length = ReadVarint();
        if (length > (ulong)(_end - _position))
            throw Damaged($"a field says it holds {length} bytes; {_end - _position} are left");
        int start = _position;
        _position += (int)length;
        return (start, (int)length);
    }

    /// <summary>A string field (valid UTF-8).</summary>
    public string String(int wireType)
    {
        var (start, length) = Bytes(wireType);
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(_data, start, length); }
        catch (DecoderFallbackException) { throw Damaged("a text field is not valid UTF-8"); }
    }

    /// <summary>An embedded message, read by a reader of its own.</summary>
    public ProtoReader Message(int wireType, string what)
    {
        var (start, length) = Bytes(wireType);
        return new ProtoReader(_data, start, start + length, what);
    }

    /// <summary>The values of a repeated int64 field, packed or not, added to <paramref name="values"/>.</summary>
    public void Ints(int wireType, List<long> values)
    {
        if (wireType != LengthDelimited) { values.Add(Int(wireType)); return; }
        var packed = Message(wireType, _what);
        while (packed._position < packed._end) values.Add((long)packed.ReadVarint());
    }

    /// <summary>The values of a repeated float field, packed or not, added to <paramref name="values"/>.</summary>
    public void Floats(int wireType, List<double> values)
    {
        if (wireType != LengthDelimited) { values.Add(Float(wireType)); return; }
        var (start, length) = Bytes(wireType);
        if (length % 4 != 0) throw Damaged($"a packed float field holds {length} bytes, not a multiple of 4");
        for (int i = 0; i < length; i += 4) values.Add(BinaryPrimitives.ReadSingleLittleEndian(_data.AsSpan(start + i, 4)));
    }

    /// <summary>The values of a repeated double field, packed or not, added to <paramref name="values"/>.</summary>
    public void Doubles(int wireType, List<double> values)
    {
        if (wireType != LengthDelimited)
        {
            Expect(wireType, Fixed64);
            values.Add(BinaryPrimitives.ReadDoubleLittleEndian(Take(8)));
            return;
        }
        var (start, length) = Bytes(wireType);
        if (length % 8 != 0) throw Damaged($"a packed double field holds {length} bytes, not a multiple of 8");
        for (int i = 0; i < length; i += 8) values.Add(BinaryPrimitives.ReadDoubleLittleEndian(_data.AsSpan(start + i, 8)));
    }

    /// <summary>The bytes at (start, length), as <see cref="Bytes"/> gave them.</summary>
    public ReadOnlySpan<byte> Span((int Start, int Length) range) => _data.AsSpan(range.Start, range.Length);

    /// <summary>Passes over a field this reader does not use.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Take(8); break;
            case Fixed32: Take(4); break;
            default: Bytes(wireType); break;
        }
    }

    private void Expect(int wireType, int expected)
    {
        if (wireType != expected) throw Damaged($"a field has wire type {wireType} where {expected} was expected");
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_end - _position < count) throw Damaged($"a {count}-byte value runs past the end of the {_what}");
        var span = _data.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _end) throw Damaged($"a number runs past the end of the {_what}");
            byte b = _data[_position++];
            if (shift == 63 && b > 1) throw Damaged("a number is longer than 64 bits");
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw Damaged("a number is longer than 10 bytes");
    }

    private OnnxFormatException Damaged(string problem) => new($"not a valid ONNX model (damaged, or another kind of file): {problem} (in the {_what})");
}
