using Backprop.Models;

namespace Backprop.Tests;

/// <summary>The one writer of every file Backprop saves: atomic, through symbolic links, cleaning up after killed writers.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Writing_through_a_symbolic_link_replaces_its_target_and_keeps_the_link()
    {
        string target = _temp.Write("real.csv", "old");
        string link = _temp.File("link.csv");
        File.CreateSymbolicLink(link, target);
        AtomicFile.WriteText(link, "new");
        Assert.NotNull(new FileInfo(link).LinkTarget); // still a link
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal("new", File.ReadAllText(link));
        Assert.Equal(["link.csv", "real.csv"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName).Order());

        // A link to a file that does not exist yet (relative, as ln -s makes them): the file is created, the link kept.
        string dangling = _temp.File("later.csv");
        File.CreateSymbolicLink(dangling, "made.csv");
        AtomicFile.WriteText(dangling, "made");
        Assert.Equal("made", File.ReadAllText(_temp.File("made.csv")));
        Assert.Equal("made.csv", new FileInfo(dangling).LinkTarget);
    }

    [Fact]
    public void Temporary_files_of_killed_writers_are_removed_by_the_next_save_and_live_ones_are_kept()
    {
        int dead = DeadProcessId();
        string abandoned = _temp.Write($".m.model.{dead}.0123456789ab.tmp", "left by a writer killed with kill -9");
        string live = _temp.Write($".m.model.{Environment.ProcessId}.ba9876543210.tmp", "this process's own, in use");
        string oldStyle = _temp.Write(".m.model.00112233aabb.tmp", "an older version's, two hours old");
        File.SetLastWriteTimeUtc(oldStyle, DateTime.UtcNow.AddHours(-2));
        string recentOldStyle = _temp.Write(".m.model.ffeeddccbbaa.tmp", "an older version's, maybe still being written");
        string otherFile = _temp.Write($".other.model.{dead}.0123456789ab.tmp", "another file's: not this save's business");

        AtomicFile.WriteText(_temp.File("m.model"), "model");

        Assert.Equal("model", File.ReadAllText(_temp.File("m.model")));
        Assert.False(File.Exists(abandoned));
        Assert.False(File.Exists(oldStyle));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(recentOldStyle));
        Assert.True(File.Exists(otherFile));
    }

    // A process id no process has now (Linux: no /proc/PID).
    private static int DeadProcessId()
    {
        for (int pid = 4_000_000; ; pid--)
            if (!Directory.Exists($"/proc/{pid}")) return pid;
    }
}
