using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>The up and down pressure on one dense layer's weights over a dataset (the notes' "error attribution").</summary>
/// <param name="Layer">The weights' name, e.g. weights_0_1.</param>
/// <param name="Weights">The weights (inputs, outputs) the pressure was measured at.</param>
/// <param name="Up">Per weight: the sum over examples of the weight's step when it pushes the weight up (−weight_delta &gt; 0).</param>
/// <param name="Down">Per weight: the sum of the steps that push it down (≤ 0).</param>
/// <param name="ZeroInput">Per weight: in how many examples its input was 0, so that no error could be blamed on it.</param>
/// <param name="Examples">How many examples were measured.</param>
public sealed record LayerPressure(string Layer, Matrix<double> Weights, Matrix<double> Up, Matrix<double> Down, int[,] ZeroInput, int Examples)
{
    /// <summary>Up + Down: where the weight goes if every example pushes it once.</summary>
    public double Net(int input, int output) => Up[input, output] + Down[input, output];

    /// <summary>
    /// True when a weight is pushed both ways with comparable force (the weaker side at least half the stronger):
    /// the notes' "conflicting pressure", which regularisation turns down.
    /// </summary>
    public bool Conflicting(int input, int output)
    {
        double up = Up[input, output], down = -Down[input, output];
        return Math.Min(up, down) > 0 && Math.Min(up, down) >= 0.5 * Math.Max(up, down);
    }
}
