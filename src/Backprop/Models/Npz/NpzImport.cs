using Backprop.Data;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;

namespace Backprop.Models;

/// <summary>
/// Makes a <see cref="Model"/> of the weights in an .npz archive: numpy names as <see cref="NpzExport"/> writes them
/// (and the notes name them), or a PyTorch <c>nn.Sequential</c> of Linear layers saved with
/// <c>np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})</c>. What an archive does not hold
/// (activations, loss, names) comes from <see cref="NpzImportOptions"/>.
/// </summary>
internal static class NpzImport
{
    /// <summary>Reads the archive at <paramref name="path"/> (untrusted: see <see cref="NpzReader"/>) into a model.</summary>
    /// <exception cref="DataException">The file is missing, not an .npz archive, damaged, or holds arrays that are not a network of dense layers; one line naming the file and the entry.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent (a softmax hidden layer, a loss that does not fit the output).</exception>
    public static Model Load(string path, NpzImportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new NpzImportOptions();
        CheckOptions(options);
        try
        {
            if (Directory.Exists(path)) throw new DataException(path, "is a directory, not an .npz archive");
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return Read(path, file, options);
        }
        catch (FileNotFoundException) { throw new DataException(path, "no such file"); }
        catch (DirectoryNotFoundException) { throw new DataException(path, "no such file (its directory does not exist)"); }
        catch (UnauthorizedAccessException) { throw new DataException(path, "cannot read the file: permission denied"); }
        catch (IOException e) { throw new DataException(path, $"cannot read the file: {MessageText.OneLine(e.Message)}"); }
    }

    /// <summary>Reads the archive open as <paramref name="file"/> (seekable), naming it <paramref name="path"/> in messages (the fuzz tests read from memory).</summary>
    internal static Model Read(string path, Stream file, NpzImportOptions options)
    {
        CheckOptions(options);
        using var reader = NpzReader.Open(path, file);
        var layout = NpzLayout.Find(path, reader.Names);
        var layers = NpzLayers.Read(path, reader, layout);
        int inputs = layers[0].Inputs;
        var precision = options.Precision
            ?? (layers.All(l => l.Weights.Descr == "<f4" && l.Bias is not { Descr: not "<f4" }) ? Precision.F32 : Precision.F64);
        bool bias = layers.Any(l => l.Bias is not null);
        var spec = new NetworkSpec(inputs, layers.SkipLast(1).Select(l => l.Outputs).ToArray(), layers[^1].Outputs)
        {
            HiddenActivation = options.HiddenActivation,
            OutputActivation = options.OutputActivation,
            Bias = bias,
        };
        var weights = layers.Select(l => Narrow(path, l.Weights, l.WeightValues, precision)).ToArray();
        // A layer without a bias in a network whose other layers have one adds zeros: it computes the same.
        var biases = layers.Select(l => !bias ? null : l.Bias is null ? new double[l.Outputs] : Narrow(path, l.Bias, l.Bias.Values, precision)).ToArray();
        var model = new Model(spec, precision, NpzLayers.ReadScaling(path, reader, layout, inputs), options.FeatureNames.ToArray(),
            options.TargetNames.ToArray(), options.ClassNames?.ToArray(), options.Loss ?? DefaultLoss(options.OutputActivation),
            weights, biases);
        if (model.FindProblem() is { } problem)
            throw new DataException(path, MessageText.OneLine($"{problem} (the archive's network is {string.Join("-", [inputs, .. spec.Hidden, spec.Outputs])})"));
        return model;
    }

    /// <summary>The loss a model imported without one evaluates with: cross-entropy after softmax, binary-cross-entropy after sigmoid, mse otherwise.</summary>
    public static LossKind DefaultLoss(Activation output) => output switch
    {
        Activation.Softmax => LossKind.CrossEntropy,
        Activation.Sigmoid => LossKind.BinaryCrossEntropy,
        _ => LossKind.Mse,
    };

    private static void CheckOptions(NpzImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Activations.HiddenNames.Contains(Vocabulary.Name(options.HiddenActivation)))
            throw new ArgumentException($"The hidden activation is {Vocabulary.Name(options.HiddenActivation)}; hidden layers take {string.Join(", ", Activations.HiddenNames)}.", nameof(options));
        if (!Activations.OutputNames.Contains(Vocabulary.Name(options.OutputActivation)))
            throw new ArgumentException($"The output activation is {Vocabulary.Name(options.OutputActivation)}; an output takes {string.Join(", ", Activations.OutputNames)}.", nameof(options));
        if (options.Precision is { } p && !Enum.IsDefined(p))
            throw new ArgumentException($"The precision is {p}; expected f64 or f32.", nameof(options));
        if (options.Loss is { } loss) LossCatalog.CheckOutput(loss, options.OutputActivation);
        ArgumentNullException.ThrowIfNull(options.FeatureNames);
        ArgumentNullException.ThrowIfNull(options.TargetNames);
    }

    /// <summary>The values in the model's precision: float32 ones rounded to the nearest float32, which must be finite.</summary>
    private static double[] Narrow(string path, NpyArray array, double[] values, Precision precision)
    {
        if (precision == Precision.F64 || array.Descr == "<f4") return values;
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = (float)values[i];
            if (!double.IsFinite(result[i]))
                throw new DataException(path, MessageText.OneLine($"{MessageText.Quote(array.Name + ".npy")} holds {values[i]:R}, too large for float32; import it as f64"));
        }
        return result;
    }
}
