using System.Globalization;
using Backprop.Tensors;

namespace Backprop;

/// <summary>A resolved recipe's training settings by the command line's flag names, as checkpoints compare them.</summary>
internal static class Checkpoints
{
    /// <summary>
    /// Each setting that shapes training, by its flag's name (task, layers, activation, output, loss, class-weight, optimizer, alpha, lr-schedule, epochs,
    /// batch, init, seed, bias, shuffle, normalize, l2, dropout, early-stopping, precision, rounding) with its value as
    /// text; a setting the recipe leaves unset has a null value.
    /// </summary>
    public static IReadOnlyList<(string Name, string? Value)> Settings(Recipe r)
    {
        ArgumentNullException.ThrowIfNull(r);
        static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return
        [
            ("task", r.Task is { } task ? Vocabulary.Name(task) : null),
            ("layers", r.Hidden is null ? null : r.Hidden.Count == 0 ? "none" : string.Join(",", r.Hidden)),
            ("activation", r.Activation is { } a ? Vocabulary.Name(a) : null),
            ("output", r.Output is { } o ? Vocabulary.Name(o) : null),
            ("loss", r.Loss is { } l ? Vocabulary.Name(l) : null),
            ("class-weight", r.ClassWeight?.ToString() ?? "none"),
            ("optimizer", r.Optimizer?.ToString()),
            ("alpha", r.Alpha is { } alpha ? Num(alpha) : null),
            ("lr-schedule", r.Schedule?.Name),
            ("epochs", r.Epochs?.ToString(CultureInfo.InvariantCulture)),
            ("batch", r.Batch?.ToString()),
            ("init", r.Init?.ToString()),
            ("seed", r.Seed?.ToString(CultureInfo.InvariantCulture)),
            ("bias", r.Bias is { } b ? (b ? "true" : "false") : null),
            ("shuffle", r.Shuffle is { } s ? (s ? "true" : "false") : null),
            ("normalize", r.Normalize is { } n ? Vocabulary.Name(n) : null),
            ("l2", Num(r.L2)),
            ("dropout", Num(r.Dropout)),
            ("early-stopping", r.Patience?.ToString(CultureInfo.InvariantCulture) ?? "off"),
            ("precision", r.Precision is { } p ? Vocabulary.Name(p) : null),
            ("rounding", CheckpointJson.Rounding(r)),
        ];
    }
}
