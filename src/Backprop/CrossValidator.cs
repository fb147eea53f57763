using Backprop.Data;
using Backprop.Losses;
using Backprop.Training;

namespace Backprop;

/// <summary>
/// A cross-validation ready to run, as <see cref="Recipe.PrepareCrossValidation"/> gives it: the rows dealt into folds,
/// the recipe resolved once, on fold 1's training rows (the fewest: fold 1 validates on the most rows), and used as
/// it is for every fold, so that every fold trains with the same settings; fold 1 prepared. <see cref="Run"/> trains
/// each fold in turn.
/// </summary>
internal sealed class CrossValidator
{
    private readonly Dataset _data;
    private readonly CrossValidationOptions _options;

    internal CrossValidator(Dataset data, FoldAssignment folds, CrossValidationOptions options, Learner first)
    {
        (_data, Folds, _options, First) = (data, folds, options, first);
    }

    /// <summary>Which fold validates each row.</summary>
    public FoldAssignment Folds { get; }

    /// <summary>The data as the task reads it (the rows dealt).</summary>
    public Dataset Data => _data;

    /// <summary>Fold 1's learner: the network every fold builds, the data it trains and validates on.</summary>
    public Learner First { get; }

    /// <summary>The recipe every fold trains with, every setting set.</summary>
    public Recipe Recipe => First.Recipe;

    /// <summary>The settings chosen from fold 1's training rows because the recipe left them unset, as "name value".</summary>
    public IReadOnlyList<string> Chosen => First.Chosen;

    /// <summary>
    /// The measures each fold reports (<see cref="HistoryMetrics.Names"/>): train_loss, train_accuracy, validation_loss
    /// and validation_accuracy when the network predicts classes; train_loss, validation_loss and validation_mae otherwise.
    /// </summary>
    public IReadOnlyList<string> Metrics =>
        First.Train.ClassNames is not null || LossCatalog.PredictsClasses(Recipe.Loss!.Value, First.Spec.OutputActivation, First.Spec.Outputs)
            ? ["train_loss", "train_accuracy", "validation_loss", "validation_accuracy"]
            : ["train_loss", "validation_loss", "validation_mae"];

    /// <summary>Trains every fold in turn (stopping after a fold that was cancelled) and gives their results.</summary>
    /// <exception cref="RecipeException">A setting does not fit a fold's data (a fold's checkpoint file of another run names "checkpoint").</exception>
    /// <exception cref="IOException">A checkpoint could not be written.</exception>
    public CrossValidation Run()
    {
        var results = new List<FoldResult>(Folds.Count);
        for (int fold = 1; fold <= Folds.Count; fold++)
        {
            var learner = fold == 1 ? First : Prepare(Recipe, _data, Folds, fold, _options);
            var result = new FoldResult(fold, learner.Run());
            results.Add(result);
            _options.FoldEnded?.Invoke(result);
            if (result.Trained.History.Stop == StopReason.Cancelled) break;
        }
        return new CrossValidation(Folds, results);
    }

    // Fold `fold`'s learner: the others' rows to train on, its rows to validate on.
    internal static Learner Prepare(Recipe recipe, Dataset data, FoldAssignment folds, int fold, CrossValidationOptions options)
    {
        var (train, validation) = folds.Split(data, fold);
        var fit = options.FitFor?.Invoke(fold) ?? new FitOptions();
        if (fit.Validation is not null || fit.ValidationFraction is not null)
            throw new ArgumentException("Cross-validation validates each fold on its own rows; leave FitOptions' validation unset.", nameof(options));
        return recipe.Prepare(train, fit with { Validation = validation });
    }
}
