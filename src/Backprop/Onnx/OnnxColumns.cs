using Backprop.Data;
using MessageText = Backprop.Models.MessageText;

namespace Backprop.Onnx;

/// <summary>
/// The column steps of a graph that takes a file's columns, as <see cref="OnnxWriter"/> exports a model with text
/// columns or filled missing values (docs/onnx.md): one graph input a column, [batch, 1]; a number column as it is or
/// filled, <c>Where(IsNaN(x), fill, x)</c>; a text column one-hot encoded by ai.onnx.ml's <c>OneHotEncoder</c>
/// (<c>cats_strings</c>, <c>zeros = 1</c>), then <c>Reshape</c> to [batch, categories] and, for float64, a <c>Cast</c>;
/// then one <c>Concat</c> along axis 1 of every column in the inputs' order. Read back, they are the model's
/// <see cref="InputSchema"/>; the chain of layers starts from the Concat's output.
/// </summary>
/// <param name="Output">The Concat's output: the network's inputs.</param>
/// <param name="Type">The precision of the network's inputs (float or double).</param>
/// <param name="Schema">The columns, with their categories and fills, and the missing-value policy.</param>
/// <param name="Nodes">The indices of the column steps' nodes (no part of the chain).</param>
internal sealed record OnnxColumns(string Output, int Type, InputSchema Schema, IReadOnlySet<int> Nodes)
{
    /// <summary>The metadata entry naming the model's missing-value policy (error, drop, mean, median).</summary>
    public const string MissingKey = "backprop.missing";

    private const string Steps = "Backprop reads a column's steps as it exports them: IsNaN and Where to fill a number, OneHotEncoder, Reshape and Cast for text, then one Concat";

    // What is known of a column as its steps are read: the value that stands for it so far, and what each step found.
    private sealed class Column(string name, int type)
    {
        public string Name { get; } = name;
        public int Type { get; } = type;
        public string Value { get; set; } = name;
        public string? Missing { get; set; }
        public double? Fill { get; set; }
        public string[]? Categories { get; set; }
        public string Stage { get; set; } = "input";
    }

    /// <summary>Reads the column steps of <paramref name="graph"/>, which has a Concat node; <paramref name="values"/> are its constants.</summary>
    /// <exception cref="OnnxFormatException">The steps are not those Backprop exports; names the node.</exception>
    public static OnnxColumns Read(OnnxGraph graph, IReadOnlyDictionary<string, OnnxTensor> values)
    {
        var inputs = graph.Inputs.Where(i => !graph.Initializers.ContainsKey(i.Name)).ToArray();
        var columns = new List<Column>();
        foreach (var input in inputs)
        {
            if (input.ElemType is not (OnnxSpec.Float or OnnxSpec.Double or OnnxSpec.String))
                throw new OnnxFormatException($"the graph's input {MessageText.Quote(input.Name)} is {(input.ElemType == 0 ? "not a tensor of known type" : OnnxSpec.TypeName(input.ElemType))}; a column is float, double or string");
            if (input.Dims is { } dims && (dims.Length != 2 || dims[1] is not (null or 1)))
                throw new OnnxFormatException($"the graph's input {MessageText.Quote(input.Name)} has shape [{string.Join(", ", dims.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"))}]; a column is [batch, 1]");
            columns.Add(new Column(input.Name, input.ElemType));
        }
        var numberTypes = columns.Where(c => c.Type != OnnxSpec.String).Select(c => c.Type).Distinct().ToArray();
        if (numberTypes.Length > 1) throw new OnnxFormatException("the graph's number columns are both float and double; a model has one precision");
        int? type = numberTypes.Length == 1 ? numberTypes[0] : null;

        var byValue = columns.ToDictionary(c => c.Value, StringComparer.Ordinal);
        var nodes = new HashSet<int>();
        foreach (var node in graph.Nodes)
        {
            if (node.OpType == "Identity" && node.Inputs is [var from] && values.ContainsKey(from)) continue;   // a copy of a constant
            nodes.Add(node.Index);
            if (node.OpType == "Concat" && node.Domain is "" or "ai.onnx")
                return Concat(node, columns, byValue, type, graph.Metadata, nodes);
            var column = node.Inputs.Length > 0 ? node.Inputs.Select(i => byValue.GetValueOrDefault(i)).FirstOrDefault(c => c is not null) : null;
            if (column is null || node.Outputs.Length != 1)
                throw new OnnxFormatException($"{node.Label}: before the columns' Concat, every node is a step of one column; {Steps}");
            string output = node.Outputs[0];
            switch (node.OpType)
            {
                case "IsNaN" when column.Type != OnnxSpec.String && column.Stage == "input" && node.Inputs is [_]:
                    column.Missing = output;
                    byValue[output] = column;
                    continue;   // the column's value is still its input
                case "Where" when column.Missing is not null && column.Stage == "input" && node.Inputs is [var missing, var fill, var x]
                                  && missing == column.Missing && x == column.Name && values.TryGetValue(fill, out var fills):
                    if (fills.DataType != column.Type || fills.Values.Length != 1 || !double.IsFinite(fills.Values[0]))
                        throw new OnnxFormatException($"{node.Label}: the fill of column {MessageText.Quote(column.Name)} is not one finite {OnnxSpec.TypeName(column.Type)} number");
                    column.Fill = fills.Values[0];
                    column.Stage = "filled";
                    break;
                case "OneHotEncoder" when node.Domain == "ai.onnx.ml" && column.Type == OnnxSpec.String && column.Stage == "input":
                    var categories = node.Attribute("cats_strings")?.Strings ?? [];
                    if (categories.Length == 0 || node.Attribute("cats_int64s") is not null)
                        throw new OnnxFormatException($"{node.Label}: column {MessageText.Quote(column.Name)} is one-hot encoded by cats_strings, the categories as text; it has none");
                    if (categories.Length > CsvLoader.MaxCategories)
                        throw new OnnxFormatException($"{node.Label}: column {MessageText.Quote(column.Name)} has {categories.Length} categories; at most {CsvLoader.MaxCategories}");
                    if (categories.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
                        throw new OnnxFormatException($"{node.Label}: category {MessageText.Quote(twice.Key)} of column {MessageText.Quote(column.Name)} is listed twice");
                    if ((node.Attribute("zeros")?.Int ?? 1) != 1)
                        throw new OnnxFormatException($"{node.Label}: zeros = 0 makes an unknown category an error; Backprop's columns give it no category (zeros = 1)");
                    column.Categories = categories;
                    column.Stage = "encoded";
                    break;
                case "Reshape" when column.Stage == "encoded" && node.Inputs is [_, var shapeName] && values.TryGetValue(shapeName, out var shape):
                    if (shape.DataType != OnnxSpec.Int64 || shape.Values is not [-1 or 0, var width] || width != column.Categories!.Length)
                        throw new OnnxFormatException($"{node.Label}: column {MessageText.Quote(column.Name)}'s one-hot values are reshaped to [{string.Join(", ", shape.Values)}]; expected [-1, {column.Categories!.Length}]");
                    column.Stage = "text";
                    break;
                case "Cast" when column.Stage == "text" && node.Inputs is [_]:
                    var to = node.Attribute("to")?.Int;
                    if (to is not (OnnxSpec.Float or OnnxSpec.Double) || (type is { } t && to != t))
                        throw new OnnxFormatException($"{node.Label}: column {MessageText.Quote(column.Name)} is cast to {OnnxSpec.TypeName((int)(to ?? 0))}; the model's numbers are {OnnxSpec.TypeName(type ?? OnnxSpec.Float)}");
                    type = (int)to;
                    column.Stage = "cast";
                    break;
                default:
                    throw new OnnxFormatException($"{node.Label}: not a step of column {MessageText.Quote(column.Name)} as Backprop exports it; {Steps}");
            }
            column.Value = output;
            byValue[output] = column;
        }
        throw new OnnxFormatException("the graph's columns are never concatenated");
    }

    private static OnnxColumns Concat(OnnxNode node, List<Column> columns, Dictionary<string, Column> byValue, int? type,
                                      IReadOnlyDictionary<string, string> metadata, HashSet<int> nodes)
    {
        if ((node.Attribute("axis")?.Int ?? 0) != 1 || node.Outputs.Length != 1)
            throw new OnnxFormatException($"{node.Label}: the columns are concatenated along axis 1 into one value");
        if (node.Inputs.Length != columns.Count)
            throw new OnnxFormatException($"{node.Label}: it joins {node.Inputs.Length} values; the graph has {columns.Count} columns");
        for (int c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            if (!byValue.TryGetValue(node.Inputs[c], out var joined) || joined != column || node.Inputs[c] != column.Value || column.Stage is "encoded" or "text" && type == OnnxSpec.Double)
                throw new OnnxFormatException($"{node.Label}: its input {c + 1} ({MessageText.Quote(node.Inputs[c])}) is not column {MessageText.Quote(column.Name)}'s last step; the columns are joined in the graph inputs' order");
            if (column.Stage is "encoded") throw new OnnxFormatException($"{node.Label}: column {MessageText.Quote(column.Name)}'s one-hot values are not reshaped to [batch, categories]");
        }
        int precision = type ?? OnnxSpec.Float;
        bool fills = columns.Any(c => c.Fill is not null);
        string missing = metadata.GetValueOrDefault(MissingKey) ?? (fills ? "mean" : "error");
        if (!InputSchema.MissingPolicies.Contains(missing))
            throw new OnnxFormatException($"the metadata entry '{MissingKey}' is {MessageText.Quote(missing)}; expected {string.Join(", ", InputSchema.MissingPolicies)}");
        if (fills && missing is "error" or "drop")
            throw new OnnxFormatException($"the graph fills missing numbers, but its metadata says missing values are {(missing == "error" ? "an error" : "dropped")}");
        var schema = new InputSchema([.. columns.Select(c => new InputColumn(c.Name, c.Categories, c.Fill))], missing);
        return new OnnxColumns(node.Outputs[0], precision, schema, nodes);
    }
}
