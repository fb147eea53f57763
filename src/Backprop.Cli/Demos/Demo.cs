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
