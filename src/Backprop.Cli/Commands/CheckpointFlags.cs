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
    public Option<string?> Checkpoint { get; } = new("--checkpoint") { Description = "Write everything needed to continue training to this file at the end of every epoch (the last epoch's: the finished run) and at Ctrl-C." + NetworkFlags.WrittenAs };
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
                // The target columns come from the checkpoint too (those made before they were kept need --target).
                var targets = settings.Targets;
                if (c.TargetNames is { } kept)
                {
                    if (targets.Count > 0 && !targets.SequenceEqual(kept))
                        throw new UsageException($"--target {string.Join(",", targets)} conflicts with the checkpoint {ResumePath}, made with --target {string.Join(",", kept)}; --resume takes the target columns from the checkpoint (leave --target out)");
                    targets = kept;
                }
                return settings with { Targets = targets, Recipe = c.Recipe with { Epochs = settings.Recipe.Epochs ?? c.Recipe.Epochs, Compute = compute } };
            }
            if (InitFrom is { } m)
            {
                var r = settings.Recipe;
                if (r.Normalize is { } n && n != m.Normalization.Kind)
                    throw new UsageException($"--normalize {Vocabulary.Name(n)} conflicts with --init-from {InitFromPath}, whose inputs are scaled by {Vocabulary.Name(m.Normalization.Kind)} (fine-tuning keeps the model's scaling)");
                // What the flags leave out comes from the model; a setting of the model's that does not fit the data is
                // then blamed on --init-from, not on a flag nobody gave.
                var fromModel = new HashSet<string>();
                T? Kept<T>(string name, T? given, T model) where T : struct { if (given is null) fromModel.Add(name); return given ?? model; }
                TRef Keep<TRef>(string name, TRef? given, TRef model) where TRef : class { if (given is null) fromModel.Add(name); return given ?? model; }
                return settings with
                {
                    FromModel = fromModel,
                    FromModelPath = InitFromPath,
                    Recipe = r with
                    {
                        // Classes or numbers as the model predicts them (a column of whole numbers could be read either way).
                        Task = Kept("task", r.Task, m.ClassNames is null ? TaskKind.Regression : TaskKind.Classification),
                        Hidden = Keep("layers", r.Hidden, m.Spec.Hidden),
                        Activation = Kept("activation", r.Activation, m.Spec.HiddenActivation),
                        Output = Kept("output", r.Output, m.Spec.OutputActivation),
                        Bias = Kept("bias", r.Bias, m.Spec.Bias),
                        Loss = Kept("loss", r.Loss, m.Loss),
                        Precision = Kept("precision", r.Precision, m.Precision),
                        Normalize = m.Normalization.Kind,
                    },
                };
            }
            return settings;
        }

        // The settings named on the command line, by their flags' names.
        private static HashSet<string> Given(ParseResult result, NetworkFlags flags)
        {
            var options = new Option[] { flags.Task, flags.Layers, flags.Activation, flags.Output, flags.Loss, flags.ClassWeight, flags.Optimizer, flags.Alpha, flags.LrSchedule, flags.Batch, flags.Init, flags.Seed,
                flags.Bias, flags.Shuffle, flags.Normalize, flags.L2, flags.Dropout, flags.EarlyStopping, flags.Precision, flags.Rounding };
            return options.Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name.TrimStart('-')).ToHashSet();
        }
    }
}
