namespace Backprop.Onnx;

/// <summary>A graph input or output read from an ONNX file: name, element type (0 when not a tensor) and dimensions.</summary>
/// <param name="Name">The value's name.</param>
/// <param name="ElemType">TensorProto.DataType of its elements, 0 when the type is not a tensor or not given.</param>
/// <param name="Dims">Each dimension's size, null for a named (symbolic) or unknown one; null when no shape is given.</param>
internal sealed record OnnxValueInfo(string Name, int ElemType, long?[]? Dims);
