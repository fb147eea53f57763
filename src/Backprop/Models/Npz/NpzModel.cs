using Backprop.Data;

namespace Backprop.Models;

/// <summary>
/// .npz export and import of <see cref="Model"/>s (docs/npz.md), for numpy and PyTorch. Export writes the model's
/// numbers named and shaped as the notes' numpy code (<c>input_offset</c>, <c>input_scale</c>, <c>weights_0_1</c>,
/// <c>bias_1</c>, ...); import reads those names, or a PyTorch <c>nn.Sequential</c> of Linear layers saved from its
/// <c>state_dict()</c>, taking what an archive does not hold (activations, loss, names) from <see cref="NpzImportOptions"/>.
/// </summary>
public static class NpzModel
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> as an .npz archive that <c>np.load</c> reads, atomically: written aside, then renamed.</summary>
    /// <exception cref="ArgumentException">The model is inconsistent (<see cref="Model.Validate"/>).</exception>
    /// <exception cref="IOException">The file cannot be written; a file already at the path is left as it was.</exception>
    public static void ExportNpz(this Model model, string path) => NpzExport.Write(model, path);

    /// <summary>Reads the .npz archive at <paramref name="path"/> (untrusted input: every size is checked before it is allocated) into a model.</summary>
    /// <exception cref="DataException">The file is missing, not an .npz archive, damaged, or holds arrays that are not a network of dense layers; one line naming the file and the entry.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent (a softmax hidden layer, a loss that does not fit the output).</exception>
    public static Model Import(string path, NpzImportOptions? options = null) => NpzImport.Load(path, options);
}
