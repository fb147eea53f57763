using System.CommandLine;
using System.Globalization;
using Backprop.Models;

namespace Backprop.Cli;

/// <summary>
/// train's flags for stopping and going on: <c>--checkpoint</c>, <c>--checkpoint-every</c>, <c>--resume</c> and
/// <c>--init-from</c>. The library takes the training settings from the checkpoint (<see cref="Recipe.ContinuedFrom"/>:
/// a flag that says otherwise is an error; <c>--epochs</c> may change), or the architecture, precision, loss and input
/// scaling from the model (<see cref="Recipe.StartingFrom"/>).
/// </summary>
internal sealed class CheckpointFlags
{
    public Option<string?> Checkpoint { get; } = new("--checkpoint") { Description = "Write everything needed to continue training to this file at the end of every epoch (the last epoch's: the finished run) and at Ctrl-C. When it already holds this same run's checkpoint (the same training flags, data, validation and --init-from model), the same command continues from it; another run's is refused, naming what differs." + NetworkFlags.WrittenAs };
    public Option<string?> CheckpointEvery { get; } = new("--checkpoint-every") { Description = "Also write the checkpoint after every N batches." };
    public Option<string?> Resume { get; } = new("--resume") { Description = "Continue from a checkpoint, with the same data: the training flags come from it (--epochs may change; a finished run's goes on only to more epochs, and --save still saves it), and it is written on to unless --checkpoint names another file." };
    public Option<string?> InitFrom { get; } = new("--init-from") { Description = "Start from a saved model's weights (fine-tuning); its layers, activations, bias, precision, loss and input scaling are kept." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Checkpoint, CheckpointEvery, Resume, InitFrom }) command.Options.Add(option);
    }

    /// <summary>The files and checkpoint to work with, read from the flags (a damaged file is a one-line error naming it).</summary>
    public Start Read(ParseResult result)
    {
        string? checkpoint = result.GetValue(Checkpoint), resume = result.GetValue(Resume), initFrom = result.GetValue(InitFrom);
        string? everyText = result.GetValue(CheckpointEvery);
        int every = 0;
        if (everyText is not null)
        {
            try { every = NetworkFlags.Count(everyText, min: 1); }
            catch (FormatException e) { throw new UsageException($"--checkpoint-every: {e.Message}"); }
        }
        if (resume is not null && initFrom is not null) throw new UsageException("--resume and --init-from both say where training starts; give one.");
        checkpoint ??= resume;
        if (everyText is not null && checkpoint is null) throw new UsageException("--checkpoint-every needs --checkpoint FILE to write to.");
        return new Start(checkpoint, every, resume, resume is null ? null : CheckpointFile.Load(resume), initFrom, initFrom is null ? null : ModelFile.Load(initFrom));
    }

    /// <summary>Where training starts and what it writes as it goes.</summary>
    internal sealed record Start(string? CheckpointPath, int Every, string? ResumePath, Checkpoint? Resume, string? InitFromPath, Model? InitFrom);
}
