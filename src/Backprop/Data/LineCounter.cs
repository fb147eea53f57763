namespace Backprop.Data;

/// <summary>
/// Counts a text file's lines from its bytes, a megabyte at a time: what sizes a loader's buffers before it parses
/// the file, so that rows go straight into their final place. A line ends in LF, CRLF or CR, as
/// <see cref="CsvRecordReader"/> reads them; a last line without an ending counts too.
/// </summary>
internal static class LineCounter
{
    /// <summary>The number of lines in <paramref name="path"/>: one more than a record can start on after line 1.</summary>
    public static long Count(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        long lines = 0;
        bool afterCr = false, any = false, ended = true;
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            var bytes = buffer.AsSpan(0, read);
            any = true;
            lines += bytes.Count((byte)'\n');
            // A CR ends a line unless an LF follows it (CRLF is one ending, counted at its LF).
            if (bytes.Contains((byte)'\r') || afterCr)
            {
                if (afterCr && bytes[0] != '\n') lines++;
                for (int i = bytes.IndexOf((byte)'\r'); i >= 0 && i < bytes.Length - 1; i = NextCr(bytes, i + 1))
                    if (bytes[i + 1] != '\n') lines++;
            }
            afterCr = bytes[^1] == '\r';
            ended = bytes[^1] is (byte)'\n' or (byte)'\r';
        }
        if (afterCr) lines++;
        return any && !ended ? lines + 1 : lines;
    }

    private static int NextCr(ReadOnlySpan<byte> bytes, int from)
    {
        int i = bytes[from..].IndexOf((byte)'\r');
        return i < 0 ? -1 : from + i;
    }
}
