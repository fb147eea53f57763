using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Backprop.PackageTests;

/// <summary>
/// Every <c>```csharp</c> block of README.md and of the packages' pages (each src/*/PACKAGE.md, the readme NuGet shows),
/// as a user runs it: each block, read from its document when the tests run, is the Program.cs of a console project of
/// its own (net10.0, implicit usings and nullable on, as <c>dotnet new console</c> makes it) that adds the packed
/// Backprop package (and Backprop.Pages when the block uses it) from the packed folder. The projects are built by one
/// <c>dotnet build</c> (a snippet's compiler errors and warnings fail its test), then each runs in a folder of its own
/// holding the files it reads (<see cref="Files"/>), and what it prints and writes is checked (<see cref="Checks"/>).
/// A block added to a document is built and run without a change here; one that names a file this test does not know
/// fails until the file is added to <see cref="Files"/>.
/// </summary>
[Collection(PackedCollection.Name)]
public sealed partial class ReadmeSnippetTests(PackedTool packed)
{
    /// <summary>How long one snippet may run (the README's Fashion-MNIST snippets train 5 epochs, here on 600 small images).</summary>
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(3);

    private enum Use { Read, Written }

    /// <summary>
    /// Each file a snippet names, by the string the snippet gives, with what this test does about it. A file a snippet
    /// reads is made in the snippet's run folder (its working directory) by <c>Make</c>, which gives the path the snippet
    /// is to use: a relative name is made under that name, so the snippet's text is unchanged; an absolute path (a
    /// folder of this machine's) is replaced in the snippet by the path <c>Make</c> gives. A file a snippet writes lands
    /// in the run folder and must be there, and not empty, after the run.
    /// </summary>
    private static readonly Dictionary<string, (Use Use, Func<string, string>? Make)> Files = new(StringComparer.Ordinal)
    {
        // The flowers the README trains on: the repository's fixture (90 rows of length, width, noise and species; made
        // by tests/Backprop.Tests/Data/csv/generate.py), copied as it is.
        ["flowers.csv"] = (Use.Read, folder => Copy(Repo.Csv("flowers.csv"), folder, "flowers.csv")),
        // New rows to predict: the same 90 flowers without their species column (the features alone, as a user's new
        // data would come).
        ["new-flowers.csv"] = (Use.Read, folder => WriteText(folder, "new-flowers.csv", WithoutColumn(Repo.Csv("flowers.csv"), "species"))),
        // The streetlights the trace page traces: the repository's fixture (the notes' streetlights, columns left, middle,
        // right and walk, the target the snippet names). Only row 0 is traced, which is the same in the notes' "One
        // iteration of backprop" (walk_stop [1, 1, 0, 1]) and in their "Backpropagation in code" ([1, 1, 0, 0]).
        ["lights.csv"] = (Use.Read, folder => Copy(Repo.Csv("streetlights.csv"), folder, "lights.csv")),
        // The Fashion-MNIST folder the README names (on its author's machine): a stand-in written here, with the four files named as the
        // Fashion-MNIST download names them (gzipped): 500 train and 100 test images of 28x28 pixels, 10 classes.
        ["/usr/share/datasets/fashion-mnist"] = (Use.Read, folder => WriteImages(Path.Combine(folder, "fashion-mnist"))),
        // What the snippets save and write: in the run folder.
        ["flowers.model"] = (Use.Written, null),
        ["fashion.model"] = (Use.Written, null),
        ["train.html"] = (Use.Written, null),
        ["trace.html"] = (Use.Written, null),
    };

    /// <summary>
    /// What a snippet prints and writes, for each snippet whose code contains the mark (README.md's and a package page's
    /// copy alike; each mark must be in exactly one snippet of README.md, so that a check does not silently stop
    /// applying). Every snippet must also exit with 0, print nothing to standard error, and write each file it names. Run
    /// with the invariant culture (numbers as the README shows them).
    /// </summary>
    private static readonly (string Mark, Action<string, string> Check)[] Checks =
    [
        // Save, load and predict: a line for each of the 90 new flowers, its label one of the species in flowers.csv and
        // its probability with two decimals.
        ("model.Predict(\"new-flowers.csv\")", (output, folder) =>
        {
            string[] species = File.ReadAllLines(Repo.Csv("flowers.csv")).Skip(1).Select(l => l.Split(',')[^1]).Distinct().ToArray();
            Assert.Equal(["setosa", "versicolor", "virginica"], species.Order(StringComparer.Ordinal));
            string[] lines = Lines(output);
            Assert.Equal(File.ReadAllLines(Repo.Csv("flowers.csv")).Length - 1, lines.Length);
            Assert.All(lines, l => Assert.Matches($"^({string.Join('|', species)}) (0\\.[0-9]{{2}}|1\\.00)$", l));
        }),
        // Fashion-MNIST with a Recipe: one line, the test accuracy; this test's classes are each bright in a band of
        // rows of their own, which any classifier learns (RecipeTests asks 90% of its own generated images too).
        ("Console.WriteLine($\"test accuracy", (output, folder) =>
        {
            var match = AccuracyLine().Match(Assert.Single(Lines(output)));
            Assert.True(match.Success, output);
            Assert.True(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) >= 90, output);
        }),
        // The pages: the train page names the file it trained on; the trace page holds the notes' weights_1_2[1] after the
        // update, -0.13469566 (Grokking Deep Learning, chapter 6, "One iteration of backprop":
        // tests/Backprop.Tests/Data/notes/chapter6.txt, `weights_1_2 -= alpha * weight_delta_1_2`).
        ("TracePage.Write(\"trace.html\"", (output, folder) =>
        {
            string train = File.ReadAllText(Path.Combine(folder, "train.html")), trace = File.ReadAllText(Path.Combine(folder, "trace.html"));
            Assert.StartsWith("<!DOCTYPE html>", train);
            Assert.Contains("<title>train: flowers.csv</title>", train);
            Assert.Contains("\"confusion\":", train);
            Assert.StartsWith("<!DOCTYPE html>", trace);
            Assert.Contains("-0.13469566", trace);
        }),
        // The notes' network by hand: a line an epoch for 60 epochs; every tenth epoch's error is the one the notes print
        // at that iteration, to the last bit (chapter 6, "Backpropagation in code": tests/Backprop.Tests/Data/notes/chapter6.txt,
        // the six "Error:" lines; the README says the last is the notes' 1.5055622665134859e-05).
        ("trainer.EpochCompleted", (output, folder) =>
        {
            double[] notes = [0.6342311598444467, 0.35838407676317513, 0.0830183113303298, 0.006467054957103705, 0.0003292669000750734, 1.5055622665134859e-05];
            string[] lines = Lines(output);
            Assert.Equal(60, lines.Length);
            var errors = lines.Select((l, i) =>
            {
                var m = Regex.Match(l, @"^epoch (\d+): error (\S+)$");
                Assert.True(m.Success, l);
                Assert.Equal(i + 1, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                return double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            }).ToArray();
            Assert.Equal(notes, Enumerable.Range(1, 6).Select(k => errors[10 * k - 1]));
            Assert.Equal("epoch 60: error 1.5055622665134859E-05", lines[^1]); // .NET's shortest round-trip form of the notes' number
        }),
        // Cross-validation and a sweep on the flowers (issue 26): the 5 folds' mean validation accuracy and its std, then
        // the best of the 4 trials by its settings; the sweep's folder ("sweep", in the run folder: a folder name, which
        // the table of files does not list) holds results.csv with a line a trial, and a result and model a trial.
        ("SweepSpace.Grid(", (output, folder) =>
        {
            string[] lines = Lines(output);
            Assert.Equal(2, lines.Length);
            Assert.Matches(@"^validation accuracy [01]\.\d{3} ± 0\.\d{3}$", lines[0]);
            Assert.Matches(@"^best: alpha 0\.0?01, layers (16|32,16)$", lines[1]);
            string sweep = Path.Combine(folder, "sweep");
            string[] results = File.ReadAllLines(Path.Combine(sweep, "results.csv"));
            Assert.Equal(5, results.Length);
            Assert.StartsWith("trial,alpha,layers,epoch,stop,", results[0]);
            foreach (string trial in new[] { "001", "002", "003", "004" })
            {
                Assert.True(File.Exists(Path.Combine(sweep, "trials", trial + ".csv")), $"no result of trial {trial}");
                Assert.True(File.Exists(Path.Combine(sweep, "trials", trial + ".model")), $"no model of trial {trial}");
            }
        }),
        // Fashion-MNIST by hand, from the bytes: it prints nothing (its last line keeps the loss and accuracy).
        ("fit.Evaluate(test.RowsAs<float>()", (output, folder) => Assert.Equal("", output)),
    ];

    [GeneratedRegex(@"^test accuracy (\d+\.\d\d) ?%$")]
    private static partial Regex AccuracyLine();

    private static string[] Lines(string output) => output.ReplaceLineEndings("\n").TrimEnd('\n') is { Length: > 0 } text ? text.Split('\n') : [];

    /// <summary>A ```csharp block of a document (its path from the repository's root): the line of its opening fence (1-based) and its code.</summary>
    private sealed record Snippet(string Document, int Line, string Code)
    {
        public string Name => $"{Document} line {Line}";

        /// <summary>Its folder's name, and its project's: the document's path and the line in letters, digits and dashes.</summary>
        public string Folder => Regex.Replace($"{Document}-{Line}", "[^A-Za-z0-9]+", "-").ToLowerInvariant();
    }

    /// <summary>README.md, then each package's page (src/*/PACKAGE.md): the documents whose C# blocks run.</summary>
    private static string[] Documents() =>
        ["README.md", .. Directory.GetFiles(Path.Combine(Repo.Root, "src"), "PACKAGE.md", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repo.Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    /// <summary>Every ```csharp (or ```cs, ```c#) block of the documents, in order.</summary>
    private static List<Snippet> ReadSnippets()
    {
        var snippets = new List<Snippet>();
        foreach (string document in Documents())
        {
            string[] lines = File.ReadAllLines(Path.Combine(Repo.Root, document));
            for (int i = 0; i < lines.Length; i++)
            {
                if (!Regex.IsMatch(lines[i], @"^\s*```\s*(csharp|cs|c#)\s*$", RegexOptions.IgnoreCase)) continue;
                int start = i;
                var code = new List<string>();
                for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++) code.Add(lines[i]);
                Assert.True(i < lines.Length, $"{document} line {start + 1}: the C# block is not closed");
                snippets.Add(new Snippet(document, start + 1, string.Join('\n', code) + "\n"));
            }
        }
        return snippets;
    }

    public static TheoryData<string, int> SnippetLines()
    {
        var data = new TheoryData<string, int>();
        foreach (var snippet in ReadSnippets()) data.Add(snippet.Document, snippet.Line);
        return data;
    }

    /// <summary>
    /// The string literals of a snippet that look like a file or folder: with a slash, or a name with an extension. The
    /// code is read token by token from the left, so that comments, interpolated and verbatim strings and characters are
    /// passed over whole; only plain literals ("...") count.
    /// </summary>
    private static IEnumerable<string> PathsIn(string code) =>
        Literal().Matches(code).Where(m => m.Groups["plain"].Success).Select(m => m.Groups["plain"].Value)
            .Where(s => s.Contains('/') || s.Contains('\\') || Regex.IsMatch(s, @"^[\w.-]+\.[A-Za-z][A-Za-z0-9]{0,5}$"))
            .Distinct(StringComparer.Ordinal);

    [GeneratedRegex(@"//[^\n]*|/\*[\s\S]*?\*/|\$@?""(?:[^""\\]|\\.)*""|@""(?:[^""]|"""")*""|'(?:[^'\\\n]|\\.){1,8}'|""(?<plain>(?:[^""\\\n]|\\.)*)""")]
    private static partial Regex Literal();

    [Fact]
    public void The_readme_has_csharp_snippets_each_check_here_finds_one_and_each_file_here_is_named()
    {
        var snippets = ReadSnippets();
        Assert.True(snippets.Any(s => s.Document == "README.md"), "README.md has no ```csharp block: this test expects the README's C# code");
        foreach (var (mark, _) in Checks)
        {
            var holding = snippets.Where(s => s.Document == "README.md" && s.Code.Contains(mark, StringComparison.Ordinal)).Select(s => s.Name).ToArray();
            Assert.True(holding.Length == 1, $"the check marked {mark} should find one snippet of README.md; it finds {holding.Length} ({string.Join(", ", holding)})");
        }
        // Every file the snippets name is in the table, and every entry of the table is used (a stale entry is noticed).
        string[] unknown = snippets.SelectMany(s => PathsIn(s.Code).Where(p => !Files.ContainsKey(p)).Select(p => $"{s.Name}: \"{p}\"")).ToArray();
        Assert.True(unknown.Length == 0, $"files ReadmeSnippetTests.Files does not know (add each, with a way to make the ones read):\n{string.Join('\n', unknown)}");
        string[] unused = Files.Keys.Except(snippets.SelectMany(s => PathsIn(s.Code))).ToArray();
        Assert.True(unused.Length == 0, $"ReadmeSnippetTests.Files names files no snippet names (remove them): {string.Join(", ", unused)}");
    }

    [Theory]
    [MemberData(nameof(SnippetLines))]
    public void Each_csharp_snippet_of_the_readme_and_package_pages_compiles_against_the_packed_packages_and_runs(string document, int line)
    {
        var built = Build();
        var snippet = built.Snippets.Single(s => s.Document == document && s.Line == line);
        if (built.Refused.TryGetValue(snippet.Name, out string? refused)) Assert.Fail(refused);

        // Its compile: no error, no warning (a user who pastes the README's code gets none).
        string[] diagnostics = Lines(built.Output).Where(l => l.Contains($"/{snippet.Folder}/", StringComparison.Ordinal)
            && (l.Contains(": error ", StringComparison.Ordinal) || l.Contains(": warning ", StringComparison.Ordinal))).Distinct().ToArray();
        string dll = Path.Combine(built.Root, snippet.Folder, "project", "bin", "Debug", "net10.0", $"{snippet.Folder}.dll");
        Assert.True(diagnostics.Length == 0 && File.Exists(dll),
            $"{snippet.Name}'s snippet does not build cleanly against the packed packages:\n{string.Join('\n', diagnostics)}\n\n" +
            $"the code built:\n{File.ReadAllText(Path.Combine(built.Root, snippet.Folder, "project", "Program.cs"))}\n`dotnet build` printed:\n{built.Output}");

        Assert.True(Directory.Exists(Path.Combine(built.Root, "packages", "backprop", packed.Version)), "Backprop was not restored from the packed folder");

        // Its run, in its folder (the invariant culture: numbers print as the README shows them on any machine).
        string folder = Path.Combine(built.Root, snippet.Folder, "run");
        var (code, output, err) = PackedTool.Run(PackedTool.Dotnet, [dll], new() { ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "true" },
            workingDirectory: folder, timeout: RunLimit);
        Assert.True(code == 0 && err == "", $"{snippet.Name}'s snippet exited with {code}:\n{output}{err}");
        foreach (string path in PathsIn(snippet.Code).Where(p => Files[p].Use == Use.Written))
        {
            var file = new FileInfo(Path.Combine(folder, path));
            Assert.True(file.Exists && file.Length > 0, $"{snippet.Name}'s snippet did not write {path}");
        }
        foreach (var (mark, check) in Checks)
            if (snippet.Code.Contains(mark, StringComparison.Ordinal)) check(output, folder);
    }

    /// <summary>The snippets' projects and what building them printed; <c>Refused</c>: the snippets not built, and why.</summary>
    private sealed record Built(string Root, List<Snippet> Snippets, Dictionary<string, string> Refused, string Output);

    private static readonly Lock Gate = new();
    private static Built? _built;

    /// <summary>
    /// Writes a project and a run folder for each snippet, under the packed folder's readme/, and builds the projects at
    /// once (one restore, one `dotnet build` of a solution holding them all); done by the first test that asks.
    /// </summary>
    private Built Build()
    {
        lock (Gate)
        {
            string root = Path.Combine(packed.Root, "readme");
            if (_built is { } done && done.Root == root) return done;
            Directory.CreateDirectory(root);
            packed.WriteConsumerNuGetConfig(root);
            var snippets = ReadSnippets();
            var refused = new Dictionary<string, string>();
            var projects = new List<string>();
            foreach (var snippet in snippets)
            {
                string project = Path.Combine(root, snippet.Folder, "project"), run = Path.Combine(root, snippet.Folder, "run");
                Directory.CreateDirectory(project);
                Directory.CreateDirectory(run);
                string code = snippet.Code;
                string[] unknown = PathsIn(code).Where(p => !Files.ContainsKey(p)).ToArray();
                if (unknown.Length > 0)
                {
                    refused[snippet.Name] = $"{snippet.Name}'s snippet names {string.Join(", ", unknown.Select(p => $"\"{p}\""))}, which ReadmeSnippetTests.Files " +
                        "does not know: add each file it reads (with a way to make it) or writes to that table";
                    continue;
                }
                foreach (string path in PathsIn(code))
                {
                    if (Files[path] is not (Use.Read, { } make)) continue;
                    string made = make(run);
                    if (made != path) code = code.Replace($"\"{path}\"", $"\"{made.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"", StringComparison.Ordinal);
                }
                bool pages = Regex.IsMatch(code, @"^\s*using\s+Backprop\.Pages\s*;", RegexOptions.Multiline);
                File.WriteAllText(Path.Combine(project, "Program.cs"), code);
                File.WriteAllText(Path.Combine(project, $"{snippet.Folder}.csproj"), $"""
                    <Project Sdk="Microsoft.NET.Sdk">
                      <PropertyGroup>
                        <OutputType>Exe</OutputType>
                        <TargetFramework>net10.0</TargetFramework>
                        <ImplicitUsings>enable</ImplicitUsings>
                        <Nullable>enable</Nullable>
                      </PropertyGroup>
                      <ItemGroup>
                        <PackageReference Include="{(pages ? "Backprop.Pages" : "Backprop")}" Version="{packed.Version}" />
                      </ItemGroup>
                    </Project>
                    """);
                projects.Add($"{snippet.Folder}/project/{snippet.Folder}.csproj");
            }
            string solution = Path.Combine(root, "readme.slnx");
            File.WriteAllText(solution, $"""
                <Solution>
                {string.Join('\n', projects.Select(p => $"  <Project Path=\"{p}\" />"))}
                </Solution>
                """);
            string output = "";
            if (projects.Count > 0)
            {
                // The packages restored go into a folder of this test's (not the machine's cache, see WriteConsumerNuGetConfig);
                // no build server is left running.
                var (_, o, e) = PackedTool.Run(PackedTool.Dotnet, ["build", solution, "--disable-build-servers"],
                    new() { ["NUGET_PACKAGES"] = Path.Combine(root, "packages") });
                output = o + e;
            }
            return _built = new Built(root, snippets, refused, output);
        }
    }

    private static string Copy(string from, string folder, string name)
    {
        File.Copy(from, Path.Combine(folder, name), overwrite: true);
        return name;
    }

    private static string WriteText(string folder, string name, string text)
    {
        File.WriteAllText(Path.Combine(folder, name), text);
        return name;
    }

    /// <summary>The CSV file <paramref name="path"/> without its column <paramref name="column"/> (a plain CSV: no quoted commas).</summary>
    private static string WithoutColumn(string path, string column)
    {
        string[][] rows = File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        int drop = Array.IndexOf(rows[0], column);
        Assert.True(drop >= 0, $"{path} has no column {column}");
        return string.Concat(rows.Select(r => string.Join(',', r.Where((_, i) => i != drop)) + "\n"));
    }

    /// <summary>
    /// An MNIST-style folder: train (500) and t10k (100) images of 28x28 pixels in 10 classes (labels 0 to 9 in turn),
    /// each class bright in its own band of rows, over noise; deterministic (a seeded <see cref="Random"/>). Gzipped, as
    /// the Fashion-MNIST download is.
    /// </summary>
    private static string WriteImages(string folder)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(25);
        foreach (var (prefix, count) in new[] { ("train", 500), ("t10k", 100) })
        {
            var pixels = new byte[count * 28 * 28];
            var labels = new byte[count];
            for (int i = 0; i < count; i++)
            {
                int label = labels[i] = (byte)(i % 10);
                for (int row = 0; row < 28; row++)
                    for (int column = 0; column < 28; column++)
                        pixels[(i * 28 + row) * 28 + column] = (byte)((row * 10 / 28 == label ? 150 : 0) + random.Next(100));
            }
            Gzip(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"), [.. BigEndian(0x803, count, 28, 28), .. pixels]);
            Gzip(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"), [.. BigEndian(0x801, count), .. labels]);
        }
        return folder;
    }

    private static byte[] BigEndian(params int[] values) =>
        values.SelectMany(v => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v }).ToArray();

    private static void Gzip(string path, byte[] bytes)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(bytes);
    }
}
