using System.Text;

namespace Backprop.Cli;

/// <summary>
/// The <c>--history</c> file as training goes: the header when training starts, then one row as each epoch ends,
/// flushed, so that an interrupted or killed run keeps every epoch it finished. A write that fails (a full disk)
/// stops the history, not the training: <see cref="Failure"/> says what happened, for after the model is saved.
/// A device, a pipe or /dev/stdout is written in place (<see cref="Models.AtomicFile.WritesInPlace"/>), never replaced.
/// </summary>
internal sealed class HistoryWriter : IDisposable
{
    private readonly string _path;
    private Stream? _file;

    public HistoryWriter(string path)
    {
        _path = path;
        try
        {
            // Unbuffered: each row is flushed anyway, and a failed write (a full disk) leaves nothing for Dispose to fail on.
            _file = Models.AtomicFile.WritesInPlace(path) ? Models.AtomicFile.OpenInPlace(path)
                : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
            Write(HistoryFile.Header + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _file?.Dispose();
            throw new UsageException($"{path}: cannot write: {e.Message}");
        }
    }

    /// <summary>Epoch rows written so far.</summary>
    public int Rows { get; private set; }

    /// <summary>Why the history stopped being written, or null.</summary>
    public string? Failure { get; private set; }

    public void Append(EpochResult epoch)
    {
        if (_file is null) return;
        try
        {
            Write(HistoryFile.Row(epoch));
            Rows++;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failure = $"{_path}: could not write the history after epoch {Rows}: {e.Message}";
            _file.Dispose();
            _file = null;
        }
    }

    private void Write(string text)
    {
        _file!.Write(Encoding.UTF8.GetBytes(text));
        _file.Flush();
    }

    public void Dispose() => _file?.Dispose();
}
