using System.Text;
using System.Text.RegularExpressions;

namespace Backprop.Tests;

/// <summary>
/// Issue 25, item 5: the library's namespaces are layers (docs/architecture.md, "Layers of the design"). Each folder of
/// src/Backprop is a namespace; the root, Backprop, is the front door, which no lower namespace names; each lower one
/// uses only those below it, in the order the document lists them; and the public surface stays small. These tests read
/// the sources as text, with comments and the text of string literals blanked out (a doc comment may name a layer above).
/// </summary>
public sealed class LayeringTests
{
    /// <summary>
    /// At most this many public types: kernels, formatting and file plumbing are internal. Issue 25 brought the surface to
    /// 67 types; issue 26's cross-validation and sweeps add 11 (CrossValidation, CrossValidationOptions, FoldResult,
    /// FoldKind; Sweep, SweepOptions, SweepSpace, SweepDimension, SweepTrial, SweepResults, TrialResult), 78 in all. The
    /// baseline (src/Backprop/PublicAPI.*.txt) is where each addition is decided; this cap only notices a surface that grows
    /// past it.
    /// </summary>
    private const int MaxPublicTypes = 80;

    private static readonly string Repo = FindRepo();
    private static readonly string Library = Path.Combine(Repo, "src", "Backprop");

    private static string FindRepo()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Backprop.slnx"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new DirectoryNotFoundException("no Backprop.slnx above " + AppContext.BaseDirectory);
    }

    /// <summary>The library's source files, each with its layer (its top folder; "" for the root) and its code.</summary>
    private static readonly (string Path, string Layer, string Code)[] Sources = [.. Directory
        .EnumerateFiles(Library, "*.cs", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(Library, f).Replace('\\', '/'))
        .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .Select(f => (f, f.Contains('/') ? f[..f.IndexOf('/')] : "", Code.Strip(File.ReadAllText(Path.Combine(Library, f)))))];

    /// <summary>
    /// The lower layers, top to bottom, as docs/architecture.md's "Layers of the design" lists them (the lines
    /// "  .Onnx ...", "  .Models ...", ... of its diagram): each may use only the layers after it.
    /// </summary>
    private static List<string> DocumentedOrder()
    {
        string doc = File.ReadAllText(Path.Combine(Repo, "docs", "architecture.md"));
        int section = doc.IndexOf("## Layers of the design", StringComparison.Ordinal);
        Assert.True(section >= 0, "docs/architecture.md has no section \"Layers of the design\"");
        int start = doc.IndexOf("```", section, StringComparison.Ordinal) + 3;
        string diagram = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
        return [.. Regex.Matches(diagram, @"^  \.(\w+)\b", RegexOptions.Multiline).Select(m => m.Groups[1].Value)];
    }

    /// <summary>The names of the types declared in <paramref name="code"/> (nested ones too).</summary>
    private static IEnumerable<string> DeclaredTypes(string code) =>
        Regex.Matches(code, @"\b(?:class|struct|interface|enum|record(?:\s+class|\s+struct)?)\s+(?<name>[A-Z]\w*)|\bdelegate\s+[^;(]*?\b(?<name>[A-Z]\w*)\s*(?:<[^;(]*>)?\s*\(")
            .Select(m => m.Groups["name"].Value);

    [Fact]
    public void Every_folder_is_a_namespace_and_a_layer_the_document_lists()
    {
        var order = DocumentedOrder();
        Assert.True(order.Count >= 2 && order.Distinct().Count() == order.Count, $"docs/architecture.md's layers: {string.Join(", ", order)}");
        Assert.Equal(order.Order(StringComparer.Ordinal), Sources.Select(s => s.Layer).Where(l => l != "").Distinct().Order(StringComparer.Ordinal));
        var wrong = Sources
            .Select(s => (s.Path, Expected: s.Layer == "" ? "Backprop" : $"Backprop.{s.Layer}", Declared: Regex.Matches(s.Code, @"^[ \t]*namespace[ \t]+([\w.]+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray()))
            .Where(s => s.Declared.Length != 1 || s.Declared[0] != s.Expected)
            .Select(s => $"{s.Path}: namespace {string.Join(", ", s.Declared)}; its folder says {s.Expected}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void No_lower_namespace_names_a_type_of_the_root()
    {
        // The root's types, from its files' declarations: Recipe, Learner, Checkpoint, ... and its internal ones.
        var rootTypes = Sources.Where(s => s.Layer == "").SelectMany(s => DeclaredTypes(s.Code)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("Recipe", rootTypes);
        Assert.Contains("Checkpoint", rootTypes);
        var mentions = Sources.Where(s => s.Layer != "")
            .SelectMany(s => Regex.Matches(s.Code, @"\b[A-Za-z_]\w*\b").Where(m => rootTypes.Contains(m.Value))
                .Select(m => $"{s.Path}:{Line(s.Code, m.Index)}: {m.Value}, a type of the root"))
            .Distinct().ToList();
        Assert.True(mentions.Count == 0, string.Join("\n", mentions));
    }

    [Fact]
    public void Each_layer_uses_only_the_layers_below_it()
    {
        var order = DocumentedOrder();
        var typesOf = order.ToDictionary(l => l, l => Sources.Where(s => s.Layer == l).SelectMany(s => DeclaredTypes(s.Code)).ToHashSet(StringComparer.Ordinal));
        var violations = new List<string>();
        foreach (var (path, layer, code) in Sources.Where(s => s.Layer != ""))
        {
            string body = Regex.Replace(code, @"^[ \t]*namespace[ \t]+[\w.]+[ \t]*;", "", RegexOptions.Multiline);
            // A layer is used through a using directive (plain, static or an alias), a fully qualified name
            // (Backprop.Models.Model), or a name qualified from the root, which every file's namespace sees (Models.Model).
            var used = Regex.Matches(body, @"(?<![\w.])(?:global::)?Backprop\.(?<layer>\w+)\b").Select(m => (m.Groups["layer"].Value, m.Index))
                .Concat(Regex.Matches(body, @"(?<![\w.])(?<layer>\w+)\.(?<type>[A-Za-z_]\w*)").Where(m => typesOf.TryGetValue(m.Groups["layer"].Value, out var types) && types.Contains(m.Groups["type"].Value))
                    .Select(m => (m.Groups["layer"].Value, m.Index)));
            foreach (var (other, at) in used)
                if (other != layer && order.Contains(other) && order.IndexOf(other) < order.IndexOf(layer))
                    violations.Add($"{path}:{Line(body, at)}: {layer} uses {other}, which is above it");
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations.Distinct()));
    }

    [Fact]
    public void The_library_has_at_most_80_public_types()
    {
        var exported = typeof(Recipe).Assembly.GetExportedTypes();
        Assert.True(exported.Length <= MaxPublicTypes,
            $"{exported.Length} public types (at most {MaxPublicTypes}): {string.Join(", ", exported.Select(t => t.FullName).Order(StringComparer.Ordinal))}");
    }

    [Fact]
    public void Blanking_keeps_code_and_drops_comments_and_literal_text()
    {
        string source = """"
            using Backprop.Data; // using Backprop.Models;
            /* Recipe */ var a = "Recipe \" Recipe" + @"Models.Model ""Recipe""" + 'R' + '\'' + $"{Models.Model.Load("p")} Recipe {{Recipe}}";
            var b = $$"""{{Tensors.Matrix.Array(x)}} {Recipe}""" + """Recipe "" Recipe""";
            /// <see cref="Recipe"/>
            """";
        string code = Code.Strip(source);
        Assert.Contains("using Backprop.Data;", code);
        Assert.DoesNotContain("Recipe", code);
        Assert.Contains("Models.Model.Load(", code);
        Assert.Contains("Tensors.Matrix.Array(x)", code);
        Assert.DoesNotContain("using Backprop.Models", code);
    }

    private static int Line(string code, int index) => code.AsSpan(0, index).Count('\n') + 1;

    /// <summary>C# source with comments and the text of string and character literals blanked out; interpolation holes, being code, are kept. Line breaks stay where they were.</summary>
    private static class Code
    {
        public static string Strip(string source)
        {
            var code = new StringBuilder(source.Length);
            int i = 0;
            Copy(source, ref i, code, inHole: false);
            return code.ToString();
        }

        // Copies code from i to the end, or in an interpolation hole to the brace that closes it (left unread).
        private static void Copy(string s, ref int i, StringBuilder code, bool inHole)
        {
            int depth = 0;
            while (i < s.Length)
            {
                char c = s[i];
                if (c == '/' && i + 1 < s.Length && s[i + 1] == '/')
                {
                    while (i < s.Length && s[i] != '\n') i++;
                }
                else if (c == '/' && i + 1 < s.Length && s[i + 1] == '*')
                {
                    int end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    int stop = end < 0 ? s.Length : end + 2;
                    Blank(s, i, stop, code);
                    i = stop;
                }
                else if (c == '\'')
                {
                    int start = i++;
                    if (i < s.Length && s[i] == '\\') i += 2;
                    while (i < s.Length && s[i] != '\'' && s[i] != '\n') i++;
                    i++;
                    Blank(s, start, Math.Min(i, s.Length), code);
                }
                else if (StringAt(s, i, out int dollars, out bool verbatim, out int quotes, out int open))
                {
                    code.Append(' ', open);
                    i += open;
                    Literal(s, ref i, code, dollars, verbatim, quotes);
                }
                else
                {
                    if (inHole && c == '{') depth++;
                    else if (inHole && c == '}' && depth-- == 0) return;
                    code.Append(c);
                    i++;
                }
            }
        }

        // A string literal starts at i: $, $$... and @ prefixes, then " or a run of three or more (raw).
        private static bool StringAt(string s, int i, out int dollars, out bool verbatim, out int quotes, out int open)
        {
            dollars = 0;
            verbatim = false;
            quotes = open = 0;
            if (i > 0 && (char.IsLetterOrDigit(s[i - 1]) || s[i - 1] == '_')) return false;
            int j = i;
            while (j < s.Length && (s[j] == '$' || s[j] == '@'))
            {
                if (s[j] == '$') dollars++;
                else verbatim = true;
                j++;
            }
            int k = j;
            while (k < s.Length && s[k] == '"') k++;
            quotes = k - j;
            if (quotes == 0) return false;
            if (quotes == 2) quotes = 1;   // "": an empty string
            open = j - i + quotes;
            return true;
        }

        // The rest of a literal after its opening quotes: its text blanked, its holes copied as code.
        private static void Literal(string s, ref int i, StringBuilder code, int dollars, bool verbatim, int quotes)
        {
            bool raw = quotes >= 3;
            string close = new('"', quotes);
            while (i < s.Length)
            {
                char c = s[i];
                if (raw && string.CompareOrdinal(s, i, close, 0, quotes) == 0 || !raw && c == '"' && !(verbatim && i + 1 < s.Length && s[i + 1] == '"'))
                {
                    code.Append(' ', quotes);
                    i += quotes;
                    return;
                }
                if (!raw && verbatim && c == '"') { code.Append("  "); i += 2; continue; }   // "" in a verbatim string
                if (!raw && !verbatim && c == '\\') { code.Append("  "); i += 2; continue; }
                int braces = 0;
                while (dollars > 0 && i + braces < s.Length && s[i + braces] == '{') braces++;
                int opens = raw ? dollars : 1;
                if (dollars > 0 && braces >= opens && (raw || braces % 2 == 1))
                {
                    // A hole: its braces, then code up to the brace that closes it.
                    code.Append(' ', braces);
                    i += braces;
                    Copy(s, ref i, code, inHole: true);
                    while (i < s.Length && s[i] == '}') { code.Append(' '); i++; }
                    continue;
                }
                if (braces > 0) { code.Append(' ', braces); i += braces; continue; }   // {{ in an interpolated string
                code.Append(c == '\n' ? '\n' : ' ');
                i++;
            }
        }

        private static void Blank(string s, int from, int to, StringBuilder code)
        {
            for (int k = from; k < to; k++) code.Append(s[k] == '\n' ? '\n' : ' ');
        }
    }
}
