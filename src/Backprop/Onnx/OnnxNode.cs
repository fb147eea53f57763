namespace Backprop.Onnx;

/// <summary>A node of an ONNX graph: an operator applied to named inputs, giving named outputs.</summary>
/// <param name="Index">Its position in the graph's node list (0-based), to name it when it has no name.</param>
/// <param name="Name">Its name (may be empty).</param>
/// <param name="OpType">The operator: Gemm, Relu, ...</param>
/// <param name="Domain">The operator set's domain: "" (or "ai.onnx") for the standard operators.</param>
/// <param name="Inputs">Names of the values it reads.</param>
/// <param name="Outputs">Names of the values it gives.</param>
/// <param name="Attributes">Its attributes.</param>
internal sealed record OnnxNode(int Index, string Name, string OpType, string Domain, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes)
{
    /// <summary>How error messages name it: "node 'fc1' (Gemm)", or "node #3 (Gemm)" when it has no name.</summary>
    public string Label => (Name.Length > 0 ? $"node {Models.MessageText.Quote(Name)}" : $"node #{Index + 1}") + $" ({Models.MessageText.Shorten(OpType)})";

    /// <summary>The attribute named <paramref name="name"/>, or null.</summary>
    public OnnxAttribute? Attribute(string name) => Attributes.LastOrDefault(a => a.Name == name);
}
