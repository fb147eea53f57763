namespace Backprop.Training;

/// <summary>Progress within an epoch, after each batch.</summary>
public readonly record struct BatchProgress(int Epoch, int ExamplesDone, int Examples, double MeanLoss, double? Accuracy);
