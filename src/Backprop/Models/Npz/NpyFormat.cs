using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Backprop.Models;

/// <summary>
/// numpy's .npy format, version 1.0 as <c>np.save</c> writes it, for float32 and float64 vectors and matrices:
/// the magic "\x93NUMPY", the version, the header's length, a Python dict literal
/// <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (3, 4), }</c> padded with spaces and a line feed to a
/// multiple of 64 bytes, then the values, little-endian. Reading is strict: only this dict's grammar, only the
/// types Backprop holds, and a bounded header.
/// </summary>
internal static class NpyFormat
{
    /// <summary>The six bytes an .npy file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The longest header text read, as numpy's own reader (its max_header_size).</summary>
    public const int MaxHeaderText = 10_000;

    /// <summary>The most bytes before the data: magic, version, a four-byte length (version 2 and 3), the header text.</summary>
    public const int MaxHeaderBytes = 12 + MaxHeaderText;

    // np.save leaves room after the header's text for the first dimension to grow to 21 digits (numpy 1.24's GROWTH_AXIS_MAX_DIGITS).
    private const int GrowthDigits = 21;

    /// <summary>The bytes <c>np.save</c> writes for <paramref name="values"/> of <paramref name="shape"/> as <paramref name="descr"/> ("&lt;f4" or "&lt;f8").</summary>
    public static byte[] Bytes(string descr, int[] shape, ReadOnlySpan<double> values)
    {
        if (descr is not ("<f4" or "<f8")) throw new ArgumentException($"Writes <f4 or <f8, not {descr}.", nameof(descr));
        long count = shape.Aggregate(1L, (p, s) => p * s);
        if (count != values.Length) throw new ArgumentException($"Shape {ShapeText(shape)} holds {count} values, not {values.Length}.", nameof(values));
        string text = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {ShapeText(shape)}, }}";
        if (shape.Length > 0) text += new string(' ', Math.Max(0, GrowthDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length));
        int length = text.Length + 1;   // the line feed
        int padding = 64 - (10 + length) % 64;
        text = text + new string(' ', padding) + "\n";
        int itemSize = descr == "<f4" ? 4 : 8;
        var bytes = new byte[10 + text.Length + values.Length * itemSize];
        Magic.CopyTo(bytes);
        bytes[6] = 1;   // version 1.0
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        Encoding.ASCII.GetBytes(text, bytes.AsSpan(10));
        var data = bytes.AsSpan(10 + text.Length);
        for (int i = 0; i < values.Length; i++)
        {
            if (itemSize == 4) BinaryPrimitives.WriteSingleLittleEndian(data[(i * 4)..], (float)values[i]);
            else BinaryPrimitives.WriteDoubleLittleEndian(data[(i * 8)..], values[i]);
        }
        return bytes;
    }

    /// <summary>A shape as Python writes a tuple: (), (3,), (3, 4).</summary>
    public static string ShapeText(IReadOnlyList<int> shape) => shape.Count switch
    {
        0 => "()",
        1 => $"({shape[0].ToString(CultureInfo.InvariantCulture)},)",
        _ => "(" + string.Join(", ", shape.Select(s => s.ToString(CultureInfo.InvariantCulture))) + ")",
    };

    /// <summary>
    /// The header at the start of <paramref name="bytes"/> (which holds at least the whole header, or all of a shorter
    /// file); throws <see cref="NpzProblem"/> saying what is wrong.
    /// </summary>
    public static NpyHeader ParseHeader(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw new NpzProblem(bytes.Length >= 6 && bytes[..6].SequenceEqual(Magic) ? "is truncated in its .npy header" : "is not an .npy array (it does not start with \\x93NUMPY)");
        int major = bytes[6], minor = bytes[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new NpzProblem($"is .npy format version {major}.{minor}; Backprop reads versions 1.0, 2.0 and 3.0");
        int prefix = major == 1 ? 10 : 12;
        if (bytes.Length < prefix) throw new NpzProblem("is truncated in its .npy header");
        long length = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (length > MaxHeaderText) throw new NpzProblem($"has a {length}-byte .npy header; the most numpy or Backprop reads is {MaxHeaderText}");
        if (bytes.Length < prefix + length) throw new NpzProblem("is truncated in its .npy header");
        var text = bytes.Slice(prefix, (int)length);
        foreach (byte b in text)
            if (b is < 0x20 or > 0x7E && b != '\n')
                throw new NpzProblem($"has a damaged .npy header (byte 0x{b:X2} is not printable text)");
        var (descr, fortran, shape) = new NpyHeaderParser(Encoding.ASCII.GetString(text)).Parse();
        if (descr is not ("<f4" or "<f8"))
            throw new NpzProblem($"holds {DescribeType(descr)} ('{MessageText.OneLine(descr)}'); Backprop reads float32 ('<f4') and float64 ('<f8'), little-endian");
        if (shape.Length > 2)
            throw new NpzProblem($"has shape {ShapeText(shape)}, {shape.Length} dimensions; weights, biases and scalings are vectors or matrices");
        var header = new NpyHeader(descr, fortran, shape, prefix + (int)length);
        long count = shape.Aggregate(1L, (p, s) => p * s);   // at most two sizes below 2^31: no overflow
        if (count > Array.MaxLength / header.ItemSize)
            throw new NpzProblem($"has shape {ShapeText(shape)}, {count} values: more than one array can hold");
        return header;
    }

    /// <summary>The values of <paramref name="data"/> (exactly <see cref="NpyHeader.DataBytes"/> long) in row-major order, widened to float64.</summary>
    public static double[] Values(ReadOnlySpan<byte> data, NpyHeader header)
    {
        var values = new double[header.Count];
        bool f4 = header.ItemSize == 4;
        for (int i = 0; i < values.Length; i++)
            values[i] = f4 ? BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]) : BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]);
        if (!header.FortranOrder || header.Shape.Length < 2) return values;
        // Column-major: element (r, c) is at c * rows + r.
        int rows = header.Shape[0], columns = header.Shape[1];
        var rowMajor = new double[values.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) rowMajor[r * columns + c] = values[c * rows + r];
        return rowMajor;
    }

    /// <summary>A numpy type string in words, for messages: "&gt;f8" is "big-endian float64", "&lt;i8" "int64".</summary>
    public static string DescribeType(string descr)
    {
        if (descr.Length < 2) return "an unknown type";
        char order = descr[0];
        string rest = order is '<' or '>' or '|' or '=' ? descr[1..] : descr;
        if (rest.Length < 1) return "an unknown type";
        bool sized = int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out int size);
        string name = rest[0] switch
        {
            'f' when sized => $"float{size * 8}",
            'i' when sized => $"int{size * 8}",
            'u' when sized => $"uint{size * 8}",
            'c' when sized => $"complex{size * 8}",
            'b' => "booleans",
            'O' => "Python objects",
            'U' or 'S' or 'a' => "text",
            'V' => "raw records",
            'M' or 'm' => "dates or times",
            _ => "an unknown type",
        };
        return order == '>' && sized && size > 1 ? "big-endian " + name : name;
    }
}
