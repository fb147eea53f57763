namespace Backprop.Onnx;

/// <summary>An initializer read from an ONNX file: its name, dimensions, element type and values (float32 widened exactly).</summary>
/// <param name="Name">The name nodes use it by.</param>
/// <param name="Dims">Its dimensions; the values' count is their product.</param>
/// <param name="DataType">TensorProto.DataType: <see cref="OnnxSpec.Float"/> or <see cref="OnnxSpec.Double"/>.</param>
/// <param name="Values">Its values, row-major.</param>
internal sealed record OnnxTensor(string Name, long[] Dims, int DataType, double[] Values);
