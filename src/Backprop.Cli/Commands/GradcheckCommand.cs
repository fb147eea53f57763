using System.CommandLine;
using System.Globalization;
using Backprop.Data;

namespace Backprop.Cli;

/// <summary>
/// <c>backprop gradcheck</c>: compares every gradient backpropagation computes with central finite differences,
/// for any architecture, activation and loss, and prints the largest relative error per layer.
/// </summary>
internal static class GradcheckCommand
{
    /// <summary>Relative error below which an analytic gradient agrees with the finite-difference one.</summary>
    public const double Tolerance = 1e-5;

    public static Command Create(TextWriter stdout)
    {
        var data = new Argument<string?>("data") { Description = "Optional CSV/IDX data whose first rows to check on; without it, random data.", Arity = ArgumentArity.ZeroOrOne };
        var inputs = new Option<string?>("--inputs") { Description = "Inputs of the random data (without DATA). Default 4." };
        var outputs = new Option<string?>("--outputs") { Description = "Outputs of the random data (without DATA). Default 3." };
        var rows = new Option<string?>("--rows") { Description = "Rows to check on. Default 8." };
        var flags = new NetworkFlags(NetworkFlags.LookInside, inferClasses: false);
        var command = new Command("gradcheck", "Checks backpropagation against calculus: every gradient against central finite differences.");
        command.Arguments.Add(data);
        command.Options.Add(inputs);
        command.Options.Add(outputs);
        command.Options.Add(rows);
        // Gradients are checked in float64 without dropout, and the results are the output: those flags do not apply.
        flags.AddTo(command, [.. flags.TrainOnly, flags.Html, flags.Precision, flags.Rounding, flags.Dropout, flags.Quiet]);
        command.SetAction(result =>
        {
            int n = Count(result.GetValue(rows), "--rows", 8);
            // Gradients are checked in float64, without dropout's random masks, on the first rows.
            static Recipe Exact(Recipe recipe) => recipe with { Precision = Precision.F64, Dropout = 0 };
            LoadedData loaded;
            if (result.GetValue(data) is string path)
            {
                loaded = LoadedData.Load(path, result, flags);
                loaded = loaded.With(n, Exact(loaded.Settings.Recipe));
            }
            else
            {
                int inputCount = Count(result.GetValue(inputs), "--inputs", 4), outputCount = Count(result.GetValue(outputs), "--outputs", 3);
                bool classes = result.GetValue(flags.Loss) is "cross-entropy" || result.GetValue(flags.Output) is "softmax";
                var settings = flags.Read(result);
                loaded = LoadedData.Of(settings with { Recipe = Exact(settings.Recipe) }, RandomData(n, inputCount, outputCount, classes, settings.Recipe.Seed ?? 1));
            }
            return Check(new Workbench<double>(loaded), stdout);
        });
        return command;
    }

    private static int Count(string? text, string flag, int fallback) =>
        text is null ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1 ? v
        : throw new UsageException($"{flag}: '{text}' must be a whole number of at least 1");

    // Inputs uniform on [-1, 1); targets one-hot (classes) or uniform on [0, 1), so every loss applies.
    private static Dataset RandomData(int rows, int inputs, int outputs, bool classes, uint seed)
    {
        var random = new NumpyRandom(seed + 1);
        var x = new Matrix<double>(rows, inputs);
        for (int i = 0; i < x.Length; i++) x.Span[i] = random.Uniform(-1, 1);
        var y = new Matrix<double>(rows, outputs);
        for (int r = 0; r < rows; r++)
            if (classes) y[r, (int)random.RandInt(outputs)] = 1;
            else for (int c = 0; c < outputs; c++) y[r, c] = random.RandomSample();
        return new Dataset(x, y, Enumerable.Range(0, inputs).Select(i => $"x{i}").ToArray(),
            classes ? ["class"] : Enumerable.Range(0, outputs).Select(i => $"y{i}").ToArray(),
            classes ? Enumerable.Range(0, outputs).Select(i => $"c{i}").ToArray() : null, "random data");
    }

    private static int Check(Workbench<double> w, TextWriter stdout)
    {
        // Biases start at zero; give them values so their gradients are checked away from that special point.
        foreach (var dense in w.Network.DenseLayers)
            if (dense.Bias is { } bias)
                for (int i = 0; i < bias.Value.Length; i++) bias.Value.Span[i] = w.Random.Uniform(-0.5, 0.5);
        if (w.Epochs > 0) w.Trainer.Fit(w.X, w.Y, w.Epochs);

        var results = GradientCheck.Run(w.Network, w.Loss, w.X, w.Y);
        stdout.WriteLine(w.NetworkLine().Replace("network: ", "gradient check: ") + $"; {w.X.Rows} rows of {w.Data.Train.Source}");
        int width = Math.Max("parameter".Length, results.Max(r => r.Parameter.Length));
        stdout.WriteLine($"{"parameter".PadRight(width)}  largest relative error  largest absolute error");
        foreach (var r in results)
            stdout.WriteLine($"{r.Parameter.PadRight(width)}  {E(r.MaxRelativeError),22}  {E(r.MaxAbsoluteError),22}  {(r.MaxRelativeError < Tolerance ? "ok" : "MISMATCH")}");
        double worst = results.Max(r => r.MaxRelativeError);
        if (worst < Tolerance)
        {
            stdout.WriteLine($"every gradient agrees with central finite differences (largest relative error {E(worst)} < {E(Tolerance)})");
            return 0;
        }
        stdout.WriteLine($"MISMATCH: backpropagation disagrees with finite differences (relative error {E(worst)}); this is a bug in Backprop, please report it");
        return Cli.InternalError;
    }

    private static string E(double v) => v.ToString("0.0e+00", CultureInfo.InvariantCulture);
}
