using System.Globalization;
using Backprop.Data;
using Backprop.Tensors;

namespace Backprop.Losses;

/// <summary>
/// What class weights to train with, before they meet the data: <see cref="Balanced"/> (scikit-learn's
/// n / (classes × count of the class), counted on the training rows) or a weight given per class by name, every class
/// not named weighing 1 (as scikit-learn's dict). <see cref="Resolve"/> turns it into one weight a class
/// (<see cref="ClassWeights"/>); the command line's <c>--class-weight balanced|NAME=W,...</c> is <see cref="Parse"/>.
/// </summary>
/// <remarks>Two weightings are equal when their text (<see cref="ToString"/>) is.</remarks>
public sealed class ClassWeighting : IEquatable<ClassWeighting>
{
    private readonly (string Class, double Weight)[] _given;

    private ClassWeighting((string, double)[] given) => _given = given;

    /// <summary>Each class weighs n / (classes × its count): a class half as common as the average weighs 2.</summary>
    public static ClassWeighting Balanced { get; } = new([]);

    /// <summary>True for <see cref="Balanced"/>.</summary>
    public bool IsBalanced => _given.Length == 0;

    /// <summary>The weights given by class name, in the order given (empty for <see cref="Balanced"/>).</summary>
    public IReadOnlyList<(string Class, double Weight)> Given => _given;

    /// <summary>These weights for these classes (by name, compared trimmed); every class not named weighs 1.</summary>
    /// <exception cref="ArgumentException">No class is named, a name is empty or named twice, or a weight is not a finite number above 0.</exception>
    public static ClassWeighting Of(IEnumerable<(string Class, double Weight)> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var given = weights.Select(w => (w.Class?.Trim() ?? "", w.Weight)).ToArray();
        if (given.Length == 0) throw new ArgumentException("name at least one class and its weight: NAME=W[,NAME=W...], or balanced.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, weight) in given)
        {
            if (name.Length == 0) throw new ArgumentException("a class weight has no class name: NAME=W[,NAME=W...].");
            if (!seen.Add(name)) throw new ArgumentException($"the class '{name}' is given a weight twice.");
            if (!(weight > 0) || !double.IsFinite(weight))
                throw new ArgumentException($"the weight of class '{name}' is {Num(weight)}; a class weight is a finite number above 0.");
        }
        return new ClassWeighting(given);
    }

    /// <summary>
    /// Reads <c>balanced</c> (any case) or <c>NAME=W[,NAME=W...]</c>; a name may hold '=' (the weight follows the last
    /// one) but not ','.
    /// </summary>
    /// <exception cref="FormatException">The text is neither, or a weight is not a finite number above 0.</exception>
    public static ClassWeighting Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim().Equals("balanced", StringComparison.OrdinalIgnoreCase)) return Balanced;
        var pairs = new List<(string, double)>();
        foreach (string part in text.Split(','))
        {
            int at = part.LastIndexOf('=');
            if (at < 0)
                throw new FormatException($"'{part.Trim()}' is not NAME=W; class weights are balanced or NAME=W[,NAME=W...].");
            string weight = part[(at + 1)..].Trim();
            if (!double.TryParse(weight, NumberStyles.Float, CultureInfo.InvariantCulture, out double w))
                throw new FormatException($"the weight of class '{part[..at].Trim()}' is '{weight}', not a number.");
            if (!double.IsFinite(w))
                throw new FormatException($"the weight of class '{part[..at].Trim()}' is '{weight}'; a class weight is a finite number above 0.");
            pairs.Add((part[..at], w));
        }
        try { return Of(pairs); }
        catch (ArgumentException e) { throw new FormatException(e.Message); }
    }

    /// <summary>
    /// One weight a class for a network trained with <paramref name="loss"/> after an <paramref name="output"/> output on
    /// <paramref name="train"/> (the training rows only, after any validation split). The classes are the data's class
    /// labels; without labels, the target columns for cross-entropy after a softmax (a row of probabilities), or "0" and
    /// "1" for binary cross-entropy on one column.
    /// </summary>
    /// <exception cref="ArgumentException">The loss is not cross-entropy, the targets have no classes, a named class is not one of them, or (balanced) a class has no training rows.</exception>
    public ClassWeights Resolve(Dataset train, LossKind loss, Activation output)
    {
        ArgumentNullException.ThrowIfNull(train);
        string[] classes = ClassesOf(train, LossCatalog.Resolve(loss, output));
        var targets = train.Targets;
        var weights = new double[classes.Length];
        if (IsBalanced)
        {
            var counts = Counts(targets, classes.Length);
            for (int c = 0; c < classes.Length; c++)
            {
                if (counts[c] == 0)
                    throw new ArgumentException($"balanced: the class '{classes[c]}' has no training rows{(train.ClassNames is null ? "" : " (after any validation split)")}, and balanced weights divide by each class's count; name the weights instead (NAME=W,...).");
                weights[c] = train.Count / (classes.Length * counts[c]);
            }
        }
        else
        {
            Array.Fill(weights, 1.0);
            foreach (var (name, weight) in _given)
            {
                int c = Array.IndexOf(classes, name);
                if (c < 0) throw new ArgumentException($"'{name}' is not a class; the classes are {string.Join(", ", classes)}.");
                weights[c] = weight;
            }
        }
        return new ClassWeights(this, classes, weights);
    }

    // The classes a loss sees in the data's targets, or why it sees none.
    private static string[] ClassesOf(Dataset train, LossKind loss)
    {
        if (loss is not (LossKind.CrossEntropy or LossKind.BinaryCrossEntropy))
            throw new ArgumentException($"class weights apply to cross-entropy and binary-cross-entropy, not to {Vocabulary.Name(loss)}.");
        if (train.ClassNames is { } names) return [.. names.Select(n => n.Trim())];
        if (loss == LossKind.CrossEntropy) return [.. train.TargetNames];
        if (train.Targets.Columns == 1) return ["0", "1"];
        throw new ArgumentException($"binary-cross-entropy on {train.Targets.Columns} target columns without class labels is {train.Targets.Columns} separate yes/no outputs, not classes; class weights need class labels, or one 0/1 target column.");
    }

    // Each class's count in the targets: one-hot (or probability) columns summed, or for one 0/1 column the rows of 0 and of 1.
    private static double[] Counts(Matrix<double> targets, int classes)
    {
        var counts = new double[classes];
        for (int r = 0; r < targets.Rows; r++)
        {
            var row = targets.RowSpan(r);
            if (row.Length == 1) { counts[0] += 1 - row[0]; counts[1] += row[0]; }
            else for (int c = 0; c < row.Length; c++) counts[c] += row[c];
        }
        return counts;
    }

    /// <summary>"balanced", or "NAME=W,..." as given (names trimmed, weights in their shortest round-trip form): <see cref="Parse"/> reads it back.</summary>
    public override string ToString() =>
        IsBalanced ? "balanced" : string.Join(",", _given.Select(g => $"{g.Class}={Num(g.Weight)}"));

    /// <inheritdoc/>
    public bool Equals(ClassWeighting? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ClassWeighting);

    /// <inheritdoc/>
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
