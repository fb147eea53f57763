using Backprop.Formatting;

namespace Backprop.Cli.Demos;

/// <summary>
/// Writes as a notebook shows: <c>print</c> output as it is, and a cell's displayed value after the expression
/// that produced it, as a Python prompt would (<c>&gt;&gt;&gt; weights_0_1</c>, then numpy's repr).
/// </summary>
internal sealed class Notebook(TextWriter output)
{
    /// <summary>Python's <c>print(text)</c>.</summary>
    public void print(string text) => output.Write(text + "\n");

    /// <summary>Python's <c>str(x)</c> of a float: its repr.</summary>
    public static string str(double value) => PyFormat.Repr(value);

    /// <summary>A cell ending in <paramref name="expression"/>: the prompt line, then the value as numpy shows it.</summary>
    public void Show(string expression, Matrix<double> value) => Show(expression, value.ToString());

    /// <summary>A cell ending in a float expression: the prompt line, then its repr.</summary>
    public void Show(string expression, double value) => Show(expression, PyFormat.Repr(value));

    private void Show(string expression, string shown) => output.Write($">>> {expression}\n{shown}\n");
}
