namespace Backprop.BrowserTests;

/// <summary>The repository's test data (tests/Backprop.Tests/Data), found from the test assembly's folder, and small IDX image sets.</summary>
internal static class RepoData
{
    /// <summary>The path of tests/Backprop.Tests/Data/csv/NAME.</summary>
    public static string Csv(string name)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Backprop.slnx")))
                return Path.Combine(folder.FullName, "tests", "Backprop.Tests", "Data", "csv", name);
        throw new InvalidOperationException("Backprop.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// n images of side x side pixels as IDX files in <paramref name="folder"/> (train-images-idx3-ubyte and its labels):
    /// image i is of class i % 3, drawn as a bright horizontal bar, vertical bar or diagonal on faint noise.
    /// Returns the images file.
    /// </summary>
    public static string Images(string folder, int n, int side)
    {
        var random = new Random(7);
        var pixels = new byte[n * side * side];
        var labels = new byte[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % 3, at = random.Next(1, side - 1);
            labels[i] = (byte)c;
            for (int r = 0; r < side; r++)
                for (int x = 0; x < side; x++)
                {
                    bool on = c == 0 ? Math.Abs(r - at) <= 1 : c == 1 ? Math.Abs(x - at) <= 1 : Math.Abs(r - x) <= 1;
                    pixels[(i * side + r) * side + x] = (byte)(on ? 180 + random.Next(76) : random.Next(50));
                }
        }
        string images = Path.Combine(folder, "train-images-idx3-ubyte");
        File.WriteAllBytes(images, [.. BigEndian(0x803, n, side, side), .. pixels]);
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), [.. BigEndian(0x801, n), .. labels]);
        return images;
    }

    private static byte[] BigEndian(params int[] values) =>
        [.. values.SelectMany(v => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v })];
}
