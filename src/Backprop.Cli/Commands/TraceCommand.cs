using System.CommandLine;
using System.Globalization;
using System.Numerics;

namespace Backprop.Cli;

/// <summary>
/// <c>backprop trace DATA</c>: one iteration of backpropagation, step by step, for any network the flags
/// describe: every weight matrix, each layer's output, the error, each delta before and after the activation's
/// derivative, each weight delta and each updated weight matrix, named as the notes name them.
/// </summary>
internal static class TraceCommand
{
    public static Command Create(TextWriter stdout)
    {
        var data = new Argument<string>("data") { Description = "A CSV file with a header row, IDX images, or a folder of IDX pairs." };
        var row = new Option<string?>("--row") { Description = "The example to trace (0 is the first row). Default 0." };
        var rows = new Option<string?>("--batch-rows") { Description = "A:B traces one mini-batch update on rows A to B-1, as Python's data[A:B]." };
        var flags = new NetworkFlags(NetworkFlags.LookInside);
        var command = new Command("trace", "Shows one iteration of backpropagation step by step: every matrix, delta and update, named as in the notes.");
        command.Arguments.Add(data);
        command.Options.Add(row);
        command.Options.Add(rows);
        flags.AddTo(command, flags.TrainOnly);
        command.SetAction(result =>
        {
            var (start, end) = Rows(result.GetValue(row), result.GetValue(rows));
            var loaded = LoadedData.Load(result.GetValue(data)!, result, flags);
            if (end > loaded.Train.Count)
                throw new UsageException($"{(result.GetValue(rows) is null ? "--row" : "--batch-rows")}: the data has {loaded.Train.Count} training rows (0 to {loaded.Train.Count - 1})");
            return Workbench<double>.ByPrecision(loaded, w => Trace(w, start, end, stdout), w => Trace(w, start, end, stdout));
        });
        return command;
    }

    // A Python str literal of name, as repr writes one.
    private static string PyString(string name) => "'" + name.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    private static (int Start, int End) Rows(string? row, string? rows)
    {
        if (row is not null && rows is not null) throw new UsageException("--row and --batch-rows both choose rows; give one");
        if (rows is not null)
        {
            string[] parts = rows.Split(':');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int a)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int b) && a < b)
                return (a, b);
            throw new UsageException($"--batch-rows: '{rows}' is not A:B with A below B (e.g. 0:4)");
        }
        if (row is null) return (0, 1);
        return int.TryParse(row, NumberStyles.None, CultureInfo.InvariantCulture, out int r)
            ? (r, r + 1) : throw new UsageException($"--row: '{row}' is not a row number (0 or more)");
    }

    private static int Trace<T>(Workbench<T> w, int start, int end, TextWriter stdout) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (s, recipe) = (w.Settings, w.Recipe);
        var network = w.Network;
        if (!s.Quiet)
        {
            stdout.WriteLine(w.NetworkLine());
            if (w.DefaultsLine() is string d) stdout.WriteLine(d);
            foreach (var note in s.Notes) stdout.WriteLine(note);
        }
        if (w.Epochs > 0) w.Trainer.Fit(w.X, w.Y, w.Epochs); // look inside a network that has already learned a while

        var names = new LayerNames<T>(network);
        void Show(string expression, Matrix<T> value) => stdout.Write($">>> {expression}\n{value}\n");

        var layer_0 = w.X[start..end];
        var goal = w.Y[start..end];
        stdout.Write($">>> alpha = {NetworkFlags.Num(recipe.Alpha!.Value)}\n");
        Show($"layer_0 = data[{start}:{end}]", layer_0);
        Show($"goal = targets[{start}:{end}]", goal);
        // With text columns one-hot (or filled cells), layer_0's columns are not the file's: name them.
        if (w.Data.Train.Schema is { IsPlain: false } schema)
            stdout.Write($">>> inputs  # the columns of layer_0 (text columns one-hot)\n[{string.Join(", ", schema.InputNames.Select(PyString))}]\n");
        foreach (var dense in network.DenseLayers)
        {
            Show(dense.Weights.Name, dense.Weights.Value);
            if (dense.Bias is not null) Show(dense.Bias.Name, dense.Bias.Value);
        }

        // Predict: each layer's output.
        var prediction = network.Forward(layer_0, training: true, (i, output) => Show(names.Forward(i), output));
        double error = double.CreateChecked(w.Loss.Loss(prediction, goal));
        stdout.Write($">>> error = {names.LossExpression(w.Loss)}\n{Formatting.PyFormat.Repr(error)}\n");

        // Learn: the deltas, from the output back to the first layer.
        network.Backward(w.Loss, prediction, goal, (i, delta) =>
        {
            if (names.Backward(i, w.Loss, end - start) is string label) Show(label, delta);
        });
        var dense_layers = network.DenseLayers.ToArray();
        for (int k = dense_layers.Length - 1; k >= 0; k--)
        {
            Show($"weight_delta_{k}_{k + 1} = layer_{k}.T.dot(layer_{k + 1}_delta)", dense_layers[k].Weights.Gradient);
            if (dense_layers[k].Bias is { } bias) Show($"bias_delta_{k + 1} = layer_{k + 1}_delta.sum(axis=0)", bias.Gradient);
        }
        w.Trainer.Update();
        string how = recipe.Optimizer == "sgd" ? "-= alpha * " : $"updated by {recipe.Optimizer} from ";
        string decay = recipe.L2 > 0 ? $" (+ {NetworkFlags.Num(recipe.L2)} * weights_k_k+1 for L2)" : "";
        for (int k = dense_layers.Length - 1; k >= 0; k--)
        {
            Show($"weights_{k}_{k + 1} {how}weight_delta_{k}_{k + 1}{decay}", dense_layers[k].Weights.Value);
            if (dense_layers[k].Bias is { } bias) Show($"bias_{k + 1} {how}bias_delta_{k + 1}", bias.Value);
        }
        return 0;
    }
}
