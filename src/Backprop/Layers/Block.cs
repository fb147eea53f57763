using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// One step of the notes' network, what a <see cref="Network{T}"/> is made of:
/// <c>layer_k = activation(np.dot(layer_{k-1}, weights_{k-1}_k) + bias_k)</c>, then, while training, dropout.
/// Forward gives <c>layer_k</c>; Backward turns the delta at <c>layer_k</c> into <c>layer_k_delta</c> (through the
/// dropout mask and the activation's derivative), the weight delta <c>layer_{k-1}.T.dot(layer_k_delta)</c> (the dense
/// layer's gradient), and the delta at <c>layer_{k-1}</c>, <c>layer_k_delta.dot(weights_{k-1}_k.T)</c>.
/// </summary>
/// <remarks>The matrices it exposes are its layers' buffers, valid until the next Forward or Backward.</remarks>
public sealed class Block<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ILayer<T>[] _layers;

    /// <summary>A block of <paramref name="dense"/>, then <paramref name="activation"/> (none: identity), then <paramref name="dropout"/> (none: no dropout).</summary>
    public Block(Dense<T> dense, ActivationLayer<T>? activation = null, Dropout<T>? dropout = null)
    {
        Dense = dense ?? throw new ArgumentNullException(nameof(dense));
        ActivationLayer = activation;
        Dropout = dropout;
        _layers = [dense, .. activation is null ? Array.Empty<ILayer<T>>() : [activation], .. dropout is null ? Array.Empty<ILayer<T>>() : [dropout]];
    }

    /// <summary>The weights (and bias) of this step.</summary>
    public Dense<T> Dense { get; }

    /// <summary>The activation layer, or null for identity (the notes' output layer).</summary>
    public ActivationLayer<T>? ActivationLayer { get; }

    /// <summary>Dropout after the activation, or null.</summary>
    public Dropout<T>? Dropout { get; }

    /// <summary>The activation, by name.</summary>
    public Activation Activation => ActivationLayer?.Kind ?? Activation.Identity;

    /// <summary>The layers in the order Forward runs them: dense, then the activation and dropout when present.</summary>
    public IReadOnlyList<ILayer<T>> Layers => _layers;

    /// <summary><c>layer_{k-1}</c>: the input of the last Forward.</summary>
    public Matrix<T>? Input => Dense.Input;

    /// <summary><c>layer_k</c>: the output of the last Forward.</summary>
    public Matrix<T>? Output => Dropout?.Output ?? ActivationLayer?.Output ?? Dense.Output;

    /// <summary><c>layer_k_delta</c>: the delta at the dense layer's output in the last Backward, after the dropout mask and the activation's derivative.</summary>
    public Matrix<T>? Delta { get; private set; }

    /// <summary><c>layer_k</c> from <c>layer_{k-1}</c>.</summary>
    public Matrix<T> Forward(Matrix<T> input, bool training)
    {
        var x = Dense.Forward(input, training);
        if (ActivationLayer is not null) x = ActivationLayer.Forward(x, training);
        if (Dropout is not null) x = Dropout.Forward(x, training);
        return x;
    }

    /// <summary>As <see cref="Forward(Matrix{T}, bool)"/>; <paramref name="afterLayer"/> sees each layer's output with its index counted from <paramref name="firstLayer"/>.</summary>
    public Matrix<T> Forward(Matrix<T> input, bool training, Action<int, Matrix<T>> afterLayer, int firstLayer)
    {
        var x = input;
        for (int i = 0; i < _layers.Length; i++)
        {
            x = _layers[i].Forward(x, training);
            afterLayer(firstLayer + i, x);
        }
        return x;
    }

    /// <summary>
    /// Backpropagation through this block: from the delta at <c>layer_k</c> to the weight gradient and (when
    /// <paramref name="needInputDelta"/>) the delta at <c>layer_{k-1}</c>. With <paramref name="throughActivation"/>
    /// false the delta given is already at the activation's input (<see cref="BackwardStart.BelowOutputActivation"/>).
    /// </summary>
    public Matrix<T>? Backward(Matrix<T> outputDelta, bool needInputDelta, bool throughActivation = true)
    {
        var delta = outputDelta;
        if (Dropout is not null) delta = Dropout.Backward(delta, needInputDelta: true)!;  // layer_k_delta *= dropout_mask
        if (ActivationLayer is not null && throughActivation)
            delta = ActivationLayer.Backward(delta, needInputDelta: true)!;            // layer_k_delta *= relu2deriv(layer_k)
        Delta = delta;
        return Dense.Backward(delta, needInputDelta); // weight_delta, and layer_k_delta.dot(weights.T)
    }

    /// <summary>As <see cref="Backward(Matrix{T}, bool, bool)"/>; <paramref name="beforeLayer"/> sees the delta arriving at each layer's output before its step, with its index counted from <paramref name="firstLayer"/>.</summary>
    public Matrix<T>? Backward(Matrix<T> outputDelta, bool needInputDelta, bool throughActivation, Action<int, Matrix<T>> beforeLayer, int firstLayer)
    {
        var delta = outputDelta;
        if (Dropout is not null)
        {
            beforeLayer(firstLayer + _layers.Length - 1, delta);
            delta = Dropout.Backward(delta, needInputDelta: true)!;
        }
        if (ActivationLayer is not null && throughActivation)
        {
            beforeLayer(firstLayer + 1, delta);
            delta = ActivationLayer.Backward(delta, needInputDelta: true)!;
        }
        Delta = delta;
        beforeLayer(firstLayer, delta);
        return Dense.Backward(delta, needInputDelta);
    }
}
