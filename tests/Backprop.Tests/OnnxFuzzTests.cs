using System.Diagnostics;
using Backprop.Data;
using Backprop.Models;
using Backprop.Onnx;
using Xunit.Abstractions;

namespace Backprop.Tests;

/// <summary>
/// ONNX files are untrusted input: a damaged file imports as a valid model or is one DataException on one line naming
/// the file, never another exception, and no allocation is sized by what the file claims before the bytes are there.
/// Crafted files for each check of the reader, then seeded mutations (byte flips, truncations, insertions) of valid files.
/// </summary>
public sealed class OnnxFuzzTests(ITestOutputHelper output)
{
    private const string Name = "fuzz.onnx";

    /// <summary>Importing <paramref name="bytes"/> is one DataException naming the file, containing every phrase.</summary>
    private static DataException Refused(byte[] bytes, params string[] phrases)
    {
        var e = Assert.Throws<DataException>(() => OnnxModel.Import(Name, bytes));
        Assert.StartsWith(Name + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
        foreach (string phrase in phrases) Assert.Contains(phrase, e.Message);
        return e;
    }

    /// <summary>A model whose graph holds one MatMul node with the initializer <paramref name="weights"/>, importing the standard operator set <paramref name="opset"/>.</summary>
    private static byte[] OneMatMul(ProtoWriter weights, string weightsName = "w", long opset = 13)
    {
        var tensorType = new ProtoWriter().Int(OnnxSpec.TensorType.ElemType, OnnxSpec.Float);
        var input = new ProtoWriter().String(OnnxSpec.ValueInfo.Name, "x").Message(OnnxSpec.ValueInfo.Type, new ProtoWriter().Message(OnnxSpec.Type.TensorType, tensorType));
        var output = new ProtoWriter().String(OnnxSpec.ValueInfo.Name, "y").Message(OnnxSpec.ValueInfo.Type, new ProtoWriter().Message(OnnxSpec.Type.TensorType, tensorType));
        var node = new ProtoWriter().String(OnnxSpec.Node.Input, "x").String(OnnxSpec.Node.Input, weightsName).String(OnnxSpec.Node.Output, "y")
            .String(OnnxSpec.Node.Name, "fc").String(OnnxSpec.Node.OpType, "MatMul");
        var graph = new ProtoWriter().Message(OnnxSpec.Graph.Node, node).Message(OnnxSpec.Graph.Initializer, weights)
            .Message(OnnxSpec.Graph.Input, input).Message(OnnxSpec.Graph.Output, output);
        return new ProtoWriter().Int(OnnxSpec.Model.IrVersion, 8).Message(OnnxSpec.Model.Graph, graph)
            .Message(OnnxSpec.Model.OpsetImport, new ProtoWriter().String(OnnxSpec.OpsetId.Domain, "").Int(OnnxSpec.OpsetId.Version, opset)).ToArray();
    }

    private static ProtoWriter Weights(long[] dims, byte[] raw) =>
        new ProtoWriter().PackedInts(OnnxSpec.Tensor.Dims, dims).Int(OnnxSpec.Tensor.DataType, OnnxSpec.Float).String(OnnxSpec.Tensor.Name, "w").Bytes(OnnxSpec.Tensor.RawData, raw);

    [Fact]
    public void The_crafted_one_node_graph_imports()
    {
        // The base of the crafted files below: a 2-3 float network with no bias, weights 0.5 .. 3.0 (row-major, 2 x 3).
        var raw = new float[] { 0.5f, 1, 1.5f, 2, 2.5f, 3 }.SelectMany(BitConverter.GetBytes).ToArray();
        var model = OnnxModel.Import(Name, OneMatMul(Weights([2, 3], raw)));
        Assert.Equal([0.5, 1, 1.5, 2, 2.5, 3], model.Weights[0]);
        Assert.Equal(Precision.F32, model.Precision);
        Assert.Equal(["x1", "x2"], model.FeatureNames);
    }

    [Fact]
    public void Sizes_are_checked_against_the_bytes_present()
    {
        // Dims whose product overflows, or asks for far more than the 8 bytes present: refused before any allocation.
        Refused(OneMatMul(Weights([1L << 40, 1L << 40], new byte[8])), "initializer 'w'", "8 bytes of raw data", "more than can be held");
        Refused(OneMatMul(Weights([50_000, 10], new byte[8])), "initializer 'w'", "shape [50000, 10] of float needs 2000000");
        Refused(OneMatMul(Weights([2, -3], new byte[24])), "negative dimension");
        Refused(OneMatMul(Weights([2, 3], new byte[23])), "23 bytes of raw data");
        // A length prefix claiming more than the file holds.
        byte[] file = [.. OneMatMul(Weights([2, 3], new byte[24]))];
        Refused([0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, .. file], "a field says it holds 2147483647 bytes", "in the model");
        // Eleven-byte varints, group wire types, field number 0.
        Refused([0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "longer than");
        Refused([0x0B, 0x0C], "wire type 3");
        Refused([0x00, 0x01], "field number 0");
        Refused([0x08], "runs past the end");
    }

    [Fact]
    public void Text_and_types_are_checked()
    {
        Refused(OneMatMul(Weights([2, 3], new byte[24]), weightsName: "w\u00e9").Select(b => b == 0xC3 ? (byte)0xFF : b).ToArray(), "not valid UTF-8");
        var doubles = new ProtoWriter().PackedInts(OnnxSpec.Tensor.Dims, [2, 3]).Int(OnnxSpec.Tensor.DataType, 7).String(OnnxSpec.Tensor.Name, "w").Bytes(OnnxSpec.Tensor.RawData, new byte[48]);
        Refused(OneMatMul(doubles), "initializer 'w' holds int64 values");
        var nan = new float[] { 0.5f, float.NaN, 1, 1, 1, 1 }.SelectMany(BitConverter.GetBytes).ToArray();
        Refused(OneMatMul(Weights([2, 3], nan)), "node 'fc' (MatMul)", "not finite");
        Refused(OneMatMul(Weights([2, 3], new byte[24]), weightsName: "elsewhere"), "node 'fc' (MatMul)", "'elsewhere' is neither");
        Refused(new ProtoWriter().Int(OnnxSpec.Model.IrVersion, 8).ToArray(), "has no graph");
        Refused(OneMatMul(Weights([2, 3], new byte[24]), opset: 0), "imports no standard operator set");
        Refused(OneMatMul(Weights([2, 3], new byte[24]), opset: 6), "operator set 6");
    }

    [Fact]
    public void Mutations_of_valid_files_import_or_are_one_data_exception()
    {
        var seeds = new List<byte[]>
        {
            OnnxModel.ToBytes(OnnxTestModels.Make("f32", Activation.Tanh, Activation.Softmax, [3, 4, 3], features: ["a", "b", "c"])),
            OnnxModel.ToBytes(OnnxTestModels.Make("f64", Activation.Relu, Activation.Identity, [2, 3, 2, 1], bias: false, kind: "minmax")),
            OnnxModel.ToBytes(OnnxTestModels.Make("f32", Activation.Sigmoid, Activation.Sigmoid, [2, 1], kind: "none")),
            // Graphs that take a file's columns: text one-hot encoded, numbers filled (their column steps are read back).
            OnnxModel.ToBytes(Model.Load(TestData.Path("models", "messy_f32_classweights.bpm"))),
            OnnxModel.ToBytes(Model.Load(TestData.Path("models", "messy_f64_regression.bpm"))),
        };
        seeds.AddRange(Directory.GetFiles(TestData.Path("onnx"), "*.onnx").Order(StringComparer.Ordinal).Select(File.ReadAllBytes));
        var random = new Random(20261201);
        int imported = 0, refused = 0;
        var clock = Stopwatch.StartNew();
        for (int iteration = 0; iteration < 20_000 && clock.Elapsed < TimeSpan.FromSeconds(20); iteration++)
        {
            byte[] seed = seeds[iteration % seeds.Count];
            byte[] bytes = Mutate(seed, random);
            try
            {
                var model = OnnxModel.Import(Name, bytes);
                Assert.Null(model.FindProblem());
                imported++;
            }
            catch (DataException e)
            {
                Assert.True(e.Message.StartsWith(Name + ": ", StringComparison.Ordinal) && !e.Message.Contains('\n') && !e.Message.Contains('\r'),
                    $"iteration {iteration}: {e.Message}");
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {iteration} (seed {iteration % seeds.Count}): {e.GetType().Name}: {e.Message}; bytes {Convert.ToHexString(bytes)}");
            }
        }
        output.WriteLine($"{imported + refused} mutations in {clock.Elapsed.TotalSeconds:F1} s: {imported} imported, {refused} refused");
        Assert.True(refused > 1000, $"{refused} refused");
        Assert.True(imported > 100, $"{imported} imported");   // flips inside weights, names and metadata still import
    }

    [Fact]
    public void Every_truncation_of_an_export_imports_or_is_one_data_exception()
    {
        byte[] good = OnnxModel.ToBytes(OnnxTestModels.Make("f32", Activation.Tanh, Activation.Softmax, [3, 4, 3]));
        for (int length = 0; length < good.Length; length++)
        {
            try { OnnxModel.Import(Name, good[..length]); }
            catch (DataException e) { Assert.StartsWith(Name + ": ", e.Message); }
        }
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = seed.ToList();
        int edits = 1 + random.Next(3);
        for (int i = 0; i < edits && bytes.Count > 0; i++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.RemoveRange(at, bytes.Count - at); break;
                case 3: bytes.Insert(at, (byte)random.Next(256)); break;
                case 4: bytes.RemoveAt(at); break;
                default: bytes[at] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00; break;
            }
        }
        return [.. bytes];
    }
}
