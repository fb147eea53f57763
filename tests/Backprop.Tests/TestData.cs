using System.Globalization;
using System.Text.Json;

namespace Backprop.Tests;

/// <summary>Finds the fixtures copied beside the test assembly (tests/Backprop.Tests/Data/**).</summary>
internal static class TestData
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "Data", .. parts]);

    public static JsonDocument Json(params string[] parts) => JsonDocument.Parse(File.ReadAllText(Path(parts)));

    /// <summary>The notes (Grokking Deep Learning, chapter 6), copied verbatim from shared/seed.</summary>
    public static string Notes => File.ReadAllText(Path("notes", "chapter6.txt"));

    public static double[][] Rows(JsonElement e) =>
        e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();

    public static Matrix<double> Matrix(JsonElement e)
    {
        var rows = Rows(e);
        var m = new Matrix<double>(rows.Length, rows.Length == 0 ? 0 : rows[0].Length);
        for (int r = 0; r < rows.Length; r++)
            for (int c = 0; c < rows[r].Length; c++)
                m[r, c] = rows[r][c];
        return m;
    }

    public static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
