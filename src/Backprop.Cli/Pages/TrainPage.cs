using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Backprop.Cli;

/// <summary>
/// <c>train --html</c>: loss and accuracy per epoch, training against validation, with the epoch of the lowest validation
/// loss marked when later epochs are worse; the learning rate under a schedule; the confusion matrix of a classifier (or a
/// regression's errors), measured by the library at the weights training kept; and, for images, the first layer's
/// weights as pictures. Every number is the library's, written as the terminal writes it.
/// </summary>
internal static class TrainPage
{
    /// <summary>At most this many units of the first layer have their weights drawn as pictures.</summary>
    public const int MaxImages = 64;

    /// <summary>Writes the page after training ended as <paramref name="trained"/> says; <paramref name="lines"/> are the terminal's lines about the run.</summary>
    public static void Write<T>(string path, Workbench<T> w, Trained trained, IReadOnlyList<string> lines, bool showRate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var history = trained.History;
        var epochs = history.Epochs;
        (IRowSource<T> X, Matrix<T> Y)? validation = w.Data.Validation is { } v ? w.Prepare(v) : null;
        HtmlPage.Write(path, $"train: {Path.GetFileName(w.Data.Train.Source)}", "train.js", json =>
        {
            json.WriteStartObject();
            json.Strings("lines", lines);
            json.WriteString("lossName", Vocabulary.Name(w.Trainer.Loss.Kind));
            WriteEpochs(json, epochs, showRate);
            if (Overfitting(epochs) is { } best)
            {
                json.WriteStartObject("overfit");
                json.WriteNumber("epoch", best.Epoch);
                json.WriteString("label", $"lowest validation loss: epoch {best.Epoch}");
                double worst = epochs.Where(e => e.Epoch > best.Epoch && e.ValidationLoss is not null).Max(e => e.ValidationLoss!.Value);
                json.WriteString("text", $"The validation loss was lowest after epoch {best.Epoch} ({TrainingView.F(best.ValidationLoss!.Value)}); later epochs were worse "
                    + $"(up to {TrainingView.F(worst)}): from there on the network fits its training examples better and new ones worse, the notes' overfitting. "
                    + "--early-stopping PATIENCE stops there and keeps the best weights.");
                json.WriteEndObject();
            }
            WriteMeasured(json, w, history, validation);
            WriteImages(json, w);
            json.WriteEndObject();
        });
    }

    /// <summary>The epoch of the lowest validation loss (the first if tied) when some later epoch is worse; else null.</summary>
    public static EpochResult? Overfitting(IReadOnlyList<EpochResult> epochs)
    {
        var measured = epochs.Where(e => e.ValidationLoss is double v && double.IsFinite(v)).ToList();
        if (measured.Count == 0) return null;
        var best = measured.MinBy(e => e.ValidationLoss!.Value);
        return measured.Any(e => e.Epoch > best.Epoch && e.ValidationLoss > best.ValidationLoss) ? best : null;
    }

    // The table of epochs (the terminal's strings) and the chart series (numbers, for drawing).
    private static void WriteEpochs(Utf8JsonWriter json, IReadOnlyList<EpochResult> epochs, bool showRate)
    {
        var columns = new List<(string Name, string Key, Func<EpochResult, double?> Value, Func<double, string> Text)>
        {
            ("loss", "loss", e => e.MeanLoss, TrainingView.F),
            ("accuracy", "accuracy", e => e.TrainAccuracy, TrainingView.F),
            ("validation loss", "validationLoss", e => e.ValidationLoss, TrainingView.F),
            ("validation accuracy", "validationAccuracy", e => e.ValidationAccuracy, TrainingView.F),
            ("validation mae", "validationMae", e => e.ValidationMae, TrainingView.F),
        };
        if (showRate) columns.Add(("lr", "lr", e => e.LearningRate, TrainingView.Rate));
        columns.RemoveAll(c => epochs.All(e => c.Value(e) is null));
        json.Table("epochs", "Each epoch as the terminal prints it (loss and accuracy while training through the epoch; validation after it)",
            ["epoch", .. columns.Select(c => c.Name)],
            epochs.Select(e => (IEnumerable<string>)[e.Epoch.ToString(CultureInfo.InvariantCulture), .. columns.Select(c => c.Value(e) is double v ? c.Text(v) : "")]));
        json.Integers("epochNumbers", epochs.Select(e => e.Epoch));
        json.WriteStartObject("series");
        foreach (var c in columns) json.Numbers(c.Key, epochs.Select(c.Value));
        json.WriteEndObject();
    }

    // Measured after training at the weights it kept, on the validation data when there is some (else the training data):
    // the confusion matrix of a classifier, a regression's MAE, RMSE and R² of each target column.
    private static void WriteMeasured<T>(Utf8JsonWriter json, Workbench<T> w, TrainingHistory history, (IRowSource<T> X, Matrix<T> Y)? validation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (x, y) = validation ?? (w.Rows, w.Y);
        var result = Evaluation.Run(w.Network, w.Loss, x, y);
        var train = w.Data.Train;
        string weights = history.Stop == StopReason.EarlyStopping || history.BestEpoch != history.Epochs.Count
            ? $"the weights of epoch {history.BestEpoch}, which training kept" : $"the weights after epoch {history.Epochs.Count}";
        string on = validation is null ? $"the training data ({train.Count} examples; there is no validation data)" : $"the validation data ({y.Rows} examples)";
        if (w.Trainer.CountClasses)
        {
            var classes = train.ClassNames ?? (y.Columns == 1 ? ["0", "1"] : train.TargetNames);
            var counts = Metrics.ConfusionMatrix(result.Actual, result.Predicted, classes.Count);
            json.WriteStartObject("confusion");
            json.WriteString("caption", $"Confusion matrix on {on}, with {weights}: rows are the actual class, columns the predicted class");
            json.WriteString("accuracy", $"accuracy: {TrainingView.F(result.Accuracy)} ({result.Predicted.Zip(result.Actual).Count(p => p.First == p.Second)} of {y.Rows})");
            json.Strings("classes", classes);
            json.WriteStartArray("counts");
            for (int a = 0; a < classes.Count; a++) json.Integers(null, Enumerable.Range(0, classes.Count).Select(p => counts[a, p]));
            json.WriteEndArray();
            json.WriteEndObject();
        }
        else
        {
            var rows = train.TargetNames.Zip(result.Columns, (name, errors) => (Name: name, Errors: errors)).ToList();
            if (rows.Count > 1) rows.Add(("overall (mean of columns)", result.Overall));
            json.Table("regression", $"Errors on {on}, with {weights}", ["column", "mae", "rmse", "r2"],
                rows.Select(r => (IEnumerable<string>)[r.Name, Num(r.Errors.MeanAbsoluteError), Num(r.Errors.RootMeanSquaredError), Num(r.Errors.RSquared)]));
        }
    }

    // The first layer's weights as pictures when the inputs are images: each unit's incoming weights, height x width.
    private static void WriteImages<T>(Utf8JsonWriter json, Workbench<T> w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var first = w.Network.DenseLayers[0];
        if (w.Data.Train.ImageShape is not (int height, int width) || first.Inputs != height * width) return;
        var weights = first.Weights.Value;
        int shown = Math.Min(MaxImages, first.Outputs);
        json.WriteStartObject("images");
        json.WriteString("layer", first.Weights.Name);
        json.WriteNumber("height", height);
        json.WriteNumber("width", width);
        json.WriteNumber("levelSteps", PageJson.Steps);
        json.WriteString("note", (shown < first.Outputs ? $"The first {shown} of the {first.Outputs} units of layer_1" : $"Each of the {first.Outputs} units of layer_1")
            + $": its {height * width} incoming weights ({first.Weights.Name}[:, unit]) as a {width} x {height} picture, pixel for pixel. "
            + "Blue: a positive weight (the pixel lit pushes the unit up), vermillion: negative; each picture on its own scale, to its largest |weight|, "
            + $"rounded to {2 * PageJson.Steps + 1} levels for drawing only. The table gives each unit's smallest and largest weight.");
        json.WriteStartArray("units");
        for (int u = 0; u < shown; u++)
        {
            var column = Enumerable.Range(0, first.Inputs).Select(i => double.CreateChecked(weights[i, u])).ToArray();
            int low = Array.IndexOf(column, column.Min()), high = Array.IndexOf(column, column.Max());
            json.WriteStartObject();
            json.WriteString("name", $"unit {u}");
            json.WriteString("levels", PageJson.Levels(column, column.Max(Math.Abs)));
            json.Strings("row", [$"unit {u}", $"{TrainingView.F(column[low])} (row {low / width}, column {low % width})", $"{TrainingView.F(column[high])} (row {high / width}, column {high % width})"]);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string Num(double v) => double.IsNaN(v) ? "-" : TrainingView.F(v);
}
