using System.Globalization;
using Backprop.Data;
using Backprop.Training;

namespace Backprop;

/// <summary>
/// What one trial of a <see cref="Sweep"/> measured: the kept epoch's measures on the validation data (or, with folds,
/// their mean and standard deviation over the folds), why training stopped, how long it took and where its model is.
/// </summary>
public sealed class TrialResult
{
    internal TrialResult(SweepTrial trial, string row, IReadOnlyDictionary<string, double?> metrics, IReadOnlyDictionary<string, double?>? std,
        int? epoch, string stop, double seconds, string? model, bool kept)
    {
        (Trial, Row, Metrics, Std, Epoch, Stop, Seconds, Model, Kept) = (trial, row, metrics, std, epoch, stop, seconds, model, kept);
    }

    /// <summary>The trial.</summary>
    public SweepTrial Trial { get; }

    /// <summary>Each measure (train_loss, train_accuracy, validation_loss, validation_accuracy, validation_mae): the kept epoch's, or with folds the mean over the folds; null when it does not apply.</summary>
    public IReadOnlyDictionary<string, double?> Metrics { get; }

    /// <summary>With folds, each measure's standard deviation over the folds (numpy's <c>np.std</c>); else null.</summary>
    public IReadOnlyDictionary<string, double?>? Std { get; }

    /// <summary>The epoch whose weights the model kept (without folds), or null.</summary>
    public int? Epoch { get; }

    /// <summary>Why training stopped: completed, early-stopping or diverged (with folds, the first of diverged, early-stopping, completed that a fold gives).</summary>
    public string Stop { get; }

    /// <summary>Seconds the trial took, wall-clock, in the run that finished it.</summary>
    public double Seconds { get; }

    /// <summary>The trial's model file, relative to the sweep's folder (<c>trials/003.model</c>; with folds <c>trials/003-fold{1..5}.model</c>, a shell's brace expansion); null when not saved.</summary>
    public string? Model { get; }

    /// <summary>True when the trial was found finished in the folder rather than run now.</summary>
    public bool Kept { get; }

    /// <summary>True when the trial went on from a checkpoint an earlier run of the sweep left in the folder.</summary>
    public bool Continued { get; internal init; }

    /// <summary>The trial's line of the results file (without its line feed), under the sweep's header.</summary>
    internal string Row { get; }

    /// <summary>The value of <paramref name="metric"/>, or null.</summary>
    public double? this[string metric] => Metrics.TryGetValue(metric, out var v) ? v : null;

    internal TrialResult AsContinued() => new(Trial, Row, Metrics, Std, Epoch, Stop, Seconds, Model, Kept) { Continued = true };

    internal static TrialResult Make(Sweep sweep, SweepTrial trial, IReadOnlyDictionary<string, double?> metrics, IReadOnlyDictionary<string, double?>? std,
        int? epoch, string stop, double seconds, string? model)
    {
        var fields = new List<string> { trial.Number.ToString(CultureInfo.InvariantCulture) };
        fields.AddRange(trial.Settings.Select(s => s.Value));
        fields.Add(epoch?.ToString(CultureInfo.InvariantCulture) ?? "");
        fields.Add(stop);
        fields.AddRange(HistoryMetrics.Names.Select(n => SweepCsv.Num(metrics[n])));
        if (sweep.Folds is not null) fields.AddRange(HistoryMetrics.Names.Select(n => SweepCsv.Num(std![n])));
        fields.Add(seconds.ToString("0.###", CultureInfo.InvariantCulture));
        fields.Add(model ?? "");
        return new TrialResult(trial, SweepCsv.Line(fields), metrics, std, epoch, stop, seconds, model, kept: false);
    }

    // A result file read back: its header must be the sweep's, its trial and settings this trial's.
    internal static TrialResult Read(Sweep sweep, SweepTrial trial, string path)
    {
        string[] lines = File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length != 2 || lines[0] != sweep.Header || SweepCsv.Fields(lines[1]) is not { } fields || fields.Count != sweep.Columns.Count)
            throw new DataException(path, $"is not a result file of this sweep (a header line, then one line under {sweep.Header}); remove it to run trial {trial.Number} again");
        var columns = sweep.Columns.ToList();
        string Cell(string column) => fields[columns.IndexOf(column)];
        if (Cell("trial") != trial.Number.ToString(CultureInfo.InvariantCulture) || trial.Settings.Any(s => Cell(s.Key) != s.Value))
        {
            var other = trial.Settings.FirstOrDefault(s => Cell(s.Key) != s.Value);
            throw new DataException(path, $"holds another trial's result (trial {Cell("trial")}" + (other.Key is null ? ")" : $", {other.Key} {Cell(other.Key)}, not {other.Value})")
                + "; a folder keeps one sweep: use another --out, or remove it");
        }
        double? Number(string column, string path)
        {
            string text = Cell(column);
            if (text.Length == 0) return null;
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
                : throw new DataException(path, $"column {column} holds '{text}', not a number");
        }
        var metrics = HistoryMetrics.Names.ToDictionary(n => n, n => Number(n, path));
        var std = sweep.Folds is null ? null : HistoryMetrics.Names.ToDictionary(n => n, n => Number(n + "_std", path));
        return new TrialResult(trial, lines[1], metrics, std, Number("epoch", path) is double e ? (int)e : null, Cell("stop"), Number("seconds", path) ?? 0,
            Cell("model") is { Length: > 0 } m ? m : null, kept: true);
    }
}
