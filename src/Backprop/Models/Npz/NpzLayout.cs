using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.Data;

namespace Backprop.Models;

/// <summary>
/// Which arrays of an .npz archive are which dense layer's weights and bias, told from their names alone (before
/// any array is read), in one of the two layouts Backprop imports: numpy names (<c>weights_K_{K+1}</c> of shape
/// (inputs, outputs), <c>bias_{K+1}</c>, as <see cref="NpzExport"/> writes and the notes name them) or a PyTorch
/// <c>nn.Sequential</c>'s state_dict (<c>N.weight</c> of shape (outputs, inputs), <c>N.bias</c>, layers in the order of N).
/// </summary>
/// <param name="Layers">Each dense layer's weights and (when it has one) bias array names, input side first.</param>
/// <param name="Offset">The input offsets' name, or null when the archive has no input scaling.</param>
/// <param name="Scale">The input scales' name, or null.</param>
/// <param name="Transposed">True for PyTorch's (outputs, inputs) weights.</param>
internal sealed record NpzLayout(IReadOnlyList<(string Weights, string? Bias)> Layers, string? Offset, string? Scale, bool Transposed)
{
    private static readonly Regex NumpyWeights = new(@"^weights_(0|[1-9][0-9]*)_(0|[1-9][0-9]*)$", RegexOptions.CultureInvariant);
    private static readonly Regex NumpyBias = new(@"^bias_([1-9][0-9]*)$", RegexOptions.CultureInvariant);
    private static readonly Regex Numbered = new(@"^(.*?)(0|[1-9][0-9]*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline);

    /// <summary>The layout of the arrays named <paramref name="names"/> in <paramref name="path"/>; a <see cref="DataException"/> naming the entry that fits none.</summary>
    public static NpzLayout Find(string path, IReadOnlyList<string> names)
    {
        var weights = new SortedDictionary<int, string>();
        var biases = new SortedDictionary<int, string>();
        var torch = new Dictionary<string, (string? Weight, string? Bias)>(StringComparer.Ordinal);
        string? offset = null, scale = null;
        foreach (string name in names)
        {
            if (name == NpzExport.OffsetName) offset = name;
            else if (name == NpzExport.ScaleName) scale = name;
            else if (NumpyWeights.Match(name) is { Success: true } w)
            {
                int from = Index(path, name, w.Groups[1].Value), to = Index(path, name, w.Groups[2].Value);
                if (to != from + 1)
                    throw Fail(path, name, $"joins layer {from} to layer {to}; weights_K_J joins neighbouring layers, J = K + 1");
                weights[from] = name;
            }
            else if (NumpyBias.Match(name) is { Success: true } b) biases[Index(path, name, b.Groups[1].Value)] = name;
            else if (name.EndsWith(".weight", StringComparison.Ordinal) || name.EndsWith(".bias", StringComparison.Ordinal))
            {
                bool isWeight = name.EndsWith(".weight", StringComparison.Ordinal);
                string prefix = name[..name.LastIndexOf('.')];
                torch.TryGetValue(prefix, out var pair);
                torch[prefix] = isWeight ? pair with { Weight = name } : pair with { Bias = name };
            }
            else if (name.Contains('.'))
                throw Fail(path, name, "is not a Linear layer's weight or bias: only nn.Linear layers import (not normalization, convolution or other layers)");
            else
                throw Fail(path, name, "is not an array Backprop knows: it reads weights_K_{K+1}, bias_{K+1}, input_offset and input_scale (numpy names) or N.weight and N.bias (a PyTorch nn.Sequential's state_dict)");
        }
        if ((offset is null) != (scale is null))
            throw new DataException(path, $"it has '{offset ?? scale}.npy' but no '{(offset is null ? NpzExport.OffsetName : NpzExport.ScaleName)}.npy'; the input scaling takes both");
        if ((weights.Count > 0 || biases.Count > 0) && torch.Count > 0)
            throw new DataException(path, $"it mixes numpy names ('{(weights.Values.Concat(biases.Values)).First()}.npy') and PyTorch names ('{torch.Values.First().Weight ?? torch.Values.First().Bias}.npy'); use one or the other");
        if (torch.Count > 0) return Torch(path, torch, offset, scale);
        if (weights.Count == 0)
            throw new DataException(path, biases.Count > 0 ? $"it has '{biases.Values.First()}.npy' but no weights" : "it holds no weights: expected weights_0_1, or 0.weight from a PyTorch state_dict");

        var layers = new List<(string, string?)>();
        for (int k = 0; k < weights.Count; k++)
        {
            if (!weights.TryGetValue(k, out string? w))
                throw new DataException(path, $"it has no 'weights_{k}_{k + 1}.npy' (it has {string.Join(", ", weights.Values.Select(v => v + ".npy"))}); layers are numbered from 0 without gaps");
            layers.Add((w, biases.GetValueOrDefault(k + 1)));
        }
        if (biases.Keys.FirstOrDefault(j => j > weights.Count) is int extra and > 0)
            throw Fail(path, biases[extra], $"has no layer: the last weights are weights_{weights.Count - 1}_{weights.Count}, so biases go up to bias_{weights.Count}");
        return new NpzLayout(layers, offset, scale, Transposed: false);
    }

    // A state_dict's layers in the order of their index: 0.weight, 2.weight, ... (or net.0.weight, fc1.weight, fc2.weight).
    private static NpzLayout Torch(string path, Dictionary<string, (string? Weight, string? Bias)> torch, string? offset, string? scale)
    {
        var ordered = new SortedDictionary<int, (string, string?)>();
        string? stem = null;
        foreach (var (prefix, (weight, bias)) in torch)
        {
            if (weight is null) throw Fail(path, bias!, $"has no '{prefix}.weight.npy' beside it");
            if (Numbered.Match(prefix) is not { Success: true } m || (stem is not null && m.Groups[1].Value != stem))
                throw Fail(path, weight, "does not say where the layer comes in the network: layers are numbered the same way throughout, as nn.Sequential's 0.weight, 2.weight, ...");
            stem = m.Groups[1].Value;
            int index = Index(path, weight, m.Groups[2].Value);
            ordered.Add(index, (weight, bias));   // distinct prefixes with one stem: distinct numbers
        }
        return new NpzLayout([.. ordered.Values], offset, scale, Transposed: true);
    }

    private static int Index(string path, string name, string digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n < int.MaxValue - 1 ? n
            : throw Fail(path, name, $"has a layer number, {MessageText.Shorten(digits)}, too large");

    private static DataException Fail(string path, string name, string problem) =>
        new(path, MessageText.OneLine($"{MessageText.Quote(name + ".npy")} {problem}"));
}
