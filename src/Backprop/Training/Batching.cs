using System.Globalization;

namespace Backprop.Training;

/// <summary>
/// How many examples go into each weight update: 1 (stochastic, the notes' per-example updates), all of them
/// (full), or N (mini-batch; the last batch of an epoch may be smaller). Deltas are averaged over each batch.
/// </summary>
public readonly record struct Batching
{
    private Batching(int size) => Size = size;

    /// <summary>Examples per update; 0 means the whole dataset.</summary>
    public int Size { get; }

    /// <summary>One example per update (stochastic gradient descent).</summary>
    public static Batching Stochastic => new(1);

    /// <summary>The whole dataset per update (full gradient descent).</summary>
    public static Batching Full => new(0);

    /// <summary>Batches of <paramref name="size"/> examples (mini-batch gradient descent).</summary>
    public static Batching MiniBatch(int size) => size >= 1
        ? new(size)
        : throw new ArgumentOutOfRangeException(nameof(size), $"A batch holds at least one example, not {size}.");

    /// <summary>The batch size for a dataset of <paramref name="examples"/> rows.</summary>
    public int SizeFor(int examples) => Size == 0 ? examples : Size;

    /// <summary>Reads the command-line form: <c>1</c>, <c>N</c> or <c>full</c>.</summary>
    public static Batching Parse(string text) =>
        text.Trim().Equals("full", StringComparison.OrdinalIgnoreCase) ? Full
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 ? MiniBatch(n)
        : throw new FormatException($"Batch '{text}' is not 1, a positive number or 'full'.");

    /// <inheritdoc/>
    public override string ToString() => Size == 0 ? "full" : Size.ToString(CultureInfo.InvariantCulture);
}
