namespace Backprop.Cli;

/// <summary>
/// The one line that says a relu layer is dead (every unit output 0, the notes' "off" units, for every example) and
/// what to try: as train prints it and as the playground shows it (trace's, for the rows it traces, is the library's IterationTrace's).
/// </summary>
internal static class DeadLayerNote
{
    /// <summary>train's note for <paramref name="layers"/> (k of layer_k) dead in <paramref name="epoch"/>.</summary>
    public static string Train(IReadOnlyList<int> layers, int epoch, Recipe recipe) =>
        $"note: every unit of {Names(layers)} (relu) output 0 for every training example in epoch {epoch}: "
        + (layers.Count == 1 ? "the layer is dead, so the network gives every example the same output and nothing below the layer can learn; "
            : "those layers are dead, so the network gives every example the same output and nothing below them can learn; ")
        + Try(recipe);

    /// <summary>The playground's status message for <paramref name="layers"/> dead in <paramref name="epoch"/>: the page's own fields to change.</summary>
    public static string Playground(IReadOnlyList<int> layers, int epoch) =>
        $"{Names(layers)} {(layers.Count == 1 ? "is" : "are")} dead: every unit of {(layers.Count == 1 ? "it" : "them")} (relu) output 0 for every example in epoch {epoch}, "
        + "so the network gives every example the same output and nothing below can learn. Try another seed, a smaller alpha, more hidden units or tanh, then Reset.";

    // What to change on the command line, with the values the run had.
    private static string Try(Recipe recipe) =>
        $"try another --seed, a smaller --alpha (it is {NetworkFlags.Num(recipe.Alpha!.Value)}) or another --init (it is {recipe.Init})";

    /// <summary>"layer_1", "layer_1 and layer_2", "layer_1, layer_2 and layer_3".</summary>
    public static string Names(IReadOnlyList<int> layers)
    {
        var names = layers.Select(k => $"layer_{k}").ToArray();
        return names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} and {names[^1]}";
    }
}
