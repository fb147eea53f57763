namespace Backprop.Onnx;

/// <summary>
/// The numbers of the ONNX format that Backprop writes and reads: the protobuf field numbers of the few messages it
/// uses and the enum values it needs, as the ONNX specification's onnx.proto defines them
/// (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto; checked against onnx 1.12's Python descriptors).
/// </summary>
internal static class OnnxSpec
{
    /// <summary>The IR version written: 8 (ONNX 1.10 and later; onnx 1.12's checker and ONNX Runtime 1.31 accept it).</summary>
    public const long IrVersion = 8;

    /// <summary>The standard operator set written: 13 (Softmax over the last axis; Gemm, MatMul and the activations in float and double).</summary>
    public const long Opset = 13;

    // TensorProto.DataType
    public const int Float = 1, Double = 11, String = 8, Int64 = 7;

    // AttributeProto.AttributeType
    public const int AttributeFloat = 1, AttributeInt = 2, AttributeStrings = 8;

    /// <summary>ModelProto fields.</summary>
    public static class Model
    {
        public const int IrVersion = 1, ProducerName = 2, ProducerVersion = 3, DocString = 6, Graph = 7, OpsetImport = 8, MetadataProps = 14;
    }

    /// <summary>OperatorSetIdProto fields.</summary>
    public static class OpsetId
    {
        public const int Domain = 1, Version = 2;
    }

    /// <summary>StringStringEntryProto fields.</summary>
    public static class Entry
    {
        public const int Key = 1, Value = 2;
    }

    /// <summary>GraphProto fields.</summary>
    public static class Graph
    {
        public const int Node = 1, Name = 2, Initializer = 5, DocString = 10, Input = 11, Output = 12, SparseInitializer = 15;
    }

    /// <summary>NodeProto fields.</summary>
    public static class Node
    {
        public const int Input = 1, Output = 2, Name = 3, OpType = 4, Attribute = 5, Domain = 7;
    }

    /// <summary>AttributeProto fields.</summary>
    public static class Attribute
    {
        public const int Name = 1, F = 2, I = 3, Strings = 9, Type = 20;
    }

    /// <summary>TensorProto fields.</summary>
    public static class Tensor
    {
        public const int Dims = 1, DataType = 2, Segment = 3, FloatData = 4, Int64Data = 7, Name = 8, RawData = 9, DoubleData = 10,
                         ExternalData = 13, DataLocation = 14;
    }

    /// <summary>ValueInfoProto fields.</summary>
    public static class ValueInfo
    {
        public const int Name = 1, Type = 2;
    }

    /// <summary>TypeProto fields (a tensor type is the only kind used).</summary>
    public static class Type
    {
        public const int TensorType = 1;
    }

    /// <summary>TypeProto.Tensor fields.</summary>
    public static class TensorType
    {
        public const int ElemType = 1, Shape = 2;
    }

    /// <summary>TensorShapeProto fields.</summary>
    public static class Shape
    {
        public const int Dim = 1;
    }

    /// <summary>TensorShapeProto.Dimension fields.</summary>
    public static class Dimension
    {
        public const int Value = 1, Param = 2;
    }

    /// <summary>The name of a TensorProto.DataType, for messages.</summary>
    public static string TypeName(int dataType) => dataType switch
    {
        1 => "float", 2 => "uint8", 3 => "int8", 4 => "uint16", 5 => "int16", 6 => "int32", 7 => "int64", 8 => "string",
        9 => "bool", 10 => "float16", 11 => "double", 12 => "uint32", 13 => "uint64", 16 => "bfloat16",
        _ => $"data type {dataType}",
    };
}
