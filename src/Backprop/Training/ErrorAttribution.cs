using System.Numerics;

namespace Backprop.Training;

/// <summary>Which inputs and weights take the blame for the error: correlations before training, pressure during it.</summary>
public static class ErrorAttribution
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
        for (int r = 0; r < x.Rows; r++)
        {
            var prediction = network.Forward(x[r..(r + 1)], training: false);
            network.Backward(loss, prediction, y[r..(r + 1)]);
            for (int d = 0; d < dense.Length; d++)
            {
                var g = dense[d].Weights.Gradient;
                var input = network.Blocks[d].Input!; // layer_{d}: the example itself, then each block's output
                for (int i = 0; i < g.Rows; i++)
                {
                    bool noInput = input[0, i] == T.Zero;
                    for (int o = 0; o < g.Columns; o++)
                    {
                        double step = -double.CreateChecked(g[i, o]);
                        if (step > 0) up[d][i, o] += step; else down[d][i, o] += step;
                        if (noInput) zero[d][i, o]++;
                    }
                }
            }
        }
        return dense.Select((d, i) => new LayerPressure(d.Weights.Name, d.Weights.Value.Cast<double>(), up[i], down[i], zero[i], x.Rows)).ToArray();
    }
}
