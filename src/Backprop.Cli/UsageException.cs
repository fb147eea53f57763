namespace Backprop.Cli;

/// <summary>A mistake in what the user asked for: reported as one line with exit code 2, never a stack trace.</summary>
internal sealed class UsageException(string message) : Exception(message);
