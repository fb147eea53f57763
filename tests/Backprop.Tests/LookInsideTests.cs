using Backprop.Data;

namespace Backprop.Tests;

/// <summary>
/// Issue 25, item 4: what trace and explain show are the library's records (<see cref="IterationTrace"/>,
/// <see cref="Explanation"/>), made from a C# recipe as well as from the command line's flags.
/// </summary>
public sealed class LookInsideTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Lights() => _temp.Write("lights.csv", TraceTests.LightsCsv);

    [Fact]
    public void A_trace_run_from_csharp_with_the_notes_recipe_is_what_backprop_trace_prints()
    {
        var lights = CsvLoader.Load(Lights(), new CsvOptions { TargetColumns = ["walk"] });
        var learner = (Recipe.Notes with { Hidden = [3], Alpha = 0.2, Epochs = 0 }).Prepare(lights);
        var trace = IterationTrace.Run(learner, 0, 1);
        var printed = new StringWriter();
        trace.WriteTo(printed);

        // Expected: the terminal's steps for the notes' command (the lines after its header).
        var (code, output, err) = CliTests.Run("trace", Lights(), "--target", "walk", "--layers", "3", "--init", "uniform:-1,1",
            "--seed", "1", "--alpha", "0.2", "--normalize", "none", "--loss", "sse", "--output", "identity");
        Assert.True(code == 0, err);
        Assert.Equal(output[output.IndexOf(">>> ", StringComparison.Ordinal)..], printed.ToString());

        // The notes' weights_1_2[1] before the update (-0.16161097) and after it (-0.13469566), as the record keeps them.
        Assert.Equal(-0.16161097, trace.WeightsBefore[1][1, 0], 8);
        Assert.Equal(-0.13469566, trace.WeightsAfter[1][1, 0], 8);
        Assert.Equal(trace.WeightsAfter[1].ToString(), learner.ToModel().ToNetwork<double>().DenseLayers[1].Weights.Value.ToString());
        Assert.Equal((0, 1, "walk"), (trace.Start, trace.End, trace.Data.TargetNames[0]));
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, 0)]
    [InlineData(3, 5)]
    public void Rows_outside_the_training_data_are_refused(int start, int end)
    {
        var learner = (Recipe.Notes with { Hidden = [3], Alpha = 0.2, Epochs = 0 }).Prepare(CsvLoader.Load(Lights(), new CsvOptions { TargetColumns = ["walk"] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => IterationTrace.Run(learner, start, end));
    }

    [Fact]
    public void An_explanations_steps_add_up_to_its_pressure_and_keep_within_the_budget()
    {
        var data = CsvLoader.Load(TestData.Path("csv", "streetlights6.csv"), new CsvOptions { TargetColumns = ["walk"] });
        var learner = (Recipe.Notes with { Hidden = [4], Alpha = 0.1, Epochs = 20 }).Prepare(data);
        learner.Run();
        var explanation = Explanation.Of(learner);
        Assert.Equal(6, explanation.ExamplesWithSteps);   // 16 weights x 6 examples: within 100000
        for (int d = 0; d < explanation.Pressure.Count; d++)
        {
            var (p, s) = (explanation.Pressure[d], explanation.Steps[d]);
            for (int i = 0; i < p.Weights.Rows; i++)
                for (int o = 0; o < p.Weights.Columns; o++)
                {
                    // The same steps, added in the same order: equal to the last bit.
                    var steps = Enumerable.Range(0, s.Examples).Select(e => s.Step(e, i, o)).ToArray();
                    Assert.Equal(p.Up[i, o], steps.Where(v => v > 0).Aggregate(0.0, (a, v) => a + v));
                    Assert.Equal(p.Down[i, o], steps.Where(v => v <= 0).Aggregate(0.0, (a, v) => a + v));
                    Assert.Equal(p.ZeroInput[i, o], Enumerable.Range(0, s.Examples).Count(e => s.NoBlame(e, i)));
                }
        }
        // The correlations are the data's: "middle" alone predicts walk in the six streetlights.
        Assert.Equal(1.0, explanation.Correlations[1, 0], 12);

        Assert.Equal(2, Explanation.Of(learner, maxSteps: 16 * 2 + 15).ExamplesWithSteps);
        var none = Explanation.Of(learner, maxSteps: 15);
        Assert.Equal(0, none.ExamplesWithSteps);
        Assert.Equal(["weights_0_1", "weights_1_2"], none.Steps.Select(s => s.Layer));
        Assert.Throws<ArgumentOutOfRangeException>(() => Explanation.Of(learner, maxSteps: -1));
    }
}
