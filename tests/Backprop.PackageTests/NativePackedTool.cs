namespace Backprop.PackageTests;

/// <summary>
/// The tool as a release would publish it (<c>-p:NativeTool=true</c>): the linux-x64 package, a Native AOT binary
/// (<c>dotnet pack -r linux-x64</c>, a compile of a minute or two), and the top-level Backprop.Cli package that points
/// to it, installed as <see cref="PackedTool"/> installs the framework-dependent tool. The third package, "any", is that
/// framework-dependent tool again (tests/aot-tool.sh packs and runs it too). Made once for <see cref="NativeToolTests"/>.
/// Native AOT compiles for the machine it runs on only, and links with clang and zlib: these tests need linux-x64 with
/// both (tests/package.sh installs them when they are missing).
/// </summary>
public sealed class NativePackedTool() : PackedTool("backprop-aot-",
    [["src/Backprop.Cli", "-p:NativeTool=true", "-r", "linux-x64"], ["src/Backprop.Cli", "-p:NativeTool=true"]]);
