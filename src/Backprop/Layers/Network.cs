using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Losses;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// A stack of blocks (dense weights, activation, dropout) that learns by backpropagation. Forward runs the blocks in
/// order; Backward starts from the loss's delta at the output and hands each block's input delta to the block below,
/// last to first.
/// </summary>
public sealed class Network<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Block<T>[] _blocks;
    private readonly int[] _firstLayer; // index of each block's dense layer in Layers
    private readonly Parameter<T>[] _parameters;
    private BatchBuffer<T> _outputDelta;
    private ILoss<T>? _lossSeen;
    private BackwardStart _start;

    /// <summary>A network of the given blocks, applied in order.</summary>
    public Network(params Block<T>[] blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Length == 0) throw new ArgumentException("A network needs at least one block.", nameof(blocks));
        _blocks = blocks;
        _firstLayer = new int[blocks.Length];
        for (int k = 1; k < blocks.Length; k++) _firstLayer[k] = _firstLayer[k - 1] + blocks[k - 1].Layers.Count;
        Layers = blocks.SelectMany(b => b.Layers).ToArray();
        _parameters = Layers.SelectMany(l => l.Parameters).ToArray();
        DenseLayers = blocks.Select(b => b.Dense).ToArray();
        Compute = blocks[0].Dense.Compute;
    }

    /// <summary>
    /// A network of the given layers, grouped into blocks: each dense layer starts one, and the activation and the
    /// dropout after it (each optional, in that order) complete it.
    /// </summary>
    /// <exception cref="ArgumentException">The layers do not form blocks (say, an activation with no dense layer before it).</exception>
    public Network(params ILayer<T>[] layers) : this(Group(layers)) { }

    private static Block<T>[] Group(ILayer<T>[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0) throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        var blocks = new List<Block<T>>();
        for (int i = 0; i < layers.Length;)
        {
            if (layers[i] is not Dense<T> dense)
                throw new ArgumentException($"Layer {i} ({layers[i].Name}) does not start a block: a network is a dense layer, then at most one activation, then at most one dropout, repeated.", nameof(layers));
            i++;
            var activation = i < layers.Length ? layers[i] as ActivationLayer<T> : null;
            if (activation is not null) i++;
            var dropout = i < layers.Length ? layers[i] as Dropout<T> : null;
            if (dropout is not null) i++;
            blocks.Add(new Block<T>(dense, activation, dropout));
        }
        return [.. blocks];
    }

    /// <summary>The spec this network was built from (<see cref="NetworkSpec.Build{T}"/>), or null for a network assembled by hand.</summary>
    public NetworkSpec? Spec { get; init; }

    /// <summary>How the network computes: its first dense layer's <see cref="Dense{T}.Compute"/> (the trainer's batch gathering and updates use it too).</summary>
    public Compute Compute { get; }

    /// <summary>The blocks, input side first: block k-1 computes the notes' <c>layer_k</c>.</summary>
    public IReadOnlyList<Block<T>> Blocks => _blocks;

    /// <summary>Every layer of every block, input side first.</summary>
    public IReadOnlyList<ILayer<T>> Layers { get; }

    /// <summary>Every learnable matrix, input side first.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <summary>The dense layers, input side first (weights_0_1, weights_1_2, ...).</summary>
    public IReadOnlyList<Dense<T>> DenseLayers { get; }

    /// <summary>The activation of the output: the last block's.</summary>
    public Activation OutputActivation => _blocks[^1].Activation;

    /// <summary>Where backpropagation starts for <paramref name="loss"/>: below the output activation when the loss names it as its fused output (softmax for cross-entropy, sigmoid for binary cross-entropy), else at the output.</summary>
    internal BackwardStart StartFor(ILoss<T> loss) =>
        loss.FusedOutput is { } fused && fused == OutputActivation ? BackwardStart.BelowOutputActivation : BackwardStart.AtOutput;

    /// <summary>input (B, in) -> output (B, out). The result is the last block's buffer: copy it to keep it past the next call.</summary>
    /// <param name="input">A batch of rows.</param>
    /// <param name="training">True while training (dropout on).</param>
    /// <param name="afterLayer">When given, called with (index in <see cref="Layers"/>, its output) after each layer: a way to look inside.</param>
    public Matrix<T> Forward(Matrix<T> input, bool training = false, Action<int, Matrix<T>>? afterLayer = null)
    {
        var x = input;
        if (afterLayer is null)
            foreach (var block in _blocks) x = block.Forward(x, training);
        else
            for (int k = 0; k < _blocks.Length; k++) x = _blocks[k].Forward(x, training, afterLayer, _firstLayer[k]);
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
    /// <param name="beforeLayer">When given, called with (index in <see cref="Layers"/>, delta at that layer's output) just before each layer's backward step: a way to look inside.</param>
    public void Backward(ILoss<T> loss, Matrix<T> prediction, Matrix<T> target, Action<int, Matrix<T>>? beforeLayer = null)
    {
        if (prediction.Rows != target.Rows || prediction.Columns != target.Columns)
            throw new ShapeMismatchException($"Targets of shape {target.Shape} do not match predictions of shape {prediction.Shape}.");
        if (!ReferenceEquals(loss, _lossSeen)) (_lossSeen, _start) = (loss, StartFor(loss));
        bool belowActivation = _start == BackwardStart.BelowOutputActivation;
        var delta = _outputDelta.Get(prediction.Rows, prediction.Columns);

        // The delta at the output: the notes' layer_2_delta = layer_2 - goal for squared error; with softmax and
        // cross-entropy the delta at the softmax's input is the same simple difference, so we start below it.
        // A loss with class weights scales each row's difference by its row's weight, as its Delta does.
        if (belowActivation)
        {
            TensorPrimitives.Subtract<T>(prediction.Span, target.Span, delta.Span);
            loss.WeighRows(target, delta);
        }
        else loss.Delta(prediction, target, delta);

        // Averaging over the batch: dividing the output delta scales every gradient below it (chapter 8 does the same).
        if (prediction.Rows > 1) TensorPrimitives.Divide<T>(delta.Span, T.CreateChecked(prediction.Rows), delta.Span); // a division, as numpy's /

        // Each block turns the delta at its output into its gradients and the delta at its input.
        int last = _blocks.Length - 1;
        for (int k = last; k >= 0; k--)
        {
            bool throughActivation = !(belowActivation && k == last);
            delta = beforeLayer is null
                ? _blocks[k].Backward(delta, needInputDelta: k > 0, throughActivation)!
                : _blocks[k].Backward(delta, needInputDelta: k > 0, throughActivation, beforeLayer, _firstLayer[k])!;
        }
    }
}
