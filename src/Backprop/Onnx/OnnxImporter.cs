using System.Globalization;
using Backprop.Data;
using Backprop.Models;
using MessageText = Backprop.Models.MessageText;

namespace Backprop.Onnx;

/// <summary>
/// Turns a plain multi-layer perceptron graph into a <see cref="Model"/>: a chain of nodes from the one input to the
/// one output, each dense layer a Gemm or a MatMul (with an Add of its bias), followed by one activation (Relu,
/// Sigmoid, Tanh; Sigmoid or Softmax after the last), optionally after an input scaling (Sub, Div, with Casts around
/// them) as Backprop exports it. Anything else is an <see cref="OnnxFormatException"/> naming the node and operator.
/// </summary>
internal static class OnnxImporter
{
    /// <summary>The operators a chain may hold.</summary>
    public static IReadOnlyList<string> Operators { get; } = ["Gemm", "MatMul", "Add", "Relu", "Sigmoid", "Tanh", "Softmax", "Sub", "Div", "Cast", "Identity"];

    private sealed class Layer(string node, double[] weights, int inputs, int outputs)
    {
        public string Node { get; } = node;
        public double[] Weights { get; } = weights;
        public int Inputs { get; } = inputs;
        public int Outputs { get; } = outputs;
        public double[]? Bias { get; set; }
        public Activation Activation { get; set; } = Activation.Identity;
        public string? ActivationNode { get; set; }
    }

    /// <summary>The model the graph computes.</summary>
    public static Model ToModel(OnnxGraph graph)
    {
        // Every operator read here means the same from opset 7 on, for the matrices of a chain (Softmax on 2-D input).
        if (graph.Opset < 7)
            throw new OnnxFormatException(graph.Opset == 0 ? "the model imports no standard operator set (opset_import)"
                : $"the model uses operator set {graph.Opset}; Backprop imports opset 7 and later");
        var input = TheInput(graph);
        var output = graph.Outputs.Count == 1 ? graph.Outputs[0]
            : throw new OnnxFormatException($"the graph has {graph.Outputs.Count} outputs; Backprop imports graphs with one");
        bool f32 = input.ElemType == OnnxSpec.Float;
        int precisionType = input.ElemType;
        if (input.Dims is { } inputDims && inputDims.Length != 2)
            throw new OnnxFormatException($"the graph's input {MessageText.Quote(input.Name)} has {inputDims.Length} dimensions; Backprop imports a matrix input (rows, features)");

        var consumers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
            foreach (string name in node.Inputs)
                consumers[name] = consumers.GetValueOrDefault(name) + 1;

        var layers = new List<Layer>();
        double[]? offset = null, scale = null;
        string current = input.Name;
        int currentType = precisionType;
        foreach (var node in graph.Nodes)
        {
            if (node.Domain is not ("" or "ai.onnx"))
                throw new OnnxFormatException($"{node.Label}: operator domain {MessageText.Quote(node.Domain)} is not supported; Backprop imports standard ONNX operators ({string.Join(", ", Operators)})");
            if (!consumers.TryGetValue(current, out int uses) || uses != 1 || !node.Inputs.Contains(current))
                throw new OnnxFormatException($"{node.Label}: the graph is not a plain chain (the value {MessageText.Quote(current)} does not feed this node alone); Backprop imports one layer after another");
            if (node.Outputs.Length != 1)
                throw new OnnxFormatException($"{node.Label}: it gives {node.Outputs.Length} outputs; a plain chain's nodes give one");
            var constants = node.Inputs.Where(n => n != current && n.Length > 0).Select(n => Constant(graph, node, n)).ToArray();
            var last = layers.Count > 0 ? layers[^1] : null;
            switch (node.OpType)
            {
                case "Identity" when constants.Length == 0:
                    break;
                case "Cast" when constants.Length == 0 && layers.Count == 0:
                    var to = node.Attribute("to");
                    currentType = to?.Int is OnnxSpec.Float or OnnxSpec.Double ? (int)to.Int
                        : throw new OnnxFormatException($"{node.Label}: a cast to {OnnxSpec.TypeName((int)(to?.Int ?? 0))}; Backprop reads float and double");
                    break;
                case "Sub" when layers.Count == 0 && offset is null && scale is null && node.Inputs[0] == current && constants.Length == 1:
                    offset = Vector(node, constants[0], "offset", -1);
                    break;
                case "Div" when layers.Count == 0 && scale is null && node.Inputs[0] == current && constants.Length == 1:
                    scale = Vector(node, constants[0], "scale", -1);
                    if (scale.Any(s => s == 0 || !double.IsFinite(s))) throw new OnnxFormatException($"{node.Label}: the scale holds 0 or a number that is not finite");
                    break;
                case "Gemm" when constants.Length is 1 or 2 && node.Inputs[0] == current:
                    RequireType(node, currentType, precisionType);
                    if ((node.Attribute("alpha")?.Float ?? 1) != 1 || (node.Attribute("beta")?.Float ?? 1) != 1 || (node.Attribute("transA")?.Int ?? 0) != 0)
                        throw new OnnxFormatException($"{node.Label}: Backprop imports Gemm with alpha 1, beta 1 and transA 0");
                    var gemm = Dense(node, constants[0], transposed: (node.Attribute("transB")?.Int ?? 0) != 0, layers, precisionType);
                    if (constants.Length == 2) gemm.Bias = Bias(node, constants[1], gemm.Outputs, precisionType);
                    layers.Add(gemm);
                    break;
                case "MatMul" when constants.Length == 1 && node.Inputs[0] == current && node.Inputs.Length == 2:
                    RequireType(node, currentType, precisionType);
                    layers.Add(Dense(node, constants[0], transposed: false, layers, precisionType));
                    break;
                case "Add" when constants.Length == 1 && last is { Bias: null, ActivationNode: null }:
                    last.Bias = Bias(node, constants[0], last.Outputs, precisionType);
                    break;
                case "Relu" or "Sigmoid" or "Tanh" or "Softmax" when constants.Length == 0 && last is { ActivationNode: null }:
                    if (node.OpType == "Softmax" && node.Attribute("axis")?.Int is long axis && axis is not (1 or -1))
                        throw new OnnxFormatException($"{node.Label}: softmax over axis {axis}; Backprop's softmax is over each row (axis 1 or -1)");
                    last.Activation = Enum.Parse<Activation>(node.OpType);
                    last.ActivationNode = node.Label;
                    break;
                default:
                    throw new OnnxFormatException($"{node.Label}: {Unexpected(node, layers.Count, constants.Length)}");
            }
            current = node.Outputs[0];
        }
        if (current != output.Name)
            throw new OnnxFormatException($"the graph's output {MessageText.Quote(output.Name)} is not the end of its chain of nodes ({MessageText.Quote(current)})");
        if (consumers.ContainsKey(current))
            throw new OnnxFormatException($"the graph's output {MessageText.Quote(output.Name)} also feeds a node; Backprop imports a plain chain");
        if (layers.Count == 0) throw new OnnxFormatException("the graph has no dense layer (Gemm or MatMul)");
        if (currentType != precisionType) throw new OnnxFormatException($"the graph's output is {OnnxSpec.TypeName(currentType)}; its input is {OnnxSpec.TypeName(precisionType)}");
        if (output.ElemType != 0 && output.ElemType != precisionType)
            throw new OnnxFormatException($"the graph's output {MessageText.Quote(output.Name)} is declared {OnnxSpec.TypeName(output.ElemType)}; its input is {OnnxSpec.TypeName(precisionType)}");
        if (input.Dims is [_, long columns] && columns != layers[0].Inputs)
            throw new OnnxFormatException($"the graph's input {MessageText.Quote(input.Name)} has {columns} columns; {layers[0].Node} takes {layers[0].Inputs}");

        return Build(graph, layers, f32, offset, scale);
    }

    /// <summary>The graph's one input that is not an initializer, of float or double elements.</summary>
    private static OnnxValueInfo TheInput(OnnxGraph graph)
    {
        var inputs = graph.Inputs.Where(i => !graph.Initializers.ContainsKey(i.Name)).ToArray();
        if (inputs.Length != 1)
            throw new OnnxFormatException($"the graph has {inputs.Length} inputs besides its initializers; Backprop imports graphs with one");
        var input = inputs[0];
        if (input.ElemType is not (OnnxSpec.Float or OnnxSpec.Double))
            throw new OnnxFormatException($"the graph's input {MessageText.Quote(input.Name)} is {(input.ElemType == 0 ? "not a tensor of known type" : OnnxSpec.TypeName(input.ElemType))}; Backprop imports float or double inputs");
        return input;
    }

    private static string Unexpected(OnnxNode node, int layers, int constants) => node.OpType switch
    {
        "Relu" or "Sigmoid" or "Tanh" or "Softmax" when layers == 0 => "an activation before any dense layer; Backprop's networks start with a dense layer",
        "Relu" or "Sigmoid" or "Tanh" or "Softmax" when constants == 0 => "a second activation after the same dense layer",
        "Add" => "an Add that is not a dense layer's bias (a constant added right after a MatMul without a bias)",
        "Sub" or "Div" or "Cast" => "Backprop imports input scaling only as it exports it: before the first dense layer, a Sub of a constant, then a Div by a constant, with Casts around them",
        _ when Operators.Contains(node.OpType) => "its inputs are not those of a plain chain (the previous value and constants in the places the operator takes them)",
        _ => $"operator {MessageText.Shorten(node.OpType)} is not supported; Backprop imports chains of {string.Join(", ", Operators)}",
    };

    private static void RequireType(OnnxNode node, int current, int precision)
    {
        if (current != precision)
            throw new OnnxFormatException($"{node.Label}: its input is {OnnxSpec.TypeName(current)}; the graph's input is {OnnxSpec.TypeName(precision)}");
    }

    /// <summary>The initializer <paramref name="name"/>, an input of <paramref name="node"/> besides the chain's value.</summary>
    private static OnnxTensor Constant(OnnxGraph graph, OnnxNode node, string name)
    {
        if (!graph.Initializers.TryGetValue(name, out var tensor))
            throw new OnnxFormatException($"{node.Label}: its input {MessageText.Quote(name)} is neither the previous node's output nor an initializer; Backprop imports a plain chain with constant weights");
        if (!tensor.Values.All(double.IsFinite))
            throw new OnnxFormatException($"{node.Label}: initializer {MessageText.Quote(name)} holds a number that is not finite");
        return tensor;
    }

    private static Layer Dense(OnnxNode node, OnnxTensor weights, bool transposed, List<Layer> layers, int precisionType)
    {
        if (weights.Dims.Length != 2)
            throw new OnnxFormatException($"{node.Label}: weights {MessageText.Quote(weights.Name)} have {weights.Dims.Length} dimensions, not 2");
        CheckType(node, weights, precisionType);
        // Non-empty, so each dimension is at most the number of values the file holds.
        if (weights.Values.Length == 0) throw new OnnxFormatException($"{node.Label}: weights {MessageText.Quote(weights.Name)} are empty");
        int rows = (int)weights.Dims[0], columns = (int)weights.Dims[1];
        int inputs = transposed ? columns : rows, outputs = transposed ? rows : columns;
        if (layers.Count > 0 && layers[^1].Outputs != inputs)
            throw new OnnxFormatException($"{node.Label}: takes {inputs} inputs; {layers[^1].Node} gives {layers[^1].Outputs}");
        var values = weights.Values;
        if (transposed)
        {
            values = new double[weights.Values.Length];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++) values[c * rows + r] = weights.Values[r * columns + c];
        }
        return new Layer(node.Label, values, inputs, outputs);
    }

    /// <summary>A dense layer's weights and bias have the graph's element type (Backprop's layers compute in one precision).</summary>
    private static void CheckType(OnnxNode node, OnnxTensor tensor, int precisionType)
    {
        if (tensor.DataType != precisionType)
            throw new OnnxFormatException($"{node.Label}: initializer {MessageText.Quote(tensor.Name)} is {OnnxSpec.TypeName(tensor.DataType)}; the graph's input is {OnnxSpec.TypeName(precisionType)}");
    }

    private static double[] Bias(OnnxNode node, OnnxTensor tensor, int length, int precisionType)
    {
        CheckType(node, tensor, precisionType);
        return Vector(node, tensor, "bias", length);
    }

    /// <summary>A vector of <paramref name="length"/> values (any length when -1), shaped [n] or [1, n].</summary>
    private static double[] Vector(OnnxNode node, OnnxTensor tensor, string what, int length)
    {
        bool shaped = tensor.Dims is [_] or [1, _];
        if (!shaped || (length >= 0 && tensor.Values.Length != length))
            throw new OnnxFormatException($"{node.Label}: the {what} {MessageText.Quote(tensor.Name)} has shape [{string.Join(", ", tensor.Dims)}]; Backprop needs [{(length >= 0 ? length.ToString(CultureInfo.InvariantCulture) : "n")}]");
        return tensor.Values;
    }

    private static Model Build(OnnxGraph graph, List<Layer> layers, bool f32, double[]? offset, double[]? scale)
    {
        int inputs = layers[0].Inputs;
        if (offset is not null && offset.Length != inputs) throw new OnnxFormatException($"the input scaling's offset has {offset.Length} values for {inputs} inputs");
        if (scale is not null && scale.Length != inputs) throw new OnnxFormatException($"the input scaling's scale has {scale.Length} values for {inputs} inputs");

        var hidden = layers.Take(layers.Count - 1).ToArray();
        foreach (var layer in hidden)
            if (layer.Activation is Activation.Identity or Activation.Softmax)
                throw new OnnxFormatException($"{layer.Node}: a hidden layer {(layer.Activation == Activation.Softmax ? "with softmax" : "without an activation")}; Backprop's hidden layers end in relu, sigmoid or tanh");
        var hiddenActivation = hidden.Length == 0 ? Activation.Relu : hidden[0].Activation;
        if (hidden.FirstOrDefault(l => l.Activation != hiddenActivation) is { } other)
            throw new OnnxFormatException($"{other.ActivationNode}: hidden layers use both {Activations.Name(hiddenActivation)} and {Activations.Name(other.Activation)}; Backprop's hidden layers share one activation");
        var outputLayer = layers[^1];
        if (outputLayer.Activation is Activation.Relu or Activation.Tanh)
            throw new OnnxFormatException($"{outputLayer.ActivationNode}: a {Activations.Name(outputLayer.Activation)} output; Backprop's outputs are identity, sigmoid or softmax");

        // A layer without a bias, among layers with one, gets zeros (Backprop's layers all have a bias or none).
        bool bias = layers.Any(l => l.Bias is not null);
        var spec = new NetworkSpec(inputs, hidden.Select(l => l.Outputs).ToArray(), outputLayer.Outputs)
        {
            HiddenActivation = hiddenActivation,
            OutputActivation = outputLayer.Activation,
            Bias = bias,
        };
        int outputs = outputLayer.Outputs;
        string[] features = OnnxMetadata.Names(graph.Metadata, OnnxMetadata.Features)
            ?? Enumerable.Range(1, inputs).Select(i => "x" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        string[] targets = OnnxMetadata.Names(graph.Metadata, OnnxMetadata.Targets) ?? [];
        string[]? classes = OnnxMetadata.Names(graph.Metadata, OnnxMetadata.Classes) ?? (graph.Metadata.ContainsKey(OnnxMetadata.Loss) ? null : DefaultClasses(spec));
        string loss = graph.Metadata.GetValueOrDefault(OnnxMetadata.Loss) ?? spec.OutputActivation switch
        {
            Activation.Softmax => "cross-entropy",
            Activation.Sigmoid => "binary-cross-entropy",
            _ => "mse",
        };
        string kind = graph.Metadata.GetValueOrDefault(OnnxMetadata.Normalization) ?? (offset is null && scale is null ? "none" : "standard");
        var normalization = offset is null && scale is null && kind == "none" ? Normalization.None(inputs)
            : new Normalization(kind, offset ?? new double[inputs], scale ?? Enumerable.Repeat(1.0, inputs).ToArray());

        var model = new Model(spec, f32 ? "f32" : "f64", normalization, features, targets, classes, loss,
            layers.Select(l => l.Weights).ToArray(),
            layers.Select(l => bias ? l.Bias ?? new double[l.Outputs] : null).ToArray());
        if (model.FindProblem() is { } problem)
            throw new OnnxFormatException($"the graph does not make a Backprop model: {problem}");
        return model;
    }

    /// <summary>Class names for an imported classifier: "0", "1", ... as the class's index (two for one sigmoid output), or null.</summary>
    private static string[]? DefaultClasses(NetworkSpec spec) => spec.OutputActivation switch
    {
        Activation.Softmax when spec.Outputs >= 2 => Enumerable.Range(0, spec.Outputs).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(),
        Activation.Sigmoid when spec.Outputs == 1 => ["0", "1"],
        _ => null,
    };
}
