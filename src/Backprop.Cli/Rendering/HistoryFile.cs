using System.Globalization;
using System.Text;

namespace Backprop.Cli;

/// <summary>The <c>--history</c> CSV: one row an epoch, floats in round-trip precision, empty cells where a value does not apply.</summary>
internal static class HistoryFile
{
    public const string Header = "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy";

    public static string Format(IEnumerable<EpochResult> epochs)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var e in epochs)
            text.Append(e.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Num(e.MeanLoss)).Append(',')
                .Append(Num(e.TrainAccuracy)).Append(',')
                .Append(Num(e.ValidationLoss)).Append(',')
                .Append(Num(e.ValidationAccuracy)).Append('\n');
        return text.ToString();
    }

    private static string Num(double? v) => v is double d ? d.ToString("R", CultureInfo.InvariantCulture) : "";
}

/// <summary>Writes output files so that a failure never leaves a half-written file in place of a good one.</summary>
internal static class AtomicFile
{
    /// <summary>Writes to a temporary file beside <paramref name="path"/>, then renames it over <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> writeTo)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory)) throw new UsageException($"{path}: the folder {directory} does not exist");
        if (Directory.Exists(full)) throw new UsageException($"{path}: is a folder, not a file");
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            writeTo(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: cannot write: {e.Message}");
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));
}
