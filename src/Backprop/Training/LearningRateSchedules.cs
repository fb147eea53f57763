using System.Globalization;

namespace Backprop.Training;

/// <summary>
/// The learning-rate schedules by name: <c>constant</c>, <c>step:EVERY,FACTOR</c>, <c>cosine</c>,
/// <c>plateau:PATIENCE,FACTOR</c> (one vocabulary for flags, checkpoints and code; each schedule's
/// <see cref="LearningRateSchedule.Name"/> parses back to it).
/// </summary>
public static class LearningRateSchedules
{
    /// <summary>The kinds: constant, step, cosine, plateau.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["constant", "step", "cosine", "plateau"];

    /// <summary>The same rate every epoch (the default).</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    private const string Syntax = "constant, step:EVERY[,FACTOR], cosine, plateau[:PATIENCE[,FACTOR]]";

    /// <summary>
    /// Reads <c>constant</c>, <c>cosine</c>, <c>step:EVERY,FACTOR</c> (FACTOR 0.1 when left out, as PyTorch's StepLR) or
    /// <c>plateau:PATIENCE,FACTOR</c> (<c>plateau</c> alone is plateau:10,0.1, ReduceLROnPlateau's defaults).
    /// </summary>
    /// <exception cref="FormatException">Not one of those, or a number out of its range; the message says which.</exception>
    public static LearningRateSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        int colon = t.IndexOf(':');
        string kind = colon < 0 ? t : t[..colon];
        string[] args = colon < 0 ? [] : t[(colon + 1)..].Split(',').Select(a => a.Trim()).ToArray();
        try
        {
            switch (kind)
            {
                case "constant" or "cosine" when colon < 0:
                    return kind == "constant" ? Constant : new CosineSchedule();
                case "constant" or "cosine":
                    throw new FormatException($"'{text}': {kind} takes no numbers.");
                case "step" when colon >= 0 && args.Length <= 2:
                    return new StepSchedule(Whole(args[0], "step's EVERY", text), args.Length > 1 ? Number(args[1], "step's FACTOR", text) : 0.1);
                case "step":
                    throw new FormatException($"'{text}' is not step:EVERY[,FACTOR] (e.g. step:10,0.5: the rate halves every 10 epochs).");
                case "plateau" when colon < 0:
                    return new PlateauSchedule(10, 0.1);
                case "plateau" when args.Length <= 2:
                    return new PlateauSchedule(Whole(args[0], "plateau's PATIENCE", text), args.Length > 1 ? Number(args[1], "plateau's FACTOR", text) : 0.1);
                case "plateau":
                    throw new FormatException($"'{text}' is not plateau[:PATIENCE[,FACTOR]] (e.g. plateau:5,0.5: the rate halves after 5 epochs without a better loss).");
                default:
                    throw new FormatException($"'{text}' is not a learning-rate schedule; the schedules are {Syntax}.");
            }
        }
        catch (ArgumentOutOfRangeException e) { throw new FormatException(e.Message.Split(" (Parameter")[0]); }
    }

    /// <summary>Checks a schedule's FACTOR: above 0 and below 1 (1 would be constant, above 1 a growing rate).</summary>
    internal static void CheckFactor(string kind, double factor)
    {
        if (!(factor > 0 && factor < 1))
            throw new ArgumentOutOfRangeException(nameof(factor), $"{kind}'s FACTOR must be a number above 0 and below 1, not {Num(factor)}.");
    }

    internal static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static int Whole(string text, string what, string all) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n
        : throw new FormatException($"{what} in '{all}' must be a whole number of epochs, not '{text}'.");

    private static double Number(string text, string what, string all) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
        : throw new FormatException($"{what} in '{all}' must be a number, not '{text}'.");
}
