namespace Backprop.Onnx;

/// <summary>What <see cref="OnnxReader"/> reads of an ONNX model: the main graph's nodes, initializers, inputs and outputs, with the model's metadata.</summary>
/// <param name="Nodes">The nodes, in the file's order.</param>
/// <param name="Initializers">The constant tensors, by name.</param>
/// <param name="Inputs">The graph's inputs (older files list initializers here too).</param>
/// <param name="Outputs">The graph's outputs.</param>
/// <param name="Metadata">The model's metadata_props.</param>
/// <param name="Opset">The version of the standard operator set the model imports, or 0 when it names none.</param>
internal sealed record OnnxGraph(IReadOnlyList<OnnxNode> Nodes, IReadOnlyDictionary<string, OnnxTensor> Initializers,
                                 IReadOnlyList<OnnxValueInfo> Inputs, IReadOnlyList<OnnxValueInfo> Outputs,
                                 IReadOnlyDictionary<string, string> Metadata, long Opset);
