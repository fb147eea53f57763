using System.Globalization;
using Backprop.Data;

namespace Backprop.Pages;

/// <summary>
/// How numbers and networks are written, on the pages and in <c>backprop</c>'s terminal alike (the command line writes its
/// lines with these), so that a page's digits are the terminal's.
/// </summary>
internal static class PageText
{
    /// <summary>A loss, accuracy or error in four decimals, as train's epoch lines print it.</summary>
    public static string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>A learning rate in four significant digits, as train's epoch lines print it.</summary>
    public static string Rate(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>Python's repr of a float (the shortest digits that read back): 0.2, 1e-05.</summary>
    public static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// One line describing the network <paramref name="recipe"/> (resolved) builds as <paramref name="spec"/> and how it
    /// trains: "network: 3-4-1, relu hidden, identity output, loss sse, sgd alpha 0.2, batch 1, 60 epochs, f64 (numpy rounding)".
    /// </summary>
    public static string Network(Recipe recipe, NetworkSpec spec) =>
        $"network: {string.Join("-", new[] { spec.Inputs }.Concat(spec.Hidden).Append(spec.Outputs))}, "
        + (spec.Hidden.Count == 0 ? "no hidden layer, " : $"{Vocabulary.Name(spec.HiddenActivation)} hidden, ")
        + $"{Vocabulary.Name(spec.OutputActivation)} output, loss {(recipe.Loss is { } loss ? Vocabulary.Name(loss) : "?")}, "
        + $"{recipe.Optimizer} alpha {(recipe.Alpha is double alpha ? Num(alpha) : "?")}"
        + (recipe.Schedule is { } schedule and not ConstantSchedule ? $" lr-schedule {schedule.Name}" : "")
        + $", batch {recipe.Batch}, {recipe.Epochs ?? 0} epochs, {(recipe.Precision is { } p ? Vocabulary.Name(p) : "?")}"
        + (recipe.Precision == Precision.F64 && spec.Compute.Float64 == Summation.NumpySeparate ? " (numpy rounding)" : "");

    /// <summary>The network line of a recipe trained on <paramref name="data"/> (its inputs and target columns make the spec's ends).</summary>
    public static string Network(Recipe recipe, Dataset data) => Network(recipe, recipe.SpecFor(data.FeatureNames.Count, data.Targets.Columns));

    /// <summary>The file or folder name of a dataset's source, for a page's title.</summary>
    public static string Source(Dataset data) => Path.GetFileName(Path.TrimEndingDirectorySeparator(data.Source));
}
