namespace Backprop.Tensors;

/// <summary>
/// The names the command line's flags, model files and checkpoints give the library's settings, for any of its enums:
/// the member's name in lower case, words joined by a hyphen (<c>LossKind.CrossEntropy</c> is <c>cross-entropy</c>,
/// <c>Precision.F32</c> is <c>f32</c>, <c>Activation.Relu</c> is <c>relu</c>). Every name reads back as its member.
/// </summary>
public static class Vocabulary
{
    /// <summary>The name of <paramref name="value"/>: <c>cross-entropy</c> for <c>CrossEntropy</c>.</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        string member = value.ToString();
        var name = new System.Text.StringBuilder(member.Length + 4);
        for (int i = 0; i < member.Length; i++)
        {
            char c = member[i];
            if (char.IsUpper(c) && i > 0 && char.IsLower(member[i - 1])) name.Append('-');
            name.Append(char.ToLowerInvariant(c));
        }
        return name.ToString();
    }

    /// <summary>Every name of <typeparamref name="TEnum"/>, in the members' order.</summary>
    public static IReadOnlyList<string> Names<TEnum>() where TEnum : struct, Enum => [.. Enum.GetValues<TEnum>().Select(Name)];

    /// <summary>The member named <paramref name="text"/> (any case, spaces around it allowed).</summary>
    /// <exception cref="FormatException">No member has that name; the message lists the names.</exception>
    public static TEnum Parse<TEnum>(string text) where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        foreach (var value in Enum.GetValues<TEnum>())
            if (Name(value) == t) return value;
        throw new FormatException($"'{text}' is not one of {string.Join(", ", Names<TEnum>())}.");
    }
}
