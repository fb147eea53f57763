namespace Backprop.Models;

/// <summary>
/// Writes a file so that a failure never leaves a half-written file in place of a good one: the contents go to a
/// temporary file beside it (a random name, created new), are flushed to disk, and the temporary file is renamed over
/// the target. On any failure the temporary file is deleted and a file already at the path is left as it was.
/// A path that is a symbolic link is written through: the link's final target is replaced, the link stays. The
/// temporary file's name carries the writer's process id, so that temporary files left by a killed writer (kill -9
/// during a save) are removed by the next save to the same path; a live writer's are left alone.
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
        full = FinalTarget(full);
        string directory = Path.GetDirectoryName(full) ?? throw new IOException($"'{path}' has no folder.");
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"the folder {directory} does not exist.");
        string name = Path.GetFileName(full);
        RemoveAbandoned(directory, name);
        string temp = Path.Combine(directory, $".{name}.{Environment.ProcessId}.{Guid.NewGuid().ToString("N")[..12]}.tmp");
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

    // Through symbolic links to the file they finally name (a dangling link's target is created).
    private static string FinalTarget(string full)
    {
        for (int hops = 0; hops < 40 && new FileInfo(full).LinkTarget is string next; hops++)
            full = Path.GetFullPath(next, Path.GetDirectoryName(full)!);
        return full;
    }

    // Deletes .NAME.PID.RANDOM.tmp files whose writer (PID) is no longer running, and .NAME.RANDOM.tmp files (as
    // older versions named them) untouched for an hour: what a writer killed in the middle of a save leaves behind.
    private static void RemoveAbandoned(string directory, string name)
    {
        string[] candidates;
        try { candidates = Directory.GetFiles(directory, $".{name}.*.tmp"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (string file in candidates)
        {
            string[] parts = Path.GetFileName(file)[(name.Length + 2)..^4].Split('.');
            bool abandoned = parts.Length switch
            {
                2 => int.TryParse(parts[0], out int pid) && pid != Environment.ProcessId && !IsRunning(pid),
                1 => parts[0].Length == 12 && File.GetLastWriteTimeUtc(file) < DateTime.UtcNow.AddHours(-1),
                _ => false,
            };
            if (!abandoned) continue;
            try { File.Delete(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }   // no such process
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte order mark).</summary>
    public static void WriteText(string path, string text) =>
        Write(path, (Stream stream) => stream.Write(new System.Text.UTF8Encoding(false).GetBytes(text)));
}
