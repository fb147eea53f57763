namespace Backprop;

// Means and standard deviations of results (folds, trials), as numpy's np.mean and np.std (ddof 0) give them for a few values.
internal static class Summary
{
    public static double Mean(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        double sum = 0;
        foreach (double v in values) sum += v;
        return sum / values.Count;
    }

    public static double Std(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        double mean = Mean(values), squares = 0;
        foreach (double v in values) squares += (v - mean) * (v - mean);
        return Math.Sqrt(squares / values.Count);
    }
}
