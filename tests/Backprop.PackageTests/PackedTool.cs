using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Backprop.PackageTests;

/// <summary>
/// The packages made as a user makes them (<c>dotnet pack</c> of src/Backprop, src/Backprop.Pages and src/Backprop.Cli,
/// Release: the library and the pages library with their symbols, and the tool's top-level package with one package per
/// platform), packed as CI packs them
/// (the environment variable CI=true: deterministic paths), and the tool installed from them as a user installs it
/// (<c>dotnet tool install --tool-path</c>). Everything happens in a temporary folder of its own: the build output goes
/// there (<c>--artifacts-path</c>, nothing is written into the repository), the tool goes into a tool path there (no
/// global install), and a nuget.config there lists only the packed folder, so no other source (and no other run's
/// package) can be picked. Made once for <see cref="PackageTests"/> and <see cref="ReadmeSnippetTests"/>
/// (<see cref="PackedCollection"/>).
/// </summary>
public class PackedTool : IDisposable
{
    public PackedTool() : this("backprop-pack-", [["src/Backprop"], ["src/Backprop.Pages"], ["src/Backprop.Cli"]]) { }

    /// <summary>
    /// Runs <c>dotnet pack</c> once for each of <paramref name="packs"/> (a project folder, then any extra arguments)
    /// into one folder, then installs Backprop.Cli from it.
    /// </summary>
    protected PackedTool(string prefix, string[][] packs)
    {
        Root = Directory.CreateTempSubdirectory(prefix).FullName;
        Packages = Path.Combine(Root, "packages");
        Tools = Path.Combine(Root, "tools");
        Version = typeof(Backprop.Cli.Cli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!
            .InformationalVersion.Split('+')[0];

        string artifacts = Path.Combine(Root, "artifacts");
        var output = new System.Text.StringBuilder();
        foreach (string[] pack in packs)
        {
            // No build server (MSBuild nodes, the compiler server) is left running after the test.
            var run = Run(Dotnet, ["pack", Path.Combine(Repository, pack[0]), "-c", "Release", "-o", Packages, "--artifacts-path", artifacts,
                "--disable-build-servers", .. pack[1..]], new() { ["CI"] = "true" });
            if (run.Code != 0) throw new InvalidOperationException($"dotnet pack {string.Join(' ', pack)} failed:\n{run.Out}{run.Err}");
            output.Append(run.Out).Append(run.Err);
        }
        PackOutput = output.ToString();

        string config = Path.Combine(Root, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{Packages}" />
              </packageSources>
            </configuration>
            """);
        var install = Run(Dotnet, ["tool", "install", "Backprop.Cli", "--version", Version, "--tool-path", Tools, "--configfile", config]);
        InstallOutput = install.Out + install.Err;
        if (install.Code != 0) throw new InvalidOperationException($"dotnet tool install failed:\n{InstallOutput}");
    }

    /// <summary>The version every package should carry (the one set in Directory.Build.props, as the CLI assembly got it).</summary>
    public string Version { get; }

    /// <summary>The temporary folder everything is made in.</summary>
    public string Root { get; }

    /// <summary>Where the .nupkg and .snupkg files are.</summary>
    public string Packages { get; }

    /// <summary>The tool path the tool was installed into.</summary>
    public string Tools { get; }

    /// <summary>What the <c>dotnet pack</c> runs printed.</summary>
    public string PackOutput { get; }

    /// <summary>What <c>dotnet tool install</c> printed.</summary>
    public string InstallOutput { get; }

    /// <summary>
    /// Writes the nuget.config of a user's project into <paramref name="folder"/>: Backprop and Backprop.* from the packed
    /// folder alone, and the few packages from nuget.org they need (System.Numerics.Tensors) from the machine's package
    /// cache read as a local source (so restoring needs no network). Restore such a project with NUGET_PACKAGES set to a
    /// folder of the test's own, not the machine's cache, where another run's package of the same version could be.
    /// </summary>
    public void WriteConsumerNuGetConfig(string folder)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } c ? c
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{Packages}" />
                <add key="cache" value="{cache}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="packed"><package pattern="Backprop" /><package pattern="Backprop.*" /></packageSource>
                <packageSource key="cache"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    /// <summary>The repository's root (the folder with Backprop.slnx).</summary>
    public static string Repository => Repo.Root;

    /// <summary>The dotnet that runs these tests (set by <c>dotnet test</c>), or the one on the PATH.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Runs the installed <c>backprop</c> with <paramref name="args"/>.</summary>
    public (int Code, string Out, string Err) RunTool(params string[] args) => Run(Path.Combine(Tools, "backprop"), args);

    /// <summary>
    /// Runs <paramref name="file"/> to its end (<paramref name="timeout"/>, 20 minutes unless given, at most) with the
    /// output captured, and with <paramref name="environment"/> added to its environment, in
    /// <paramref name="workingDirectory"/> when given; it returns when the process exits, even if something it started
    /// still holds the output open.
    /// </summary>
    public static (int Code, string Out, string Err) Run(string file, string[] args, Dictionary<string, string>? environment = null,
        string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? []) start.Environment[name] = value;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The installed tool's launcher finds the runtime that runs these tests.
        start.Environment["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        using var process = new Process { StartInfo = start };
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        using var outEnded = new ManualResetEventSlim();
        using var errEnded = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) => { if (e.Data is null) outEnded.Set(); else lock (stdout) stdout.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is null) errEnded.Set(); else lock (stderr) stderr.Append(e.Data).Append('\n'); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var limit = timeout ?? TimeSpan.FromMinutes(20);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {limit.TotalMinutes} minutes");
        }
        // The last lines of output (waited for a while only, in case something the process started keeps the pipes open).
        outEnded.Wait(TimeSpan.FromSeconds(10));
        errEnded.Wait(TimeSpan.FromSeconds(10));
        lock (stdout) lock (stderr) return (process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// The tests that share one <see cref="PackedTool"/> (one packing of the three projects, minutes): <see cref="PackageTests"/>
/// and <see cref="ReadmeSnippetTests"/>. They run one after another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PackedCollection : ICollectionFixture<PackedTool>
{
    public const string Name = "packed";
}
