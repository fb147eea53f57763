using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>Small models with arbitrary weights for the ONNX tests, and data to run them on.</summary>
internal static class OnnxTestModels
{
    /// <summary>
    /// A model with weights drawn from <paramref name="seed"/> (float32 values for f32), the loss its output needs, and a
    /// <paramref name="kind"/> scaling with offsets and scales unlike the identity.
    /// </summary>
    public static Model Make(string precision, Activation hidden, Activation output, int[] sizes, bool bias = true,
                             string kind = "standard", int seed = 1, string[]? features = null)
    {
        var random = new Random(seed);
        int inputs = sizes[0], outputs = sizes[^1];
        double Draw(double scale) => precision == "f32" ? (float)((random.NextDouble() * 2 - 1) * scale) : (random.NextDouble() * 2 - 1) * scale;
        var spec = new NetworkSpec(inputs, sizes[1..^1], outputs) { HiddenActivation = hidden, OutputActivation = output, Bias = bias };
        var weights = new double[sizes.Length - 1][];
        var biases = new double[]?[sizes.Length - 1];
        for (int i = 0; i < weights.Length; i++)
        {
            double scale = 2 / Math.Sqrt(sizes[i]);
            weights[i] = Enumerable.Range(0, sizes[i] * sizes[i + 1]).Select(_ => Draw(scale)).ToArray();
            biases[i] = bias ? Enumerable.Range(0, sizes[i + 1]).Select(_ => Draw(0.5)).ToArray() : null;
        }
        var normalization = kind == "none" ? Normalization.None(inputs)
            : new Normalization(Vocabulary.Parse<NormalizationKind>(kind), Enumerable.Range(0, inputs).Select(_ => random.NextDouble() * 10 - 5).ToArray(),
                                Enumerable.Range(0, inputs).Select(_ => random.NextDouble() * 3 + 0.25).ToArray());
        var loss = output switch { Activation.Softmax => LossKind.CrossEntropy, Activation.Sigmoid => LossKind.BinaryCrossEntropy, _ => LossKind.Mse };
        string[]? classes = output == Activation.Softmax && outputs > 1 ? Enumerable.Range(0, outputs).Select(c => $"class {c}").ToArray() : null;
        var model = new Model(spec, Vocabulary.Parse<Precision>(precision), normalization, features ?? Enumerable.Range(0, inputs).Select(c => $"f{c}").ToArray(),
                              classes is null ? [] : ["label"], classes, loss, weights, biases);
        model.Validate();
        return model;
    }

    /// <summary>
    /// <paramref name="rows"/> rows of raw inputs around the scaling's offsets, each a float32 value (so the float32
    /// tensor ONNX Runtime is given holds exactly what <see cref="Model.Predict"/> reads).
    /// </summary>
    public static Dataset Inputs(Model model, int rows, int seed = 7)
    {
        var random = new Random(seed);
        int columns = model.Spec.Inputs;
        var x = new Matrix<double>(rows, columns);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                x[r, c] = (float)(model.Normalization.Offset[c] + (random.NextDouble() * 4 - 2) * model.Normalization.Scale[c]);
        return new Dataset(x, new Matrix<double>(rows, 0), model.FeatureNames.Count == columns ? model.FeatureNames : Enumerable.Range(0, columns).Select(c => $"f{c}").ToArray(), [], null, "inputs");
    }
}
