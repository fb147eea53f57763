using System.Text;

namespace Backprop.Onnx;

/// <summary>
/// Writes protocol buffers' wire format (https://protobuf.dev/programming-guides/encoding/): varints and
/// length-delimited fields, all an ONNX file of Backprop's needs. A nested message is written into its own writer, then added as bytes.
/// </summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0, LengthDelimited = 2;

    private readonly MemoryStream _bytes = new();

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>An integer field (int32, int64 or enum), as a varint; negative values take ten bytes, as protobuf writes them.</summary>
    public ProtoWriter Int(int field, long value)
    {
        Tag(field, Varint);
        WriteVarint((ulong)value);
        return this;
    }

    /// <summary>A string field, as UTF-8.</summary>
    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field, or an embedded message's bytes.</summary>
    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        _bytes.Write(value);
        return this;
    }

    /// <summary>An embedded message.</summary>
    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    /// <summary>A repeated int64 field, packed (one length-delimited run of varints).</summary>
    public ProtoWriter PackedInts(int field, IEnumerable<long> values)
    {
        var run = new ProtoWriter();
        foreach (long v in values) run.WriteVarint((ulong)v);
        return Bytes(field, run.ToArray());
    }

    private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.WriteByte((byte)value);
    }
}
