namespace Backprop.PackageTests;

/// <summary>
/// The tool as a release would publish it for linux-x64 (<c>-p:NativeTool=true -r linux-x64</c>): the linux-x64 package
/// as a Native AOT binary (a compile of a minute or two), with the top-level Backprop.Cli package that points to it
/// (<c>-p:NativeTool=true</c> without a platform packs that one alone), installed as <see cref="PackedTool"/> installs
/// the framework-dependent tool. A release packs the plain packages first and this one over their linux-x64 package
/// (tests/aot-tool.sh does exactly that). Made once for <see cref="NativeToolTests"/>. Native AOT compiles for the
/// machine it runs on only, and links with clang and zlib: these tests need linux-x64 with both (tests/package.sh
/// installs them when they are missing).
/// </summary>
public sealed class NativePackedTool() : PackedTool("backprop-aot-",
    [["src/Backprop.Cli", "-p:NativeTool=true", "-r", "linux-x64"], ["src/Backprop.Cli", "-p:NativeTool=true"]]);
