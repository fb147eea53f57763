using System.CommandLine;
using System.Numerics;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Cli;

/// <summary><c>backprop train DATA</c>: trains a network on a CSV file or IDX images, showing it learn.</summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new Argument<string>("data") { Description = "A CSV file with a header row, an IDX images file (gzipped or not), or a folder of IDX train/t10k pairs." };
        var flags = new NetworkFlags();
        var command = new Command("train", "Trains a network on your data by gradient descent and backpropagation.");
        command.Arguments.Add(data);
        flags.AddTo(command);
        command.SetAction(result => Run(result.GetValue(data)!, result, flags, stdout, stderr));
        return command;
    }

    private static int Run(string path, ParseResult result, NetworkFlags flags, TextWriter stdout, TextWriter stderr)
    {
        var first = flags.Read(result, isImages: false, hasClasses: false); // every flag's mistake, before any data is read
        // Output paths are checked before training, not after an hour of it.
        CheckOutputPath(first.Save, "--save");
        CheckOutputPath(first.History, "--history");
        CheckOutputPath(first.Plot, "--plot");
        var csv = new CsvOptions { TargetColumns = first.Targets, Classes = first.Classes };
        var (train, test, isImages) = DataFiles.LoadForTraining(path, csv);
        var settings = flags.Read(result, isImages, train.ClassNames is not null, train.Count);

        Dataset? validation = null;
        if (settings.ValidationFraction is double fraction)
            (train, validation) = train.Split(fraction);
        else if (settings.ValidationData is string vpath)
            validation = DataFiles.LoadLike(vpath, train, csv);
        if (settings.TestData is string tpath) test = DataFiles.LoadLike(tpath, train, csv);

        if (settings.Loss == "cross-entropy" && settings.Output == Activation.Identity)
            throw new UsageException("--loss cross-entropy needs probabilities: use --output softmax (classes) or sigmoid (yes/no outputs)");
        int batch = settings.Batching.SizeFor(train.Count);
        if (batch > train.Count)
            throw new UsageException($"--batch: {batch} is larger than the {train.Count} training examples");
        if (train.ClassNames is null && settings.Loss == "cross-entropy")
            throw new UsageException("--loss cross-entropy needs a target column of classes; this data's targets are numbers (use --classes to read them as classes)");
        if (settings.Output == Activation.Softmax && train.Targets.Columns < 2)
            throw new UsageException("--output softmax needs at least two outputs; a single target column of numbers takes --output identity or sigmoid");

        Gemm.MaxThreads = settings.Threads;
        return settings.Precision == "f64"
            ? Train<double>(settings, train, validation, test, stdout, stderr)
            : Train<float>(settings, train, validation, test, stdout, stderr);
    }

    private static void CheckOutputPath(string? path, string flag)
    {
        if (path is null) return;
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException($"{flag}: {path} is a folder; name a file to write");
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder)) throw new UsageException($"{flag}: the folder {folder} does not exist");
    }

    private static int Train<T>(TrainSettings s, Dataset train, Dataset? validation, Dataset? test, TextWriter stdout, TextWriter stderr)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var view = TrainingView.Create(stdout, s.Quiet);
        var normalization = Normalization.Fit(s.Normalize, train.Features);
        var x = normalization.Apply<T>(train.Features);
        var y = train.Targets.Cast<T>();
        (Matrix<T>, Matrix<T>)? validationData = validation is null ? null : (normalization.Apply<T>(validation.Features), validation.Targets.Cast<T>());

        var spec = new NetworkSpec(train.Features.Columns, s.Hidden, train.Targets.Columns)
        {
            HiddenActivation = s.Activation,
            OutputActivation = s.Output,
            Bias = s.Bias,
            Init = s.Init,
            Dropout = s.Dropout,
        };
        var random = new NumpyRandom(s.Seed);
        var network = spec.Build<T>(random);
        var loss = Losses.Create<T>(s.Loss, s.Output);
        var trainer = new Trainer<T>(network, loss, Optimizers.Create<T>(s.Optimizer, s.Alpha, s.MomentumBeta))
        {
            Batching = s.Batching,
            ShuffleWith = s.Shuffle ? random : null,
            L2 = s.L2,
            CountClasses = train.ClassNames is not null,
            EarlyStoppingPatience = s.Patience,
        };

        view.Line($"data: {train.Source}: {train.Count} training examples, {train.Features.Columns} inputs, "
                  + (train.ClassNames is { } classes ? $"{classes.Count} classes" : $"{train.Targets.Columns} outputs ({string.Join(", ", train.TargetNames)})")
                  + (validation is null ? "" : $"; {validation.Count} validation examples")
                  + (test is null ? "" : $"; {test.Count} test examples"));
        view.Line($"network: {string.Join("-", new[] { spec.Inputs }.Concat(spec.Hidden).Append(spec.Outputs))}, "
                  + $"{s.Activation.ToString().ToLowerInvariant()} hidden, {s.Output.ToString().ToLowerInvariant()} output, loss {s.Loss}, "
                  + $"{s.Optimizer} alpha {NetworkFlags.Num(s.Alpha)}, batch {s.Batching}, {s.Epochs} epochs, {s.Precision}");
        if (s.Defaulted.Count > 0)
            view.Line($"defaults chosen (set them with the flags of the same names): {string.Join(", ", s.Defaulted)}");

        trainer.BatchCompleted += p => view.Batch(p, s.Epochs);
        trainer.EpochCompleted += e => { view.Epoch(e, s.Epochs); view.EpochStarted(); };
        TrainingHistory history = null!;
        view.EpochStarted();
        view.Run(() => history = trainer.Fit(x, y, s.Epochs, validationData));

        int exitCode = 0;
        switch (history.Stop)
        {
            case StopReason.EarlyStopping:
                view.Line($"early stopping: no better {(validation is null ? "training" : "validation")} loss for {s.Patience} epochs; kept the weights of epoch {history.BestEpoch}");
                break;
            case StopReason.Diverged:
                stderr.WriteLine($"backprop: training diverged in epoch {history.DivergedAt}: the loss became NaN or infinite; "
                    + $"kept the weights from {(history.Epochs.Count == 0 ? "before training" : $"epoch {history.Epochs.Count}")}; try a smaller --alpha (it was {NetworkFlags.Num(s.Alpha)})");
                exitCode = Cli.UsageError;
                break;
        }

        if (test is not null)
        {
            var (testLoss, testAccuracy) = trainer.Evaluate(normalization.Apply<T>(test.Features), test.Targets.Cast<T>());
            view.Line($"test: loss {TrainingView.F(testLoss)}" + (train.ClassNames is null ? "" : $"  accuracy {TrainingView.F(testAccuracy)}") + $"  ({test.Count} examples)");
        }

        if (s.Save is string save)
        {
            if (history.Stop == StopReason.Diverged && history.Epochs.Count == 0)
                view.Line($"nothing saved to {save}: no epoch finished before the loss diverged");
            else
            {
                var model = Model.From(network, spec, normalization, train.FeatureNames, train.TargetNames, train.ClassNames, s.Loss);
                try { ModelFile.Save(model, save); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"{save}: cannot save the model: {e.Message}");
                }
                view.Line($"saved model to {save}" + (history.Stop == StopReason.Diverged ? $" (the weights of epoch {history.Epochs.Count}, before the loss diverged)" : ""));
            }
        }
        if (s.History is string historyPath) AtomicFile.WriteText(historyPath, HistoryFile.Format(history.Epochs));
        if (s.Plot is string plot) Chart.Save(plot, history.Epochs, s.Loss);
        return exitCode;
    }
}

/// <summary>Loss functions by their command-line names.</summary>
internal static class Losses
{
    public static ILoss<T> Create<T>(string name, Activation output) where T : unmanaged, IFloatingPointIeee754<T> => name switch
    {
        "sse" => new SquaredError<T>(),
        "mse" => new MeanSquaredError<T>(),
        "cross-entropy" when output == Activation.Sigmoid => new BinaryCrossEntropy<T>(),
        "cross-entropy" => new CrossEntropy<T>(),
        _ => throw new UsageException($"--loss: '{name}' is not one of sse, mse, cross-entropy"),
    };
}

/// <summary>Optimizers by their command-line names.</summary>
internal static class Optimizers
{
    public static IOptimizer<T> Create<T>(string name, double alpha, double beta) where T : unmanaged, IFloatingPointIeee754<T> => name switch
    {
        "sgd" => new Sgd<T>(T.CreateChecked(alpha)),
        "momentum" => new Momentum<T>(T.CreateChecked(alpha), T.CreateChecked(beta)),
        "adam" => new Adam<T>(T.CreateChecked(alpha)),
        _ => throw new UsageException($"--optimizer: '{name}' is not one of sgd, momentum[:BETA], adam"),
    };
}
