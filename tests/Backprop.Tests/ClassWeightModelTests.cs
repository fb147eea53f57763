using System.Security.Cryptography;
using System.Text;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// Class weights in the model file (docs/model-format.md, <c>class_weights</c>): saved and read back exactly, absent
/// from files written without them (older files load as before), and a damaged member one clear DataException.
/// </summary>
public sealed class ClassWeightModelTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => Directory.Delete(_temp.Path, recursive: true);

    // The format document's example: a model file written before class weights existed.
    private static string Example()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Backprop.slnx"))) dir = Path.GetDirectoryName(dir);
        string doc = File.ReadAllText(Path.Combine(dir!, "docs", "model-format.md"));
        int start = doc.IndexOf("```\n{\"format\":\"backprop-model\"", doc.IndexOf("## Example", StringComparison.Ordinal), StringComparison.Ordinal) + 4;
        return doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
    }

    // The body of a model file text, sealed again with a header computed here as the document says.
    private string Sealed(string name, string body)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        string header = $"{{\"format\":\"backprop-model\",\"version\":1,\"length\":{bytes.Length},\"sha256\":\"{Convert.ToHexStringLower(SHA256.HashData(bytes))}\"}}\n";
        return _temp.Write(name, header + body);
    }

    private static string Body(string file) => file[(file.IndexOf('\n') + 1)..];

    private string WithMember(string member) =>
        Sealed("weighted.bpm", Body(Example()).Replace("  \"normalization\": {", member + "\n  \"normalization\": {", StringComparison.Ordinal));

    [Fact]
    public void An_older_model_file_loads_without_class_weights()
    {
        var model = ModelFile.Load(_temp.Write("old.bpm", Example()));
        Assert.Null(model.ClassWeights);
    }

    [Fact]
    public void Class_weights_are_read_as_written()
    {
        string path = WithMember("  \"class_weights\": {\n    \"weighting\": \"balanced\",\n    \"classes\": [\"setosa\", \"other\"],\n    \"weights\": [1.5, 0.75]\n  },");
        var model = ModelFile.Load(path);
        Assert.Equal(ClassWeighting.Balanced, model.ClassWeights!.Weighting);
        Assert.Equal(["setosa", "other"], model.ClassWeights.Classes);
        Assert.Equal([1.5, 0.75], model.ClassWeights.Weights);
        // Saved again: the same bytes (the member is written where and as the reader read it).
        string again = _temp.File("again.bpm");
        model.Save(again);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
        // Equality counts the weights: the same model without them, or with others, differs.
        Assert.NotEqual(model, model with { ClassWeights = null });
        Assert.NotEqual(model, model with { ClassWeights = model.ClassWeights with { Weights = [1.5, 0.7500000000000001] } });
        Assert.Equal(model, ModelFile.Load(again));
        // null is the same as missing.
        Assert.Null(ModelFile.Load(WithMember("  \"class_weights\": null,")).ClassWeights);
    }

    [Fact]
    public void A_trained_model_keeps_the_weights_it_was_trained_with()
    {
        var train = CsvLoader.Load(TestData.Path("csv", "flowers.csv"), new CsvOptions { TargetColumns = ["species"] });
        var trained = new Recipe { Hidden = [4], Epochs = 1, ClassWeight = ClassWeighting.Parse("virginica=2.5") }.Fit(train);
        Assert.Equal(["setosa", "versicolor", "virginica"], trained.Model.ClassWeights!.Classes);
        Assert.Equal([1, 1, 2.5], trained.Model.ClassWeights.Weights);
        string path = _temp.File("trained.bpm");
        trained.Model.Save(path);
        Assert.Equal(trained.Model, ModelFile.Load(path));
        Assert.Contains("\"weighting\": \"virginica=2.5\"", File.ReadAllText(path));
        // Without class weights the member is not written at all: files are as they were before it existed.
        var plain = new Recipe { Hidden = [4], Epochs = 1 }.Fit(train).Model;
        plain.Save(path);
        Assert.DoesNotContain("class_weights", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("\"weighting\": \"balanced\", \"classes\": [\"setosa\", \"other\"], \"weights\": [1.5]", "inconsistent model: class weights: 2 class names for 1 class weights")]
    [InlineData("\"weighting\": \"balanced\", \"classes\": [\"setosa\", \"other\"], \"weights\": [1.5, 0]", "inconsistent model: class weights: the weight of class 'other' is 0; a class weight is a finite number above 0")]
    [InlineData("\"weighting\": \"balanced\", \"classes\": [\"setosa\", \"else\"], \"weights\": [1.5, 2]", "inconsistent model: class weights for the classes setosa, else; the model's classes are setosa, other")]
    [InlineData("\"weighting\": \"heavy\", \"classes\": [\"setosa\", \"other\"], \"weights\": [1.5, 2]", "malformed model: \"class_weights.weighting\" is 'heavy': 'heavy' is not NAME=W")]
    [InlineData("\"classes\": [\"setosa\", \"other\"], \"weights\": [1.5, 2]", "malformed model: \"class_weights.weighting\" is missing")]
    [InlineData("\"weighting\": \"balanced\", \"classes\": [\"setosa\", \"other\"], \"weights\": [1.5, \"2\"]", "malformed model: \"class_weights.weights[1]\" is a string; expected a number")]
    public void A_damaged_class_weights_member_is_one_line_naming_it(string inside, string problem)
    {
        string path = WithMember($"  \"class_weights\": {{{inside}}},");
        var e = Assert.Throws<DataException>(() => ModelFile.Load(path));
        Assert.StartsWith($"{path}: {problem}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Class_weights_on_a_loss_that_takes_none_are_inconsistent()
    {
        string body = Body(Example()).Replace("\"loss\": \"cross-entropy\"", "\"loss\": \"mse\"", StringComparison.Ordinal)
            .Replace("  \"normalization\": {", "  \"class_weights\": {\"weighting\": \"other=2\", \"classes\": [\"setosa\", \"other\"], \"weights\": [1, 2]},\n  \"normalization\": {", StringComparison.Ordinal);
        string path = Sealed("mse.bpm", body);
        Assert.Contains("inconsistent model: class weights with the loss mse", Assert.Throws<DataException>(() => ModelFile.Load(path)).Message);
    }
}
