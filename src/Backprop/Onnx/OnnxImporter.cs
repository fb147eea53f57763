using System.Globalization;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Tensors;
using MessageText = Backprop.Models.MessageText;

namespace Backprop.Onnx;

/// <summary>
/// Turns a plain multi-layer perceptron graph into a <see cref="Model"/>: a chain of nodes from the one input to the
/// one output, each dense layer a Gemm or a MatMul (with an Add of its bias), followed by one activation (Relu,
/// Sigmoid, Tanh; Sigmoid or Softmax after the last), optionally after an input scaling (Sub, Div, with Casts around
/// them) as Backprop exports it. An inference-mode BatchNormalization is folded into the dense layer before it, or,
/// on the input or after an activation, into the dense layer after it. Anything else is an
/// <see cref="OnnxFormatException"/> naming the node and operator.
/// </summary>
internal static class OnnxImporter
{
    /// <summary>The operators a chain may hold.</summary>
    public static IReadOnlyList<string> Operators { get; } = ["Gemm", "MatMul", "Add", "BatchNormalization", "Relu", "Sigmoid", "Tanh", "Softmax", "Sub", "Div", "Cast", "Identity"];

    /// <summary>A dense layer read from the graph, with what follows it, on its way to the model.</summary>
    private sealed class Layer(string node, double[] weights, int inputs, int outputs)
    {
        /// <summary>The Gemm or MatMul it was read from, as messages name it.</summary>
        public string Node { get; } = node;
        /// <summary>[inputs, outputs] row-major, the layer's own copy: folding a BatchNormalization scales it in place.</summary>
        public double[] Weights { get; } = weights;
        /// <summary>How many values a row it takes.</summary>
        public int Inputs { get; } = inputs;
        /// <summary>How many values a row it gives.</summary>
        public int Outputs { get; } = outputs;
        /// <summary>Its bias, the layer's own array; null while it has none.</summary>
        public double[]? Bias { get; private set; }
        /// <summary>Whether its own bias (Gemm's third input, or an Add after the MatMul) was read or a BatchNormalization folded into it: an Add after either is no bias of this layer.</summary>
        public bool BiasRead { get; set; }
        /// <summary>The BatchNormalization nodes folded into it, to name if the folded weights do not fit the model's precision.</summary>
        public List<string> Folded { get; } = [];
        /// <summary>The activation after it (identity when none).</summary>
        public Activation Activation { get; set; } = Activation.Identity;
        /// <summary>The activation node, as messages name it; null while none has been read.</summary>
        public string? ActivationNode { get; set; }

        /// <summary>Adds <paramref name="bias"/> to the bias (zeros when there is none yet).</summary>
        public void AddBias(double[] bias)
        {
            var sum = Bias ?? new double[Outputs];
            for (int j = 0; j < Outputs; j++) sum[j] += bias[j];
            Bias = sum;
        }

        /// <summary>
        /// Folds the per-output map y * scale + shift (a BatchNormalization after the layer) into it:
        /// W' = W * scale (each output's column), b' = b * scale + shift.
        /// </summary>
        public void FoldAfter(double[] scale, double[] shift)
        {
            for (int i = 0; i < Inputs; i++)
                for (int j = 0; j < Outputs; j++) Weights[i * Outputs + j] *= scale[j];
            var bias = new double[Outputs];
            for (int j = 0; j < Outputs; j++) bias[j] = (Bias?[j] ?? 0) * scale[j] + shift[j];
            Bias = bias;
        }

        /// <summary>
        /// Folds the per-input map x * scale + shift (a BatchNormalization before the layer) into it:
        /// W' = diag(scale) W, and shift W added to the bias. Called before the layer's own bias is read.
        /// </summary>
        public void FoldBefore(double[] scale, double[] shift)
        {
            // shift W from the weights before they are scaled; a network without biases keeps none if the shift is 0.
            if (shift.Any(t => t != 0))
            {
                var bias = new double[Outputs];
                for (int i = 0; i < Inputs; i++)
                    for (int j = 0; j < Outputs; j++) bias[j] += shift[i] * Weights[i * Outputs + j];
                AddBias(bias);
            }
            for (int i = 0; i < Inputs; i++)
                for (int j = 0; j < Outputs; j++) Weights[i * Outputs + j] *= scale[i];
        }
    }

    /// <summary>
    /// The per-feature map x * Scale + Shift of the BatchNormalizations met since the last activation (or on the input),
    /// waiting for the dense layer after them to be folded into.
    /// </summary>
    private sealed class PendingNorm(string where, double[] scale, double[] shift)
    {
        /// <summary>Where they are, for messages: "before the first dense layer", "after node 'r' (Relu)".</summary>
        public string Where { get; } = where;
        /// <summary>The BatchNormalization nodes, as messages name them, in order.</summary>
        public List<string> Nodes { get; } = [];
        /// <summary>What each feature is multiplied by.</summary>
        public double[] Scale { get; } = scale;
        /// <summary>What is then added to each feature.</summary>
        public double[] Shift { get; } = shift;

        /// <summary>Follows the map with x * scale + shift (a second BatchNormalization): (x a + b) s + t.</summary>
        public void Then(double[] scale, double[] shift)
        {
            for (int j = 0; j < Scale.Length; j++)
            {
                Scale[j] *= scale[j];
                Shift[j] = Shift[j] * scale[j] + shift[j];
            }
        }
    }

    /// <summary>The model the graph computes.</summary>
    public static Model ToModel(OnnxGraph graph)
    {
        // Every operator read here means the same from opset 7 on, for the matrices of a chain (Softmax on 2-D input;
        // BatchNormalization's spatial attribute of opsets 7 and 8 changes nothing for a matrix).
        if (graph.Opset < 7)
            throw new OnnxFormatException(graph.Opset == 0 ? "the model imports no standard operator set (opset_import)"
                : $"the model uses operator set {graph.Opset}; Backprop imports opset 7 and later");
        var output = graph.Outputs.Count == 1 ? graph.Outputs[0]
            : throw new OnnxFormatException($"the graph has {graph.Outputs.Count} outputs; Backprop imports graphs with one");
        var copies = new HashSet<int>();
        var values = ConstantValues(graph, copies);
        // A graph that takes the file's columns (one input a column, as Backprop exports a model with text columns or
        // filled missing values) starts with their steps, ending in one Concat: the chain starts from its output.
        var byColumn = graph.Nodes.Any(n => n.OpType == "Concat") ? OnnxColumns.Read(graph, values) : null;
        var input = byColumn is null ? TheInput(graph) : new OnnxValueInfo(byColumn.Output, byColumn.Type, null);
        bool f32 = input.ElemType == OnnxSpec.Float;
        int precisionType = input.ElemType;
        if (input.Dims is { } inputDims && inputDims.Length != 2)
            throw new OnnxFormatException($"the graph's input {MessageText.Quote(input.Name)} has {inputDims.Length} dimensions; Backprop imports a matrix input (rows, features)");

        var chain = graph.Nodes.Where(n => !copies.Contains(n.Index) && byColumn?.Nodes.Contains(n.Index) != true).ToArray();
        var consumers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in chain)
            foreach (string name in node.Inputs)
                consumers[name] = consumers.GetValueOrDefault(name) + 1;

        var layers = new List<Layer>();
        double[]? offset = null, scale = null;
        PendingNorm? pending = null;
        string current = input.Name, previous = byColumn is null ? "the graph's input" : "the columns' Concat";
        int currentType = precisionType;
        foreach (var node in chain)
        {
            if (node.Domain is not ("" or "ai.onnx"))
                throw new OnnxFormatException($"{node.Label}: operator domain {MessageText.Quote(node.Domain)} is not supported; Backprop imports standard ONNX operators ({string.Join(", ", Operators)})");
            if (!consumers.TryGetValue(current, out int uses) || uses != 1 || !node.Inputs.Contains(current))
                throw new OnnxFormatException($"{node.Label}: the graph is not a plain chain: {ChainBreak(chain, node, current, previous)}; Backprop imports one layer after another");
            if (node.Outputs.Length != 1)
                throw new OnnxFormatException(node.OpType == "BatchNormalization"
                    ? $"{node.Label}: a BatchNormalization giving {node.Outputs.Length} outputs is in training mode (it normalizes by each batch's own mean and variance); Backprop folds one in inference mode (export the model after model.eval())"
                    : $"{node.Label}: it gives {node.Outputs.Length} outputs; a plain chain's nodes give one");
            var constants = node.Inputs.Where(n => n != current && n.Length > 0).Select(n => Constant(values, node, n)).ToArray();
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
                case "Sub" when layers.Count == 0 && pending is null && offset is null && scale is null && node.Inputs[0] == current && constants.Length == 1:
                    offset = Vector(node, constants[0], "offset", -1);
                    break;
                case "Div" when layers.Count == 0 && pending is null && scale is null && node.Inputs[0] == current && constants.Length == 1:
                    scale = Vector(node, constants[0], "scale", -1);
                    if (scale.Any(s => s == 0 || !double.IsFinite(s))) throw new OnnxFormatException($"{node.Label}: the scale holds 0 or a number that is not finite");
                    break;
                case "Gemm" when constants.Length is 1 or 2 && node.Inputs[0] == current:
                    RequireType(node, currentType, precisionType);
                    if ((node.Attribute("alpha")?.Float ?? 1) != 1 || (node.Attribute("beta")?.Float ?? 1) != 1 || (node.Attribute("transA")?.Int ?? 0) != 0)
                        throw new OnnxFormatException($"{node.Label}: Backprop imports Gemm with alpha 1, beta 1 and transA 0");
                    var gemm = Dense(node, constants[0], transposed: (node.Attribute("transB")?.Int ?? 0) != 0, layers, precisionType);
                    FoldPending(gemm, ref pending);
                    if (constants.Length == 2)
                    {
                        gemm.AddBias(Bias(node, constants[1], gemm.Outputs, precisionType));
                        gemm.BiasRead = true;
                    }
                    layers.Add(gemm);
                    break;
                case "MatMul" when constants.Length == 1 && node.Inputs[0] == current && node.Inputs.Length == 2:
                    RequireType(node, currentType, precisionType);
                    var matMul = Dense(node, constants[0], transposed: false, layers, precisionType);
                    FoldPending(matMul, ref pending);
                    layers.Add(matMul);
                    break;
                case "Add" when constants.Length == 1 && last is { BiasRead: false, ActivationNode: null }:
                    last.AddBias(Bias(node, constants[0], last.Outputs, precisionType));
                    last.BiasRead = true;
                    break;
                case "BatchNormalization" when node.Inputs.Length == 5 && node.Inputs[0] == current && constants.Length == 4:
                    // What it normalizes: a dense layer's outputs (folded into that layer), an activation's, or the input's.
                    string of = last is null ? (pending is null ? "" : $"the {pending.Scale.Length} features of {pending.Nodes[^1]}")
                        : $"the {last.Outputs} outputs of {last.ActivationNode ?? last.Node}";
                    var (s, t) = BatchNormalization(node, constants, last?.Outputs ?? pending?.Scale.Length ?? -1, of);
                    if (last is { ActivationNode: null })
                    {
                        last.FoldAfter(s, t);
                        last.BiasRead = true;
                        last.Folded.Add(node.Label);
                    }
                    else
                    {
                        if (pending is null) pending = new PendingNorm(last is null ? "before the first dense layer" : $"after {last.ActivationNode}", s, t);
                        else pending.Then(s, t);
                        pending.Nodes.Add(node.Label);
                    }
                    break;
                case "Relu" or "Sigmoid" or "Tanh" or "Softmax" when constants.Length == 0 && last is { ActivationNode: null }:
                    if (node.OpType == "Softmax" && node.Attribute("axis")?.Int is long axis && axis is not (1 or -1))
                        throw new OnnxFormatException($"{node.Label}: softmax over axis {axis}; Backprop's softmax is over each row (axis 1 or -1)");
                    last.Activation = Enum.Parse<Activation>(node.OpType);
                    last.ActivationNode = node.Label;
                    break;
                default:
                    throw new OnnxFormatException($"{node.Label}: {Unexpected(node, layers.Count, constants.Length, pending)}");
            }
            current = node.Outputs[0];
            previous = $"the output of {node.Label}";
        }
        if (current != output.Name)
            throw new OnnxFormatException($"the graph's output {MessageText.Quote(output.Name)} is not the end of its chain of nodes ({MessageText.Quote(current)})");
        if (consumers.ContainsKey(current))
            throw new OnnxFormatException($"the graph's output {MessageText.Quote(output.Name)} also feeds a node; Backprop imports a plain chain");
        if (pending is not null)
            throw new OnnxFormatException($"{pending.Nodes[0]}: a BatchNormalization {pending.Where} cannot be folded into a dense layer: no Gemm or MatMul follows it");
        if (layers.Count == 0) throw new OnnxFormatException("the graph has no dense layer (Gemm or MatMul)");
        if (currentType != precisionType) throw new OnnxFormatException($"the graph's output is {OnnxSpec.TypeName(currentType)}; its input is {OnnxSpec.TypeName(precisionType)}");
        if (output.ElemType != 0 && output.ElemType != precisionType)
            throw new OnnxFormatException($"the graph's output {MessageText.Quote(output.Name)} is declared {OnnxSpec.TypeName(output.ElemType)}; its input is {OnnxSpec.TypeName(precisionType)}");
        if (input.Dims is [_, long columns] && columns != layers[0].Inputs)
            throw new OnnxFormatException($"the graph's input {MessageText.Quote(input.Name)} has {columns} columns; {layers[0].Node} takes {layers[0].Inputs}");

        if (byColumn is not null && byColumn.Schema.Width != layers[0].Inputs)
            throw new OnnxFormatException($"the columns give {byColumn.Schema.Width} inputs; {layers[0].Node} takes {layers[0].Inputs}");

        return Build(graph, layers, f32, offset, scale, byColumn?.Schema);
    }

    /// <summary>
    /// The graph's constant values by name: its initializers, and the outputs of Identity nodes that copy one. torch's
    /// export writes such copies for parameters of equal values (a fresh BatchNorm1d's weight and running_var are all
    /// ones); those Identity nodes, added to <paramref name="copies"/> by index, are no part of the chain.
    /// </summary>
    private static Dictionary<string, OnnxTensor> ConstantValues(OnnxGraph graph, HashSet<int> copies)
    {
        var values = new Dictionary<string, OnnxTensor>(graph.Initializers, StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
            if (node is { OpType: "Identity", Domain: "" or "ai.onnx", Inputs: [var from], Outputs: [var to] }
                && values.TryGetValue(from, out var tensor) && values.TryAdd(to, tensor))
                copies.Add(node.Index);
        return values;
    }

    /// <summary>
    /// Why <paramref name="node"/>, the next in the file, does not continue the chain at <paramref name="current"/>
    /// (<paramref name="previous"/>): the nodes that read it besides, or that it does not read it.
    /// </summary>
    private static string ChainBreak(IReadOnlyList<OnnxNode> chain, OnnxNode node, string current, string previous)
    {
        string value = $"the value {MessageText.Quote(current)} ({previous})";
        var others = chain.Where(n => n.Index != node.Index && n.Inputs.Contains(current)).ToArray();
        if (!node.Inputs.Contains(current))
            return others.Length == 0 ? $"it does not read {value}, and no node does"
                : $"it does not read {value}, which {Nodes(others)} read{(others.Length == 1 ? "s" : "")}";
        return others.Length > 0 ? $"{value} also feeds {Nodes(others)}"
            : $"it reads {value} {node.Inputs.Count(i => i == current)} times";
    }

    /// <summary>"node 'a' (Add)", "node 'a' (Add) and node 'b' (Mul)", ... naming at most three.</summary>
    private static string Nodes(OnnxNode[] nodes)
    {
        var named = nodes.Take(3).Select(n => n.Label).ToList();
        if (nodes.Length > 3) named.Add($"{nodes.Length - 3} more nodes");
        return named.Count == 1 ? named[0] : string.Join(", ", named.Take(named.Count - 1)) + " and " + named[^1];
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

    private static string Unexpected(OnnxNode node, int layers, int constants, PendingNorm? pending) => node.OpType switch
    {
        "Relu" or "Sigmoid" or "Tanh" or "Softmax" or "Add" when pending is not null && layers > 0 =>
            $"a {node.OpType} after {pending.Nodes[^1]}, which is {pending.Where}; Backprop folds a BatchNormalization after an activation into the dense layer (Gemm or MatMul) that follows it",
        "Relu" or "Sigmoid" or "Tanh" or "Softmax" when layers == 0 => "an activation before any dense layer; Backprop's networks start with a dense layer",
        "Relu" or "Sigmoid" or "Tanh" or "Softmax" when constants == 0 => "a second activation after the same dense layer",
        "Add" => "an Add that is not a dense layer's bias (a constant added right after a MatMul without a bias)",
        "Sub" or "Div" when pending is not null => $"a {node.OpType} after {pending.Nodes[^1]}; Backprop imports input scaling only as it exports it, before any BatchNormalization",
        "Sub" or "Div" or "Cast" => "Backprop imports input scaling only as it exports it: before the first dense layer, a Sub of a constant, then a Div by a constant, with Casts around them",
        "BatchNormalization" => $"its inputs are not those Backprop folds: X (the previous node's output), then scale, B, input_mean and input_var (initializers); it has {node.Inputs.Length}",
        _ when Operators.Contains(node.OpType) => "its inputs are not those of a plain chain (the previous value and constants in the places the operator takes them)",
        _ => $"operator {MessageText.Shorten(node.OpType)} is not supported; Backprop imports chains of {string.Join(", ", Operators)}",
    };

    private static void RequireType(OnnxNode node, int current, int precision)
    {
        if (current != precision)
            throw new OnnxFormatException($"{node.Label}: its input is {OnnxSpec.TypeName(current)}; the graph's input is {OnnxSpec.TypeName(precision)}");
    }

    /// <summary>The initializer (or copy of one) <paramref name="name"/>, an input of <paramref name="node"/> besides the chain's value.</summary>
    private static OnnxTensor Constant(Dictionary<string, OnnxTensor> values, OnnxNode node, string name)
    {
        if (!values.TryGetValue(name, out var tensor))
            throw new OnnxFormatException($"{node.Label}: its input {MessageText.Quote(name)} is neither the previous node's output nor an initializer; Backprop imports a plain chain with constant weights");
        if (tensor.DataType == OnnxSpec.Int64)
            throw new OnnxFormatException($"initializer {MessageText.Quote(name)} holds int64 values; Backprop reads float and double tensors");
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
        // A copy: folding a BatchNormalization changes it, and other nodes may read the same initializer.
        var values = weights.Values.ToArray();
        if (transposed)
        {
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

    /// <summary>
    /// An inference-mode BatchNormalization, Y = (X - input_mean) / sqrt(input_var + epsilon) * scale + B, as the
    /// per-feature map X * s + t, computed in float64: s = scale / sqrt(input_var + epsilon), t = B - input_mean * s.
    /// <paramref name="features"/> is how many values a row it normalizes (-1 when not known yet), <paramref name="of"/>
    /// says what they are, for messages.
    /// </summary>
    private static (double[] Scale, double[] Shift) BatchNormalization(OnnxNode node, OnnxTensor[] parameters, int features, string of)
    {
        // Opset 14 and later say training mode with this attribute; opsets 7 to 13 by the extra outputs (refused before).
        if (node.Attribute("training_mode")?.Int is long training && training != 0)
            throw new OnnxFormatException($"{node.Label}: training_mode is {training}; Backprop folds a BatchNormalization in inference mode (training_mode 0: export the model after model.eval())");
        double epsilon = node.Attribute("epsilon")?.Float ?? 1e-5f;   // a float attribute, 1e-5 by default (momentum only matters in training)
        if (!double.IsFinite(epsilon)) throw new OnnxFormatException($"{node.Label}: its epsilon is {epsilon.ToString(CultureInfo.InvariantCulture)}, not a finite number");
        string[] names = ["scale", "B", "input_mean", "input_var"];
        if (features < 0) features = parameters[0].Values.Length;
        for (int k = 0; k < names.Length; k++)
            if (parameters[k].Dims is not [_] || parameters[k].Values.Length != features)
                throw new OnnxFormatException($"{node.Label}: its {names[k]} {MessageText.Quote(parameters[k].Name)} has shape [{string.Join(", ", parameters[k].Dims)}]; "
                    + (of.Length > 0 ? $"it normalizes {of}, so Backprop needs [{features}]" : $"its scale has shape [{features}]"));
        double[] gamma = parameters[0].Values, beta = parameters[1].Values, mean = parameters[2].Values, variance = parameters[3].Values;
        double[] s = new double[features], t = new double[features];
        for (int j = 0; j < features; j++)
        {
            double v = variance[j] + epsilon;
            if (!(v > 0))
                throw new OnnxFormatException($"{node.Label}: input_var {MessageText.Quote(parameters[3].Name)} plus epsilon is {v.ToString(CultureInfo.InvariantCulture)} for feature {j + 1}; a variance is positive");
            s[j] = gamma[j] / Math.Sqrt(v);
            t[j] = beta[j] - mean[j] * s[j];
            if (!double.IsFinite(s[j]) || !double.IsFinite(t[j]))
                throw new OnnxFormatException($"{node.Label}: its scale over the standard deviation, or its shift, is not a finite number for feature {j + 1}");
        }
        return (s, t);
    }

    /// <summary>Folds the BatchNormalizations waiting before <paramref name="layer"/>, if any, into it.</summary>
    private static void FoldPending(Layer layer, ref PendingNorm? pending)
    {
        if (pending is null) return;
        if (pending.Scale.Length != layer.Inputs)
            throw new OnnxFormatException($"{pending.Nodes[^1]}: it normalizes {pending.Scale.Length} features; {layer.Node} after it takes {layer.Inputs} inputs");
        layer.FoldBefore(pending.Scale, pending.Shift);
        layer.Folded.AddRange(pending.Nodes);
        pending = null;
    }

    /// <summary>
    /// Rounds a folded layer's float64 weights and bias to float32 for an f32 model (a layer nothing was folded into
    /// holds float32 values already), and refuses folded values that are not finite.
    /// </summary>
    private static void Store(Layer layer, bool f32)
    {
        if (layer.Folded.Count == 0) return;
        foreach (var values in new[] { layer.Weights, layer.Bias ?? [] })
            for (int i = 0; i < values.Length; i++)
            {
                if (f32) values[i] = (float)values[i];
                if (!double.IsFinite(values[i]))
                    throw new OnnxFormatException($"{layer.Folded[0]}: folded into {layer.Node}, it gives a weight or bias beyond {(f32 ? "float32" : "float64")}'s range");
            }
    }

    private static Model Build(OnnxGraph graph, List<Layer> layers, bool f32, double[]? offset, double[]? scale, InputSchema? schema)
    {
        foreach (var layer in layers) Store(layer, f32);
        int inputs = layers[0].Inputs;
        if (offset is not null && offset.Length != inputs) throw new OnnxFormatException($"the input scaling's offset has {offset.Length} values for {inputs} inputs");
        if (scale is not null && scale.Length != inputs) throw new OnnxFormatException($"the input scaling's scale has {scale.Length} values for {inputs} inputs");

        var hidden = layers.Take(layers.Count - 1).ToArray();
        foreach (var layer in hidden)
            if (layer.Activation is Activation.Identity or Activation.Softmax)
                throw new OnnxFormatException($"{layer.Node}: a hidden layer {(layer.Activation == Activation.Softmax ? "with softmax" : "without an activation")}; Backprop's hidden layers end in relu, sigmoid or tanh");
        var hiddenActivation = hidden.Length == 0 ? Activation.Relu : hidden[0].Activation;
        if (hidden.FirstOrDefault(l => l.Activation != hiddenActivation) is { } other)
            throw new OnnxFormatException($"{other.ActivationNode}: hidden layers use both {Vocabulary.Name(hiddenActivation)} and {Vocabulary.Name(other.Activation)}; Backprop's hidden layers share one activation");
        var outputLayer = layers[^1];
        if (outputLayer.Activation is Activation.Relu or Activation.Tanh)
            throw new OnnxFormatException($"{outputLayer.ActivationNode}: a {Vocabulary.Name(outputLayer.Activation)} output; Backprop's outputs are identity, sigmoid or softmax");

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
            ?? schema?.InputNames.ToArray()
            ?? Enumerable.Range(1, inputs).Select(i => "x" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        string[] targets = OnnxMetadata.Names(graph.Metadata, OnnxMetadata.Targets) ?? [];
        string[]? classes = OnnxMetadata.Names(graph.Metadata, OnnxMetadata.Classes) ?? (graph.Metadata.ContainsKey(OnnxMetadata.Loss) ? null : DefaultClasses(spec));
        string lossName = graph.Metadata.GetValueOrDefault(OnnxMetadata.Loss) ?? spec.OutputActivation switch
        {
            Activation.Softmax => "cross-entropy",
            Activation.Sigmoid => "binary-cross-entropy",
            _ => "mse",
        };
        if (!Vocabulary.Names<LossKind>().Contains(lossName))
            throw new OnnxFormatException($"the graph does not make a Backprop model: the loss {MessageText.Quote(lossName)} is not one of {string.Join(", ", Vocabulary.Names<LossKind>())}");
        string kindName = graph.Metadata.GetValueOrDefault(OnnxMetadata.Normalization) ?? (offset is null && scale is null ? "none" : "standard");
        if (!Vocabulary.Names<NormalizationKind>().Contains(kindName))
            throw new OnnxFormatException($"the graph does not make a Backprop model: normalization kind is {MessageText.Quote(kindName)}; expected {string.Join(", ", Vocabulary.Names<NormalizationKind>())}");
        var kind = Vocabulary.Parse<NormalizationKind>(kindName);
        var normalization = offset is null && scale is null && kind == NormalizationKind.None ? Normalization.None(inputs)
            : new Normalization(kind, offset ?? new double[inputs], scale ?? Enumerable.Repeat(1.0, inputs).ToArray());

        var model = new Model(spec, f32 ? Precision.F32 : Precision.F64, normalization, features, targets, classes, Vocabulary.Parse<LossKind>(lossName),
            layers.Select(l => l.Weights).ToArray(),
            layers.Select(l => bias ? l.Bias ?? new double[l.Outputs] : null).ToArray()) { Inputs = schema };
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
