using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// The shape of a multi-layer perceptron: inputs, hidden sizes, outputs, activations, bias, initial weights.
/// The defaults are today's usual ones (relu hidden layers, biases, He weights for relu); <see cref="Notes"/>
/// gives the notes' choices: <c>NetworkSpec.Notes(3, [4], 1).Build&lt;double&gt;(new NumpyRandom(1))</c> is the
/// notes' 3-4-1 relu network.
/// </summary>
public sealed record NetworkSpec(int Inputs, IReadOnlyList<int> Hidden, int Outputs)
{
    private readonly Initializer? _init;

    /// <summary>
    /// The notes' network (Grokking Deep Learning, chapter 6): relu hidden layers, an identity output, no biases,
    /// weights drawn as <c>2 * np.random.random(shape) - 1</c>, and numpy's rounding (<see cref="Tensors.Compute.Numpy"/>).
    /// The demos use it to print the notes' numbers.
    /// </summary>
    public static NetworkSpec Notes(int inputs, IReadOnlyList<int> hidden, int outputs) => new(inputs, hidden, outputs)
    {
        HiddenActivation = Activation.Relu,
        OutputActivation = Activation.Identity,
        Bias = false,
        Init = Initializer.Default,
        Compute = Compute.Numpy,
    };

    /// <summary>Activation after each hidden layer (default relu).</summary>
    public Activation HiddenActivation { get; init; } = Activation.Relu;

    /// <summary>Activation of the output layer (default identity, for numbers; softmax suits classes).</summary>
    public Activation OutputActivation { get; init; } = Activation.Identity;

    /// <summary>Whether dense layers add a bias (default on; the notes' networks have none); biases start at zero and draw nothing.</summary>
    public bool Bias { get; init; } = true;

    /// <summary>
    /// How weights are first drawn. Unless set: He (normal, std √(2/fan_in)) for relu hidden layers, Xavier
    /// (Glorot uniform) for sigmoid and tanh, as Keras and PyTorch users expect.
    /// </summary>
    public Initializer Init
    {
        get => _init ?? (HiddenActivation == Activation.Relu ? Initializer.He : Initializer.Xavier);
        init => _init = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Two specs are equal when they build the same network: same sizes (hidden compared element by element), activations, bias, initializer and dropout.</summary>
    public bool Equals(NetworkSpec? other) =>
        other is not null && Inputs == other.Inputs && Outputs == other.Outputs
        && (ReferenceEquals(Hidden, other.Hidden) || (Hidden is not null && other.Hidden is not null && Hidden.SequenceEqual(other.Hidden)))
        && HiddenActivation == other.HiddenActivation && OutputActivation == other.OutputActivation
        && Bias == other.Bias && Init == other.Init && Dropout.Equals(other.Dropout);

    /// <summary>A hash consistent with <see cref="Equals(NetworkSpec?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Inputs, Outputs, Hidden?.Count, HiddenActivation, OutputActivation, Bias, Init, Dropout);

    /// <summary>Probability of dropping each hidden activation while training (0, the default, for none).</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// How the built network computes (default <see cref="Tensors.Compute.Default"/>: all cores, fused multiply-adds;
    /// <see cref="Notes"/> uses <see cref="Tensors.Compute.Numpy"/>, numpy's rounding in float64). It is not the
    /// network's shape: a model file does not keep it, and two specs that differ only here are equal.
    /// </summary>
    public Compute Compute { get; init; } = Compute.Default;

    /// <summary>
    /// Builds the network, drawing each dense layer's weights in order (weights_0_1, then weights_1_2, ...)
    /// from <paramref name="random"/>, exactly as the notes' successive <c>np.random.random</c> calls.
    /// </summary>
    public Network<T> Build<T>(NumpyRandom random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(random);
        Validate();
        var blocks = new Block<T>[Hidden.Count + 1];
        int fanIn = Inputs;
        for (int index = 0; index < blocks.Length; index++)
        {
            bool isOutput = index == Hidden.Count;
            int size = isOutput ? Outputs : Hidden[index];
            var dense = new Dense<T>(fanIn, size, Bias, Compute);
            dense.Weights.Name = $"weights_{index}_{index + 1}";
            if (dense.Bias is not null) dense.Bias.Name = $"bias_{index + 1}";
            Init.Fill(dense.Weights.Value, random);
            var activation = CreateActivation<T>(isOutput ? OutputActivation : HiddenActivation);
            // Dropout masks come from the same stream as the weights, as the book's np.random calls do.
            var dropout = !isOutput && Dropout > 0 ? new Dropout<T>(Dropout, random) : null;
            blocks[index] = new Block<T>(dense, activation, dropout);
            fanIn = size;
        }
        return new Network<T>(blocks) { Spec = this };
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
    public static ActivationLayer<T>? CreateActivation<T>(Activation activation) where T : unmanaged, IFloatingPointIeee754<T> => activation switch
    {
        Activation.Identity => null,
        Activation.Relu => new Relu<T>(),
        Activation.Sigmoid => new Sigmoid<T>(),
        Activation.Tanh => new Tanh<T>(),
        Activation.Softmax => new Softmax<T>(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
