using System.IO.Compression;
using System.Xml.Linq;

namespace Backprop.PackageTests;

/// <summary>
/// The Native AOT tool package for linux-x64, packed, installed and run (<see cref="NativePackedTool"/>): the build is
/// warning-free (trim and AOT analysis included), the installed command is a native binary that prints what the CLI
/// prints, and <c>--plot</c> without the plotting library beside the binary fails before training. tests/aot-tool.sh
/// does the same by hand, beside the plain packages, and times startup.
/// </summary>
public sealed class NativeToolTests(NativePackedTool packed) : IClassFixture<NativePackedTool>
{
    private string Package(string name) => Path.Combine(packed.Packages, name);

    private static XDocument Xml(ZipArchive package, string path)
    {
        using var stream = package.GetEntry(path)!.Open();
        return XDocument.Load(stream);
    }

    // The installed command: a link into the tool path's store, to the binary beside its native libraries.
    private string Binary => new FileInfo(Path.Combine(packed.Tools, "backprop")).ResolveLinkTarget(returnFinalTarget: true)?.FullName
        ?? Path.Combine(packed.Tools, "backprop");

    [Fact]
    public void The_native_packages_build_without_warnings_and_the_top_one_points_to_linux_x64_and_any()
    {
        Assert.Equal(new[] { $"Backprop.Cli.{packed.Version}.nupkg", $"Backprop.Cli.linux-x64.{packed.Version}.nupkg" },
            Directory.GetFiles(packed.Packages).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
        Assert.DoesNotContain(": warning ", packed.PackOutput); // ILLink and ILCompiler report trim and AOT problems as warnings
        Assert.Contains("Generating native code", packed.PackOutput);

        using (var top = ZipFile.OpenRead(Package($"Backprop.Cli.{packed.Version}.nupkg")))
        {
            // The same top-level package as the plain `dotnet pack` makes (PackageTests): one package per platform.
            var rids = Xml(top, "tools/any/any/DotnetToolSettings.xml").Descendants("RuntimeIdentifierPackage")
                .Select(p => $"{p.Attribute("RuntimeIdentifier")?.Value}={p.Attribute("Id")?.Value}").ToArray();
            Assert.Equal(["linux-x64=Backprop.Cli.linux-x64", "linux-arm64=Backprop.Cli.linux-arm64", "linux-musl-x64=Backprop.Cli.linux-musl-x64",
                "win-x64=Backprop.Cli.win-x64", "win-arm64=Backprop.Cli.win-arm64", "osx-x64=Backprop.Cli.osx-x64", "osx-arm64=Backprop.Cli.osx-arm64",
                "any=Backprop.Cli.any"], rids);
        }
        using var native = ZipFile.OpenRead(Package($"Backprop.Cli.linux-x64.{packed.Version}.nupkg"));
        var command = Xml(native, "tools/any/linux-x64/DotnetToolSettings.xml").Descendants("Command").Single();
        Assert.Equal("executable", command.Attribute("Runner")?.Value);
        Assert.Equal("backprop", command.Attribute("EntryPoint")?.Value);
        var entries = native.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("tools/any/linux-x64/backprop", entries);
        Assert.Contains("tools/any/linux-x64/libSkiaSharp.so", entries);
        Assert.DoesNotContain(entries, e => e.EndsWith(".dll", StringComparison.Ordinal)); // no managed code, no runtime
        Assert.DoesNotContain(entries, e => e.EndsWith(".dbg", StringComparison.Ordinal)); // stripped symbols stay out
    }

    [Fact]
    public void The_installed_command_is_the_native_binary_and_prints_what_the_cli_prints()
    {
        byte[] head = new byte[4];
        using (var file = File.OpenRead(Binary)) file.ReadExactly(head);
        Assert.Equal(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' }, head);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(Binary)!, "backprop.dll")));

        var expected = Repo.Cli("demo", "backprop");
        var (code, output, err) = packed.RunTool("demo", "backprop");
        Assert.True(code == 0, $"exit code {code}: {err}");
        Assert.Equal("", err);
        Assert.Equal(expected.Out.ReplaceLineEndings("\n"), output);
    }

    [Fact]
    public void Plot_draws_with_the_installed_binary_and_fails_before_training_with_the_binary_alone()
    {
        string flowers = Repo.Csv("flowers.csv");
        string plot = Path.Combine(packed.Root, "loss.png");
        var drawn = packed.RunTool("train", flowers, "--target", "species", "--epochs", "3", "--quiet", "--plot", plot);
        Assert.True(drawn.Code == 0, drawn.Err);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(plot)[..4]);

        // The binary copied somewhere alone, as a user might: no libSkiaSharp.so beside it.
        string alone = Path.Combine(packed.Root, "alone");
        Directory.CreateDirectory(alone);
        File.Copy(Binary, Path.Combine(alone, "backprop"));
        string lost = Path.Combine(packed.Root, "lost.png");
        var (code, output, err) = PackedTool.Run(Path.Combine(alone, "backprop"), ["train", flowers, "--target", "species", "--epochs", "3", "--plot", lost]);
        Assert.True(code == 2, $"exit code {code}: {err}");
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("backprop: --plot: ", err);
        Assert.Contains("libSkiaSharp.so", err);
        Assert.Contains("(backprop's packages carry it for linux-x64, linux-arm64, linux-musl-x64, win-x64, win-arm64, osx-x64 and osx-arm64; this is linux-x64)", err);
        Assert.Equal("", output); // nothing trained
        Assert.False(File.Exists(lost));
    }
}
