using Backprop.Data;

namespace Backprop.Models;

/// <summary>Reads the arrays an <see cref="NpzLayout"/> names and checks that they make a network: matrices, each layer's inputs the previous one's outputs, biases one an output, finite numbers.</summary>
internal static class NpzLayers
{
    /// <summary>The dense layers, input side first; a <see cref="DataException"/> naming the entry (and the one it disagrees with) otherwise.</summary>
    public static List<NpzLayer> Read(string path, NpzReader reader, NpzLayout layout)
    {
        var layers = new List<NpzLayer>(layout.Layers.Count);
        string form = layout.Transposed ? "(outputs, inputs)" : "(inputs, outputs)";
        foreach (var (weightsName, biasName) in layout.Layers)
        {
            var w = reader.Read(weightsName);
            if (w.Shape.Length != 2)
                throw Fail(path, w, $"has shape {w.ShapeText}; a layer's weights are a matrix {form}");
            int inputs = layout.Transposed ? w.Shape[1] : w.Shape[0], outputs = layout.Transposed ? w.Shape[0] : w.Shape[1];
            if (inputs == 0 || outputs == 0)
                throw Fail(path, w, $"has shape {w.ShapeText}; a layer needs at least one input and one output");
            if (layers.Count > 0 && layers[^1] is var previous && previous.Outputs != inputs)
                throw Fail(path, w, $"has shape {w.ShapeText}, {inputs} inputs, but {Quote(previous.Weights)} has shape {previous.Weights.ShapeText}, {previous.Outputs} outputs");
            CheckFinite(path, w);
            NpyArray? bias = null;
            if (biasName is not null)
            {
                bias = reader.Read(biasName);
                if (bias.Shape.Length != 1 || bias.Shape[0] != outputs)
                    throw Fail(path, bias, $"has shape {bias.ShapeText}, but {Quote(w)} has shape {w.ShapeText}, {outputs} outputs: its bias has shape ({outputs},)");
                CheckFinite(path, bias);
            }
            layers.Add(new NpzLayer(w, bias, inputs, outputs, layout.Transposed ? Transpose(w.Values, w.Shape[0], w.Shape[1]) : w.Values));
        }
        return layers;
    }

    /// <summary>The input scaling the archive holds (input_offset, input_scale), or none when it holds none.</summary>
    public static Normalization ReadScaling(string path, NpzReader reader, NpzLayout layout, int inputs)
    {
        if (layout.Offset is null || layout.Scale is null) return Normalization.None(inputs);
        var offset = reader.Read(layout.Offset);
        var scale = reader.Read(layout.Scale);
        foreach (var a in new[] { offset, scale })
        {
            if (a.Shape.Length != 1 || a.Shape[0] != inputs)
                throw Fail(path, a, $"has shape {a.ShapeText}; the first layer's weights take {inputs} inputs, so it has shape ({inputs},)");
            CheckFinite(path, a);
        }
        int zero = Array.IndexOf(scale.Values, 0.0);
        if (zero >= 0) throw Fail(path, scale, $"value {zero} is 0; inputs are divided by their scale");
        bool identity = offset.Values.All(v => v == 0) && scale.Values.All(v => v == 1);
        // An archive keeps the numbers of the scaling, not how they were fitted: "standard" stands for any scaling.
        return new Normalization(identity ? NormalizationKind.None : NormalizationKind.Standard, offset.Values, scale.Values);
    }

    private static void CheckFinite(string path, NpyArray a)
    {
        int bad = Array.FindIndex(a.Values, v => !double.IsFinite(v));
        if (bad < 0) return;
        string at = a.Shape.Length == 2 ? $"[{bad / a.Shape[1]}, {bad % a.Shape[1]}]" : $"[{bad}]";
        throw Fail(path, a, $"holds {a.Values[bad]} at {at}; a model holds finite numbers only");
    }

    private static double[] Transpose(double[] values, int rows, int columns)
    {
        var result = new double[values.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) result[c * rows + r] = values[r * columns + c];
        return result;
    }

    private static string Quote(NpyArray a) => MessageText.Quote(a.Name + ".npy");

    private static DataException Fail(string path, NpyArray a, string problem) => new(path, MessageText.OneLine($"{Quote(a)} {problem}"));
}
