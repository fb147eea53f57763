using System.Globalization;
using Backprop.Data;
using Backprop.Models;

namespace Backprop;

/// <summary>A recipe's setting that does not fit the others or the data; <see cref="Setting"/> names it as the command line's flag does (without the dashes).</summary>
public sealed class RecipeException : ArgumentException
{
    /// <summary>A problem with <paramref name="setting"/> (loss, output, batch, ...).</summary>
    public RecipeException(string setting, string message) : base(message) => Setting = setting;

    /// <summary>
    /// The setting's name: task, layers, activation, output, loss, optimizer, alpha, epochs, batch, init, normalize,
    /// precision, l2, dropout, early-stopping, validation; or start-from and resume-from for a start model or checkpoint
    /// that does not fit (<see cref="FitOptions"/>); or checkpoint for a checkpoint file of another run
    /// (<see cref="FitOptions.ContinueIfSameRun"/>).
    /// </summary>
    public string Setting { get; }

    /// <summary>When the setting conflicts with a checkpoint's (<see cref="Recipe.ContinuedFrom"/>): the value given and the checkpoint's, as flags and files name them; else null.</summary>
    public (string Given, string Kept)? Conflict { get; init; }
}
