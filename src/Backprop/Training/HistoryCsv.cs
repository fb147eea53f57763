using System.Globalization;
using System.Text;
using Backprop.Data;

namespace Backprop.Training;

/// <summary>
/// Writes a training session's history as a CSV file as it goes (Keras's CSVLogger): the header when made, then one row
/// as each epoch ends, flushed, so that an interrupted or killed run keeps every epoch it finished. Floats are in
/// round-trip precision; a cell that does not apply is empty. A write that fails (a full disk) stops the history,
/// not the training: <see cref="Failure"/> says what happened. A device, a pipe or /dev/stdout is written in place.
/// </summary>
public sealed class HistoryCsv : ITrainingObserver, IDisposable
{
    /// <summary>The header: epoch, train_loss, train_accuracy, validation_loss, validation_accuracy, validation_mae, lr.</summary>
    public const string Header = "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,validation_mae,lr";

    private readonly string _path;
    private Stream? _file;

    /// <summary>Creates (or replaces) <paramref name="path"/> and writes the header and the rows of <paramref name="earlier"/> epochs (a resumed run's).</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public HistoryCsv(string path, IEnumerable<EpochResult>? earlier = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        try
        {
            // Unbuffered: each row is flushed anyway, and a failed write (a full disk) leaves nothing for Dispose to fail on.
            _file = AtomicFile.WritesInPlace(path) ? AtomicFile.OpenInPlace(path)
                : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
            Write(Header + "\n");
        }
        catch (UnauthorizedAccessException e)
        {
            _file?.Dispose();
            throw new IOException(e.Message, e);
        }
        catch (IOException)
        {
            _file?.Dispose();
            throw;
        }
        foreach (var epoch in earlier ?? []) Append(epoch);
    }

    /// <summary>Epoch rows written so far.</summary>
    public int Rows { get; private set; }

    /// <summary>Why the history stopped being written (the file and the error), or null.</summary>
    public string? Failure { get; private set; }

    /// <inheritdoc/>
    public void EpochEnded(TrainingSession session, EpochResult result) => Append(result);

    /// <summary>Writes <paramref name="epoch"/>'s row.</summary>
    public void Append(EpochResult epoch)
    {
        if (_file is null) return;
        try
        {
            Write(Row(epoch));
            Rows++;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failure = $"{_path}: could not write the history after epoch {Rows}: {e.Message}";
            _file.Dispose();
            _file = null;
        }
    }

    /// <summary>The whole history as the file's text: the header and one row an epoch.</summary>
    public static string Format(IEnumerable<EpochResult> epochs)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        var text = new StringBuilder(Header).Append('\n');
        foreach (var e in epochs) text.Append(Row(e));
        return text.ToString();
    }

    /// <summary>One epoch's line, with its newline.</summary>
    public static string Row(EpochResult e) =>
        $"{e.Epoch.ToString(CultureInfo.InvariantCulture)},{Num(e.MeanLoss)},{Num(e.TrainAccuracy)},{Num(e.ValidationLoss)},{Num(e.ValidationAccuracy)},{Num(e.ValidationMae)},{Num(e.LearningRate)}\n";

    private static string Num(double? v) => v is double d ? d.ToString("R", CultureInfo.InvariantCulture) : "";

    private void Write(string text)
    {
        _file!.Write(Encoding.UTF8.GetBytes(text));
        _file.Flush();
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file?.Dispose();
}
