namespace Backprop.Onnx;

/// <summary>A problem in an ONNX file being read; <see cref="OnnxModel"/> reports it as a <see cref="Data.DataException"/> naming the file.</summary>
internal sealed class OnnxFormatException(string message) : Exception(message);
