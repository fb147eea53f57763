using System.Globalization;
using Backprop.Data;
using Backprop.Models;

namespace Backprop;

/// <summary>A recipe's setting that does not fit the others or the data; <see cref="Setting"/> names it as the command line's flag does (without the dashes).</summary>
public sealed class RecipeException : ArgumentException
{
    /// <summary>A problem with <paramref name="setting"/> (loss, output, batch, ...).</summary>
    public RecipeException(string setting, string message) : base(message) => Setting = setting;

    /// <summary>The setting's name: layers, activation, output, loss, optimizer, alpha, epochs, batch, init, normalize, precision, l2, dropout, early-stopping.</summary>
    public string Setting { get; }
}
