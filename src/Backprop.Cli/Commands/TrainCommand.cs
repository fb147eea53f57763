using System.CommandLine;
using System.Numerics;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Cli;

/// <summary><c>backprop train DATA</c>: trains a network on a CSV file or IDX images, showing it learn.</summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, CancellationToken interrupt)
    {
        var data = new Argument<string>("data") { Description = "A CSV file with a header row, an IDX images file (gzipped or not), or a folder of IDX train/t10k pairs." };
        var flags = new NetworkFlags(new Recipe());
        flags.Html.Description = "Write a self-contained HTML page (opens from disk, fetches nothing) after training, as --plot: loss and accuracy per epoch, train against validation, "
            + "the epoch of the lowest validation loss marked, the confusion matrix (or a regression's errors) and, for IDX images, the first layer's weights as pictures." + NetworkFlags.WrittenAs;
        var checkpointFlags = new CheckpointFlags();
        var command = new Command("train", "Trains a network on your data by gradient descent and backpropagation.");
        command.Arguments.Add(data);
        flags.AddTo(command);
        checkpointFlags.AddTo(command);
        command.SetAction(result => Run(result.GetValue(data)!, result, flags, checkpointFlags, stdout, stderr, interrupt));
        return command;
    }

    private static int Run(string path, ParseResult result, NetworkFlags flags, CheckpointFlags checkpointFlags, TextWriter stdout, TextWriter stderr, CancellationToken interrupt)
    {
        var start = checkpointFlags.Read(result);
        LoadedData.CheckOutputPath(start.CheckpointPath, "--checkpoint");
        var data = LoadedData.Load(path, result, flags, s => start.Apply(s, result, flags)) with { StartFrom = start.InitFrom };
        if (start.InitFrom is { } model)
        {
            var recipe = data.Resolve().Recipe;
            if (Learner<double>.StartProblem(model, recipe.SpecFor(data.Train.FeatureNames.Count, data.Train.Targets.Columns), data.Train) is string problem)
                throw new UsageException($"--init-from {start.InitFromPath}: {problem}");
        }
        return Workbench<double>.ByPrecision(data, w => Train(w, start, stdout, stderr, interrupt), w => Train(w, start, stdout, stderr, interrupt));
    }

    private static int Train<T>(Workbench<T> w, CheckpointFlags.Start start, TextWriter stdout, TextWriter stderr, CancellationToken interrupt) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = w.Settings;
        var (train, validation, test) = (w.Data.Train, w.Data.Validation, w.Data.Test);
        var (network, spec, normalization, trainer) = (w.Network, w.Spec, w.Normalization, w.Trainer);
        var view = TrainingView.Create(stdout, s.Quiet);
        var said = new List<string>(); // the lines about the run, for the page
        void Say(string line)
        {
            said.Add(line);
            view.Line(line);
        }
        bool scheduled = w.Recipe.Schedule is not (null or ConstantSchedule);
        view.ShowRate = scheduled;
        view.EveryEpoch = s.Verbose;
        view.DeadNote = (layers, epoch) => DeadLayerNote.Train(layers, epoch, w.Recipe);
        (IRowSource<T>, Matrix<T>)? validationData = validation is null ? null : w.Prepare(validation);
        Say(w.DataLine());
        Say(w.NetworkLine());
        if (w.DefaultsLine() is string defaults) Say(defaults);
        if (w.ClassWeightsLine() is string classWeights) Say(classWeights);
        foreach (var note in s.Notes) Say(note);
        if (start.Resume is { } resume)
        {
            if (w.Learner.ResumeProblem(resume, validation) is string problem) throw new UsageException($"--resume {start.ResumePath}: {problem}");
            // A finished run's checkpoint is at the epoch past its last: nothing to train unless --epochs asks for more.
            Say(resume.State.Epoch > w.Epochs
                ? $"--resume {start.ResumePath}: the checkpoint is of a finished run: all {resume.State.History.Count} epochs done; nothing to resume (--epochs above {resume.State.History.Count} trains on)"
                : $"resumed from {start.ResumePath}: epoch {resume.State.Epoch}, {resume.State.Position} of {train.Count} examples done");
        }
        if (start.InitFromPath is string initFrom) Say($"starting from the weights of {initFrom}");

        using var historyFile = s.History is string historyPath ? new HistoryWriter(historyPath) : null;
        foreach (var epoch in start.Resume?.State.History ?? []) historyFile?.Append(epoch);
        var checkpoints = new CheckpointSaver<T>(w, start, validation);
        trainer.BatchCompleted += p => view.Batch(p, w.Epochs);
        trainer.EpochCompleted += e => { historyFile?.Append(e); view.Epoch(e, w.Epochs); view.EpochStarted(); };
        TrainingHistory history = null!;
        if ((start.Resume?.State.Epoch ?? 1) <= w.Epochs && view.SpacingLine(w.Epochs) is string spacing) view.Line(spacing);
        view.EpochStarted();
        using (Cli.ListenForInterrupt())
            view.Run(() => history = trainer.Fit(w.Rows, w.Y, w.Epochs, validationData, interrupt, checkpoints.Checkpointing));
        view.Finish();

        int exitCode = 0;
        string? interrupted = null, diverged = null;
        switch (history.Stop)
        {
            case StopReason.Cancelled:
                interrupted = $"interrupted in epoch {history.Epochs.Count + 1} of {w.Epochs}";
                exitCode = Cli.Interrupted;
                break;
            case StopReason.EarlyStopping:
                Say($"early stopping: no better {(validation is null ? "training" : "validation")} loss for {w.Recipe.Patience} epochs; kept the weights of epoch {history.BestEpoch}");
                break;
            case StopReason.Diverged:
                diverged = $"training diverged in epoch {history.DivergedAt}: the loss became NaN or infinite; "
                    + $"kept the weights from {(history.Epochs.Count == 0 ? "before training" : $"epoch {history.Epochs.Count}")}; try a smaller --alpha (it was {NetworkFlags.Num(w.Recipe.Alpha!.Value)})";
                stderr.WriteLine($"backprop: {diverged}");
                exitCode = Cli.UsageError;
                break;
        }

        if (test is not null && interrupted is null)
        {
            var (tx, ty) = w.Prepare(test);
            var (testLoss, testAccuracy) = trainer.Evaluate(tx, ty);
            Say($"test: loss {TrainingView.F(testLoss)}" + (train.ClassNames is null ? "" : $"  accuracy {TrainingView.F(testAccuracy)}") + $"  ({test.Count} examples)");
        }

        var kept = new List<string>();
        if (s.Save is string save)
        {
            if (history.Stop == StopReason.Diverged && history.Epochs.Count == 0)
                Say($"nothing saved to {save}: no epoch finished before the loss diverged");
            else if (interrupted is not null && history.Epochs.Count == 0)
                kept.Add($"nothing saved to {save}: no epoch had finished");
            else
            {
                var model = w.Learner.ToModel();
                try { ModelFile.Save(model, save); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"{save}: cannot save the model: {e.Message}");
                }
                if (interrupted is not null) kept.Add($"saved the weights of epoch {history.Epochs.Count} to {save}");
                else Say($"saved model to {save}" + (history.Stop == StopReason.Diverged ? $" (the weights of epoch {history.Epochs.Count}, before the loss diverged)" : ""));
            }
        }
        if (interrupted is not null && checkpoints.Last is { } last)
            kept.Add($"checkpoint at epoch {last.Epoch}, example {last.Position} of {train.Count} in {start.CheckpointPath} (--resume it to go on)");
        if (historyFile is not null && interrupted is not null) kept.Add($"{historyFile.Rows} epoch{(historyFile.Rows == 1 ? "" : "s")} in {s.History}");
        if (s.Plot is string plot && history.Epochs.Count > 0) Chart.Save(plot, history.Epochs, Vocabulary.Name(trainer.Loss.Kind), showRate: scheduled);
        if (s.Html is string html && history.Epochs.Count > 0)
            TrainPage.Write(html, w, history, [.. said, .. new[] { interrupted, diverged }.OfType<string>()], scheduled, validationData);
        if (historyFile?.Failure is string failure) throw new UsageException(failure);
        if (interrupted is not null) stderr.WriteLine($"backprop: {interrupted}" + (kept.Count > 0 ? $"; {string.Join("; ", kept)}" : ""));
        return exitCode;
    }
}
