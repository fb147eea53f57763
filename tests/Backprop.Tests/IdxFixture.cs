using System.IO.Compression;

namespace Backprop.Tests;

/// <summary>Small IDX image and label files (MNIST's format) for tests.</summary>
internal static class IdxFixture
{
    public static byte[] BigEndian(params int[] values) =>
        values.SelectMany(v => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v }).ToArray();

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(data);
        return output.ToArray();
    }

    /// <summary>
    /// n images of side x side pixels in <paramref name="folder"/>, as PREFIX-images-idx3-ubyte[.gz] and
    /// PREFIX-labels-idx1-ubyte[.gz]: image i is of class c = i % 3 (its label c + <paramref name="labelOffset"/>), which lights up
    /// pixel row c; <paramref name="labelCount"/> labels (default n).
    /// </summary>
    public static (string Images, string Labels) Write(TempFolder folder, string prefix, int n, bool gzip, int labelCount = -1, int side = 4, int labelOffset = 0)
    {
        var random = new NumpyRandom(4);
        int area = side * side;
        var pixels = new byte[n * area];
        var labels = new byte[labelCount < 0 ? n : labelCount];
        for (int i = 0; i < n; i++)
        {
            int c = i % 3;
            if (i < labels.Length) labels[i] = (byte)(c + labelOffset);
            for (int p = 0; p < area; p++) pixels[i * area + p] = (byte)(p / side == c ? 200 + random.RandInt(55) : random.RandInt(60));
        }
        byte[] images = [.. BigEndian(0x803, n, side, side), .. pixels];
        byte[] labelBytes = [.. BigEndian(0x801, labels.Length), .. labels];
        string ext = gzip ? ".gz" : "";
        return (folder.Write($"{prefix}-images-idx3-ubyte{ext}", gzip ? Gzip(images) : images),
                folder.Write($"{prefix}-labels-idx1-ubyte{ext}", gzip ? Gzip(labelBytes) : labelBytes));
    }
}
