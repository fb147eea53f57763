using System.Text.Json;
using Backprop.Formatting;

namespace Backprop.Cli.Playground;

/// <summary>
/// The session's state as the JSON of one server-sent event: what the page shows, every number computed here by the
/// library (the weights, the losses, the decision surface) and every text formatted as the terminal formats it
/// (matrices as numpy's repr, as trace prints them; losses as Python's repr). The page only draws it.
/// </summary>
internal static class PlaygroundState
{
    /// <summary>Points a side of the decision surface's grid.</summary>
    public const int GridSize = 40;

    /// <summary>The grid covers x and y from -GridExtent to GridExtent (the 2-D sets' points lie within -1 to 1).</summary>
    public const double GridExtent = 1.2;

    // The centres of the grid's cells, row by row from the top (y = +extent) and left to right.
    private static readonly Matrix<double> Grid = MakeGrid();

    /// <summary>
    /// Writes the state of <paramref name="session"/> (whose <see cref="PlaygroundSession.Gate"/> the caller holds): the
    /// network's shape and data when <paramref name="whole"/> (a new stream or a new generation), the epoch losses from
    /// <paramref name="lossesFrom"/> on, and the rest as it is now.
    /// </summary>
    public static void Write(Utf8JsonWriter w, PlaygroundSession session, bool whole, int lossesFrom)
    {
        var (settings, learner) = (session.Settings, session.Learner);
        w.WriteStartObject();
        w.WriteNumber("generation", session.Generation);
        w.WriteBoolean("running", session.Running);
        w.WriteNumber("speed", session.Speed);
        if (session.Problem is { } problem) w.WriteString("problem", problem);
        if (session.Dead is { } dead) w.WriteString("dead", dead);
        w.WriteNumber("epochs", session.Epochs);
        w.WriteNumber("steps", session.Steps);
        w.WriteNumber("position", session.Position);
        w.WriteNumber("examples", settings.Set.Data.Count);
        w.WriteNumber("lossesFrom", lossesFrom);
        w.WriteStartArray("losses");
        foreach (double loss in session.Losses.Skip(lossesFrom)) w.WriteNumberValue(loss);
        w.WriteEndArray();
        w.WriteString("epochLoss", session.Epochs == 0 ? null : PyFormat.Repr(session.Losses[^1]));
        w.WriteString("stepLoss", session.LastStepLoss is double step ? PyFormat.Repr(step) : null);
        WriteWeights(w, learner.Network);
        if (settings.Set.IsTwoD) WriteSurface(w, learner);
        if (whole) WriteShape(w, settings, learner);
        w.WriteEndObject();
    }

    // The weights as numbers (the drawing's lines) and every matrix as trace prints it (the table).
    private static void WriteWeights(Utf8JsonWriter w, Network<double> network)
    {
        w.WriteStartArray("weights");
        foreach (var dense in network.DenseLayers)
        {
            var m = dense.Weights.Value;
            w.WriteStartObject();
            w.WriteString("name", dense.Weights.Name);
            w.WriteStartArray("values");
            for (int i = 0; i < m.Rows; i++)
            {
                w.WriteStartArray();
                for (int j = 0; j < m.Columns; j++) w.WriteNumberValue(m[i, j]);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("matrices");
        foreach (var parameter in network.Parameters)
        {
            w.WriteStartObject();
            w.WriteString("name", parameter.Name);
            w.WriteString("text", parameter.Value.ToString());
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    // The network's prediction at each point of the grid, and the share of the set's points on their label's side.
    private static void WriteSurface(Utf8JsonWriter w, Learner<double> learner)
    {
        var (_, accuracy) = learner.Trainer.Evaluate(learner.X, learner.Y);
        w.WriteString("accuracy", PyFormat.Repr(accuracy));
        var prediction = learner.Network.Forward(Grid, training: false);
        w.WriteStartArray("surface");
        for (int i = 0; i < prediction.Rows; i++) w.WriteNumberValue((float)prediction[i, 0]);
        w.WriteEndArray();
    }

    // What a new generation changes: the layers, the data, and the command that traces the first step.
    private static void WriteShape(Utf8JsonWriter w, PlaygroundSettings settings, Learner<double> learner)
    {
        var (set, data) = (settings.Set, settings.Set.Data);
        w.WriteStartObject("shape");
        w.WriteStartObject("settings");
        w.WriteString("dataset", set.Name);
        w.WriteString("layers", string.Join(",", settings.Layers));
        w.WriteString("activation", Vocabulary.Name(settings.Activation));
        w.WriteString("alpha", NetworkFlags.Num(settings.Alpha));
        w.WriteString("descent", settings.Descent);
        w.WriteNumber("batch", settings.BatchSize);
        w.WriteString("seed", settings.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteString("title", set.Title);
        w.WriteBoolean("twoD", set.IsTwoD);
        var (spec, recipe) = (learner.Spec, learner.Recipe);
        w.WriteString("network", $"network {Backprop.Checkpoint.Shape(spec)}, {(spec.Hidden.Count == 0 ? "no hidden layer" : Vocabulary.Name(spec.HiddenActivation) + " hidden")}, "
            + $"{Vocabulary.Name(spec.OutputActivation)} output, loss {Vocabulary.Name(learner.Loss.Kind)}, {recipe.Optimizer} alpha {NetworkFlags.Num(recipe.Alpha!.Value)}, batch {recipe.Batch}, "
            + $"{(spec.Bias ? "with" : "no")} bias, float64");
        w.WriteString("trace", settings.TraceCommand());
        w.WriteString("csv", set.Csv());
        w.WriteStartArray("layers");
        int[] sizes = [spec.Inputs, .. spec.Hidden];
        for (int k = 0; k <= sizes.Length; k++)
        {
            w.WriteStartObject();
            w.WriteString("name", $"layer_{k}");
            w.WriteStartArray("units");
            var units = k == 0 ? data.FeatureNames : k == sizes.Length ? data.TargetNames : Enumerable.Range(1, sizes[k]).Select(u => $"h{u}");
            foreach (string unit in units) w.WriteStringValue(unit);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (set.IsTwoD)
        {
            w.WriteNumber("gridSize", GridSize);
            w.WriteNumber("gridExtent", GridExtent);
            w.WriteStartArray("points");
            for (int i = 0; i < data.Count; i++)
            {
                w.WriteStartArray();
                w.WriteNumberValue(data.Features[i, 0]);
                w.WriteNumberValue(data.Features[i, 1]);
                w.WriteNumberValue(data.Targets[i, 0]);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static Matrix<double> MakeGrid()
    {
        var grid = new Matrix<double>(GridSize * GridSize, 2);
        double cell = 2 * GridExtent / GridSize;
        for (int row = 0; row < GridSize; row++)
            for (int column = 0; column < GridSize; column++)
            {
                grid[row * GridSize + column, 0] = -GridExtent + (column + 0.5) * cell;
                grid[row * GridSize + column, 1] = GridExtent - (row + 0.5) * cell;
            }
        return grid;
    }
}
