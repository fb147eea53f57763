using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// Each example's pressure on one dense layer's weights, apart: the step −weight_delta the example alone asks of each
/// weight (the notes' error attribution, −layer_in[e, i] · delta[e, o]), and which inputs were 0 for it.
/// </summary>
/// <param name="Layer">The weights' name, e.g. weights_0_1.</param>
/// <param name="Steps">One matrix (inputs, outputs) an example, in the order of the examples.</param>
/// <param name="ZeroInput">[example, input]: true where the input was 0, so that the example could blame nothing on that input's weights.</param>
public sealed record LayerSteps(string Layer, IReadOnlyList<Matrix<double>> Steps, bool[,] ZeroInput)
{
    /// <summary>How many examples were measured.</summary>
    public int Examples => Steps.Count;

    /// <summary>The step example <paramref name="example"/> asks of the weight from <paramref name="input"/> to <paramref name="output"/>.</summary>
    public double Step(int example, int input, int output) => Steps[example][input, output];

    /// <summary>True when the weight's input was 0 in that example: no blame.</summary>
    public bool NoBlame(int example, int input) => ZeroInput[example, input];
}
