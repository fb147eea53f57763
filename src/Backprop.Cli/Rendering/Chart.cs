using ScottPlot;

namespace Backprop.Cli;

/// <summary>
/// The <c>--plot</c> PNG: loss, then accuracy (when classes are counted), train against validation, per epoch; and,
/// with a learning-rate schedule, the rate each epoch used below them. One panel is 600 x 450 pixels; several are
/// rows of a 1200-pixel-wide image, 225 pixels each.
/// </summary>
internal static class Chart
{
    public static void Save(string path, IReadOnlyList<EpochResult> epochs, string lossName, bool showRate = false)
    {
        bool accuracy = epochs.Any(e => e.TrainAccuracy is not null);
        int panels = 1 + (accuracy ? 1 : 0) + (showRate ? 1 : 0);
        var multiplot = new Multiplot();
        multiplot.AddPlots(panels);
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
        if (showRate)
        {
            var plot = multiplot.GetPlot(panels - 1);
            plot.Add.Scatter(x, epochs.Select(e => e.LearningRate ?? double.NaN).ToArray());
            plot.Title("learning rate");
            plot.XLabel("epoch");
        }
        OutputFile.Write(path, temp => multiplot.SavePng(temp, panels == 1 ? 600 : 1200, panels == 1 ? 450 : 225 * panels));
    }
}
