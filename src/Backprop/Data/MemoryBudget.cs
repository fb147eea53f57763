namespace Backprop.Data;

/// <summary>
/// The memory a loader may fill: what the machine (or the process's memory limit) makes available to the garbage
/// collector. Loaders work out what a file's header or rows will need before they allocate it, so a small file
/// that claims a huge dataset (a gzipped image of 10000x10000 zeros) fails at once with the figures instead of
/// after filling the memory.
/// </summary>
internal static class MemoryBudget
{
    private static readonly AsyncLocal<long?> s_limit = new();

    /// <summary>The bytes available: <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>, or a test's <see cref="Limit"/>.</summary>
    public static long Available => s_limit.Value ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>For tests: makes <paramref name="bytes"/> the budget of the calling flow until disposed.</summary>
    public static IDisposable Limit(long bytes)
    {
        long? previous = s_limit.Value;
        s_limit.Value = bytes;
        return new Restore(previous);
    }

    /// <summary>Fails when <paramref name="bytes"/> (what <paramref name="what"/> needs) is more than the machine has.</summary>
    public static void Check(string path, double bytes, string what, int? line = null)
    {
        long available = Available;
        if (bytes > available)
            throw new DataException(path, $"needs {MessageText.Size(bytes)} for {what}; this machine has {MessageText.Size(available)} available", line);
    }

    private sealed class Restore(long? previous) : IDisposable
    {
        public void Dispose() => s_limit.Value = previous;
    }
}
