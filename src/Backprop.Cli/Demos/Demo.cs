using Backprop.Formatting;

namespace Backprop.Cli.Demos;

/// <summary>One example from the notes, made runnable; its code reads like the notes' code, line for line.</summary>
internal abstract class Demo
{
    /// <summary>The name typed after <c>backprop demo</c>.</summary>
    public abstract string Name { get; }

    /// <summary>One line saying which part of the notes this is.</summary>
    public abstract string Title { get; }

    /// <summary>Runs the example, writing what the notes show.</summary>
    public abstract void Run(Notebook nb);

    /// <summary>The command-line options this example takes beyond its name (e.g. <c>--data</c>); none for most.</summary>
    public virtual IReadOnlyList<string> Options => [];

    /// <summary>Runs the example with the options given on the command line (only those in <see cref="Options"/> are set).</summary>
    public virtual void Run(Notebook nb, DemoOptions options) => Run(nb);

    /// <summary>Every demo, in the order the notes present them.</summary>
    public static IReadOnlyList<Demo> All { get; } =
    [
        new StreetlightMatrices(),
        new LearnOneExample(),
        new LearnWholeDataset(),
        new FirstDeepNetwork(),
        new BackpropagationInCode(),
        new OneIterationOfBackprop(),
        new DimmerScale(),
        new GradientDescentModes(),
        new OverfitWeights(),
        new ConflictingPressure(),
        new IndirectCorrelation(),
        new Overfitting(),
    ];
}

/// <summary>What <c>backprop demo NAME</c> was given besides the name.</summary>
/// <param name="Normalize">minmax or standard: scale each input column first (dimmer); null to leave inputs as they are.</param>
/// <param name="Data">A folder of IDX train/t10k pairs (overfitting); null for the default.</param>
internal sealed record DemoOptions(string? Normalize = null, string? Data = null);

/// <summary>
/// Writes as a notebook shows: <c>print</c> output as it is, and a cell's displayed value after the expression
/// that produced it, as a Python prompt would (<c>&gt;&gt;&gt; weights_0_1</c>, then numpy's repr).
/// </summary>
internal sealed class Notebook(TextWriter output)
{
    /// <summary>Python's <c>print(text)</c>.</summary>
    public void print(string text) => output.Write(text + "\n");

    /// <summary>Python's <c>str(x)</c> of a float: its repr.</summary>
    public static string str(double value) => PyFormat.Repr(value);

    /// <summary>A cell ending in <paramref name="expression"/>: the prompt line, then the value as numpy shows it.</summary>
    public void Show(string expression, Matrix<double> value) => Show(expression, value.ToString());

    /// <summary>A cell ending in a float expression: the prompt line, then its repr.</summary>
    public void Show(string expression, double value) => Show(expression, PyFormat.Repr(value));

    private void Show(string expression, string shown) => output.Write($">>> {expression}\n{shown}\n");
}
