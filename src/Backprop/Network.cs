using System.Numerics;

namespace Backprop;

/// <summary>
/// A stack of layers that learns by backpropagation. Forward runs the layers in order; Backward starts from the
/// loss's delta at the output and hands each layer's input delta to the layer below, last to first.
/// </summary>
public sealed class Network<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ILayer<T>[] _layers;
    private BatchBuffer<T> _outputDelta;
    private ILoss<T>? _lossSeen;
    private bool _fused;

    /// <summary>A network of the given layers, applied in order.</summary>
    public Network(params ILayer<T>[] layers)
    {
        if (layers.Length == 0) throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        _layers = layers;
        _parameters = layers.SelectMany(l => l.Parameters).ToArray();
        DenseLayers = layers.OfType<Dense<T>>().ToArray();
        Compute = DenseLayers.Count > 0 ? DenseLayers[0].Compute : Compute.Default;
    }

    /// <summary>How the network computes: its dense layers' <see cref="Dense{T}.Compute"/> (the trainer's batch gathering and updates use it too).</summary>
    public Compute Compute { get; }

    /// <summary>The spec this network was built from (<see cref="NetworkSpec.Build{T}"/>), or null for a network assembled from layers by hand.</summary>
    public NetworkSpec? Spec { get; init; }

    /// <summary>The layers, input side first.</summary>
    public IReadOnlyList<ILayer<T>> Layers => _layers;

    private readonly Parameter<T>[] _parameters;

    /// <summary>Every learnable matrix, input side first.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <summary>The same parameters as a span, for optimizers: no interface calls on the hot path.</summary>
    public ReadOnlySpan<Parameter<T>> ParameterSpan => _parameters;

    /// <summary>The dense layers, input side first (weights_0_1, weights_1_2, ...).</summary>
    public IReadOnlyList<Dense<T>> DenseLayers { get; }

    /// <summary>The activation of the output: that of the last layer other than dropout (identity when it is a dense layer).</summary>
    public Activation OutputActivation => _layers.LastOrDefault(l => l is not Dropout<T>) switch
    {
        Softmax<T> => Activation.Softmax,
        Sigmoid<T> => Activation.Sigmoid,
        Tanh<T> => Activation.Tanh,
        Relu<T> => Activation.Relu,
        _ => Activation.Identity,
    };

    /// <summary>input (B, in) -> output (B, out). The result is the last layer's buffer: copy it to keep it past the next call.</summary>
    /// <param name="input">A batch of rows.</param>
    /// <param name="training">True while training (dropout on).</param>
    /// <param name="afterLayer">When given, called with (layer index, its output) after each layer: a way to look inside.</param>
    public Matrix<T> Forward(Matrix<T> input, bool training = false, Action<int, Matrix<T>>? afterLayer = null)
    {
        var x = input;
        for (int i = 0; i < _layers.Length; i++)
        {
            x = _layers[i].Forward(x, training);
            afterLayer?.Invoke(i, x);
        }
        return x;
    }

    /// <summary>The network's prediction for each row of <paramref name="input"/>, as a new matrix.</summary>
    public Matrix<T> Predict(Matrix<T> input) => Forward(input, training: false).Copy();

    /// <summary>
    /// Backpropagation after <see cref="Forward"/>: fills every parameter's gradient with d loss / d parameter,
    /// averaged over the batch's rows (the notes' "average weight_delta" for full and mini-batch descent).
    /// </summary>
    /// <param name="loss">The loss whose gradient flows back.</param>
    /// <param name="prediction">The output of the last <see cref="Forward"/>.</param>
    /// <param name="target">The targets of that batch.</param>
    /// <param name="beforeLayer">When given, called with (layer index, delta at that layer's output) just before each layer's backward step: a way to look inside.</param>
    public void Backward(ILoss<T> loss, Matrix<T> prediction, Matrix<T> target, Action<int, Matrix<T>>? beforeLayer = null)
    {
        int last = _layers.Length - 1;
        var delta = _outputDelta.Get(prediction.Rows, prediction.Columns);

        // The delta at the output: the notes' layer_2_delta = layer_2 - goal for squared error. With softmax and
        // cross-entropy the delta at the softmax's input is the same simple difference, so we start below it.
        if (!ReferenceEquals(loss, _lossSeen)) (_lossSeen, _fused) = (loss, loss.FusesWith(_layers[last]));
        if (_fused)
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
            beforeLayer?.Invoke(i, delta);
            bool needInputDelta = i > 0;
            delta = _layers[i].Backward(delta, needInputDelta)!;
        }
    }
}
