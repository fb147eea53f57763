using System.Numerics;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// Checks backpropagation against calculus: nudges each weight by ±h, measures the change in the loss, and
/// compares (L(w+h) - L(w-h)) / 2h with the gradient that <see cref="Network{T}.Backward"/> computed.
/// </summary>
public static class GradientCheck
{
    /// <summary>Compares every parameter's gradient on the batch (x, y); the network's weights are left as they were.</summary>
    public static IReadOnlyList<GradientCheckResult> Run(Network<double> network, ILoss<double> loss, Matrix<double> x, Matrix<double> y, double h = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(loss);
        // What Backward differentiates: the batch's mean loss (deltas are divided by its rows), times the loss's
        // DeltaScale (½ for the notes' squared error, whose delta is prediction - goal).
        double MeanLoss() => loss.DeltaScale * loss.Loss(network.Forward(x), y) / x.Rows;

        var prediction = network.Forward(x);
        network.Backward(loss, prediction, y);
        var analytic = network.Parameters.Select(p => p.Gradient.Copy()).ToArray();

        var results = new List<GradientCheckResult>();
        for (int k = 0; k < network.Parameters.Count; k++)
        {
            var parameter = network.Parameters[k];
            var w = parameter.Value.Span;
            double maxRel = 0, maxAbs = 0;
            for (int i = 0; i < w.Length; i++)
            {
                double saved = w[i];
                w[i] = saved + h;
                double plus = MeanLoss();
                w[i] = saved - h;
                double minus = MeanLoss();
                w[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                double a = analytic[k].Span[i];
                double abs = Math.Abs(a - numeric);
                maxAbs = Math.Max(maxAbs, abs);
                maxRel = Math.Max(maxRel, abs / Math.Max(Math.Abs(a) + Math.Abs(numeric), 1e-8));
            }
            results.Add(new GradientCheckResult(parameter.Name, maxRel, maxAbs));
        }
        return results;
    }
}
