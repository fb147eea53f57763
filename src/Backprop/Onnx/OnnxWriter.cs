using System.Buffers.Binary;
using System.Reflection;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Tensors;

namespace Backprop.Onnx;

/// <summary>
/// Writes a <see cref="Model"/> as an ONNX model (IR 8, opset 13): its input scaling, then each dense layer (Gemm, or
/// MatMul without a bias) and its activation. docs/onnx.md shows the graph.
/// </summary>
internal static class OnnxWriter
{
    /// <summary>The graph's input: one row of raw features a row, in the model's precision.</summary>
    public const string InputName = "input";

    /// <summary>The graph's output: what <see cref="Model.Predict(Data.Dataset)"/> gives.</summary>
    public const string OutputName = "output";

    /// <summary>The ONNX file's bytes for <paramref name="model"/>.</summary>
    public static byte[] Write(Model model)
    {
        model.Validate();
        bool f32 = model.Precision == Precision.F32;
        int type = f32 ? OnnxSpec.Float : OnnxSpec.Double;
        var spec = model.Spec;
        var graph = new ProtoWriter();
        var nodes = new List<ProtoWriter>();
        var initializers = new List<ProtoWriter>();

        string current = InputName;
        int step = 0;   // names the value each node gives, until the last, which gives "output"
        int last = CountNodes(model) - 1;
        string Next(string name) => step++ == last ? OutputName : name;

        if (model.Normalization.Kind != NormalizationKind.None)
        {
            // The scaling in float64, as Backprop computes it: (x - offset) / scale, then rounded to the model's precision.
            if (f32) current = Node(nodes, "Cast", "cast_to_double", [current], Next("input_f64"), Int("to", OnnxSpec.Double));
            initializers.Add(Tensor("normalization_offset", [spec.Inputs], OnnxSpec.Double, model.Normalization.Offset));
            initializers.Add(Tensor("normalization_scale", [spec.Inputs], OnnxSpec.Double, model.Normalization.Scale));
            current = Node(nodes, "Sub", "normalize_offset", [current, "normalization_offset"], Next("centered"));
            current = Node(nodes, "Div", "normalize_scale", [current, "normalization_scale"], Next("normalized"));
            if (f32) current = Node(nodes, "Cast", "cast_to_float", [current], Next("normalized_f32"), Int("to", OnnxSpec.Float));
        }

        int fanIn = spec.Inputs;
        for (int i = 0; i < model.Weights.Count; i++)
        {
            int fanOut = i < spec.Hidden.Count ? spec.Hidden[i] : spec.Outputs;
            string weights = $"weights_{i}_{i + 1}";
            initializers.Add(Tensor(weights, [fanIn, fanOut], type, model.Weights[i]));
            if (model.Biases[i] is { } bias)
            {
                string biasName = $"bias_{i + 1}";
                initializers.Add(Tensor(biasName, [fanOut], type, bias));
                current = Node(nodes, "Gemm", $"dense_{i}", [current, weights, biasName], Next($"dense_{i}"));
            }
            else current = Node(nodes, "MatMul", $"dense_{i}", [current, weights], Next($"dense_{i}"));

            var activation = i < spec.Hidden.Count ? spec.HiddenActivation : spec.OutputActivation;
            if (activation != Activation.Identity)
            {
                string name = $"{Vocabulary.Name(activation)}_{i}";
                var attributes = activation == Activation.Softmax ? [Int("axis", -1)] : Array.Empty<ProtoWriter>();
                current = Node(nodes, activation.ToString(), name, [current], Next(name), attributes);
            }
            fanIn = fanOut;
        }

        graph.String(OnnxSpec.Graph.Name, "backprop");
        foreach (var node in nodes) graph.Message(OnnxSpec.Graph.Node, node);
        foreach (var tensor in initializers) graph.Message(OnnxSpec.Graph.Initializer, tensor);
        graph.Message(OnnxSpec.Graph.Input, ValueInfo(InputName, type, spec.Inputs));
        graph.Message(OnnxSpec.Graph.Output, ValueInfo(OutputName, type, spec.Outputs));

        var file = new ProtoWriter()
            .Int(OnnxSpec.Model.IrVersion, OnnxSpec.IrVersion)
            .String(OnnxSpec.Model.ProducerName, "backprop")
            .String(OnnxSpec.Model.ProducerVersion, ProducerVersion())
            .Message(OnnxSpec.Model.Graph, graph)
            .Message(OnnxSpec.Model.OpsetImport, new ProtoWriter().String(OnnxSpec.OpsetId.Domain, "").Int(OnnxSpec.OpsetId.Version, OnnxSpec.Opset));
        foreach (var (key, value) in OnnxMetadata.Of(model))
            file.Message(OnnxSpec.Model.MetadataProps, new ProtoWriter().String(OnnxSpec.Entry.Key, key).String(OnnxSpec.Entry.Value, value));
        return file.ToArray();
    }

    /// <summary>How many nodes <see cref="Write"/> writes for <paramref name="model"/>.</summary>
    private static int CountNodes(Model model)
    {
        int count = model.Normalization.Kind == NormalizationKind.None ? 0 : model.Precision == Precision.F32 ? 4 : 2;
        count += model.Weights.Count + model.Spec.Hidden.Count;   // every dense; every hidden activation
        return count + (model.Spec.OutputActivation == Activation.Identity ? 0 : 1);
    }

    /// <summary>Adds a node giving <paramref name="output"/>; returns <paramref name="output"/>.</summary>
    private static string Node(List<ProtoWriter> nodes, string op, string name, string[] inputs, string output, params ProtoWriter[] attributes)
    {
        var node = new ProtoWriter();
        foreach (string input in inputs) node.String(OnnxSpec.Node.Input, input);
        node.String(OnnxSpec.Node.Output, output).String(OnnxSpec.Node.Name, name).String(OnnxSpec.Node.OpType, op);
        foreach (var attribute in attributes) node.Message(OnnxSpec.Node.Attribute, attribute);
        nodes.Add(node);
        return output;
    }

    private static ProtoWriter Int(string name, long value) =>
        new ProtoWriter().String(OnnxSpec.Attribute.Name, name).Int(OnnxSpec.Attribute.I, value).Int(OnnxSpec.Attribute.Type, OnnxSpec.AttributeInt);

    /// <summary>A TensorProto holding <paramref name="values"/> as little-endian raw data of <paramref name="type"/>.</summary>
    private static ProtoWriter Tensor(string name, long[] dims, int type, double[] values)
    {
        int size = type == OnnxSpec.Float ? 4 : 8;
        var raw = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            if (type == OnnxSpec.Float) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), (float)values[i]);
            else BinaryPrimitives.WriteDoubleLittleEndian(raw.AsSpan(i * 8), values[i]);
        }
        return new ProtoWriter()
            .PackedInts(OnnxSpec.Tensor.Dims, dims)
            .Int(OnnxSpec.Tensor.DataType, type)
            .String(OnnxSpec.Tensor.Name, name)
            .Bytes(OnnxSpec.Tensor.RawData, raw);
    }

    /// <summary>A tensor value's name, element type and shape [batch, <paramref name="columns"/>] (batch: any number of rows).</summary>
    private static ProtoWriter ValueInfo(string name, int type, int columns)
    {
        var shape = new ProtoWriter()
            .Message(OnnxSpec.Shape.Dim, new ProtoWriter().String(OnnxSpec.Dimension.Param, "batch"))
            .Message(OnnxSpec.Shape.Dim, new ProtoWriter().Int(OnnxSpec.Dimension.Value, columns));
        var tensorType = new ProtoWriter().Int(OnnxSpec.TensorType.ElemType, type).Message(OnnxSpec.TensorType.Shape, shape);
        return new ProtoWriter()
            .String(OnnxSpec.ValueInfo.Name, name)
            .Message(OnnxSpec.ValueInfo.Type, new ProtoWriter().Message(OnnxSpec.Type.TensorType, tensorType));
    }

    private static string ProducerVersion() =>
        typeof(OnnxWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";
}
