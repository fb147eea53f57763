using System.CommandLine;
using System.Globalization;
using Backprop.Models;

namespace Backprop.Cli;

/// <summary>
/// train's flags for stopping and going on: <c>--checkpoint</c>, <c>--checkpoint-every</c>, <c>--resume</c> and
/// <c>--init-from</c>. Resuming takes the training settings from the checkpoint (a flag that says otherwise is an
/// error; <c>--epochs</c> may change); fine-tuning takes the architecture, precision, loss and input scaling from the model.
/// </summary>
internal sealed class CheckpointFlags
{
    public Option<string?> Checkpoint { get; } = new("--checkpoint") { Description = "Write everything needed to continue training to this file at the end of every epoch (the last epoch's: the finished run) and at Ctrl-C, written aside, then renamed." };
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
        if (everyText is not null && (!int.TryParse(everyText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out every) || every < 1))
            throw new UsageException($"--checkpoint-every: '{everyText}' must be a whole number of at least 1.");
        if (resume is not null && initFrom is not null) throw new UsageException("--resume and --init-from both say where training starts; give one.");
        checkpoint ??= resume;
        if (everyText is not null && checkpoint is null) throw new UsageException("--checkpoint-every needs --checkpoint FILE to write to.");
        return new Start(checkpoint, every, resume, resume is null ? null : CheckpointFile.Load(resume), initFrom, initFrom is null ? null : ModelFile.Load(initFrom));
    }

    /// <summary>Where training starts and what it writes as it goes.</summary>
    internal sealed record Start(string? CheckpointPath, int Every, string? ResumePath, Checkpoint? Resume, string? InitFromPath, Model? InitFrom)
    {
        /// <summary>
        /// The settings to train with: from the checkpoint when resuming (a training flag given with another value is an
        /// error naming both), or with the model's architecture filled in when fine-tuning.
        /// </summary>
        public TrainSettings Apply(TrainSettings settings, ParseResult result, NetworkFlags flags)
        {
            if (Resume is { } c)
            {
                var given = Given(result, flags);
                var mine = Checkpoints.Settings(settings.Recipe);
                foreach (var (name, value) in Checkpoints.Settings(c.Recipe))
                {
                    if (name == "epochs" || !given.Contains(name)) continue;
                    string? flag = mine.First(s => s.Name == name).Value;
                    if (flag is not null && flag != value)
                        throw new UsageException($"--{name} {flag} conflicts with the checkpoint {ResumePath}, made with --{name} {value}; --resume takes the training flags from the checkpoint (leave --{name} out)");
                }
                var compute = c.Recipe.Compute! with { Threads = (settings.Recipe.Compute ?? Backprop.Compute.Default).Threads };
                return settings with { Recipe = c.Recipe with { Epochs = settings.Recipe.Epochs ?? c.Recipe.Epochs, Compute = compute } };
            }
            if (InitFrom is { } m)
            {
                var r = settings.Recipe;
                if (r.Normalize is string n && n != m.Normalization.Kind)
                    throw new UsageException($"--normalize {n} conflicts with --init-from {InitFromPath}, whose inputs are scaled by {m.Normalization.Kind} (fine-tuning keeps the model's scaling)");
                return settings with
                {
                    Recipe = r with
                    {
                        Hidden = r.Hidden ?? m.Spec.Hidden,
                        Activation = r.Activation ?? m.Spec.HiddenActivation,
                        Output = r.Output ?? m.Spec.OutputActivation,
                        Bias = r.Bias ?? m.Spec.Bias,
                        Loss = r.Loss ?? m.Loss,
                        Precision = r.Precision ?? m.Precision,
                        Normalize = m.Normalization.Kind,
                    },
                };
            }
            return settings;
        }

        // The settings named on the command line, by their flags' names.
        private static HashSet<string> Given(ParseResult result, NetworkFlags flags)
        {
            var options = new Option[] { flags.Layers, flags.Activation, flags.Output, flags.Loss, flags.ClassWeight, flags.Optimizer, flags.Alpha, flags.LrSchedule, flags.Batch, flags.Init, flags.Seed,
                flags.Bias, flags.Shuffle, flags.Normalize, flags.L2, flags.Dropout, flags.EarlyStopping, flags.Precision, flags.Rounding };
            return options.Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name.TrimStart('-')).ToHashSet();
        }
    }
}
