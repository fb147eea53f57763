using System.Globalization;
using System.Text.Json;
using Backprop.Models;

namespace Backprop.Pages;

/// <summary>
/// The page of a training run (<see cref="Trained"/>): loss and accuracy per epoch, training against validation, with the
/// epoch of the lowest validation loss marked when later epochs are worse; the learning rate under a schedule; the
/// confusion matrix of a classifier (or a regression's errors), from <see cref="Model.Evaluate(Backprop.Data.Dataset)"/> of the trained model on
/// the validation rows (else the training rows); and, for images, the first layer's weights as pictures. Every number is
/// the library's, written as <c>backprop train</c> writes it. One self-contained HTML file: it opens from disk and
/// fetches nothing.
/// </summary>
/// <example>
/// <code>
/// var trained = new Recipe().Fit(data, new FitOptions { ValidationFraction = 0.2 });
/// TrainPage.Write("train.html", trained);
/// </code>
/// </example>
public static class TrainPage
{
    /// <summary>At most this many units of the first layer have their weights drawn as pictures.</summary>
    internal const int MaxImages = 64;

    /// <summary>The page of <paramref name="trained"/>, as HTML text.</summary>
    /// <param name="trained">The run, as <see cref="Recipe.Fit"/> or <see cref="Learner.Run"/> gave it.</param>
    /// <param name="lines">The lines shown above the charts (what <c>backprop train</c> printed about the run); default: one line describing the network.</param>
    /// <exception cref="ArgumentException">The run has no epoch to show.</exception>
    public static string Render(Trained trained, IReadOnlyList<string>? lines = null)
    {
        ArgumentNullException.ThrowIfNull(trained);
        var history = trained.History;
        var epochs = history.Epochs;
        if (epochs.Count == 0) throw new ArgumentException("The run has no finished epoch to show.", nameof(trained));
        var model = trained.Model;
        lines ??= [PageText.Network(trained.Recipe, model.Spec)];
        bool showRate = trained.Recipe.Schedule is not (null or ConstantSchedule);
        var source = trained.Train ?? trained.Validation;
        return HtmlPage.Render(source is null ? "train" : $"train: {PageText.Source(source)}", "train.js", json =>
        {
            json.WriteStartObject();
            json.Strings("lines", lines);
            json.WriteString("lossName", Vocabulary.Name(model.Loss));
            WriteEpochs(json, epochs, showRate);
            if (Overfitting(epochs) is { } best)
            {
                json.WriteStartObject("overfit");
                json.WriteNumber("epoch", best.Epoch);
                json.WriteString("label", $"lowest validation loss: epoch {best.Epoch}");
                double worst = epochs.Where(e => e.Epoch > best.Epoch && e.ValidationLoss is not null).Max(e => e.ValidationLoss!.Value);
                json.WriteString("text", $"The validation loss was lowest after epoch {best.Epoch} ({PageText.F(best.ValidationLoss!.Value)}); later epochs were worse "
                    + $"(up to {PageText.F(worst)}): from there on the network fits its training examples better and new ones worse, the notes' overfitting. "
                    + "--early-stopping PATIENCE stops there and keeps the best weights.");
                json.WriteEndObject();
            }
            WriteMeasured(json, trained);
            WriteImages(json, trained);
            json.WriteEndObject();
        });
    }

    /// <summary>Writes <see cref="Render"/>'s page to <paramref name="path"/> (UTF-8).</summary>
    /// <exception cref="ArgumentException">The run has no epoch to show.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, Trained trained, IReadOnlyList<string>? lines = null) => HtmlPage.Write(path, Render(trained, lines));

    /// <summary>The epoch of the lowest validation loss (the first if tied) when some later epoch is worse; else null.</summary>
    internal static EpochResult? Overfitting(IReadOnlyList<EpochResult> epochs)
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
            ("loss", "loss", e => e.MeanLoss, PageText.F),
            ("accuracy", "accuracy", e => e.TrainAccuracy, PageText.F),
            ("validation loss", "validationLoss", e => e.ValidationLoss, PageText.F),
            ("validation accuracy", "validationAccuracy", e => e.ValidationAccuracy, PageText.F),
            ("validation mae", "validationMae", e => e.ValidationMae, PageText.F),
        };
        if (showRate) columns.Add(("lr", "lr", e => e.LearningRate, PageText.Rate));
        columns.RemoveAll(c => epochs.All(e => c.Value(e) is null));
        json.Table("epochs", "Each epoch as the terminal prints it (loss and accuracy while training through the epoch; validation after it)",
            ["epoch", .. columns.Select(c => c.Name)],
            epochs.Select(e => (IEnumerable<string>)[e.Epoch.ToString(CultureInfo.InvariantCulture), .. columns.Select(c => c.Value(e) is double v ? c.Text(v) : "")]));
        json.Integers("epochNumbers", epochs.Select(e => e.Epoch));
        json.WriteStartObject("series");
        foreach (var c in columns) json.Numbers(c.Key, epochs.Select(c.Value));
        json.WriteEndObject();
    }

    // Measured by the library after training, with the model's weights (those training kept), on the validation data when
    // there is some (else the training data): the confusion matrix of a classifier, a regression's MAE, RMSE and R² of each
    // target column.
    private static void WriteMeasured(Utf8JsonWriter json, Trained trained)
    {
        var (model, history) = (trained.Model, trained.History);
        if ((trained.Validation ?? trained.Train) is not { } data) return;
        var result = model.Evaluate(data);
        string weights = history.Stop == StopReason.EarlyStopping || history.BestEpoch != history.Epochs.Count
            ? $"the weights of epoch {history.BestEpoch}, which training kept" : $"the weights after epoch {history.Epochs.Count}";
        string on = trained.Validation is null ? $"the training data ({data.Count} examples; there is no validation data)" : $"the validation data ({data.Count} examples)";
        if (model.Classes is not null || LossCatalog.PredictsClasses(model.Loss, model.Spec.OutputActivation, model.Spec.Outputs))
        {
            var classes = model.ClassNames ?? (model.Spec.Outputs == 1 ? ["0", "1"] : model.TargetNames);
            var counts = Metrics.ConfusionMatrix(result.Actual, result.Predicted, classes.Count);
            json.WriteStartObject("confusion");
            json.WriteString("caption", $"Confusion matrix on {on}, with {weights}: rows are the actual class, columns the predicted class");
            json.WriteString("accuracy", $"accuracy: {PageText.F(result.Accuracy)} ({result.CorrectCount} of {data.Count})");
            json.Strings("classes", classes);
            json.WriteStartArray("counts");
            for (int a = 0; a < classes.Count; a++) json.Integers(null, Enumerable.Range(0, classes.Count).Select(p => counts[a, p]));
            json.WriteEndArray();
            json.WriteEndObject();
        }
        else
        {
            var rows = model.TargetNames.Zip(result.Columns, (name, errors) => (Name: name, Errors: errors)).ToList();
            if (rows.Count > 1) rows.Add(("overall (mean of columns)", result.Overall));
            json.Table("regression", $"Errors on {on}, with {weights}", ["column", "mae", "rmse", "r2"],
                rows.Select(r => (IEnumerable<string>)[r.Name, Num(r.Errors.MeanAbsoluteError), Num(r.Errors.RootMeanSquaredError), Num(r.Errors.RSquared)]));
        }
    }

    // The first layer's weights as pictures when the inputs are images: each unit's incoming weights, height x width.
    private static void WriteImages(Utf8JsonWriter json, Trained trained)
    {
        var model = trained.Model;
        int inputs = model.Spec.Inputs;
        if ((trained.Train ?? trained.Validation)?.ImageShape is not (int height, int width) || inputs != height * width) return;
        double[] weights = model.Weights[0];   // inputs x units, row-major: weights_0_1
        int units = weights.Length / inputs, shown = Math.Min(MaxImages, units);
        const string Layer = "weights_0_1";
        json.WriteStartObject("images");
        json.WriteString("layer", Layer);
        json.WriteNumber("height", height);
        json.WriteNumber("width", width);
        json.WriteNumber("levelSteps", PageJson.Steps);
        json.WriteString("note", (shown < units ? $"The first {shown} of the {units} units of layer_1" : $"Each of the {units} units of layer_1")
            + $": its {height * width} incoming weights ({Layer}[:, unit]) as a {width} x {height} picture, pixel for pixel. "
            + "Blue: a positive weight (the pixel lit pushes the unit up), vermillion: negative; each picture on its own scale, to its largest |weight|, "
            + $"rounded to {2 * PageJson.Steps + 1} levels for drawing only. The table gives each unit's smallest and largest weight.");
        json.WriteStartArray("units");
        for (int u = 0; u < shown; u++)
        {
            var column = Enumerable.Range(0, inputs).Select(i => weights[i * units + u]).ToArray();
            int low = Array.IndexOf(column, column.Min()), high = Array.IndexOf(column, column.Max());
            json.WriteStartObject();
            json.WriteString("name", $"unit {u}");
            json.WriteString("levels", PageJson.Levels(column, column.Max(Math.Abs)));
            json.Strings("row", [$"unit {u}", $"{PageText.F(column[low])} (row {low / width}, column {low % width})", $"{PageText.F(column[high])} (row {high / width}, column {high % width})"]);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string Num(double v) => double.IsNaN(v) ? "-" : PageText.F(v);
}
