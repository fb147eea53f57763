using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// What every activation layer shares: an output buffer per batch shape, the delta buffer, and the checks. A
/// subclass gives the function (<see cref="Apply"/>) and its derivative written from the output
/// (<see cref="Derivative"/>), side by side.
/// </summary>
public abstract class ActivationLayer<T> : ILayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private BatchBuffer<T> _output, _inputDelta;

    /// <summary>Which activation this is.</summary>
    public abstract Activation Kind { get; }

    /// <inheritdoc/>
    public string Name => Vocabulary.Name(Kind);

    /// <inheritdoc/>
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <summary>The output of the last <see cref="Forward"/> (null before the first).</summary>
    public Matrix<T>? Output => _output.Current;

    /// <inheritdoc/>
    public Matrix<T> Forward(Matrix<T> input, bool training)
    {
        var output = _output.Get(input.Rows, input.Columns);
        Apply(input, output);
        return output;
    }

    /// <inheritdoc/>
    public Matrix<T>? Backward(Matrix<T> outputDelta, bool needInputDelta)
    {
        if (!needInputDelta) return null;
        var output = _output.Current ?? throw new InvalidOperationException("Backward called before Forward.");
        if (outputDelta.Rows != output.Rows || outputDelta.Columns != output.Columns)
            throw new ShapeMismatchException($"{Name} got a delta of shape {outputDelta.Shape} for an output of shape {output.Shape}.");
        var inputDelta = _inputDelta.Get(output.Rows, output.Columns);
        Derivative(output, outputDelta, inputDelta);
        return inputDelta;
    }

    /// <summary>output = f(input), element by element (or row by row), same shape.</summary>
    protected abstract void Apply(Matrix<T> input, Matrix<T> output);

    /// <summary>inputDelta = outputDelta · f'(input), with f' written in terms of the output, as the notes' relu2deriv.</summary>
    protected abstract void Derivative(Matrix<T> output, Matrix<T> outputDelta, Matrix<T> inputDelta);
}
