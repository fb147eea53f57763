using System.Globalization;
using System.Numerics;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;

namespace Backprop;

/// <summary>The notes' names for what each layer computes, forward and backward: layer_1 = relu(np.dot(layer_0, weights_0_1)), ...</summary>
internal sealed class LayerNames<T>(Network<T> network) where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IReadOnlyList<ILayer<T>> layers = network.Layers;

    /// <summary>k such that layer i belongs to block k (a dense layer and the activation/dropout after it): its output is layer_k+1.</summary>
    public int Block(int i)
    {
        int k = 0;
        for (int first = 0; first + network.Blocks[k].Layers.Count <= i; k++) first += network.Blocks[k].Layers.Count;
        return k;
    }

    private bool LastOfBlock(int i) => i == layers.Count - 1 || layers[i + 1] is Dense<T>;

    private static string Derivative(ILayer<T> layer, string output) => layer is ActivationLayer<T> a ? a.Kind switch
    {
        Activation.Relu => $"relu2deriv({output})",
        Activation.Sigmoid => $"{output} * (1 - {output})",
        Activation.Tanh => $"(1 - {output} ** 2)",
        Activation.Softmax => $"softmax_jacobian({output})",
        _ => layer.Name,
    } : layer.Name;

    /// <summary>What layer i computes, as the notes write it: <c>layer_1 = relu(np.dot(layer_0, weights_0_1))</c>.</summary>
    public string Forward(int i)
    {
        int k = Block(i);
        string dot = $"np.dot(layer_{k}, weights_{k}_{k + 1})" + (network.Blocks[k].Dense.Bias is not null ? $" + bias_{k + 1}" : "");
        string name = LastOfBlock(i) ? $"layer_{k + 1} = " : "";
        return layers[i] switch
        {
            Dense<T> => name + dot,
            Dropout<T> d => $"layer_{k + 1} *= dropout_mask  # keeps each value with probability {Num(1 - d.P)}, scaled by 1/{Num(1 - d.P)}",
            var activation => name + $"{activation.Name}({dot})",
        };
    }

    /// <summary>The error of the output layer, as numpy computes it: <c>np.sum((layer_2 - goal) ** 2)</c>.</summary>
    public string LossExpression(ILoss<T> loss)
    {
        string n = $"layer_{network.Blocks.Count}";
        return loss switch
        {
            SquaredError<T> => $"np.sum(({n} - goal) ** 2)",
            MeanSquaredError<T> => $"np.sum(np.mean(({n} - goal) ** 2, axis=1))",
            CrossEntropy<T> => $"-np.sum(goal * np.log({n}))",
            BinaryCrossEntropy<T> => $"-np.sum(goal * np.log({n}) + (1 - goal) * np.log(1 - {n}))",
            _ => Vocabulary.Name(loss.Kind),
        };
    }

    // The delta arriving at layer i's output, just before layer i's backward step.
    public string? Backward(int i, ILoss<T> loss, int batch)
    {
        int k = Block(i);
        string delta = $"layer_{k + 1}_delta";
        string average = batch > 1 ? $" / {batch}" : "";
        bool isOutput = k == network.Blocks.Count - 1;
        bool fused = network.StartFor(loss) == BackwardStart.BelowOutputActivation;
        if (isOutput && LastOfBlock(i))
            // The first delta: at the output, or below a fused softmax/sigmoid.
            return fused || layers[i] is Dense<T> || loss is SquaredError<T>
                ? $"{delta} = (layer_{k + 1} - goal){average}"
                : $"{delta} = d{Vocabulary.Name(loss.Kind)}/dlayer_{k + 1}{average}";
        if (isOutput && layers[i] is Dense<T> && fused) return $"{delta} = (layer_{k + 1} - goal){average}";
        if (LastOfBlock(i))
            return $"{delta} = layer_{k + 2}_delta.dot(weights_{k + 1}_{k + 2}.T)";
        // Below the last layer of the block: the delta after that layer's derivative (or dropout mask).
        var above = layers[i + 1];
        return above is Dropout<T> ? $"{delta} *= dropout_mask" : $"{delta} *= {Derivative(above, $"layer_{k + 1}")}";
    }

    // Python's repr of a float, as the notes print alpha.
    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
