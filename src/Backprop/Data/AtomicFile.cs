using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Backprop.Data;

/// <summary>
/// Writes a file so that a failure never leaves a half-written file in place of a good one: the contents go to a
/// temporary file beside it (a random name, created new), are flushed to disk, and the temporary file is renamed over
/// the target. On any failure the temporary file is deleted and a file already at the path is left as it was.
/// A path that is a symbolic link is written through: the link's final target is replaced, the link stays. The
/// temporary file's name carries the writer's process id, so that temporary files left by a killed writer (kill -9
/// during a save) are removed by the next save to the same path; a live writer's are left alone.
/// What is not a file in a folder is written in place instead, never replaced: a character device (/dev/null,
/// /dev/full, a terminal), a named pipe, and a descriptor of this process (/dev/stdout, /dev/stderr, /dev/fd/N);
/// a block device or a socket is refused. (Devices and pipes are told apart on Linux; elsewhere only descriptors are.)
/// Model files and every file the command line writes go through here.
/// </summary>
internal static partial class AtomicFile
{
    /// <summary>Writes through <paramref name="write"/>, given a stream on the temporary file (or on the device or pipe).</summary>
    /// <exception cref="IOException">The path is a folder, a block device or a socket, its folder does not exist, or writing or renaming failed (a full device: ENOSPC).</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (WritesInPlace(path))
        {
            using var target = OpenInPlace(path);
            write(target);
            target.Flush(); // nothing left buffered: its error (ENOSPC from /dev/full) would surface in Dispose, or never
            return;
        }
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
    /// <exception cref="IOException">The path is a folder, a block device or a socket, its folder does not exist, or writing or renaming failed (a full device: ENOSPC).</exception>
    public static void Write(string path, Action<string> writeTemp)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(writeTemp);
        if (WritesInPlace(path))
        {
            // No temporary file beside a device or pipe (/dev is no place for one): one in the system's temporary
            // folder, copied to the target.
            string scratch = Path.Combine(Path.GetTempPath(), $"backprop.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            try
            {
                new FileStream(scratch, FileMode.CreateNew, FileAccess.Write, FileShare.None).Dispose();
                writeTemp(scratch);
                Write(path, (Stream target) =>
                {
                    using var written = File.OpenRead(scratch);
                    written.CopyTo(target);
                });
            }
            finally
            {
                try { File.Delete(scratch); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            return;
        }
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

    /// <summary>
    /// Whether <paramref name="path"/> is written in place (a character device, a named pipe, or a descriptor such as
    /// /dev/stdout, links followed) rather than replaced through a temporary file (a regular file, or nothing yet).
    /// </summary>
    /// <exception cref="IOException">The path is a folder, a block device or a socket: neither way writes it.</exception>
    public static bool WritesInPlace(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = FinalTarget(Path.GetFullPath(path));
        if (IsDescriptor(full)) return true;   // whatever it is open on, it names no place in a folder to rename to
        return FileType(full) switch
        {
            TypeCharacterDevice or TypePipe => true,
            TypeDirectory => throw new IOException($"'{path}' is a folder, not a file."),
            // In place would overwrite a disk's first blocks, and renaming over it would remove the device: neither is wanted.
            TypeBlockDevice => throw new IOException($"'{path}' is a block device (a disk), not a file."),
            TypeSocket => throw new IOException($"'{path}' is a socket, which cannot be opened as a file."),
            _ => false,
        };
    }

    /// <summary>
    /// Opens <paramref name="path"/>, which <see cref="WritesInPlace"/> says is written in place, for writing: without
    /// creating or truncating it (a named pipe's open waits for its reader). For writers that write as they go (a
    /// training history, an epoch at a time); flush to see a device's errors.
    /// </summary>
    /// <exception cref="IOException">The path is not written in place (<see cref="WritesInPlace"/>), or cannot be opened.</exception>
    public static Stream OpenInPlace(string path)
    {
        if (!WritesInPlace(path)) throw new IOException($"'{path}' is a file, written through a temporary file, not in place.");
        string full = FinalTarget(Path.GetFullPath(path));
        // This process's own output goes through its descriptor, in order with what else it writes there: opening
        // /proc/self/fd/1 anew would start at the beginning of a file that standard output is redirected to.
        // FileShare.ReadWrite: a shared lock, which a pipe's reader (File.ReadAllText) does not refuse. Unbuffered, so
        // that each write's error (ENOSPC) is thrown by that write, and Dispose has nothing left to fail on.
        return StandardStream(full) ?? new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
    }

    // Through symbolic links to the file they finally name (a dangling link's target is created), stopping at a
    // descriptor (/dev/stdout is a link to /proc/self/fd/1, itself a link whose text, "pipe:[123]", names no file).
    private static string FinalTarget(string full)
    {
        for (int hops = 0; hops < 40 && !IsDescriptor(full) && new FileInfo(full).LinkTarget is string next; hops++)
            full = Path.GetFullPath(next, Path.GetDirectoryName(full)!);
        return full;
    }

    // A descriptor's path: /dev/stdout, /dev/stderr (links on Linux, devices on macOS), /dev/fd/N or /proc/PID/fd/N.
    private static bool IsDescriptor(string full) => !OperatingSystem.IsWindows() && DescriptorPath().IsMatch(full);

    // Standard output or error when the path is this process's descriptor 1 or 2, else null.
    private static Stream? StandardStream(string full)
    {
        var match = DescriptorPath().Match(full);
        if (!match.Success || OperatingSystem.IsWindows()) return null;
        string process = match.Groups["process"].Value;
        if (process is not ("" or "self" or "thread-self") && process != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            return null;
        return (match.Groups["fd"].Value, match.Groups["standard"].Value) switch
        {
            ("1", _) or (_, "stdout") => Console.OpenStandardOutput(),
            ("2", _) or (_, "stderr") => Console.OpenStandardError(),
            _ => null,
        };
    }

    [GeneratedRegex(@"^/dev/(?<standard>stdout|stderr)$|^/(?:dev|proc/(?<process>[^/]+))/fd/(?<fd>[0-9]+)$")]
    private static partial Regex DescriptorPath();

    private const int TypePipe = 0x1000, TypeCharacterDevice = 0x2000, TypeDirectory = 0x4000, TypeBlockDevice = 0x6000, TypeSocket = 0xC000;

    // The type bits (S_IFMT) of what a path names, links followed; 0 when it does not exist or cannot be told (not
    // Linux, or no statx). .NET reports devices and pipes as Normal files, so the kernel is asked.
    private static unsafe int FileType(string path)
    {
        if (!OperatingSystem.IsLinux()) return 0;
        byte* statx = stackalloc byte[256];   // struct statx: the same layout on every Linux architecture
        try { return Statx(AtCurrentFolder, path, 0, StatxType, statx) == 0 ? *(ushort*)(statx + 28) & 0xF000 : 0; } // stx_mode
        catch (EntryPointNotFoundException) { return 0; }   // a C library older than statx (glibc 2.28)
        catch (DllNotFoundException) { return 0; }
    }

    private const int AtCurrentFolder = -100;   // AT_FDCWD
    private const uint StatxType = 1;           // STATX_TYPE

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int folder, string path, int flags, uint mask, byte* statx);

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
