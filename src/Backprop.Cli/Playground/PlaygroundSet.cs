using System.Text;
using Backprop.Data;

namespace Backprop.Cli.Playground;

/// <summary>
/// A dataset the playground offers: one of the notes' streetlight sets (three lights, walk or stop) or a generated 2-D
/// set (<see cref="ToySets"/>), with the settings that fix how a network learns it (<see cref="Recipe"/>: the notes'
/// recipe, or a yes/no classifier for the 2-D sets) and the hidden layers and alpha the page starts from.
/// </summary>
internal sealed record PlaygroundSet(string Name, string Title, Dataset Data, Recipe Recipe, IReadOnlyList<int> Layers, double Alpha)
{
    /// <summary>The points of a generated 2-D set.</summary>
    public const int ToyPoints = 200;

    /// <summary>
    /// The notes' recipe: weights drawn as <c>2 * np.random.random(shape) - 1</c>, inputs unscaled, squared error on an
    /// identity output, no bias; on trace's own preset (float64 with numpy's rounding, plain gradient descent).
    /// </summary>
    private static readonly Recipe NotesRecipe = NetworkFlags.LookInside with
    {
        Init = Initializer.Uniform(-1, 1), Normalize = NormalizationKind.None, Loss = LossKind.Sse, Output = Activation.Identity, Bias = false,
    };

    /// <summary>A yes/no classifier of points: a sigmoid output with binary cross-entropy, biases, inputs unscaled (they lie in -1 to 1).</summary>
    private static readonly Recipe ToyRecipe = NetworkFlags.LookInside with
    {
        Bias = true, Output = Activation.Sigmoid, Loss = LossKind.BinaryCrossEntropy, Normalize = NormalizationKind.None,
    };

    /// <summary>True for a set of points (x, y), whose decision surface the page shades.</summary>
    public bool IsTwoD => Data.FeatureNames.Count == 2;

    /// <summary>Every set, the notes' first.</summary>
    public static IReadOnlyList<PlaygroundSet> All { get; } =
    [
        Notes("lights", "The notes' \"One iteration of backprop\": 4 streetlights, walk_stop = [1, 1, 0, 1]", [1, 1, 0, 1], 3, 0.2),
        Notes("streetlights", "The notes' \"Backpropagation in code\": 4 streetlights, walk_vs_stop = [1, 1, 0, 0]", [1, 1, 0, 0], 4, 0.2),
        Notes("streetlights6", "The notes' six streetlights: walk_vs_stop = [0, 1, 0, 1, 1, 0]", [0, 1, 0, 1, 1, 0], 4, 0.1),
        Toy("xor", "xor: label 1 where x and y have opposite signs"),
        Toy("circles", "circles: label 1 inside the inner circle, 0 on the ring around it"),
        Toy("spirals", "spirals: two arms winding out from the middle"),
    ];

    /// <summary>
    /// The set the page starts with: the notes' "Backpropagation in code" network (3-4-1, seed 1), which learns on the
    /// first Start (its error falls to 0.006 in 30 epochs). The first set, lights at seed 1, has every hidden unit off
    /// for every example from epoch 4 on: a lesson for later (the page says so), not a first sight.
    /// </summary>
    public static PlaygroundSet Default => Find("streetlights")!;

    /// <summary>The set named <paramref name="name"/>, or null.</summary>
    public static PlaygroundSet? Find(string name) => All.FirstOrDefault(s => s.Name == name);

    /// <summary>The set as a CSV file (header row, then one row an example), which trace reads as this set.</summary>
    public string Csv()
    {
        var text = new StringBuilder().AppendJoin(',', Data.FeatureNames.Concat(Data.TargetNames)).Append('\n');
        for (int i = 0; i < Data.Count; i++)
        {
            for (int c = 0; c < Data.Features.Columns; c++) text.Append(NetworkFlags.Num(Data.Features[i, c])).Append(',');
            text.AppendJoin(',', Enumerable.Range(0, Data.Targets.Columns).Select(c => NetworkFlags.Num(Data.Targets[i, c]))).Append('\n');
        }
        return text.ToString();
    }

    // The notes' lights: every set starts from the same patterns (the six-row one repeats two of them).
    private static PlaygroundSet Notes(string name, string title, int[] walk, int layers, double alpha)
    {
        int[][] patterns = [[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1], [0, 1, 1], [1, 0, 1]];
        var lights = new Matrix<double>(walk.Length, 3);
        var targets = new Matrix<double>(walk.Length, 1);
        for (int i = 0; i < walk.Length; i++)
        {
            for (int c = 0; c < 3; c++) lights[i, c] = patterns[i][c];
            targets[i, 0] = walk[i];
        }
        return new(name, title, new Dataset(lights, targets, ["left", "middle", "right"], ["walk"], null, name + ".csv"), NotesRecipe, [layers], alpha);
    }

    private static PlaygroundSet Toy(string name, string title) =>
        new(name, title, ToySets.Make(name, ToyPoints, seed: 1), ToyRecipe, [8, 8], 0.1);
}
