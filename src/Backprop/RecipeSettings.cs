using System.Globalization;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop;

/// <summary>
/// A recipe's settings by the command line's flag names, set from text as <c>train</c>'s flags read them: what a sweep
/// varies (<c>--grid alpha=0.01|0.001</c>). The names are <see cref="Checkpoints.Settings"/>': every setting
/// that shapes training (threads do not: results never depend on them).
/// </summary>
/// <example>
/// <code>
/// var recipe = RecipeSettings.With(new Recipe(), "layers", "128,64");   // new Recipe { Hidden = [128, 64] }
/// </code>
/// </example>
internal static class RecipeSettings
{
    /// <summary>Every setting's name: task, layers, activation, output, loss, class-weight, optimizer, alpha, lr-schedule, epochs, batch, init, seed, bias, shuffle, normalize, l2, dropout, early-stopping, precision, rounding.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "task", "layers", "activation", "output", "loss", "class-weight", "optimizer", "alpha", "lr-schedule", "epochs", "batch", "init", "seed",
        "bias", "shuffle", "normalize", "l2", "dropout", "early-stopping", "precision", "rounding",
    ];

    /// <summary>
    /// <paramref name="recipe"/> with the setting <paramref name="name"/> read from <paramref name="value"/> as its flag
    /// reads it (<c>layers</c> 128,64 or empty for none; <c>bias</c> and <c>shuffle</c> true or false; <c>alpha</c> a number above 0; ...).
    /// </summary>
    /// <exception cref="RecipeException">The name is not a setting's, or the value is not one of its values; <see cref="RecipeException.Setting"/> names it.</exception>
    public static Recipe With(Recipe recipe, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            return name switch
            {
                "task" => recipe with { Task = Vocabulary.Parse<TaskKind>(value) },
                "layers" => recipe with { Hidden = Layers(value) },
                "activation" => recipe with { Activation = Activations.Parse(value, Activations.HiddenNames) },
                "output" => recipe with { Output = Activations.Parse(value, Activations.OutputNames) },
                "loss" => recipe with { Loss = Vocabulary.Parse<LossKind>(value) },
                "class-weight" => recipe with { ClassWeight = ClassWeighting.Parse(value) },
                "optimizer" => recipe with { Optimizer = Optimizer.Parse(value) },
                "alpha" => recipe with { Alpha = Number(value, v => v > 0, "above zero") },
                "lr-schedule" => recipe with { Schedule = LearningRateSchedule.Parse(value) },
                "epochs" => recipe with { Epochs = Count(value, 1) },
                "batch" => recipe with { Batch = Batching.Parse(value) },
                "init" => recipe with { Init = Initializer.Parse(value) },
                "seed" => recipe with { Seed = uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out uint s) ? s : throw new FormatException($"'{value}' is not a seed (a whole number from 0 to {uint.MaxValue}).") },
                "bias" => recipe with { Bias = Bool(value) },
                "shuffle" => recipe with { Shuffle = Bool(value) },
                "normalize" => recipe with { Normalize = Vocabulary.Parse<NormalizationKind>(value) },
                "l2" => recipe with { L2 = Number(value, v => v >= 0, "0 or more") },
                "dropout" => recipe with { Dropout = Number(value, v => v >= 0 && v < 1, "a probability from 0 to below 1") },
                "early-stopping" => recipe with { Patience = Count(value, 1) },
                "precision" => recipe with { Precision = Vocabulary.Parse<Precision>(value) },
                "rounding" => recipe with
                {
                    Compute = (recipe.Compute ?? Compute.Default) with
                    {
                        Float64 = value.Trim().ToLowerInvariant() switch
                        {
                            "fused" => Summation.Fused,
                            "numpy" => Summation.NumpySeparate,
                            _ => throw new FormatException($"'{value}' is not one of fused, numpy."),
                        },
                    },
                },
                _ => throw new RecipeException(name, $"'{name}' is not a training setting; the settings are {string.Join(", ", Names)}."),
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException and not RecipeException)
        {
            throw new RecipeException(name, e.Message.Replace($" (Parameter '{(e as ArgumentException)?.ParamName}')", "", StringComparison.Ordinal));
        }
    }

    // --layers: sizes such as 128,64, or empty for none.
    private static int[] Layers(string text) =>
        text.Trim().Length == 0 ? [] : [.. text.Split(',').Select(s => int.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new FormatException($"'{s.Trim()}' in '{text}' is not a layer size (a whole number above 0)."))];

    private static double Number(string text, Func<double, bool> fits, string what)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v)) throw new FormatException($"'{text}' is not a number.");
        return fits(v) ? v : throw new FormatException($"'{text}' must be {what}.");
    }

    private static int Count(string text, int min) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min ? n
            : throw new FormatException($"'{text}' must be a whole number of at least {min}.");

    private static bool Bool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw new FormatException($"'{text}' is not true or false."),
    };
}
