using System.Globalization;
using System.Numerics;
using Backprop.Layers;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop;

/// <summary>
/// Runs one iteration of backpropagation on rows <c>start</c> to <c>end</c>-1 of a learner's training data, giving the
/// steps of an <see cref="IterationTrace"/> in order: alpha, layer_0, goal, the weights, each layer's output, the error,
/// each delta before and after the activation's derivative, each weight (and bias) delta, each update. It runs the
/// library's own forward, backward and update; each step carries numpy's repr of the value the library computed.
/// </summary>
internal sealed class IterationTracer<T>(Learner<T> learner, int start, int end) where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dense<T>[] dense_layers = learner.Network.DenseLayers.ToArray();
    private readonly LayerNames<T> names = new(learner.Network);

    // The per-unit strings of each layer's output and delta as last shown (one-row batches): a weight delta step,
    // layer_k.T.dot(layer_k+1_delta), shows the two beside the units.
    private readonly Dictionary<int, IReadOnlyList<string>> outputs = [], deltas = [];

    /// <summary>Runs the iteration (it changes the network's weights, as one training step does), giving each step to <paramref name="show"/> in order.</summary>
    public void Run(Action<TraceStep> show)
    {
        var recipe = learner.Recipe;
        var network = learner.Network;
        var loss = learner.Loss;
        var layer_0 = learner.X[start..end];
        var goal = learner.Y[start..end];
        show(TraceStep.Of("start", $"alpha = {Num(recipe.Alpha!.Value)}", ""));
        show(Step("start", $"layer_0 = data[{start}:{end}]", layer_0, 0, outputs));
        show(Step("start", $"goal = targets[{start}:{end}]", goal, dense_layers.Length));
        // With text columns one-hot (or filled cells), layer_0's columns are not the file's: name them.
        if (learner.Train.Schema is { IsPlain: false } schema)
            show(TraceStep.Of("start", "inputs  # the columns of layer_0 (text columns one-hot)", $"[{string.Join(", ", schema.InputNames.Select(PyString))}]") with { Layers = [0] });
        for (int k = 0; k < dense_layers.Length; k++)
        {
            show(Step("start", dense_layers[k].Weights.Name, dense_layers[k].Weights.Value));
            if (dense_layers[k].Bias is { } bias) show(Step("start", bias.Name, bias.Value, k + 1));
        }

        // Predict: each layer's output.
        var prediction = network.Forward(layer_0, training: true, (i, output) => show(Step("predict", names.Forward(i), output, names.Block(i) + 1, outputs)));
        // A relu layer with every unit off for every row traced: a comment line (a Python session would print nothing for it).
        var watch = new DeadLayerWatch<T>(network);
        watch.Observe();
        if (watch.NotSeenOn() is { } off) show(TraceStep.Of("predict", DeadLayerNote(off, recipe), ""));
        double error = double.CreateChecked(loss.Loss(prediction, goal));
        show(TraceStep.Of("compare", $"error = {names.LossExpression(loss)}", Formatting.PyFormat.Repr(error)));

        // Learn: the deltas, from the output back to the first layer.
        network.Backward(loss, prediction, goal, (i, delta) =>
        {
            if (names.Backward(i, loss, end - start) is string label) show(Step("learn", label, delta, names.Block(i) + 1, deltas));
        });
        for (int k = dense_layers.Length - 1; k >= 0; k--)
        {
            var beside = new Dictionary<int, IReadOnlyList<string>>();
            if (outputs.TryGetValue(k, out var input)) beside[k] = input;
            if (deltas.TryGetValue(k + 1, out var delta)) beside[k + 1] = delta;
            show(TraceStep.Of("weight deltas", $"weight_delta_{k}_{k + 1} = layer_{k}.T.dot(layer_{k + 1}_delta)", dense_layers[k].Weights.Gradient.ToString(), beside));
            if (dense_layers[k].Bias is { } bias) show(Step("weight deltas", $"bias_delta_{k + 1} = layer_{k + 1}_delta.sum(axis=0)", bias.Gradient, k + 1));
        }

        // Update: the last layer's weights first, as the notes do.
        learner.Trainer.Update();
        string how = recipe.Optimizer == Training.Optimizer.Sgd ? "-= alpha * " : $"updated by {recipe.Optimizer!.Name} from ";
        string decay = recipe.L2 > 0 ? $" (+ {Num(recipe.L2)} * weights_k_k+1 for L2)" : "";
        var updated = new List<int>();
        for (int k = dense_layers.Length - 1; k >= 0; k--)
        {
            updated.Add(k);
            show(Step("update", $"weights_{k}_{k + 1} {how}weight_delta_{k}_{k + 1}{decay}", dense_layers[k].Weights.Value) with { Updated = [.. updated] });
            if (dense_layers[k].Bias is { } bias) show(Step("update", $"bias_{k + 1} {how}bias_delta_{k + 1}", bias.Value, k + 1) with { Updated = [.. updated] });
        }
    }

    /// <summary>
    /// The step showing <paramref name="value"/>; when it is one row of <paramref name="layer"/>'s width, its values are
    /// written beside that layer's units (and remembered in <paramref name="remember"/> for the weight delta steps).
    /// </summary>
    private TraceStep Step(string phase, string expression, Matrix<T> value, int? layer = null, Dictionary<int, IReadOnlyList<string>>? remember = null)
    {
        string text = value.ToString();
        var values = new Dictionary<int, IReadOnlyList<string>>();
        if (layer is int k)
        {
            var strings = TraceStep.OnePerUnit(text, value.Rows, value.Columns, Width(k));
            if (strings is not null) values[k] = strings;
            if (remember is not null)
            {
                if (strings is not null) remember[k] = strings;
                else remember.Remove(k);
            }
        }
        return TraceStep.Of(phase, expression, text, values);
    }

    /// <summary>The number of units of layer_k.</summary>
    private int Width(int k) => k == 0 ? dense_layers[0].Weights.Value.Rows : dense_layers[k - 1].Weights.Value.Columns;

    // The note on relu layers off for every row traced, as a Python comment, with what to change (train's flags, the
    // recipe's settings of the same names, and the values this run had).
    private string DeadLayerNote(IReadOnlyList<int> layers, Recipe recipe)
    {
        var layerNames = layers.Select(k => $"layer_{k}").ToArray();
        string named = layerNames.Length == 1 ? layerNames[0] : $"{string.Join(", ", layerNames[..^1])} and {layerNames[^1]}";
        return $"# note: every unit of {named} (relu) output 0 for {(end - start == 1 ? $"row {start}" : $"rows {start} to {end - 1}")}: "
            + $"no delta flows back through {(layers.Count == 1 ? "it" : "them")}, so nothing below learns from this iteration; "
            + $"a layer that does this for every training example is dead: "
            + $"try another --seed, a smaller --alpha (it is {Num(recipe.Alpha!.Value)}) or another --init (it is {recipe.Init})";
    }

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    // A Python str literal of name, as repr writes one.
    private static string PyString(string name) => "'" + name.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
