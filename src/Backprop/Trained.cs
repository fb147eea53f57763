using System.Globalization;
using Backprop.Data;
using Backprop.Models;
using Backprop.Training;

namespace Backprop;

/// <summary>What <see cref="Recipe.Fit"/> gives back: the trained model, how training went, the recipe as resolved, the settings it chose, and the data it trained and validated on.</summary>
/// <param name="Model">The trained network with its input scaling and names: evaluate, predict, save.</param>
/// <param name="History">Each epoch's results and why training stopped.</param>
/// <param name="Recipe">The recipe with every setting set.</param>
/// <param name="Chosen">The settings chosen from the data because the recipe left them null, as "name value".</param>
public sealed record Trained(Model Model, TrainingHistory History, Recipe Recipe, IReadOnlyList<string> Chosen)
{
    /// <summary>The last checkpoint written to <see cref="FitOptions.CheckpointPath"/> (its epoch and position say where a resumed run goes on), or null.</summary>
    internal Training.TrainingCheckpoint? LastCheckpoint { get; init; }

    /// <summary>The rows trained on, as the task reads them (what is left when a fraction was held out; missing cells filled as training filled them), or null.</summary>
    public Dataset? Train { get; init; }

    /// <summary>The rows measured after each epoch, as the task reads them (the fraction held out, or <see cref="FitOptions.Validation"/>), or null when there were none.</summary>
    public Dataset? Validation { get; init; }
}
