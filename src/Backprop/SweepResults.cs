using System.Text;
using Backprop.Training;

namespace Backprop;

/// <summary>A sweep's finished trials, in trial order, ranked by the sweep's measure, and the lines of its results file.</summary>
public sealed class SweepResults
{
    internal SweepResults(Sweep sweep, IReadOnlyList<TrialResult> results)
    {
        Sweep = sweep;
        Results = [.. results.OrderBy(r => r.Trial.Number)];
    }

    /// <summary>The sweep.</summary>
    public Sweep Sweep { get; }

    /// <summary>Every finished trial's result, in trial order.</summary>
    public IReadOnlyList<TrialResult> Results { get; }

    /// <summary>The trials without a result (not run yet, or stopped before they finished).</summary>
    public IReadOnlyList<SweepTrial> Missing => [.. Sweep.Trials.Where(t => Results.All(r => r.Trial.Number != t.Number))];

    /// <summary>
    /// The results, best first by <see cref="Sweep.RankBy"/> (lowest first, highest for an accuracy); trials without
    /// the measure, or with NaN, last; ties in trial order.
    /// </summary>
    public IReadOnlyList<TrialResult> Ranked
    {
        get
        {
            bool higher = HistoryMetrics.HigherIsBetter(Sweep.RankBy);
            return [.. Results.OrderBy(r => r[Sweep.RankBy] is double v && !double.IsNaN(v) ? 0 : 1)
                .ThenBy(r => r[Sweep.RankBy] is double v && !double.IsNaN(v) ? (higher ? -v : v) : 0)
                .ThenBy(r => r.Trial.Number)];
        }
    }

    /// <summary>The best trial's result (first of <see cref="Ranked"/>, when it has the measure), or null.</summary>
    public TrialResult? Best => Ranked.FirstOrDefault() is { } best && best[Sweep.RankBy] is double v && !double.IsNaN(v) ? best : null;

    /// <summary>The results file (<c>results.csv</c>): a header line (trial, each swept setting, epoch, stop, the measures (with folds, then their <c>_std</c>), seconds, model), then each finished trial's line in trial order.</summary>
    public string ToCsv()
    {
        var text = new StringBuilder(Sweep.Header).Append('\n');
        foreach (var r in Results) text.Append(r.Row).Append('\n');
        return text.ToString();
    }
}
