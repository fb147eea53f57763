namespace Backprop.BrowserTests;

/// <summary>Runs the backprop command in this process (as the unit tests do) and a temp folder for the files it writes.</summary>
public sealed class CliRun : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("backprop-browser-").FullName;

    public string PathOf(string name) => System.IO.Path.Combine(Folder, name);

    /// <summary>Runs the command; throws with its output unless it exits 0. Returns what it printed.</summary>
    public string Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int code = Cli.Cli.Run(args, stdout, stderr);
        if (code != 0) throw new InvalidOperationException($"backprop {string.Join(' ', args)} exited {code}: {stderr}{stdout}");
        return stdout.ToString();
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
