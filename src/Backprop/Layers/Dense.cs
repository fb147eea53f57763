using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>A fully connected layer: output = input · weights (+ bias). The notes' <c>np.dot(layer_0, weights_0_1)</c>.</summary>
public sealed class Dense<T> : ILayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;
    private Matrix<T>? _input;
    private BatchBuffer<T> _output, _inputDelta;

    /// <summary>A layer from <paramref name="inputs"/> to <paramref name="outputs"/> units with zero weights (an initializer fills them).</summary>
    /// <param name="inputs">Units in.</param>
    /// <param name="outputs">Units out.</param>
    /// <param name="bias">Whether the layer adds a bias (the notes' layers have none).</param>
    /// <param name="compute">How its products run (default <see cref="Compute.Default"/>).</param>
    public Dense(int inputs, int outputs, bool bias = false, Compute? compute = null)
    {
        if (inputs <= 0 || outputs <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputs), $"A dense layer needs positive sizes, not {inputs}x{outputs}.");
        Inputs = inputs;
        Outputs = outputs;
        Weights = new Parameter<T>("weights", new Matrix<T>(inputs, outputs));
        Bias = bias ? new Parameter<T>("bias", new Matrix<T>(1, outputs)) : null;
        _parameters = Bias is null ? [Weights] : [Weights, Bias];
        Compute = compute ?? Compute.Default;
    }

    /// <summary>How the layer's products run: threads, and their rounding.</summary>
    public Compute Compute { get; }

    /// <summary>The weights, shape (inputs, outputs).</summary>
    public Parameter<T> Weights { get; }

    /// <summary>The bias, shape (1, outputs), or null when the layer has none (the notes' networks have none).</summary>
    public Parameter<T>? Bias { get; }

    /// <summary>The input of the last Forward (null before the first).</summary>
    public Matrix<T>? Input => _input;

    /// <summary>The output of the last Forward (null before the first).</summary>
    public Matrix<T>? Output => _output.Current;

    /// <summary>Number of inputs.</summary>
    public int Inputs { get; }

    /// <summary>Number of outputs.</summary>
    public int Outputs { get; }

    /// <inheritdoc/>
    public string Name => "dense";

    /// <inheritdoc/>
    public IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <inheritdoc/>
    public Matrix<T> Forward(Matrix<T> input, bool training)
    {
        // input (B, in) · weights (in, out) -> output (B, out)
        if (input.Columns != Inputs) ThrowInputShape(input);
        _input = input;
        var output = _output.Get(input.Rows, Outputs);
        Gemm.Multiply<T>(Compute, input.Span, Weights.Value.Span, output.Span, input.Rows, Inputs, Outputs);
        if (Bias is not null)
            for (int r = 0; r < output.Rows; r++)
                TensorPrimitives.Add<T>(output.RowSpan(r), Bias.Value.Span, output.RowSpan(r));
        return output;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn, System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ThrowInputShape(Matrix<T> input) =>
        throw new ShapeMismatchException($"Dense layer expects {Inputs} inputs a row; got shape {input.Shape}.");

    /// <inheritdoc/>
    public Matrix<T>? Backward(Matrix<T> outputDelta, bool needInputDelta)
    {
        var input = _input ?? throw new InvalidOperationException("Backward called before Forward.");
        int batch = input.Rows;
        // weight gradient (in, out) = input (B, in)ᵀ · outputDelta (B, out): the notes' layer_0.T.dot(layer_1_delta)
        Gemm.MultiplyTransposeA<T>(Compute, input.Span, outputDelta.Span, Weights.Gradient.Span, Inputs, batch, Outputs);
        // bias gradient (1, out) = outputDelta summed over the batch's rows
        if (Bias is not null)
        {
            var grad = Bias.Gradient.Span;
            grad.Clear();
            for (int r = 0; r < batch; r++) TensorPrimitives.Add<T>(grad, outputDelta.RowSpan(r), grad);
        }
        if (!needInputDelta) return null;
        // input delta (B, in) = outputDelta (B, out) · weightsᵀ: the notes' layer_2_delta.dot(weights_1_2.T)
        var inputDelta = _inputDelta.Get(batch, Inputs);
        Gemm.MultiplyTransposeB<T>(Compute, outputDelta.Span, Weights.Value.Span, inputDelta.Span, batch, Outputs, Inputs);
        return inputDelta;
    }
}
