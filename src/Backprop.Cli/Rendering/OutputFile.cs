namespace Backprop.Cli;

/// <summary>The command line's output files, written by the library's <see cref="Data.AtomicFile"/>; a failure is a one-line error naming the file.</summary>
internal static class OutputFile
{
    public static void Write(string path, Action<string> writeTemp) => Run(path, () => Data.AtomicFile.Write(path, writeTemp));

    public static void WriteText(string path, string text) => Run(path, () => Data.AtomicFile.WriteText(path, text));

    public static void WriteStream(string path, Action<Stream> write) => Run(path, () => Data.AtomicFile.Write(path, write));

    private static void Run(string path, Action write)
    {
        try { write(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: cannot write: {e.Message}");
        }
    }
}
