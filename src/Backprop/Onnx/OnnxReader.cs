using System.Buffers.Binary;

namespace Backprop.Onnx;

/// <summary>
/// Reads the parts of an ONNX model that Backprop uses (the main graph's nodes, initializers, inputs and outputs, the
/// opset and metadata) from untrusted bytes; fields it does not use are passed over. Every problem is an
/// <see cref="OnnxFormatException"/> on one line.
/// </summary>
internal static class OnnxReader
{
    /// <summary>The graph in <paramref name="bytes"/>, a serialized ModelProto.</summary>
    public static OnnxGraph Read(byte[] bytes)
    {
        if (bytes.Length == 0) throw new OnnxFormatException("the file is empty; it is not an ONNX model");
        var model = new ProtoReader(bytes, 0, bytes.Length, "model");
        ProtoReader? graph = null;
        long opset = 0;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (model.Next(out int field, out int wire))
        {
            switch (field)
            {
                case OnnxSpec.Model.Graph: graph = model.Message(wire, "graph"); break;
                case OnnxSpec.Model.OpsetImport:
                    var (domain, version) = ReadOpset(model.Message(wire, "opset import"));
                    if (domain is "" or "ai.onnx") opset = version;
                    break;
                case OnnxSpec.Model.MetadataProps:
                    var (key, value) = ReadEntry(model.Message(wire, "metadata"));
                    metadata[key] = value;
                    break;
                default: model.Skip(wire); break;
            }
        }
        if (graph is null) throw new OnnxFormatException("not an ONNX model: it has no graph");
        return ReadGraph(graph, opset, metadata);
    }

    private static OnnxGraph ReadGraph(ProtoReader graph, long opset, Dictionary<string, string> metadata)
    {
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        while (graph.Next(out int field, out int wire))
        {
            switch (field)
            {
                case OnnxSpec.Graph.Node: nodes.Add(ReadNode(graph.Message(wire, $"node #{nodes.Count + 1}"), nodes.Count)); break;
                case OnnxSpec.Graph.Initializer:
                    var tensor = ReadTensor(graph.Message(wire, $"initializer #{initializers.Count + 1}"));
                    if (!initializers.TryAdd(tensor.Name, tensor))
                        throw new OnnxFormatException($"two initializers are named {Models.MessageText.Quote(tensor.Name)}");
                    break;
                case OnnxSpec.Graph.SparseInitializer:
                    throw new OnnxFormatException("the graph has a sparse initializer; Backprop reads dense tensors only");
                case OnnxSpec.Graph.Input: inputs.Add(ReadValueInfo(graph.Message(wire, "graph input"))); break;
                case OnnxSpec.Graph.Output: outputs.Add(ReadValueInfo(graph.Message(wire, "graph output"))); break;
                default: graph.Skip(wire); break;
            }
        }
        return new OnnxGraph(nodes, initializers, inputs, outputs, metadata, opset);
    }

    private static (string Domain, long Version) ReadOpset(ProtoReader opset)
    {
        string domain = "";
        long version = 0;
        while (opset.Next(out int field, out int wire))
        {
            if (field == OnnxSpec.OpsetId.Domain) domain = opset.String(wire);
            else if (field == OnnxSpec.OpsetId.Version) version = opset.Int(wire);
            else opset.Skip(wire);
        }
        return (domain, version);
    }

    private static (string Key, string Value) ReadEntry(ProtoReader entry)
    {
        string key = "", value = "";
        while (entry.Next(out int field, out int wire))
        {
            if (field == OnnxSpec.Entry.Key) key = entry.String(wire);
            else if (field == OnnxSpec.Entry.Value) value = entry.String(wire);
            else entry.Skip(wire);
        }
        return (key, value);
    }

    private static OnnxNode ReadNode(ProtoReader node, int index)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new List<OnnxAttribute>();
        string name = "", op = "", domain = "";
        while (node.Next(out int field, out int wire))
        {
            switch (field)
            {
                case OnnxSpec.Node.Input: inputs.Add(node.String(wire)); break;
                case OnnxSpec.Node.Output: outputs.Add(node.String(wire)); break;
                case OnnxSpec.Node.Name: name = node.String(wire); break;
                case OnnxSpec.Node.OpType: op = node.String(wire); break;
                case OnnxSpec.Node.Domain: domain = node.String(wire); break;
                case OnnxSpec.Node.Attribute: attributes.Add(ReadAttribute(node.Message(wire, "node attribute"))); break;
                default: node.Skip(wire); break;
            }
        }
        return new OnnxNode(index, name, op, domain, [.. inputs], [.. outputs], [.. attributes]);
    }

    private static OnnxAttribute ReadAttribute(ProtoReader attribute)
    {
        string name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        bool hasF = false, hasI = false;
        var strings = new List<string>();
        while (attribute.Next(out int field, out int wire))
        {
            switch (field)
            {
                case OnnxSpec.Attribute.Name: name = attribute.String(wire); break;
                case OnnxSpec.Attribute.Type: type = (int)attribute.Int(wire); break;
                case OnnxSpec.Attribute.F: f = attribute.Float(wire); hasF = true; break;
                case OnnxSpec.Attribute.I: i = attribute.Int(wire); hasI = true; break;
                case OnnxSpec.Attribute.Strings: strings.Add(attribute.String(wire)); break;
                default: attribute.Skip(wire); break;
            }
        }
        // IR versions before 2 wrote no type: it is the kind of value given.
        if (type == 0) type = hasF ? OnnxSpec.AttributeFloat : hasI ? OnnxSpec.AttributeInt : strings.Count > 0 ? OnnxSpec.AttributeStrings : 0;
        return new OnnxAttribute(name, type, f, i, [.. strings]);
    }

    /// <summary>
    /// A tensor's name, dims and values. Values come from raw_data, float_data or double_data; their count is checked
    /// against the dims (no allocation is sized by the dims: only by bytes present in the file).
    /// </summary>
    private static OnnxTensor ReadTensor(ProtoReader tensor)
    {
        string name = "";
        var dims = new List<long>();
        int type = 0;
        (int Start, int Length)? raw = null;
        var values = new List<double>();
        var longs = new List<long>();
        bool external = false;
        while (tensor.Next(out int field, out int wire))
        {
            switch (field)
            {
                case OnnxSpec.Tensor.Name: name = tensor.String(wire); break;
                case OnnxSpec.Tensor.Dims: tensor.Ints(wire, dims); break;
                case OnnxSpec.Tensor.DataType: type = (int)tensor.Int(wire); break;
                case OnnxSpec.Tensor.RawData: raw = tensor.Bytes(wire); break;
                case OnnxSpec.Tensor.FloatData: tensor.Floats(wire, values); break;
                case OnnxSpec.Tensor.DoubleData: tensor.Doubles(wire, values); break;
                case OnnxSpec.Tensor.Int64Data: tensor.Ints(wire, longs); break;
                case OnnxSpec.Tensor.ExternalData: external = true; tensor.Skip(wire); break;
                case OnnxSpec.Tensor.DataLocation: external |= tensor.Int(wire) == 1; break;
                case OnnxSpec.Tensor.Segment: throw new OnnxFormatException($"initializer {Models.MessageText.Quote(name)} is split into segments; Backprop reads whole tensors only");
                default: tensor.Skip(wire); break;
            }
        }
        string label = $"initializer {Models.MessageText.Quote(name)}";
        if (external) throw new OnnxFormatException($"{label} keeps its values in an external file; Backprop reads models whose weights are inside the .onnx file");
        // int64 tensors are read for shapes (a Reshape's); the importer takes weights only from float and double ones.
        if (type is not (OnnxSpec.Float or OnnxSpec.Double or OnnxSpec.Int64))
            throw new OnnxFormatException($"{label} holds {OnnxSpec.TypeName(type)} values; Backprop reads float and double tensors");
        foreach (long v in longs) values.Add(v);

        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw new OnnxFormatException($"{label} has a negative dimension ({d})");
            count = d == 0 ? 0 : count > Array.MaxLength / d ? long.MaxValue : count * d;
        }
        if (raw is { } range)
        {
            if (values.Count > 0) throw new OnnxFormatException($"{label} has both raw_data and typed values");
            int size = type == OnnxSpec.Float ? 4 : 8;
            if (values.Count > 0) throw new OnnxFormatException($"{label} has both raw_data and typed values");
            if (range.Length % size != 0 || range.Length / size != count)
                throw new OnnxFormatException($"{label} has {range.Length} bytes of raw data; its shape [{string.Join(", ", dims)}] of {OnnxSpec.TypeName(type)} needs {(count == long.MaxValue ? "more than can be held" : (count * size).ToString(System.Globalization.CultureInfo.InvariantCulture))}");
            var bytes = tensor.Span(range);
            var result = new double[count];
            for (int i = 0; i < result.Length; i++)
                result[i] = size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..])
                    : type == OnnxSpec.Int64 ? BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * 8)..]) : BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]);
            return new OnnxTensor(name, [.. dims], type, result);
        }
        if (values.Count != count)
            throw new OnnxFormatException($"{label} has {values.Count} values; its shape [{string.Join(", ", dims)}] needs {(count == long.MaxValue ? "more than can be held" : count)}");
        return new OnnxTensor(name, [.. dims], type, [.. values]);
    }

    private static OnnxValueInfo ReadValueInfo(ProtoReader info)
    {
        string name = "";
        int elemType = 0;
        long?[]? dims = null;
        while (info.Next(out int field, out int wire))
        {
            if (field == OnnxSpec.ValueInfo.Name) name = info.String(wire);
            else if (field == OnnxSpec.ValueInfo.Type)
            {
                var type = info.Message(wire, "type");
                while (type.Next(out int f, out int w))
                {
                    if (f != OnnxSpec.Type.TensorType) { type.Skip(w); continue; }
                    var tensor = type.Message(w, "tensor type");
                    while (tensor.Next(out int tf, out int tw))
                    {
                        if (tf == OnnxSpec.TensorType.ElemType) elemType = (int)tensor.Int(tw);
                        else if (tf == OnnxSpec.TensorType.Shape) dims = ReadShape(tensor.Message(tw, "shape"));
                        else tensor.Skip(tw);
                    }
                }
            }
            else info.Skip(wire);
        }
        return new OnnxValueInfo(name, elemType, dims);
    }

    private static long?[] ReadShape(ProtoReader shape)
    {
        var dims = new List<long?>();
        while (shape.Next(out int field, out int wire))
        {
            if (field != OnnxSpec.Shape.Dim) { shape.Skip(wire); continue; }
            var dim = shape.Message(wire, "dimension");
            long? value = null;
            while (dim.Next(out int f, out int w))
            {
                if (f == OnnxSpec.Dimension.Value) value = dim.Int(w);
                else dim.Skip(w);
            }
            dims.Add(value);
        }
        return [.. dims];
    }
}
