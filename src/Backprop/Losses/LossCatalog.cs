using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Losses;

/// <summary>
/// The losses and their rules, in one place: which output each needs, which output suits it by default, which targets
/// it reads, and when a prediction names a class. Their names for flags and files are <see cref="Vocabulary"/>'s.
/// </summary>
public static class LossCatalog
{
    /// <summary>The loss <paramref name="kind"/>, weighing rows by <paramref name="classWeights"/> when given.</summary>
    /// <exception cref="ArgumentException">Class weights are given to a loss other than cross-entropy or binary-cross-entropy.</exception>
    public static ILoss<T> Create<T>(LossKind kind, ClassWeights? classWeights = null) where T : unmanaged, IFloatingPointIeee754<T> => kind switch
    {
        LossKind.CrossEntropy => new CrossEntropy<T>(classWeights),
        LossKind.BinaryCrossEntropy => new BinaryCrossEntropy<T>(classWeights),
        _ when classWeights is not null => throw new ArgumentException($"Class weights apply to cross-entropy and binary-cross-entropy, not to {Vocabulary.Name(kind)}."),
        LossKind.Sse => new SquaredError<T>(),
        LossKind.Mse => new MeanSquaredError<T>(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a loss."),
    };

    /// <summary>
    /// The loss <paramref name="kind"/> for a network whose output activation is <paramref name="output"/>: as Keras's
    /// names do, cross-entropy after a sigmoid output is the binary cross-entropy of each output. Rows are weighed by
    /// <paramref name="classWeights"/> when given.
    /// </summary>
    public static ILoss<T> For<T>(LossKind kind, Activation output, ClassWeights? classWeights = null) where T : unmanaged, IFloatingPointIeee754<T> =>
        Create<T>(Resolve(kind, output), classWeights);

    /// <summary>The loss <see cref="For{T}"/> uses: binary cross-entropy for cross-entropy after a sigmoid output, else <paramref name="kind"/> itself.</summary>
    public static LossKind Resolve(LossKind kind, Activation output) =>
        kind == LossKind.CrossEntropy && output == Activation.Sigmoid ? LossKind.BinaryCrossEntropy : kind;

    /// <summary>The output activation the loss <paramref name="kind"/> needs, or null when any output will do.</summary>
    public static Activation? RequiredOutput(LossKind kind) => kind switch
    {
        LossKind.CrossEntropy => Activation.Softmax,
        LossKind.BinaryCrossEntropy => Activation.Sigmoid,
        _ => null,
    };

    /// <summary>True for the losses of numbers (sse, mse) and of yes/no values (binary cross-entropy): a column of 0/1 read with one of them is numbers, not two classes.</summary>
    public static bool ReadsNumbers(LossKind kind) => kind is LossKind.Sse or LossKind.Mse or LossKind.BinaryCrossEntropy;

    /// <summary>
    /// The output activation that suits a loss and targets when none is asked for: softmax for classes, and for
    /// cross-entropy on rows of probabilities (two or more target columns); sigmoid for cross-entropy on one column of
    /// 0..1 values or for binary-cross-entropy; identity otherwise (numbers).
    /// </summary>
    public static Activation DefaultOutput(LossKind kind, bool classes, int targetColumns) => kind switch
    {
        _ when classes => Activation.Softmax,
        LossKind.CrossEntropy => targetColumns >= 2 ? Activation.Softmax : Activation.Sigmoid,
        LossKind.BinaryCrossEntropy => Activation.Sigmoid,
        _ => Activation.Identity,
    };

    /// <summary>
    /// True when a prediction names a class, so that accuracy means something: cross-entropy after a softmax (the
    /// class is the largest output, as Keras's categorical accuracy), or one sigmoid output (yes when at least 0.5).
    /// </summary>
    public static bool PredictsClasses(LossKind kind, Activation output, int outputs) =>
        Resolve(kind, output) switch
        {
            LossKind.CrossEntropy => output == Activation.Softmax,
            LossKind.BinaryCrossEntropy => outputs == 1,
            _ => false,
        };

    /// <summary>
    /// Why <paramref name="targets"/> cannot be the targets of the loss <paramref name="kind"/> after an
    /// <paramref name="output"/> output, or null when they can: cross-entropy after a softmax reads each target row as
    /// probabilities (non-negative, summing to 1, as one-hot rows do); binary cross-entropy reads each value as one (0 to 1).
    /// </summary>
    public static string? TargetProblem(LossKind kind, Activation output, Matrix<double> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var resolved = Resolve(kind, output);
        if (resolved is not (LossKind.CrossEntropy or LossKind.BinaryCrossEntropy)) return null;
        string name = Vocabulary.Name(resolved);
        for (int r = 0; r < targets.Rows; r++)
        {
            var row = targets.RowSpan(r);
            double sum = 0;
            for (int c = 0; c < row.Length; c++)
            {
                if (!(row[c] >= 0 && row[c] <= 1))
                    return $"target row {r + 1} holds {Num(row[c])}; {name} reads targets as probabilities from 0 to 1";
                sum += row[c];
            }
            if (resolved == LossKind.CrossEntropy && Math.Abs(sum - 1) > 1e-6)
                return $"target row {r + 1} sums to {Num(sum)}; cross-entropy reads each target row as probabilities that sum to 1";
        }
        return null;
    }

    private static string Num(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when the loss <paramref name="kind"/> (resolved as <see cref="Resolve"/>
    /// does) cannot train a network whose output is <paramref name="output"/>: cross-entropy needs probabilities.
    /// </summary>
    public static void CheckOutput(LossKind kind, Activation output)
    {
        if (OutputProblem(Resolve(kind, output), output) is string problem) throw new ArgumentException(problem);
    }

    /// <summary>Why the loss <paramref name="kind"/> (taken as it is) cannot follow an <paramref name="output"/> output, or null when it can.</summary>
    public static string? OutputProblem(LossKind kind, Activation output) => RequiredOutput(kind) switch
    {
        Activation needed when needed == output => null,
        Activation.Softmax => $"The loss cross-entropy needs probabilities: a softmax output (classes, or rows of probabilities) or a sigmoid one (yes/no outputs); this network's output is {Vocabulary.Name(output)}.",
        Activation.Sigmoid => $"The loss binary-cross-entropy needs a sigmoid output (one probability an output); this network's output is {Vocabulary.Name(output)}.",
        _ => null,
    };
}
