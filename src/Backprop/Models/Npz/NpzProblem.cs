namespace Backprop.Models;

/// <summary>
/// A problem found in one entry of an .npz archive, worded to follow the entry's name ("has shape (3,) ..."); the
/// importer turns it into a <see cref="Data.DataException"/> naming the file and the entry.
/// </summary>
internal sealed class NpzProblem(string message) : Exception(message);
