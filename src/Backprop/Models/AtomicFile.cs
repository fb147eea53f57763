namespace Backprop.Models;

/// <summary>
/// Writes a file so that a failure never leaves a half-written file in place of a good one: the contents go to a
/// temporary file beside it (a random name, created new), are flushed to disk, and the temporary file is renamed over
/// the target. On any failure the temporary file is deleted and a file already at the path is left as it was.
/// Model files and every file the command line writes go through here.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes through <paramref name="write"/>, given a stream on the temporary file.</summary>
    /// <exception cref="IOException">The path is a folder, its folder does not exist, or writing or renaming failed.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, temp =>
        {
            using var file = new FileStream(temp, FileMode.Open, FileAccess.Write, FileShare.None);
            write(file);
        });
    }

    /// <summary>
    /// Writes through <paramref name="writeTemp"/>, given the temporary file's path (already created, empty), for writers
    /// that take a file name (a chart library's PNG export).
    /// </summary>
    /// <exception cref="IOException">The path is a folder, its folder does not exist, or writing or renaming failed.</exception>
    public static void Write(string path, Action<string> writeTemp)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(writeTemp);
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"'{path}' is a folder, not a file.");
        string directory = Path.GetDirectoryName(full) ?? throw new IOException($"'{path}' has no folder.");
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"the folder {directory} does not exist.");
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid().ToString("N")[..12]}.tmp");
        try
        {
            new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None).Dispose();
            writeTemp(temp);
            using (var written = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                written.Flush(flushToDisk: true);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte order mark).</summary>
    public static void WriteText(string path, string text) =>
        Write(path, (Stream stream) => stream.Write(new System.Text.UTF8Encoding(false).GetBytes(text)));
}
