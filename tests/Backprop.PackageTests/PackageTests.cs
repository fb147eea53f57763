using System.IO.Compression;
using System.Xml.Linq;

namespace Backprop.PackageTests;

/// <summary>
/// What a .NET developer gets: the library package (metadata, XML docs, symbols), the CLI as a .NET tool named
/// <c>backprop</c>, installed from the packed folder into a temporary tool path and run. The packing and installing
/// (<see cref="PackedTool"/>) happen once for the class; the Native AOT package is checked by <see cref="NativeToolTests"/>.
/// </summary>
public sealed class PackageTests(PackedTool packed) : IClassFixture<PackedTool>
{
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

    private string Package(string name) => Path.Combine(packed.Packages, name);

    [Fact]
    public void Dotnet_pack_makes_exactly_the_library_its_symbols_and_the_tool_with_one_version_and_no_warnings()
    {
        string[] files = Directory.GetFiles(packed.Packages).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { $"Backprop.{packed.Version}.nupkg", $"Backprop.{packed.Version}.snupkg", $"Backprop.Cli.{packed.Version}.nupkg" }, files);
        Assert.Matches(@"^\d+\.\d+\.\d+", packed.Version);
        // Release builds of both projects, with the library's trim/AOT analyzers (IsAotCompatible) and the CLI's (PublishAot).
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
        Assert.Equal("README.md", Value(metadata, "readme"));
        string description = Value(metadata, "description")!;
        Assert.NotEqual("Package Description", description); // the SDK's placeholder
        Assert.Contains("backpropagation", description);
        Assert.Contains("neural-network", Value(metadata, "tags")!.Split(' '));
        Assert.StartsWith("https://", Element(metadata, "repository")?.Attribute("url")?.Value);
        Assert.Contains("System.Numerics.Tensors", Element(metadata, "dependencies")!.Descendants().Select(d => d.Attribute("id")?.Value));

        var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("README.md", entries);
        Assert.Contains("LICENSE", entries);
        Assert.Contains("lib/net10.0/Backprop.Core.dll", entries);
        Assert.Contains("lib/net10.0/Backprop.Core.xml", entries); // IntelliSense for users
        using (var readme = new StreamReader(package.GetEntry("README.md")!.Open()))
            Assert.Equal(File.ReadAllText(Path.Combine(PackedTool.Repository, "README.md")), readme.ReadToEnd());
        using (var licence = new StreamReader(package.GetEntry("LICENSE")!.Open()))
            Assert.StartsWith("MIT License", licence.ReadToEnd());

        using var symbols = ZipFile.OpenRead(Package($"Backprop.{packed.Version}.snupkg"));
        Assert.Contains("lib/net10.0/Backprop.Core.pdb", symbols.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void The_tool_package_installs_the_backprop_command()
    {
        using var package = ZipFile.OpenRead(Package($"Backprop.Cli.{packed.Version}.nupkg"));
        var metadata = Nuspec(package);
        Assert.Equal("Backprop.Cli", Value(metadata, "id"));
        Assert.Equal(packed.Version, Value(metadata, "version"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.NotEqual("Package Description", Value(metadata, "description"));
        Assert.Equal("DotnetTool", Element(metadata, "packageTypes")?.Elements().Single().Attribute("name")?.Value);
        Assert.Null(Element(metadata, "dependencies")); // a tool carries what it needs

        var settings = package.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!;
        using (var stream = settings.Open())
        {
            var command = XDocument.Load(stream).Descendants("Command").Single();
            Assert.Equal("backprop", command.Attribute("Name")?.Value);
            Assert.Equal("backprop.dll", command.Attribute("EntryPoint")?.Value);
        }
        var entries = package.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("tools/net10.0/any/Backprop.Core.dll", entries);
        Assert.DoesNotContain(entries, e => e.EndsWith("Backprop.Core.xml", StringComparison.Ordinal)); // docs are the library package's
        Assert.DoesNotContain(entries, e => e.EndsWith(".resources.dll", StringComparison.Ordinal)); // messages are English only
        Assert.True(File.Exists(Path.Combine(packed.Tools, OperatingSystem.IsWindows() ? "backprop.exe" : "backprop")), packed.InstallOutput);
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
    [InlineData("tests/Backprop.Tests/Backprop.Tests.csproj")]
    [InlineData("tests/Backprop.PackageTests/Backprop.PackageTests.csproj")]
    [InlineData("bench/Backprop.Bench/Backprop.Bench.csproj")]
    public void Tests_and_benchmarks_are_not_packable(string project)
    {
        var (code, output, err) = PackedTool.Run(PackedTool.Dotnet, ["msbuild", Path.Combine(PackedTool.Repository, project), "-getProperty:IsPackable"]);
        Assert.True(code == 0, err);
        Assert.Equal("false", output.Trim());
    }
}
