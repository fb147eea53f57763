using System.Reflection;
using System.Runtime.InteropServices;

namespace Backprop.Cli;

/// <summary>
/// The native library that <c>--plot</c> draws with (SkiaSharp's). It comes beside the <c>backprop</c> binary in the
/// tool package of each platform the project packs for; the "any" package (every other platform) has none, and neither
/// has a Native AOT binary copied somewhere alone. <see cref="Check"/> loads it once when <c>--plot</c> is given,
/// so that a missing library is a usage error before any training, not a crash after it.
/// </summary>
internal static class PlotLibrary
{
    private static readonly AsyncLocal<string?> s_simulatedMissing = new();

    // The name SkiaSharp imports, looked up from SkiaSharp's assembly as its own imports are. Only this one: the charts
    // draw the same bytes without libHarfBuzzSharp (an AOT binary beside libSkiaSharp.so alone, tried by hand).
    private static readonly (string Name, System.Reflection.Assembly Importer)[] s_libraries =
    [
        ("libSkiaSharp", typeof(SkiaSharp.SKCanvas).Assembly),
    ];

    /// <summary>Throws a <see cref="UsageException"/> naming <paramref name="flag"/> and the library when one cannot be loaded.</summary>
    public static void Check(string flag)
    {
        foreach (var (name, importer) in s_libraries)
        {
            bool loaded = s_simulatedMissing.Value != name && NativeLibrary.TryLoad(name, importer, searchPath: null, out _);
            if (!loaded)
                throw new UsageException($"{flag}: cannot draw charts: the plotting library {FileName(name)} is missing from {AppContext.BaseDirectory} "
                    + $"or cannot be loaded there (backprop's packages carry it for {Platforms}; this is {RuntimeInformation.RuntimeIdentifier}); "
                    + "reinstall backprop with its libraries, or leave out " + flag);
        }
    }

    /// <summary>For tests: makes <paramref name="name"/> (<c>libSkiaSharp</c>) fail to load in the calling flow until disposed.</summary>
    public static IDisposable SimulateMissing(string name)
    {
        string? previous = s_simulatedMissing.Value;
        s_simulatedMissing.Value = name;
        return new Restore(previous);
    }

    /// <summary>
    /// The platforms whose tool package carries the library (the project's ToolPackageRuntimeIdentifiers less "any",
    /// written into the assembly by the build), as "a, b and c".
    /// </summary>
    internal static string Platforms
    {
        get
        {
            string[] rids = (typeof(PlotLibrary).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "PlotPlatforms")?.Value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);
            return rids.Length < 2 ? string.Join("", rids) : string.Join(", ", rids[..^1]) + " and " + rids[^1];
        }
    }

    private static string FileName(string name) =>
        name + (OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so");

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => s_simulatedMissing.Value = previous;
    }
}
