using Backprop.Cli;

namespace Backprop.Tests;

/// <summary>
/// <c>--plot</c> when the plotting native library cannot be loaded (a Native AOT binary copied alone): a one-line
/// usage error naming --plot and the library, exit code 2, before any training, and nothing written. The missing
/// library is simulated (<see cref="PlotLibrary.SimulateMissing"/>); tests/package.sh checks it with the real packages
/// (the "any" package, and the Native AOT binary copied alone).
/// </summary>
public sealed class PlotLibraryTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Flowers => TestData.Path("csv", "flowers.csv");

    [Fact]
    public void Train_with_plot_fails_before_training_when_the_plotting_library_is_missing()
    {
        const string library = "libSkiaSharp";
        string plot = _temp.File("loss.png"), model = _temp.File("m.model");
        (int Code, string Out, string Err) run;
        using (PlotLibrary.SimulateMissing(library))
            run = CliTests.Run("train", Flowers, "--target", "species", "--epochs", "3", "--plot", plot, "--save", model);
        Assert.True(run.Code == 2, $"exit code {run.Code}; stderr: {run.Err}");
        Assert.Single(run.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("backprop: --plot: ", run.Err);
        Assert.Contains(library + (OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so"), run.Err);
        // Where the library does come with backprop: the platforms with a tool package of their own (the CLI project's
        // ToolPackageRuntimeIdentifiers), and which platform this is.
        Assert.Contains("(backprop's packages carry it for linux-x64, linux-arm64, linux-musl-x64, win-x64, win-arm64, osx-x64 and osx-arm64; "
            + $"this is {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier})", run.Err);
        Assert.DoesNotContain("internal error", run.Err);
        Assert.Equal("", run.Out); // no data line, no epoch: training never started
        Assert.False(File.Exists(plot));
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Explain_with_plot_fails_the_same_way()
    {
        string plot = _temp.File("pressure.png");
        (int Code, string Out, string Err) run;
        using (PlotLibrary.SimulateMissing("libSkiaSharp"))
            run = CliTests.Run("explain", TestData.Path("csv", "streetlights6.csv"), "--target", "walk", "--plot", plot);
        Assert.Equal(2, run.Code);
        Assert.Single(run.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("backprop: --plot: ", run.Err);
        Assert.Equal("", run.Out);
        Assert.False(File.Exists(plot));
    }

    [Fact]
    public void The_check_passes_when_the_libraries_are_there_and_the_simulation_ends_with_its_scope()
    {
        // Beside the test assembly the build copied both libraries (runtimes/<rid>/native), so the real load succeeds.
        PlotLibrary.Check("--plot");
        using (PlotLibrary.SimulateMissing("libSkiaSharp"))
            Assert.Throws<UsageException>(() => PlotLibrary.Check("--plot"));
        PlotLibrary.Check("--plot");
    }

    [Fact]
    public void Without_plot_a_missing_plotting_library_does_not_matter()
    {
        (int Code, string Out, string Err) run;
        using (PlotLibrary.SimulateMissing("libSkiaSharp"))
            run = CliTests.Run("train", Flowers, "--target", "species", "--epochs", "1", "--quiet");
        Assert.True(run.Code == 0, run.Err);
    }
}
