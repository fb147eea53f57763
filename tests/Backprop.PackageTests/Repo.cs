namespace Backprop.PackageTests;

/// <summary>The repository these tests pack, its test data, and the backprop command run in this process.</summary>
internal static class Repo
{
    /// <summary>The repository's root (the folder with Backprop.slnx), found upwards from the test assembly.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) return dir.FullName;
            throw new InvalidOperationException($"no Backprop.slnx above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The path of tests/Backprop.Tests/Data/csv/NAME.</summary>
    public static string Csv(string name) => Path.Combine(Root, "tests", "Backprop.Tests", "Data", "csv", name);

    /// <summary>Runs the backprop command in this process, as the unit tests do: what it printed and its exit code.</summary>
    public static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Backprop.Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
