using System.Globalization;

namespace Backprop.Training;

/// <summary>
/// How the learning rate changes from epoch to epoch: <see cref="Constant"/> (the default), <see cref="Step"/>,
/// <see cref="Cosine"/> or <see cref="Plateau"/>, each named as <c>--lr-schedule</c> names it (<see cref="Name"/>,
/// which <see cref="Parse"/> reads back: one vocabulary for flags, checkpoints and code). The trainer asks for a
/// <see cref="Start"/> state when a run begins, uses its rate for the epoch, and after it asks for the <see cref="Next"/>
/// state with the epoch's monitored loss (validation loss when there is validation data, else training loss). A
/// schedule is an immutable description; everything that changes is in its state, which checkpoints hold.
/// </summary>
public abstract record LearningRateSchedule
{
    /// <summary>Only the library's schedules derive from it: their state is the library's to checkpoint.</summary>
    private protected LearningRateSchedule() { }

    /// <summary>The schedule as <see cref="Parse"/> reads it: constant, step:EVERY,FACTOR, cosine, plateau:PATIENCE,FACTOR.</summary>
    public abstract string Name { get; }

    /// <summary>The state before the first epoch of a run that starts from rate <paramref name="initial"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initial"/> is not a finite number above 0.</exception>
    internal LearningRateState Start(double initial) =>
        initial > 0 && double.IsFinite(initial) ? new LearningRateState(Name, initial, initial, double.PositiveInfinity, 0)
        : throw new ArgumentOutOfRangeException(nameof(initial), $"The initial learning rate must be a finite number above 0, not {initial}.");

    /// <summary>
    /// The state after epoch <paramref name="epoch"/> (from 1) of a run of <paramref name="epochs"/> epochs, whose
    /// monitored loss was <paramref name="monitored"/>: its <see cref="LearningRateState.Rate"/> is epoch
    /// <paramref name="epoch"/> + 1's.
    /// </summary>
    internal abstract LearningRateState Next(LearningRateState state, int epoch, int epochs, double monitored);

    /// <summary>The <see cref="Name"/>.</summary>
    public sealed override string ToString() => Name;

    /// <summary>The kinds: constant, step, cosine, plateau.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["constant", "step", "cosine", "plateau"];

    /// <summary>The same rate every epoch (the default).</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>The rate times <paramref name="factor"/> every <paramref name="every"/> epochs (PyTorch's StepLR): <c>step:EVERY,FACTOR</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="every"/> is below 1, or <paramref name="factor"/> is not above 0 and below 1.</exception>
    public static LearningRateSchedule Step(int every, double factor = 0.1) => new StepSchedule(every, factor);

    /// <summary>The rate follows half a cosine from the initial rate to 0 over the run's epochs (PyTorch's CosineAnnealingLR): <c>cosine</c>.</summary>
    public static LearningRateSchedule Cosine { get; } = new CosineSchedule();

    /// <summary>
    /// The rate times <paramref name="factor"/> after <paramref name="patience"/> epochs without a better monitored loss
    /// (PyTorch's ReduceLROnPlateau, whose defaults these are): <c>plateau:PATIENCE,FACTOR</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="patience"/> is below 0, or <paramref name="factor"/> is not above 0 and below 1.</exception>
    public static LearningRateSchedule Plateau(int patience = 10, double factor = 0.1) => new PlateauSchedule(patience, factor);

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
                    return kind == "constant" ? Constant : Cosine;
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
