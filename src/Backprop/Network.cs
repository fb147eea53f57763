using System.Numerics;

namespace Backprop;

/// <summary>
/// A stack of layers that learns by backpropagation. Forward runs the layers in order; Backward starts from the
/// loss's delta at the output and hands each layer's input delta to the layer below, last to first.
/// </summary>
public sealed class Network<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ILayer<T>[] _layers;
    private Matrix<T>? _outputDelta;

    /// <summary>A network of the given layers, applied in order.</summary>
    public Network(params ILayer<T>[] layers)
    {
        if (layers.Length == 0) throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        _layers = layers;
        Parameters = layers.SelectMany(l => l.Parameters).ToArray();
    }

    /// <summary>The layers, input side first.</summary>
    public IReadOnlyList<ILayer<T>> Layers => _layers;

    /// <summary>Every learnable matrix, input side first.</summary>
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>The dense layers, input side first (weights_0_1, weights_1_2, ...).</summary>
    public IEnumerable<Dense<T>> DenseLayers => _layers.OfType<Dense<T>>();

    /// <summary>input (B, in) -> output (B, out). The result is the last layer's buffer: copy it to keep it past the next call.</summary>
    public Matrix<T> Forward(Matrix<T> input, bool training = false)
    {
        var x = input;
        foreach (var layer in _layers) x = layer.Forward(x, training);
        return x;
    }

    /// <summary>The network's prediction for each row of <paramref name="input"/>, as a new matrix.</summary>
    public Matrix<T> Predict(Matrix<T> input) => Forward(input, training: false).Copy();

    /// <summary>
    /// Backpropagation after <see cref="Forward"/>: fills every parameter's gradient with d loss / d parameter,
    /// averaged over the batch's rows (the notes' "average weight_delta" for full and mini-batch descent).
    /// </summary>
    public void Backward(ILoss<T> loss, Matrix<T> prediction, Matrix<T> target)
    {
        int last = _layers.Length - 1;
        var delta = Buffers.Ensure(ref _outputDelta, prediction.Rows, prediction.Columns);

        // The delta at the output: the notes' layer_2_delta = layer_2 - goal for squared error. With softmax and
        // cross-entropy the delta at the softmax's input is the same simple difference, so we start below it.
        if (loss.FusesWith(_layers[last]))
        {
            Elementwise.Subtract(prediction.Span, target.Span, delta.Span);
            last--;
        }
        else
        {
            loss.Delta(prediction, target, delta);
        }

        // Averaging over the batch: dividing the output delta scales every gradient below it (chapter 8 does the same).
        if (prediction.Rows > 1) Elementwise.Divide(delta.Span, T.CreateChecked(prediction.Rows));

        // Each layer turns the delta at its output into its gradients and the delta at its input.
        for (int i = last; i >= 0; i--)
        {
            bool needInputDelta = i > 0;
            delta = _layers[i].Backward(delta, needInputDelta)!;
        }
    }
}
