using System.Diagnostics;
using System.Net.Sockets;
using Backprop.Models;
using Backprop.Onnx;

namespace Backprop.Tests;

/// <summary>
/// Writing to what is not a file in a folder (issue 24, item 4): character devices (made with mknod: 1,3 is a null
/// device, 1,7 a full one) and named pipes are written in place and stay what they were, a full device is an error,
/// and a block device or a socket is refused. The tests run as root, as
/// mknod needs: a failed mknod fails the test. What a file is comes from stat(1), not from the code under test.
/// </summary>
public sealed class DeviceOutputTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string FlowersModel => TestData.Path("npz", "flowers_f32.bpm");

    [Fact]
    public void A_character_device_is_written_in_place_and_stays_a_device()
    {
        string device = Node("null", "c", 1, 3);
        var model = ModelFile.Load(FlowersModel);
        Assert.True(AtomicFile.WritesInPlace(device));
        ModelFile.Save(model, device);
        AtomicFile.WriteText(device, "text");
        AtomicFile.Write(device, (string temp) => File.WriteAllText(temp, "a chart library's file"));
        model.ExportOnnx(device);
        Assert.Equal("character special file", TypeOf(device));

        // Through a symbolic link: the link stays a link, the device a device.
        string link = _temp.File("link.model");
        File.CreateSymbolicLink(link, device);
        ModelFile.Save(model, link);
        Assert.Equal("symbolic link", TypeOf(link));
        Assert.Equal("character special file", TypeOf(device));
        Assert.Equal(["link.model", "null"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName).Order()); // no temporary file left
    }

    [Fact]
    public void A_full_device_is_an_IOException_and_stays_a_device()
    {
        string full = Node("full", "c", 1, 7);
        var model = ModelFile.Load(FlowersModel);
        foreach (var write in new Action[]
        {
            () => ModelFile.Save(model, full),
            () => AtomicFile.WriteText(full, "text"),
            () => AtomicFile.Write(full, (string temp) => File.WriteAllText(temp, "a chart library's file")),
            () => model.ExportNpz(full),
        })
        {
            var e = Assert.ThrowsAny<IOException>(write);
            Assert.Contains("No space left on device", e.Message); // ENOSPC, as strerror says it
        }
        Assert.Equal("character special file", TypeOf(full));
        Assert.Equal(["full"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $"backprop.{Environment.ProcessId}.*.tmp")); // the copy for a file-name writer is gone
    }

    [Fact]
    public void A_named_pipe_is_written_in_place_and_its_reader_gets_the_exact_bytes()
    {
        string fifo = Node("fifo", "p");
        var model = ModelFile.Load(FlowersModel);
        string file = _temp.File("m.model");
        ModelFile.Save(model, file);
        Assert.Equal(File.ReadAllBytes(file), ThroughPipe(fifo, () => ModelFile.Save(model, fifo)));

        byte[] chart = [0x89, (byte)'P', (byte)'N', (byte)'G', 0, 1, 2, 255];
        Assert.Equal(chart, ThroughPipe(fifo, () => AtomicFile.Write(fifo, (string temp) => File.WriteAllBytes(temp, chart))));

        // Written as it goes (a history, a row an epoch): the reader gets every row, in order.
        Assert.Equal("a\nb\n"u8.ToArray(), ThroughPipe(fifo, () =>
        {
            using var stream = AtomicFile.OpenInPlace(fifo);
            stream.Write("a\n"u8);
            stream.Flush();
            stream.Write("b\n"u8);
        }));
        Assert.Equal("fifo", TypeOf(fifo));
    }

    [Fact]
    public void Files_and_new_paths_are_replaced_whole_and_descriptors_are_written_in_place()
    {
        string file = _temp.Write("m.csv", "old");
        string dangling = _temp.File("dangling.csv");
        File.CreateSymbolicLink(dangling, "later.csv");
        Assert.False(AtomicFile.WritesInPlace(file));
        Assert.False(AtomicFile.WritesInPlace(_temp.File("new.csv")));
        Assert.False(AtomicFile.WritesInPlace(dangling));
        foreach (string descriptor in new[] { "/dev/stdout", "/dev/stderr", "/dev/fd/1", "/proc/self/fd/2" })
            Assert.True(AtomicFile.WritesInPlace(descriptor), descriptor);
        Assert.Throws<IOException>(() => AtomicFile.OpenInPlace(file)); // a file is not opened in place by mistake
        Assert.Equal("old", File.ReadAllText(file));
    }

    [Fact]
    public void A_block_device_or_a_socket_is_refused_and_left_alone()
    {
        // A loop device's node: never opened by the test, so no disk is touched whatever the code does.
        string block = Node("disk", "b", 7, 250);
        string socketPath = _temp.File("socket");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        foreach (var (path, kind, type) in new[] { (block, "block device", "block special file"), (socketPath, "socket", "socket") })
        {
            Assert.Contains(kind, Assert.Throws<IOException>(() => AtomicFile.WritesInPlace(path)).Message);
            Assert.Contains(kind, Assert.Throws<IOException>(() => AtomicFile.WriteText(path, "text")).Message);
            Assert.Equal(type, TypeOf(path));
        }
    }

    // Makes a node in the temporary folder: "c" or "b" MAJOR MINOR (a device, with mknod), or "p" (a named pipe, mkfifo).
    private string Node(string name, string kind, int major = 0, int minor = 0)
    {
        string path = _temp.File(name);
        string[] args = kind == "p" ? [path] : [path, kind, $"{major}", $"{minor}"];
        using var process = Process.Start(new ProcessStartInfo(kind == "p" ? "mkfifo" : "mknod", args) { RedirectStandardError = true })!;
        string err = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{process.StartInfo.FileName} {string.Join(' ', args)}: {err} (the tests run as root)");
        return path;
    }

    // What stat(1) calls the file: "regular file", "character special file", "fifo", "symbolic link", ...
    private static string TypeOf(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("stat", ["-c", "%F", path]) { RedirectStandardOutput = true })!;
        string type = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return type;
    }

    // Runs write while another thread reads the named pipe to its end, as a consumer process would; what it read.
    private static byte[] ThroughPipe(string fifo, Action write)
    {
        var reader = Task.Factory.StartNew(() => File.ReadAllBytes(fifo), TaskCreationOptions.LongRunning);
        write();
        Assert.True(reader.Wait(TimeSpan.FromSeconds(60)), $"nothing reached the reader of {fifo}: was the pipe replaced?");
        return reader.Result;
    }
}
