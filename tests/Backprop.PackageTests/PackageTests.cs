using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text.Json;
using System.Xml.Linq;

namespace Backprop.PackageTests;

/// <summary>
/// What a .NET developer gets: the library package and the pages package (metadata, their own readmes, XML docs, symbols
/// with SourceLink; a console project that adds the pages package from the packed folder writes pages), the
/// CLI as a .NET tool named <c>backprop</c> in one package per platform, installed from the packed folder into a
/// temporary tool path and run. The packing and installing (<see cref="PackedTool"/>) happen once for these tests and
/// <see cref="ReadmeSnippetTests"/> (<see cref="PackedCollection"/>); the Native AOT package is checked by
/// <see cref="NativeToolTests"/>.
/// </summary>
[Collection(PackedCollection.Name)]
public sealed class PackageTests(PackedTool packed)
{
    // The platforms with a tool package of their own (src/Backprop.Cli's ToolPackageRuntimeIdentifiers), and the
    // plotting library each carries.
    private static readonly (string Rid, string Library)[] Platforms =
    [
        ("linux-x64", "libSkiaSharp.so"), ("linux-arm64", "libSkiaSharp.so"), ("linux-musl-x64", "libSkiaSharp.so"),
        ("win-x64", "libSkiaSharp.dll"), ("win-arm64", "libSkiaSharp.dll"), ("osx-x64", "libSkiaSharp.dylib"), ("osx-arm64", "libSkiaSharp.dylib"),
    ];

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        return metadata;
    }

    private static string? Value(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

    private static XElement? Element(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);

    private static string Text(ZipArchive package, string path)
    {
        using var reader = new StreamReader(package.GetEntry(path)!.Open());
        return reader.ReadToEnd();
    }

    private string Package(string name) => Path.Combine(packed.Packages, name);

    [Fact]
    public void Dotnet_pack_makes_the_libraries_their_symbols_and_the_tool_for_each_platform_with_one_version_and_no_warnings()
    {
        string[] files = Directory.GetFiles(packed.Packages).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
        string[] expected = [$"Backprop.{packed.Version}.nupkg", $"Backprop.{packed.Version}.snupkg",
            $"Backprop.Pages.{packed.Version}.nupkg", $"Backprop.Pages.{packed.Version}.snupkg", $"Backprop.Cli.{packed.Version}.nupkg",
            .. Platforms.Select(p => $"Backprop.Cli.{p.Rid}.{packed.Version}.nupkg"), $"Backprop.Cli.any.{packed.Version}.nupkg"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), files);
        Assert.Matches(@"^\d+\.\d+\.\d+", packed.Version);
        // Release builds of the three projects, with the libraries' trim/AOT analyzers (IsAotCompatible) and the CLI's.
        Assert.DoesNotContain(": warning ", packed.PackOutput);
        Assert.DoesNotContain(": error ", packed.PackOutput);
    }

    [Fact]
    public void The_library_package_carries_its_metadata_readme_licence_docs_and_symbols()
    {
        using var package = ZipFile.OpenRead(Package($"Backprop.{packed.Version}.nupkg"));
        var metadata = Nuspec(package);
        Assert.Equal("Backprop", Value(metadata, "id"));
        Assert.Equal(packed.Version, Value(metadata, "version"));
        Assert.Equal("The Backprop authors", Value(metadata, "authors"));
        var license = Element(metadata, "license")!;
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value);
        Assert.Equal("PACKAGE.md", Value(metadata, "readme"));
        string description = Value(metadata, "description")!;
        Assert.NotEqual("Package Description", description); // the SDK's placeholder
        Assert.Contains("backpropagation", description);
        Assert.Contains("neural-network", Value(metadata, "tags")!.Split(' '));
        Assert.Equal("https://github.com/backprop-dotnet/backprop", Element(metadata, "repository")?.Attribute("url")?.Value);
        Assert.Equal(Head(), Element(metadata, "repository")?.Attribute("commit")?.Value);
        Assert.Contains("System.Numerics.Tensors", Element(metadata, "dependencies")!.Descendants().Select(d => d.Attribute("id")?.Value));

        var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("LICENSE", entries);
        Assert.Contains("lib/net10.0/Backprop.Core.dll", entries);
        Assert.Contains("lib/net10.0/Backprop.Core.xml", entries); // IntelliSense for users
        Assert.DoesNotContain("README.md", entries);                // the repository's README is not the package page
        Assert.Equal(File.ReadAllText(Path.Combine(PackedTool.Repository, "src", "Backprop", "PACKAGE.md")), Text(package, "PACKAGE.md"));
        Assert.StartsWith("MIT License", Text(package, "LICENSE"));

        using var symbols = ZipFile.OpenRead(Package($"Backprop.{packed.Version}.snupkg"));
        Assert.Contains("lib/net10.0/Backprop.Core.pdb", symbols.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void The_pages_package_carries_its_metadata_readme_docs_symbols_and_assets_and_needs_only_the_library()
    {
        using var package = ZipFile.OpenRead(Package($"Backprop.Pages.{packed.Version}.nupkg"));
        var metadata = Nuspec(package);
        Assert.Equal("Backprop.Pages", Value(metadata, "id"));
        Assert.Equal(packed.Version, Value(metadata, "version"));
        Assert.Equal("The Backprop authors", Value(metadata, "authors"));
        Assert.Equal("MIT", Element(metadata, "license")?.Value);
        Assert.Equal("PACKAGE.md", Value(metadata, "readme"));
        string description = Value(metadata, "description")!;
        Assert.NotEqual("Package Description", description);
        Assert.Contains("HTML", description);
        Assert.Equal(Head(), Element(metadata, "repository")?.Attribute("commit")?.Value);
        // It depends on the library of the same version, and on nothing else: no ASP.NET Core, no framework reference.
        var dependencies = Element(metadata, "dependencies")!.Descendants().Where(d => d.Name.LocalName == "dependency")
            .Select(d => (d.Attribute("id")?.Value, d.Attribute("version")?.Value)).ToArray();
        Assert.Equal([("Backprop", packed.Version)], dependencies);
        Assert.Null(Element(metadata, "frameworkReferences"));

        var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("LICENSE", entries);
        Assert.Contains("lib/net10.0/Backprop.Pages.dll", entries);
        Assert.Contains("lib/net10.0/Backprop.Pages.xml", entries);
        Assert.Equal(File.ReadAllText(Path.Combine(PackedTool.Repository, "src", "Backprop.Pages", "PACKAGE.md")), Text(package, "PACKAGE.md"));
        // The pages' style and scripts are in the assembly (a page fetches nothing), each the repository's file.
        using var dll = new MemoryStream();
        using (var entry = package.GetEntry("lib/net10.0/Backprop.Pages.dll")!.Open()) entry.CopyTo(dll);
        dll.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(dll);
        var reader = pe.GetMetadataReader();
        var resources = reader.ManifestResources.Select(h => reader.GetString(reader.GetManifestResource(h).Name)).Order(StringComparer.Ordinal).ToArray();
        string[] assets = [.. Directory.GetFiles(Path.Combine(PackedTool.Repository, "src", "Backprop.Pages", "Assets")).Select(f => "Backprop.Pages." + Path.GetFileName(f)).Order(StringComparer.Ordinal)];
        Assert.Equal(assets, resources);
        Assert.Contains("Backprop.Pages.trace.js", resources);

        using var symbols = ZipFile.OpenRead(Package($"Backprop.Pages.{packed.Version}.snupkg"));
        Assert.Contains("lib/net10.0/Backprop.Pages.pdb", symbols.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void A_project_that_adds_the_pages_package_from_the_packed_folder_writes_a_train_page_and_a_trace_page()
    {
        // A user's console project: Backprop.Pages (and with it Backprop) from the packed folder alone; the packages it
        // restores go into a folder of this test's (not the machine's cache, where another run's 0.1.0 could be), and
        // the few from nuget.org it needs (System.Numerics.Tensors) are read from the machine's cache as a local source
        // (PackedTool.WriteConsumerNuGetConfig).
        string project = Path.Combine(packed.Root, "consumer");
        Directory.CreateDirectory(project);
        packed.WriteConsumerNuGetConfig(project);
        File.WriteAllText(Path.Combine(project, "consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Backprop.Pages" Version="{packed.Version}" />
              </ItemGroup>
            </Project>
            """);
        // The README's statements, with files given as arguments (and three epochs, to be quick).
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using Backprop;
            using Backprop.Data;
            using Backprop.Pages;

            var flowers = CsvLoader.Load(args[0], new CsvOptions { TargetColumns = ["species"] });
            var trained = new Recipe { Epochs = 3 }.Fit(flowers, new FitOptions { ValidationFraction = 0.2 });
            TrainPage.Write(args[1], trained);

            var lights = CsvLoader.Load(args[2], new CsvOptions { TargetColumns = ["walk"] });
            var learner = (Recipe.Notes with { Hidden = [3], Alpha = 0.2 }).Prepare(lights);
            TracePage.Write(args[3], IterationTrace.Run(learner, 0, 1));
            """);
        string lights = Path.Combine(packed.Root, "lights.csv"), train = Path.Combine(packed.Root, "train.html"), trace = Path.Combine(packed.Root, "trace.html");
        File.WriteAllText(lights, "a,b,c,walk\n1,0,1,1\n0,1,1,1\n0,0,1,0\n1,1,1,1\n");
        var (code, output, err) = PackedTool.Run(PackedTool.Dotnet, ["run", "--project", project, "--disable-build-servers", "--", Repo.Csv("flowers.csv"), train, lights, trace],
            new() { ["NUGET_PACKAGES"] = Path.Combine(packed.Root, "consumer-packages") });
        Assert.True(code == 0, $"exit code {code}:\n{output}{err}");
        Assert.True(Directory.Exists(Path.Combine(packed.Root, "consumer-packages", "backprop.pages", packed.Version)), "Backprop.Pages was not restored from the packed folder");

        string trainPage = File.ReadAllText(train), tracePage = File.ReadAllText(trace);
        Assert.StartsWith("<!DOCTYPE html>", trainPage);
        Assert.Contains("<title>train: flowers.csv</title>", trainPage);
        Assert.Contains("\"confusion\":", trainPage);
        Assert.Contains("layer_1_delta *= relu2deriv(layer_1)", tracePage);
        // The trace page holds what the command line traces for the same network: the notes' updated weights_1_2[1].
        Assert.Contains("-0.13469566", tracePage);
        Assert.Contains(File.ReadAllText(Path.Combine(PackedTool.Repository, "src", "Backprop.Pages", "Assets", "trace.js")), tracePage);
    }

    [Theory]
    [InlineData("Backprop", "Backprop.Core", "/_/src/Backprop/Recipe.cs", 100)]
    [InlineData("Backprop.Pages", "Backprop.Pages", "/_/src/Backprop.Pages/TracePage.cs", 5)]
    public void The_symbols_map_every_source_to_its_commit_on_github_and_no_path_of_this_machine(string id, string assembly, string source, int atLeast)
    {
        using var symbols = ZipFile.OpenRead(Package($"{id}.{packed.Version}.snupkg"));
        using var pdb = new MemoryStream();
        using (var entry = symbols.GetEntry($"lib/net10.0/{assembly}.pdb")!.Open()) entry.CopyTo(pdb);
        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();

        var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");  // the Portable PDB format's GUIDs
        var embeddedSourceKind = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
        string? sourceLink = null;
        var embedded = new HashSet<DocumentHandle>();
        foreach (var handle in reader.CustomDebugInformation)
        {
            var info = reader.GetCustomDebugInformation(handle);
            var kind = reader.GetGuid(info.Kind);
            if (kind == sourceLinkKind) sourceLink = System.Text.Encoding.UTF8.GetString(reader.GetBlobBytes(info.Value));
            if (kind == embeddedSourceKind && info.Parent.Kind == HandleKind.Document) embedded.Add((DocumentHandle)info.Parent);
        }
        Assert.NotNull(sourceLink);
        var map = JsonDocument.Parse(sourceLink).RootElement.GetProperty("documents").EnumerateObject().Select(p => (p.Name, p.Value.GetString())).ToArray();
        Assert.Equal([("/_/*", $"https://raw.githubusercontent.com/backprop-dotnet/backprop/{Head()}/*")], map);

        // Packed in CI (CI=true): the repository's paths are /_/..., never this machine's folder. Every source file is
        // linked (it exists at that path in the repository); the rest, generated files, are embedded in the .pdb (they
        // are under the build's obj folder: /_/src/Backprop/obj/... in a plain `dotnet pack`, here the temporary
        // artifacts folder).
        int linked = 0;
        foreach (var handle in reader.Documents)
        {
            string name = reader.GetString(reader.GetDocument(handle).Name);
            Assert.DoesNotContain(PackedTool.Repository, name);
            if (embedded.Contains(handle))
            {
                Assert.True(name.StartsWith("/_/", StringComparison.Ordinal) || name.StartsWith(packed.Root, StringComparison.Ordinal), name);
                continue;
            }
            Assert.StartsWith("/_/", name);
            Assert.True(File.Exists(Path.Combine(PackedTool.Repository, name[3..])), $"{name} is neither in the repository nor embedded");
            linked++;
        }
        Assert.True(linked > atLeast, $"only {linked} sources linked");
        Assert.Contains(reader.Documents, d => reader.GetString(reader.GetDocument(d).Name) == source);
    }

    // The commit checked out, which the package and its symbols must name.
    private static string Head()
    {
        var (code, output, err) = PackedTool.Run("git", ["-C", PackedTool.Repository, "rev-parse", "HEAD"]);
        Assert.True(code == 0, err);
        return output.Trim();
    }

    [Theory]
    [InlineData("src/Backprop/PACKAGE.md")]
    [InlineData("src/Backprop.Pages/PACKAGE.md")]
    [InlineData("src/Backprop.Cli/PACKAGE.md")]
    public void Each_package_page_readme_links_only_absolute_addresses_and_shows_no_image(string path)
    {
        string readme = File.ReadAllText(Path.Combine(PackedTool.Repository, path));
        var links = System.Text.RegularExpressions.Regex.Matches(readme, @"\]\(([^)]*)\)").Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(links);
        Assert.All(links, link => Assert.StartsWith("https://", link));
        Assert.DoesNotContain("![", readme);
        Assert.DoesNotContain("<img", readme);
    }

    [Fact]
    public void The_top_level_tool_package_names_a_package_for_each_platform_and_carries_no_code()
    {
        using var package = ZipFile.OpenRead(Package($"Backprop.Cli.{packed.Version}.nupkg"));
        var metadata = Nuspec(package);
        Assert.Equal("Backprop.Cli", Value(metadata, "id"));
        Assert.Equal(packed.Version, Value(metadata, "version"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("PACKAGE.md", Value(metadata, "readme"));
        Assert.NotEqual("Package Description", Value(metadata, "description"));
        Assert.Equal("DotnetTool", Element(metadata, "packageTypes")?.Elements().Single().Attribute("name")?.Value);
        Assert.Null(Element(metadata, "dependencies")); // a tool carries what it needs
        Assert.Equal(File.ReadAllText(Path.Combine(PackedTool.Repository, "src", "Backprop.Cli", "PACKAGE.md")), Text(package, "PACKAGE.md"));

        var settings = XDocument.Parse(Text(package, "tools/any/any/DotnetToolSettings.xml"));
        Assert.Equal("backprop", settings.Descendants("Command").Single().Attribute("Name")?.Value);
        var rids = settings.Descendants("RuntimeIdentifierPackage").Select(p => (p.Attribute("RuntimeIdentifier")?.Value, p.Attribute("Id")?.Value)).ToArray();
        Assert.Equal([.. Platforms.Select(p => ((string?)p.Rid, (string?)$"Backprop.Cli.{p.Rid}")), ("any", "Backprop.Cli.any")], rids);
        Assert.DoesNotContain(package.Entries, e => e.FullName.EndsWith(".dll", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("linux-x64", "libSkiaSharp.so")]
    [InlineData("linux-arm64", "libSkiaSharp.so")]
    [InlineData("linux-musl-x64", "libSkiaSharp.so")]
    [InlineData("win-x64", "libSkiaSharp.dll")]
    [InlineData("win-arm64", "libSkiaSharp.dll")]
    [InlineData("osx-x64", "libSkiaSharp.dylib")]
    [InlineData("osx-arm64", "libSkiaSharp.dylib")]
    [InlineData("any", null)]
    public void Each_platform_package_carries_the_tool_and_the_plotting_library_of_that_platform_alone(string rid, string? library)
    {
        using var package = ZipFile.OpenRead(Package($"Backprop.Cli.{rid}.{packed.Version}.nupkg"));
        Assert.Equal("DotnetToolRidPackage", Element(Nuspec(package), "packageTypes")?.Elements().Single().Attribute("name")?.Value);
        string folder = $"tools/net10.0/{rid}/";
        var command = XDocument.Parse(Text(package, folder + "DotnetToolSettings.xml")).Descendants("Command").Single();
        Assert.Equal("backprop", command.Attribute("Name")?.Value);
        Assert.Equal("backprop.dll", command.Attribute("EntryPoint")?.Value); // framework-dependent: `dotnet backprop.dll`
        var entries = package.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains(folder + "backprop.dll", entries);
        Assert.Contains(folder + "Backprop.Core.dll", entries);
        Assert.Contains(folder + "Backprop.Pages.dll", entries);                                       // the pages it writes with --html
        Assert.DoesNotContain(entries, e => e.EndsWith("Backprop.Core.xml", StringComparison.Ordinal)); // docs are the library package's
        Assert.DoesNotContain(entries, e => e.EndsWith(".resources.dll", StringComparison.Ordinal)); // messages are English only
        Assert.DoesNotContain(entries, e => e.Contains("/runtimes/", StringComparison.Ordinal));       // no other platform's libraries
        string[] natives = entries.Where(e => e.EndsWith(".so", StringComparison.Ordinal) || e.EndsWith(".dylib", StringComparison.Ordinal)
            || (e.EndsWith(".dll", StringComparison.Ordinal) && Path.GetFileName(e).StartsWith("lib", StringComparison.Ordinal))).ToArray();
        if (library is null) Assert.Empty(natives);
        else Assert.Contains(folder + library, natives);
        using var config = JsonDocument.Parse(Text(package, folder + "backprop.runtimeconfig.json"));
        Assert.All(config.RootElement.GetProperty("runtimeOptions").GetProperty("frameworks").EnumerateArray(),
            f => Assert.Equal("10.0.0", f.GetProperty("version").GetString()));
    }

    [Fact]
    public void The_installed_tool_takes_less_than_100_MB()
    {
        long bytes = new DirectoryInfo(packed.Tools).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Assert.True(bytes < 100_000_000, $"the tool path holds {bytes / 1e6:F1} MB");
        // The platform's package and no other: one plotting library.
        Assert.Single(new DirectoryInfo(packed.Tools).EnumerateFiles("libSkiaSharp.*", SearchOption.AllDirectories));
    }

    [Fact]
    public void The_installed_tool_asks_for_any_dotnet_10_runtime_not_the_latest_patch()
    {
        // The runtimeconfig.json the installed command starts with: 10.0.0 of each framework, rolling forward to the
        // newest 10.0 patch installed (no rollForward setting, the default), so 10.0.1 runs it as well as 10.0.12.
        var configs = Directory.GetFiles(packed.Tools, "backprop.runtimeconfig.json", SearchOption.AllDirectories);
        string file = Assert.Single(configs);
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var options = json.RootElement.GetProperty("runtimeOptions");
        var frameworks = options.GetProperty("frameworks").EnumerateArray()
            .Select(f => (f.GetProperty("name").GetString(), f.GetProperty("version").GetString())).ToArray();
        Assert.Equal([("Microsoft.NETCore.App", "10.0.0"), ("Microsoft.AspNetCore.App", "10.0.0")], frameworks);
        Assert.False(options.TryGetProperty("rollForward", out _), "the default roll-forward (to the latest patch of 10.0, or a later minor) is what users get");
    }

    [Fact]
    public void The_installed_tool_prints_what_the_cli_prints_for_demo_backprop()
    {
        var expected = Repo.Cli("demo", "backprop");
        Assert.Equal(0, expected.Code);
        var (code, output, err) = packed.RunTool("demo", "backprop");
        Assert.True(code == 0, $"exit code {code}: {err}");
        Assert.Equal("", err);
        Assert.Equal(expected.Out.ReplaceLineEndings("\n"), output);
        Assert.Contains("Error:1.5055622665134859e-05", output); // the notes' last line
    }

    [Fact]
    public void The_installed_tool_draws_plot_with_its_platform_library()
    {
        string plot = Path.Combine(packed.Root, "loss.png");
        var (code, _, err) = packed.RunTool("train", Repo.Csv("flowers.csv"), "--target", "species", "--epochs", "3", "--quiet", "--plot", plot);
        Assert.True(code == 0, err);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(plot)[..4]);
    }

    [Fact]
    public void The_any_package_runs_everything_but_plot_which_is_one_line_naming_the_flag_and_the_platforms()
    {
        // As on a platform without a package of its own: the "any" package's tool, run with dotnet.
        string folder = Path.Combine(packed.Root, "any");
        ZipFile.ExtractToDirectory(Package($"Backprop.Cli.any.{packed.Version}.nupkg"), folder);
        string dll = Path.Combine(folder, "tools", "net10.0", "any", "backprop.dll");
        var demo = PackedTool.Run(PackedTool.Dotnet, [dll, "demo", "backprop"]);
        Assert.True(demo.Code == 0, demo.Err);
        Assert.Equal(Repo.Cli("demo", "backprop").Out.ReplaceLineEndings("\n"), demo.Out);

        string plot = Path.Combine(packed.Root, "any.png");
        var (code, output, err) = PackedTool.Run(PackedTool.Dotnet, [dll, "train", Repo.Csv("flowers.csv"), "--target", "species", "--epochs", "3", "--plot", plot]);
        Assert.True(code == 2, $"exit code {code}: {err}");
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("backprop: --plot: cannot draw charts: the plotting library libSkiaSharp", err);
        Assert.Contains("backprop's packages carry it for linux-x64, linux-arm64, linux-musl-x64, win-x64, win-arm64, osx-x64 and osx-arm64", err);
        Assert.Equal("", output); // nothing trained
        Assert.False(File.Exists(plot));
    }

    [Fact]
    public void The_installed_tool_reports_the_package_version_and_fails_like_the_cli()
    {
        var version = packed.RunTool("--version");
        Assert.Equal(0, version.Code);
        Assert.Equal(packed.Version, version.Out.Trim().Split('+')[0]);

        var bad = packed.RunTool("demo", "--bogus");
        Assert.Equal(2, bad.Code);
        Assert.Single(bad.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("backprop: ", bad.Err);
    }

    [Theory]
    [InlineData("tests/Backprop.Tests/Backprop.Tests.csproj", "IsPackable", "false")]
    [InlineData("tests/Backprop.PackageTests/Backprop.PackageTests.csproj", "IsPackable", "false")]
    [InlineData("bench/Backprop.Bench/Backprop.Bench.csproj", "IsPackable", "false")]
    [InlineData("src/Backprop/Backprop.csproj", "EnablePackageValidation", "true")]
    [InlineData("src/Backprop.Pages/Backprop.Pages.csproj", "EnablePackageValidation", "true")]
    [InlineData("src/Backprop.Pages/Backprop.Pages.csproj", "IsAotCompatible", "true")]
    public void Tests_and_benchmarks_are_not_packable_and_the_libraries_are_validated_when_packed(string project, string property, string value)
    {
        var (code, output, err) = PackedTool.Run(PackedTool.Dotnet, ["msbuild", Path.Combine(PackedTool.Repository, project), $"-getProperty:{property}"]);
        Assert.True(code == 0, err);
        Assert.Equal(value, output.Trim());
    }
}
