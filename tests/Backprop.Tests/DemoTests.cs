namespace Backprop.Tests;

/// <summary>
/// Every demo against the notes' text (Data/notes/chapter6.txt, a verbatim copy of the notes). The notes'
/// output blocks, in order, must be exactly what the demos print, in order: every value the notes show, and
/// nothing else. The notes' web page collapsed runs of spaces and dropped blank lines and indentation, so both
/// sides are compared with runs of spaces made single and blank lines dropped; numpy's own spacing is checked
/// separately against numpy (FormattingTests). A "..." line in the notes stands for lines they left out.
/// </summary>
public class DemoTests
{
    // Output blocks of the notes: fenced blocks that show values (numpy arrays, printed errors, a float), not code.
    private static List<string[]> NotesOutputBlocks()
    {
        var parts = TestData.Notes.Split("```\n");
        var blocks = new List<string[]>();
        for (int i = 1; i < parts.Length; i += 2)
        {
            var lines = Normalize(parts[i]);
            if (lines.Length > 0 && (lines[0].StartsWith("array(") || lines[0].StartsWith("Error") || char.IsDigit(lines[0][0])))
                blocks.Add(lines);
        }
        return blocks;
    }

    private static string[] Normalize(string text) =>
        text.Split('\n')
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l.Trim(), " +", " "))
            .Where(l => l.Length > 0)
            .ToArray();

    // A demo's output split into the values it shows: print-style demos are one block; notebook-style demos
    // show one value after each ">>> expression" line.
    private static List<string[]> DemoBlocks(string name)
    {
        var (code, output, err) = CliTests.Run("demo", name);
        Assert.True(code == 0, $"demo {name} failed: {err}");
        var blocks = new List<string[]>();
        var current = new List<string>();
        foreach (var line in Normalize(output))
        {
            if (line.StartsWith(">>> "))
            {
                if (current.Count > 0) blocks.Add(current.ToArray());
                current = [];
            }
            else current.Add(line);
        }
        if (current.Count > 0) blocks.Add(current.ToArray());
        return blocks;
    }

    private static readonly string[] DemoOrder = ["streetlights", "learn-one", "learn-all", "first-deep", "backprop", "one-iteration"];

    [Fact]
    public void Demos_print_every_value_the_notes_print_in_order()
    {
        var expected = NotesOutputBlocks();
        var actual = DemoOrder.SelectMany(name => DemoBlocks(name).Select(b => (name, b))).ToList();
        Assert.Equal(24, expected.Count); // the notes have 24 output blocks
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            AssertBlock(expected[i], actual[i].b, $"demo {actual[i].name}, value {i}");
    }

    private static void AssertBlock(string[] expected, string[] actual, string where)
    {
        int gap = Array.IndexOf(expected, "...");
        if (gap < 0)
        {
            Assert.True(expected.SequenceEqual(actual),
                $"{where}:\nnotes:\n{string.Join('\n', expected)}\ndemo:\n{string.Join('\n', actual)}");
            return;
        }
        var head = expected[..gap];
        var tail = expected[(gap + 1)..];
        Assert.True(actual.Length > head.Length + tail.Length, $"{where}: the demo prints no more than the notes' shortened text");
        Assert.Equal(head, actual[..head.Length]);
        Assert.Equal(tail, actual[^tail.Length..]);
    }

    [Fact]
    public void Learn_all_prints_all_forty_iterations()
    {
        var (_, output, _) = CliTests.Run("demo", "learn-all");
        var lines = output.Split('\n');
        Assert.Equal(40, lines.Count(l => l.StartsWith("Error For All: ")));
        Assert.Equal(240, lines.Count(l => l.StartsWith("Error: ")));
        // print('Error For All: ' + str(x) + '\n') ends each iteration with an empty line, as Python prints it.
        Assert.Contains("Error For All: 0.00053373677328488\n\n", output);
    }

    [Fact]
    public void Numbers_use_python_repr_not_dotnet_formatting()
    {
        var (_, output, _) = CliTests.Run("demo", "backprop");
        Assert.Contains("Error:1.5055622665134859e-05\n", output);
        Assert.DoesNotContain("E-", output);
    }

    [Fact]
    public void Arrays_use_numpys_layout_with_its_spacing()
    {
        // What numpy 1.24 (Debian python3-numpy) prints for the same computation; the notes page collapsed the spaces:
        // repr of the 3x3 weights has two spaces before positive numbers and continuation lines under "[[".
        var (_, output, _) = CliTests.Run("demo", "one-iteration");
        Assert.Contains(
            "array([[-0.16595599,  0.44064899, -0.99977125],\n" +
            "       [-0.39533485, -0.70648822, -0.81532281],\n" +
            "       [-0.62747958, -0.30887855, -0.20646505]])\n", output);
        Assert.Contains("array([[-0.        ,  0.13177044, -0.        ]])\n", output);
    }
}
