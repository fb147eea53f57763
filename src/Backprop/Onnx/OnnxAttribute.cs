namespace Backprop.Onnx;

/// <summary>A node attribute read from an ONNX file; only the kinds the importer uses (a float, an int, a list of strings) keep their value.</summary>
/// <param name="Name">The attribute's name.</param>
/// <param name="Type">AttributeProto.AttributeType (1 float, 2 int, 8 strings, ...), inferred from the value when the file omits it.</param>
/// <param name="Float">The value of a float attribute.</param>
/// <param name="Int">The value of an int attribute.</param>
/// <param name="Strings">The values of a strings attribute (UTF-8), empty for other kinds.</param>
internal sealed record OnnxAttribute(string Name, int Type, float Float, long Int, string[] Strings);
