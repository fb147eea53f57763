using System.Diagnostics;
using System.Net.Sockets;
using Backprop.Models;
using Backprop.Onnx;

namespace Backprop.Tests;

/// <summary>
/// Writing to what is not a file in a folder (issue 24, item 4): character devices (made with mknod: 1,3 is a null
/// device, 1,7 a full one) and named pipes are written in place and stay what they were, a full device is an error,
/// /dev/stdout is this process's standard output, and predict's --out - is the command's. The tests run as root, as
/// mknod needs: a failed mknod fails the test. What a file is comes from stat(1), not from the code under test.
/// </summary>
public sealed class DeviceOutputTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Flowers => TestData.Path("csv", "flowers.csv");

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
        var (code, _, err) = CliTests.Run("train", Flowers, "--target", "species", "--epochs", "1", "--save", block);
        AssertOneLineError(code, err, $"--save: '{block}' is a block device");
    }

    [Fact]
    public void Train_writes_save_history_plot_html_and_checkpoint_to_devices_in_place()
    {
        string device = Node("null", "c", 1, 3), fifo = Node("history", "p");
        string[] train = ["train", Flowers, "--target", "species", "--epochs", "3", "--batch", "10"];
        string history = _temp.File("history.csv");
        var (code, _, err) = CliTests.Run([.. train, "--quiet", "--history", history]);
        Assert.True(code == 0, err);

        string output = "";
        byte[] piped = ThroughPipe(fifo, () =>
        {
            (code, output, err) = CliTests.Run([.. train, "--save", device, "--history", fifo, "--plot", device, "--html", device, "--checkpoint", device]);
        });
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllBytes(history), piped); // the same run's history, as a file gets it
        Assert.Contains($"saved model to {device}\n", output);
        Assert.Equal("character special file", TypeOf(device));
        Assert.Equal("fifo", TypeOf(fifo));
        Assert.Equal(["history", "history.csv", "null"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("--save")]
    [InlineData("--history")]
    [InlineData("--plot")]
    [InlineData("--html")]
    [InlineData("--checkpoint")]
    public void A_full_device_is_a_one_line_error_naming_it_and_nothing_is_said_saved(string flag)
    {
        string full = Node("full", "c", 1, 7);
        var (code, output, err) = CliTests.Run("train", Flowers, "--target", "species", "--epochs", "2", flag, full);
        AssertOneLineError(code, err, full, "No space left on device");
        Assert.DoesNotContain("saved", output);
        Assert.Equal("character special file", TypeOf(full));
    }

    [Fact]
    public void Predict_out_dash_writes_exactly_the_csv_to_standard_output()
    {
        string file = _temp.File("p.csv");
        var (code, output, err) = CliTests.Run("predict", FlowersModel, Flowers, "--out", file);
        Assert.True(code == 0, err);
        Assert.Equal($"wrote {File.ReadAllLines(Flowers).Length - 1} predictions to {file}\n", output); // a row each data row
        string csv = File.ReadAllText(file);
        Assert.StartsWith("class,p_", csv);

        (code, output, err) = CliTests.Run("predict", FlowersModel, Flowers, "--out", "-");
        Assert.Equal((0, csv, ""), (code, output, err));

        // A device or a pipe gets the CSV and standard output nothing (it may be the same place).
        string device = Node("null", "c", 1, 3), fifo = Node("fifo", "p"), full = Node("full", "c", 1, 7);
        (code, output, err) = CliTests.Run("predict", FlowersModel, Flowers, "--out", device);
        Assert.Equal((0, "", ""), (code, output, err));
        Assert.Equal(csv, System.Text.Encoding.UTF8.GetString(ThroughPipe(fifo, () => (code, output, err) = CliTests.Run("predict", FlowersModel, Flowers, "--out", fifo))));
        Assert.Equal((0, "", ""), (code, output, err));
        (code, output, err) = CliTests.Run("predict", FlowersModel, Flowers, "--out", full);
        AssertOneLineError(code, err, full, "No space left on device");
        Assert.Equal("", output);
        Assert.Equal("character special file", TypeOf(device));
        Assert.Equal("fifo", TypeOf(fifo));
    }

    [Fact]
    public void Out_dev_stdout_is_the_process_standard_output_a_pipe_or_a_redirected_file()
    {
        string csv = CliTests.Run("predict", FlowersModel, Flowers).Out;
        string dll = Path.Combine(AppContext.BaseDirectory, "backprop.dll");
        string predict = $"dotnet '{dll}' predict '{FlowersModel}' '{Flowers}' --out /dev/stdout";
        string piped = _temp.File("piped.csv"), redirected = _temp.File("redirected.csv"), err = _temp.File("err.txt");

        // Standard output a pipe: /dev/stdout is /proc/self/fd/1, a link to "pipe:[N]", which names no file.
        Assert.Equal(0, Shell($"set -o pipefail; {predict} 2> '{err}' | cat > '{piped}'"));
        Assert.Equal("", File.ReadAllText(err));
        Assert.Equal(csv, File.ReadAllText(piped));

        // Standard output a file, written before and after: the CSV goes where the process's output is, in order.
        Assert.Equal(0, Shell($"{{ echo first; {predict}; echo last; }} > '{redirected}' 2> '{err}'"));
        Assert.Equal("", File.ReadAllText(err));
        Assert.Equal($"first\n{csv}last\n", File.ReadAllText(redirected));

        // A model through a pipe, as docs/cli.md shows it: evaluate reads what a file would have held.
        string model = _temp.File("m.model"), evaluated = _temp.File("evaluated.txt");
        string train = $"dotnet '{dll}' train '{Flowers}' --target species --epochs 2 --quiet";
        Assert.Equal(0, Shell($"set -o pipefail; {train} --save /dev/stdout | dotnet '{dll}' evaluate /dev/stdin '{Flowers}' > '{evaluated}' 2> '{err}'"));
        Assert.Equal("", File.ReadAllText(err));
        Assert.Equal(0, Shell($"{train} --save '{model}'"));
        var fromFile = CliTests.Run("evaluate", model, Flowers);
        Assert.Equal(fromFile.Out.Replace(model, "/dev/stdin"), File.ReadAllText(evaluated));
    }

    [Fact]
    public void Export_writes_a_pipe_named_like_its_format_in_place()
    {
        string onnx = _temp.File("file.onnx"), fifo = Node("pipe.onnx", "p");
        Assert.Equal(0, CliTests.Run("export", FlowersModel, onnx).Code);
        int code = -1;
        Assert.Equal(File.ReadAllBytes(onnx), ThroughPipe(fifo, () => code = CliTests.Run("export", FlowersModel, fifo).Code));
        Assert.Equal(0, code);
        Assert.Equal("fifo", TypeOf(fifo));
    }

    [Fact]
    public void A_dash_is_refused_by_every_flag_but_predict_out()
    {
        string[] train = ["train", Flowers, "--target", "species", "--epochs", "1"];
        foreach (string flag in new[] { "--save", "--history", "--plot", "--html", "--checkpoint" })
        {
            var (code, _, err) = CliTests.Run([.. train, flag, "-"]);
            AssertOneLineError(code, err, $"backprop: {flag}: ", "'-' (standard output)");
        }
        var import = CliTests.Run("import", TestData.Path("npz", "flowers_f32.numpy.npz"), "--save", "-");
        AssertOneLineError(import.Code, import.Err, "backprop: --save: ", "'-' (standard output)");
        Assert.False(File.Exists("-"));
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

    private static int Shell(string script)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", script]))!;
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), script);
        return process.ExitCode;
    }

    private static void AssertOneLineError(int code, string err, params string[] expected)
    {
        Assert.True(code == 2, $"exit code {code}; stderr: {err}");
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("backprop: ", err);
        Assert.DoesNotContain("   at ", err);
        foreach (string e in expected) Assert.Contains(e, err);
    }
}
