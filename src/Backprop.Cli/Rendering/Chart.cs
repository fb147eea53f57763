using ScottPlot;

namespace Backprop.Cli;

/// <summary>The <c>--plot</c> PNG: loss (left) and accuracy (right, when classes are counted), train against validation, per epoch.</summary>
internal static class Chart
{
    public static void Save(string path, IReadOnlyList<EpochResult> epochs, string lossName)
    {
        bool accuracy = epochs.Any(e => e.TrainAccuracy is not null);
        var multiplot = new Multiplot();
        multiplot.AddPlots(accuracy ? 2 : 1);
        double[] x = epochs.Select(e => (double)e.Epoch).ToArray();

        void Lines(Plot plot, string title, Func<EpochResult, double?> train, Func<EpochResult, double?> validation)
        {
            var t = plot.Add.Scatter(x, epochs.Select(e => train(e) ?? double.NaN).ToArray());
            t.LegendText = "train";
            if (epochs.Any(e => validation(e) is not null))
            {
                var v = plot.Add.Scatter(x, epochs.Select(e => validation(e) ?? double.NaN).ToArray());
                v.LegendText = "validation";
            }
            plot.Title(title);
            plot.XLabel("epoch");
            plot.ShowLegend();
        }

        Lines(multiplot.GetPlot(0), $"loss ({lossName}, mean an example)", e => e.MeanLoss, e => e.ValidationLoss);
        if (accuracy) Lines(multiplot.GetPlot(1), "accuracy", e => e.TrainAccuracy, e => e.ValidationAccuracy);
        OutputFile.Write(path, temp => multiplot.SavePng(temp, accuracy ? 1200 : 600, 450));
    }
}
