using System.IO.Compression;

namespace Backprop.Models;

/// <summary>Writes an .npz archive as <c>np.savez</c> does: a zip file of uncompressed ("stored") entries NAME.npy, in the order given.</summary>
internal static class NpzWriter
{
    /// <summary>Writes <paramref name="arrays"/> (name, the .npy file's bytes) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IEnumerable<(string Name, byte[] Npy)> arrays)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, npy) in arrays)
        {
            var entry = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression);
            // np.savez dates every entry 1980-01-01 00:00, the zip format's first day: the same model gives the same bytes.
            entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
            using var content = entry.Open();
            content.Write(npy);
        }
    }
}
