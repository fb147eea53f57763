using System.Globalization;
using System.Text;

namespace Backprop.Cli;

/// <summary>The <c>--history</c> CSV: one row an epoch, floats in round-trip precision, empty cells where a value does not apply.</summary>
internal static class HistoryFile
{
    public const string Header = "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,validation_mae,lr";

    public static string Format(IEnumerable<EpochResult> epochs)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var e in epochs) text.Append(Row(e));
        return text.ToString();
    }

    /// <summary>One epoch's line, with its newline.</summary>
    public static string Row(EpochResult e) =>
        $"{e.Epoch.ToString(CultureInfo.InvariantCulture)},{Num(e.MeanLoss)},{Num(e.TrainAccuracy)},{Num(e.ValidationLoss)},{Num(e.ValidationAccuracy)},{Num(e.ValidationMae)},{Num(e.LearningRate)}\n";

    private static string Num(double? v) => v is double d ? d.ToString("R", CultureInfo.InvariantCulture) : "";
}
