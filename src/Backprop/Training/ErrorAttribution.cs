using System.Numerics;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>Which inputs and weights take the blame for the error: correlations before training, pressure during it.</summary>
internal static class ErrorAttribution
{
    /// <summary>Pearson correlation of each input column (rows of the result) with each target column; NaN where a column is constant.</summary>
    public static double[,] Correlations(Matrix<double> inputs, Matrix<double> targets)
    {
        Examples.CheckSameRows(inputs, targets);
        var result = new double[inputs.Columns, targets.Columns];
        for (int i = 0; i < inputs.Columns; i++)
            for (int t = 0; t < targets.Columns; t++)
                result[i, t] = Pearson(inputs, i, targets, t);
        return result;
    }

    private static double Pearson(Matrix<double> a, int ca, Matrix<double> b, int cb)
    {
        int n = a.Rows;
        double ma = 0, mb = 0;
        for (int r = 0; r < n; r++) { ma += a[r, ca]; mb += b[r, cb]; }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int r = 0; r < n; r++)
        {
            double da = a[r, ca] - ma, db = b[r, cb] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return saa == 0 || sbb == 0 ? double.NaN : sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>
    /// Runs each example alone through forward and backpropagation at the current weights (no update) and adds up,
    /// for every weight, the steps −weight_delta that push it up and those that push it down.
    /// </summary>
    public static IReadOnlyList<LayerPressure> Pressure<T>(Network<T> network, ILoss<T> loss, Matrix<T> x, Matrix<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var dense = network.DenseLayers.ToArray();
        var up = dense.Select(d => new Matrix<double>(d.Inputs, d.Outputs)).ToArray();
        var down = dense.Select(d => new Matrix<double>(d.Inputs, d.Outputs)).ToArray();
        var zero = dense.Select(d => new int[d.Inputs, d.Outputs]).ToArray();
        EachExample(network, loss, x, y, (_, d, g, input) =>
        {
            for (int i = 0; i < g.Rows; i++)
            {
                bool noInput = input[0, i] == T.Zero;
                for (int o = 0; o < g.Columns; o++)
                {
                    double step = Step(g[i, o]);
                    if (step > 0) up[d][i, o] += step; else down[d][i, o] += step;
                    if (noInput) zero[d][i, o]++;
                }
            }
        });
        return dense.Select((d, i) => new LayerPressure(d.Weights.Name, d.Weights.Value.Cast<double>(), up[i], down[i], zero[i], x.Rows)).ToArray();
    }

    /// <summary>
    /// The pressure of each example apart: for every dense layer, the step −weight_delta each example alone asks of each
    /// weight at the current weights (no update), and which of the layer's inputs were 0 for it (no blame possible).
    /// Adding up an example's steps by sign gives <see cref="Pressure{T}"/>'s up and down, exactly (the same steps, added
    /// in the same order). Holds examples × weights numbers: give the rows to look at.
    /// </summary>
    public static IReadOnlyList<LayerSteps> StepsByExample<T>(Network<T> network, ILoss<T> loss, Matrix<T> x, Matrix<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var dense = network.DenseLayers.ToArray();
        var steps = dense.Select(_ => new Matrix<double>[x.Rows]).ToArray();
        var zero = dense.Select(d => new bool[x.Rows, d.Inputs]).ToArray();
        EachExample(network, loss, x, y, (r, d, g, input) =>
        {
            var mine = new Matrix<double>(g.Rows, g.Columns);
            for (int i = 0; i < g.Rows; i++)
            {
                zero[d][r, i] = input[0, i] == T.Zero;
                for (int o = 0; o < g.Columns; o++) mine[i, o] = Step(g[i, o]);
            }
            steps[d][r] = mine;
        });
        return dense.Select((d, i) => new LayerSteps(d.Weights.Name, steps[i], zero[i])).ToArray();
    }

    // The step an example asks of a weight whose gradient (its weight_delta) is g: −g, in float64.
    private static double Step<T>(T gradient) where T : unmanaged, IFloatingPointIeee754<T> => -double.CreateChecked(gradient);

    // Each example alone, forward and backward at the current weights; then, for each dense layer d, visit(example, d,
    // the layer's weight gradient, its input layer_d).
    private static void EachExample<T>(Network<T> network, ILoss<T> loss, Matrix<T> x, Matrix<T> y, Action<int, int, Matrix<T>, Matrix<T>> visit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Examples.CheckSameRows(x, y);
        var dense = network.DenseLayers.ToArray();
        for (int r = 0; r < x.Rows; r++)
        {
            var prediction = network.Forward(x[r..(r + 1)], training: false);
            network.Backward(loss, prediction, y[r..(r + 1)]);
            for (int d = 0; d < dense.Length; d++)
                visit(r, d, dense[d].Weights.Gradient, network.Blocks[d].Input!); // layer_{d}: the example itself, then each block's output
        }
    }
}
