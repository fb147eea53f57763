using System.Numerics;

namespace Backprop;

/// <summary>An activation function, for hidden layers (relu, sigmoid, tanh) or the output (identity, sigmoid, softmax).</summary>
public enum Activation
{
    /// <summary>No activation: the output is the weighted sum, as in the notes.</summary>
    Identity,
    /// <summary>max(0, x), as the notes' relu.</summary>
    Relu,
    /// <summary>1 / (1 + e^-x).</summary>
    Sigmoid,
    /// <summary>tanh(x).</summary>
    Tanh,
    /// <summary>e^x / Σ e^x over the row; for classes, with cross-entropy.</summary>
    Softmax,
}

/// <summary>
/// The shape of a multi-layer perceptron: inputs, hidden sizes, outputs, activations, bias, initial weights.
/// <c>new NetworkSpec(3, [4], 1).Build&lt;double&gt;(new NumpyRandom(1))</c> is the notes' 3-4-1 relu network.
/// </summary>
public sealed record NetworkSpec(int Inputs, IReadOnlyList<int> Hidden, int Outputs)
{
    /// <summary>Activation after each hidden layer (default relu, as the notes).</summary>
    public Activation HiddenActivation { get; init; } = Activation.Relu;

    /// <summary>Activation of the output layer (default identity, as the notes).</summary>
    public Activation OutputActivation { get; init; } = Activation.Identity;

    /// <summary>Whether dense layers add a bias (default off, as the notes); biases start at zero and draw nothing.</summary>
    public bool Bias { get; init; }

    /// <summary>How weights are first drawn (default the notes' uniform on [-1, 1)).</summary>
    public Initializer Init { get; init; } = Initializer.Default;

    /// <summary>Probability of dropping each hidden activation while training (0, the default, for none).</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Builds the network, drawing each dense layer's weights in order (weights_0_1, then weights_1_2, ...)
    /// from <paramref name="random"/>, exactly as the notes' successive <c>np.random.random</c> calls.
    /// </summary>
    public Network<T> Build<T>(NumpyRandom random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(random);
        Validate();
        var layers = new List<ILayer<T>>();
        int fanIn = Inputs;
        int index = 0;
        foreach (int size in Hidden.Append(Outputs))
        {
            var dense = new Dense<T>(fanIn, size, Bias);
            dense.Weights.Name = $"weights_{index}_{index + 1}";
            if (dense.Bias is not null) dense.Bias.Name = $"bias_{index + 1}";
            Init.Fill(dense.Weights.Value, random);
            layers.Add(dense);
            bool isOutput = index == Hidden.Count;
            var activation = CreateActivation<T>(isOutput ? OutputActivation : HiddenActivation);
            if (activation is not null) layers.Add(activation);
            // Dropout masks come from the same stream as the weights, as the book's np.random calls do.
            if (!isOutput && Dropout > 0) layers.Add(new Dropout<T>(Dropout, random));
            fanIn = size;
            index++;
        }
        return new Network<T>(layers.ToArray());
    }

    private void Validate()
    {
        if (Inputs <= 0) throw new ArgumentException($"A network needs at least one input, not {Inputs}.");
        if (Outputs <= 0) throw new ArgumentException($"A network needs at least one output, not {Outputs}.");
        foreach (int h in Hidden)
            if (h <= 0) throw new ArgumentException($"Hidden layer sizes must be positive, not {h}.");
        if (!(Dropout >= 0 && Dropout < 1))
            throw new ArgumentException($"Dropout must be at least 0 and below 1, not {Dropout}.");
        if (HiddenActivation == Activation.Softmax)
            throw new ArgumentException("Softmax is an output activation; hidden layers take relu, sigmoid or tanh.");
    }

    /// <summary>The layer for an activation, or null for identity.</summary>
    public static ILayer<T>? CreateActivation<T>(Activation activation) where T : unmanaged, IFloatingPointIeee754<T> => activation switch
    {
        Activation.Identity => null,
        Activation.Relu => new Relu<T>(),
        Activation.Sigmoid => new Sigmoid<T>(),
        Activation.Tanh => new Tanh<T>(),
        Activation.Softmax => new Softmax<T>(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
