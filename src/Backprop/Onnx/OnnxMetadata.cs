using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Backprop.Models;
using Backprop.Tensors;

namespace Backprop.Onnx;

/// <summary>
/// What a Backprop model knows beyond its graph, kept in the ONNX model's metadata_props: feature, target and class
/// names (JSON arrays of strings), the loss and the scaling's kind. ONNX Runtime shows them as the model's custom metadata;
/// importing a file Backprop exported gives them back.
/// </summary>
internal static class OnnxMetadata
{
    public const string Features = "backprop.features", Targets = "backprop.targets", Classes = "backprop.classes",
                        Loss = "backprop.loss", Normalization = "backprop.normalization";

    /// <summary>The entries written for <paramref name="model"/> (no classes entry for a model without classes).</summary>
    public static IEnumerable<(string Key, string Value)> Of(Model model)
    {
        yield return (Features, Array(model.FeatureNames));
        yield return (Targets, Array(model.TargetNames));
        if (model.ClassNames is { } classes) yield return (Classes, Array(classes));
        yield return (Loss, Vocabulary.Name(model.Loss));
        yield return (Normalization, Vocabulary.Name(model.Normalization.Kind));
        // A graph that takes the file's columns: the policy its fills (or their absence) came from, for import.
        if (model.Inputs is { IsPlain: false } schema && schema.Width == model.Spec.Inputs) yield return (OnnxColumns.MissingKey, schema.Missing);
    }

    /// <summary>The names in a JSON array of strings held by <paramref name="key"/>, or null when the metadata has no such entry.</summary>
    public static string[]? Names(IReadOnlyDictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out string? text)) return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array) throw Bad(key);
            return document.RootElement.EnumerateArray()
                .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Bad(key)).ToArray();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { throw Bad(key); }
    }

    private static OnnxFormatException Bad(string key) => new($"the metadata entry '{key}' is not a JSON array of strings");

    private static string Array(IReadOnlyList<string> names)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (string name in names) json.WriteStringValue(name);
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
