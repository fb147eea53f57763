using System.Numerics;

namespace Backprop.Tensors;

/// <summary>Thrown when two arrays' shapes do not fit an operation; the message names both shapes.</summary>
internal sealed class ShapeMismatchException(string message) : ArgumentException(message);
