using System.Numerics;

namespace Backprop.Losses;

/// <summary>
/// The losses by name: one vocabulary for command-line values, model files and <see cref="ILoss{T}.Name"/>
/// (every name a loss gives itself parses back to the same loss), and the rule of which output each needs.
/// </summary>
public static class LossCatalog
{
    /// <summary>sse (the notes' squared error), mse, cross-entropy (softmax output), binary-cross-entropy (sigmoid output).</summary>
    public static IReadOnlyList<string> Names { get; } = ["sse", "mse", "cross-entropy", "binary-cross-entropy"];

    /// <summary>The loss named <paramref name="name"/> (one of <see cref="Names"/>, any case), weighing rows by <paramref name="classWeights"/> when given.</summary>
    /// <exception cref="ArgumentException">The name is not a loss (the message lists the names), or class weights are given to a loss other than cross-entropy or binary-cross-entropy.</exception>
    public static ILoss<T> Create<T>(string name, ClassWeights? classWeights = null) where T : unmanaged, IFloatingPointIeee754<T> => Canonical(name) switch
    {
        "cross-entropy" => new CrossEntropy<T>(classWeights),
        "binary-cross-entropy" => new BinaryCrossEntropy<T>(classWeights),
        string other when classWeights is not null => throw new ArgumentException($"Class weights apply to cross-entropy and binary-cross-entropy, not to {other}."),
        "sse" => new SquaredError<T>(),
        _ => new MeanSquaredError<T>(),
    };

    /// <summary>
    /// The loss named <paramref name="name"/> for a network whose output activation is <paramref name="output"/>:
    /// as Keras's names do, "cross-entropy" after a sigmoid output is the binary cross-entropy of each output. Rows are
    /// weighed by <paramref name="classWeights"/> when given.
    /// </summary>
    public static ILoss<T> For<T>(string name, Activation output, ClassWeights? classWeights = null) where T : unmanaged, IFloatingPointIeee754<T> =>
        Create<T>(Resolve(name, output), classWeights);

    /// <summary>The name <see cref="For{T}"/> uses: binary-cross-entropy for "cross-entropy" after a sigmoid output, else the name itself.</summary>
    public static string Resolve(string name, Activation output)
    {
        string canonical = Canonical(name);
        return canonical == "cross-entropy" && output == Activation.Sigmoid ? "binary-cross-entropy" : canonical;
    }

    /// <summary>The name in its canonical (lower-case) spelling.</summary>
    /// <exception cref="ArgumentException">The name is not a loss.</exception>
    public static string Canonical(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string t = name.Trim().ToLowerInvariant();
        return Names.Contains(t) ? t : throw new ArgumentException($"'{name}' is not a loss; the losses are {string.Join(", ", Names)}.");
    }

    /// <summary>The output activation the loss named <paramref name="name"/> needs, or null when any output will do (or the name is not one of <see cref="Names"/>).</summary>
    public static Activation? RequiredOutput(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "cross-entropy" => Activation.Softmax,
        "binary-cross-entropy" => Activation.Sigmoid,
        _ => null,
    };

    /// <summary>
    /// The output activation that suits a loss and targets when none is asked for: softmax for classes, and for
    /// cross-entropy on rows of probabilities (two or more target columns); sigmoid for cross-entropy on one column of
    /// 0..1 values or for binary-cross-entropy; identity otherwise (numbers).
    /// </summary>
    public static Activation DefaultOutput(string loss, bool classes, int targetColumns) => Canonical(loss) switch
    {
        _ when classes => Activation.Softmax,
        "cross-entropy" => targetColumns >= 2 ? Activation.Softmax : Activation.Sigmoid,
        "binary-cross-entropy" => Activation.Sigmoid,
        _ => Activation.Identity,
    };

    /// <summary>
    /// True when a prediction names a class, so that accuracy means something: cross-entropy after a softmax (the
    /// class is the largest output, as Keras's categorical accuracy), or one sigmoid output (yes when at least 0.5).
    /// </summary>
    public static bool PredictsClasses(string loss, Activation output, int outputs) =>
        Resolve(loss, output) switch
        {
            "cross-entropy" => output == Activation.Softmax,
            "binary-cross-entropy" => outputs == 1,
            _ => false,
        };

    /// <summary>
    /// Why <paramref name="targets"/> cannot be the targets of the loss named <paramref name="loss"/> after an
    /// <paramref name="output"/> output, or null when they can: cross-entropy after a softmax reads each target row as
    /// probabilities (non-negative, summing to 1, as one-hot rows do); binary cross-entropy reads each value as one (0 to 1).
    /// </summary>
    public static string? TargetProblem(string loss, Activation output, Matrix<double> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        string resolved = Resolve(loss, output);
        if (resolved is not ("cross-entropy" or "binary-cross-entropy")) return null;
        for (int r = 0; r < targets.Rows; r++)
        {
            var row = targets.RowSpan(r);
            double sum = 0;
            for (int c = 0; c < row.Length; c++)
            {
                if (!(row[c] >= 0 && row[c] <= 1))
                    return $"target row {r + 1} holds {Num(row[c])}; {resolved} reads targets as probabilities from 0 to 1";
                sum += row[c];
            }
            if (resolved == "cross-entropy" && Math.Abs(sum - 1) > 1e-6)
                return $"target row {r + 1} sums to {Num(sum)}; cross-entropy reads each target row as probabilities that sum to 1";
        }
        return null;
    }

    private static string Num(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when the loss named <paramref name="name"/> (resolved as <see cref="Resolve"/>
    /// does) cannot train a network whose output is <paramref name="output"/>: cross-entropy needs probabilities.
    /// </summary>
    public static void CheckOutput(string name, Activation output)
    {
        string loss = Resolve(name, output);
        if (OutputProblem(loss, output) is string problem) throw new ArgumentException(problem);
    }

    /// <summary>Why the loss named exactly <paramref name="name"/> cannot follow an <paramref name="output"/> output, or null when it can.</summary>
    public static string? OutputProblem(string name, Activation output) => RequiredOutput(name) switch
    {
        Activation needed when needed == output => null,
        Activation.Softmax => $"The loss cross-entropy needs probabilities: a softmax output (classes, or rows of probabilities) or a sigmoid one (yes/no outputs); this network's output is {Activations.Name(output)}.",
        Activation.Sigmoid => $"The loss binary-cross-entropy needs a sigmoid output (one probability an output); this network's output is {Activations.Name(output)}.",
        _ => null,
    };
}
