using System.CommandLine;
using System.Numerics;
using Backprop.Data;
using Backprop.Models;
using Backprop.Pages;

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
        var cache = LoadedData.CacheOption("Train", "train", " (--validation-data and --test-data are read into memory)");
        var command = new Command("train", "Trains a network on your data by gradient descent and backpropagation.");
        command.Arguments.Add(data);
        flags.AddTo(command);
        command.Options.Add(cache);
        checkpointFlags.AddTo(command);
        command.SetAction(result => Run(result.GetValue(data)!, result, flags, checkpointFlags, result.GetValue(cache), stdout, stderr, interrupt));
        return command;
    }

    private static int Run(string path, ParseResult result, NetworkFlags flags, CheckpointFlags checkpointFlags, string? cache, TextWriter stdout, TextWriter stderr, CancellationToken interrupt)
    {
        var start = checkpointFlags.Read(result);
        LoadedData.CheckOutputPath(start.CheckpointPath, "--checkpoint");
        var data = LoadedData.Load(path, result, flags, start, interrupt, cache ?? LoadedData.AutoCache);
        return Workbench<double>.ByPrecision(data, w => Train(w, start, stdout, stderr), w => Train(w, start, stdout, stderr));
    }

    // Flags in, the library's learner run, what happened out: the lines before, each epoch as it ends, the stop, the outputs.
    private static int Train<T>(Workbench<T> w, CheckpointFlags.Start start, TextWriter stdout, TextWriter stderr) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = w.Settings;
        var (train, validation, test) = (w.Data.Train, w.Data.Validation, w.Data.Test);
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
        if (w.Data.Data.CacheNote is string cacheNote) Say(cacheNote);
        Say(w.DataLine());
        foreach (var note in DataFiles.NoteLines(w.Data.Data)) Say(note);
        Say(w.NetworkLine());
        if (w.DefaultsLine() is string defaults) Say(defaults);
        if (w.ClassWeightsLine() is string classWeights) Say(classWeights);
        foreach (var note in s.Notes) Say(note);
        // --resume FILE, or --checkpoint FILE holding this same run's checkpoint (the same command run again after a kill).
        var resume = w.Learner.Options.ResumeFrom;
        if (resume is not null && start.Resume is null)
        {
            Say(resume.State.Epoch > w.Epochs
                ? $"--checkpoint {start.CheckpointPath} holds this run, finished: all {resume.State.History.Count} epochs done; nothing to train (--epochs above {resume.State.History.Count} trains on)"
                : $"continuing this run from its checkpoint {start.CheckpointPath}: epoch {resume.State.Epoch}, {resume.State.Position} of {train.Count} examples done");
        }
        else if (resume is not null)
        {
            // A finished run's checkpoint is at the epoch past its last: nothing to train unless --epochs asks for more.
            Say(resume.State.Epoch > w.Epochs
                ? $"--resume {start.ResumePath}: the checkpoint is of a finished run: all {resume.State.History.Count} epochs done; nothing to resume (--epochs above {resume.State.History.Count} trains on)"
                : $"resumed from {start.ResumePath}: epoch {resume.State.Epoch}, {resume.State.Position} of {train.Count} examples done");
        }
        if (start.InitFromPath is string initFrom) Say($"starting from the weights of {initFrom}");

        HistoryCsv? historyFile = null;
        try { historyFile = s.History is string historyPath ? new HistoryCsv(historyPath, resume?.State.History) : null; }
        catch (IOException e) { throw new UsageException($"{s.History}: cannot write: {e.Message}"); }
        using var closeHistory = historyFile;
        if ((resume?.State.Epoch ?? 1) <= w.Epochs && view.SpacingLine(w.Epochs) is string spacing) view.Line(spacing);
        view.EpochStarted();
        Trained trained = null!;
        using (Cli.ListenForInterrupt())
            view.Run(() =>
            {
                try { trained = w.Learner.Run([new ViewObserver(view), .. historyFile is null ? Array.Empty<ITrainingObserver>() : [historyFile]]); }
                catch (IOException e) { throw new UsageException($"--checkpoint {start.CheckpointPath}: cannot write the checkpoint: {e.Message}"); }
            });
        view.Finish();
        var history = trained.History;

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
            var measured = trained.Model.Evaluate(test);
            Say($"test: loss {TrainingView.F(measured.MeanLoss)}" + (train.ClassNames is null ? "" : $"  accuracy {TrainingView.F(measured.Accuracy)}") + $"  ({test.Count} examples)");
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
                try { trained.Model.Save(save); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"{save}: cannot save the model: {e.Message}");
                }
                if (interrupted is not null) kept.Add($"saved the weights of epoch {history.Epochs.Count} to {save}");
                else Say($"saved model to {save}" + (history.Stop == StopReason.Diverged ? $" (the weights of epoch {history.Epochs.Count}, before the loss diverged)" : ""));
            }
        }
        if (interrupted is not null && trained.LastCheckpoint is { } last)
            kept.Add($"checkpoint at epoch {last.Epoch}, example {last.Position} of {train.Count} in {start.CheckpointPath} (the same command goes on from it)");
        if (historyFile is not null && interrupted is not null) kept.Add($"{historyFile.Rows} epoch{(historyFile.Rows == 1 ? "" : "s")} in {s.History}");
        if (s.Plot is string plot && history.Epochs.Count > 0) Chart.Save(plot, history.Epochs, Vocabulary.Name(w.Learner.LossKind), showRate: scheduled);
        if (s.Html is string html && history.Epochs.Count > 0)
            OutputFile.WriteText(html, TrainPage.Render(trained, [.. said, .. new[] { interrupted, diverged }.OfType<string>()]));
        if (historyFile?.Failure is string failure) throw new UsageException(failure);
        if (interrupted is not null) stderr.WriteLine($"backprop: {interrupted}" + (kept.Count > 0 ? $"; {string.Join("; ", kept)}" : ""));
        return exitCode;
    }

    // The view as the session's observer: a progress bar and a line an epoch.
    private sealed class ViewObserver(TrainingView view) : ITrainingObserver
    {
        public void BatchEnded(TrainingSession session, BatchProgress progress) => view.Batch(progress, session.Epochs);

        public void EpochEnded(TrainingSession session, EpochResult result)
        {
            view.Epoch(result, session.Epochs);
            view.EpochStarted();
        }
    }
}
