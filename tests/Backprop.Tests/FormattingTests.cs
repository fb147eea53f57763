using System.Globalization;
using System.Text.Json;
using Backprop.Formatting;

namespace Backprop.Tests;

/// <summary>
/// Checks PyFormat/NumpyFormat against strings printed by CPython and numpy 1.24 itself
/// (Data/formatting/cases.json, written by Data/formatting/generate.py).
/// </summary>
public class FormattingTests
{
    private static readonly Lazy<JsonElement> Cases = new(() =>
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Data", "formatting", "cases.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    });

    // --- literal cases from the notes -----------------------------------------------------------

    [Theory]
    [InlineData(1.5055622665134859e-05, "1.5055622665134859e-05")]
    [InlineData(0.03999999999999998, "0.03999999999999998")]
    [InlineData(2.6561231104, "2.6561231104")]
    [InlineData(2.0, "2.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void ReprMatchesPythonLiterals(double value, string expected) =>
        Assert.Equal(expected, PyFormat.Repr(value));

    [Fact]
    public void Float32ReprUsesFloat32ShortestDigits()
    {
        Assert.Equal("0.1", PyFormat.Repr(0.1f));
        Assert.Equal("0.10000000149011612", PyFormat.Repr((double)0.1f));
    }

    [Fact]
    public void NotesArraysLiteral()
    {
        double[] w = [-0.16595599, 0.44064899, -0.99977125, -0.39533485, -0.70648822, -0.81532281];
        Assert.Equal(
            "array([[-0.16595599,  0.44064899, -0.99977125],\n       [-0.39533485, -0.70648822, -0.81532281]])",
            NumpyFormat.ArrayRepr(w, [2, 3], NumpyDtype.Float64));
        Assert.Equal(
            "[[-0.16595599  0.44064899 -0.99977125]\n [-0.39533485 -0.70648822 -0.81532281]]",
            NumpyFormat.ArrayStr(w, [2, 3], NumpyDtype.Float64));
        Assert.Equal("array([ 0.58738791,  0.90659298, -0.        , -0.        ])",
            NumpyFormat.ArrayRepr([0.58738791, 0.90659298, -0.0, -0.0], [4], NumpyDtype.Float64));
        Assert.Equal("array([1, 0, 1])", NumpyFormat.ArrayRepr([1, 0, 1], [3], NumpyDtype.Int64));
        Assert.Equal("array([[1]])", NumpyFormat.ArrayRepr([1], [1, 1], NumpyDtype.Int64));
        Assert.Equal("array(0.5)", NumpyFormat.ArrayRepr([0.5], [], NumpyDtype.Float64));
        Assert.Equal("array([ True, False])", NumpyFormat.ArrayRepr([1, 0], [2], NumpyDtype.Bool));
    }

    [Fact]
    public void ShapeMismatchThrows() =>
        Assert.Throws<ArgumentException>(() => NumpyFormat.ArrayRepr([1.0, 2.0], [3], NumpyDtype.Float64));

    // --- generated cases ----------------------------------------------------------------------------

    [Fact]
    public void DataWasGeneratedByNumpy124() =>
        Assert.StartsWith("1.24", Cases.Value.GetProperty("numpy").GetString());

    [Fact]
    public void ScalarReprMatchesPython()
    {
        var failures = new List<string>();
        foreach (var c in Cases.Value.GetProperty("scalars").EnumerateArray())
        {
            string hex = c.GetProperty("x").GetString()!, expected = c.GetProperty("repr").GetString()!;
            string actual = PyFormat.Repr(ParseHex(hex));
            if (actual != expected) failures.Add($"{hex}: expected {expected}, got {actual}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(Cases.Value.GetProperty("scalars").GetArrayLength() > 100);
    }

    [Fact]
    public void Float32StrMatchesNumpy()
    {
        var failures = new List<string>();
        foreach (var c in Cases.Value.GetProperty("float32").EnumerateArray())
        {
            string hex = c.GetProperty("x").GetString()!, expected = c.GetProperty("str").GetString()!;
            string actual = PyFormat.Repr((float)ParseHex(hex));
            if (actual != expected) failures.Add($"{hex}: expected {expected}, got {actual}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(Cases.Value.GetProperty("float32").GetArrayLength() > 50);
    }

    public static TheoryData<string> ArrayCases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.Value.GetProperty("arrays").EnumerateArray())
            data.Add(c.GetProperty("desc").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(ArrayCases))]
    public void ArrayReprAndStrMatchNumpy(string desc)
    {
        var c = Cases.Value.GetProperty("arrays").EnumerateArray().Single(e => e.GetProperty("desc").GetString() == desc);
        var dtype = c.GetProperty("dtype").GetString() switch
        {
            "float64" => NumpyDtype.Float64,
            "float32" => NumpyDtype.Float32,
            "int64" => NumpyDtype.Int64,
            "bool" => NumpyDtype.Bool,
            var other => throw new InvalidDataException(other),
        };
        int[] shape = c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        double[] data = ReadData(c, shape.Aggregate(1, (a, b) => a * b));

        Assert.True(c.GetProperty("repr").GetString() == NumpyFormat.ArrayRepr(data, shape, dtype),
            $"repr of '{desc}':\nexpected:\n{c.GetProperty("repr").GetString()}\nactual:\n{NumpyFormat.ArrayRepr(data, shape, dtype)}");
        Assert.True(c.GetProperty("str").GetString() == NumpyFormat.ArrayStr(data, shape, dtype),
            $"str of '{desc}':\nexpected:\n{c.GetProperty("str").GetString()}\nactual:\n{NumpyFormat.ArrayStr(data, shape, dtype)}");
    }

    /// <summary>Dense "data", or a "fill" value plus [index, value] "entries" for large summarised arrays.</summary>
    private static double[] ReadData(JsonElement c, int size)
    {
        if (c.TryGetProperty("data", out var dense))
            return dense.EnumerateArray().Select(ReadValue).ToArray();
        var data = Enumerable.Repeat(ReadValue(c.GetProperty("fill")), size).ToArray();
        foreach (var e in c.GetProperty("entries").EnumerateArray())
            data[e[0].GetInt32()] = ReadValue(e[1]);
        return data;
    }

    private static double ReadValue(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? ParseHex(e.GetString()!) : e.GetDouble();

    /// <summary>Parses Python's float.hex output ("-0x1.8p+1", "inf", "nan") exactly.</summary>
    private static double ParseHex(string s)
    {
        switch (s)
        {
            case "nan": return double.NaN;
            case "inf": return double.PositiveInfinity;
            case "-inf": return double.NegativeInfinity;
        }
        bool negative = s.StartsWith('-');
        string body = s.TrimStart('-');
        int p = body.IndexOf('p');
        string[] parts = body[2..p].Split('.');   // skip "0x"
        string fracHex = parts.Length > 1 ? parts[1] : "";
        ulong mantissa = ulong.Parse(parts[0] + fracHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        int exp = int.Parse(body[(p + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        // mantissa has at most 53 significant bits and the result is a double, so ScaleB is exact.
        double value = Math.ScaleB((double)mantissa, exp - 4 * fracHex.Length);
        return negative ? -value : value;
    }
}
