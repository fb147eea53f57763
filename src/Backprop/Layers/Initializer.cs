using System.Globalization;
using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// How a dense layer's weights (fan_in, fan_out) are first drawn. Every scheme draws in row-major order from a
/// <see cref="NumpyRandom"/>, so a seed gives the same weights as the same numpy code.
/// </summary>
public abstract record Initializer
{
    /// <summary>The notes' <c>low + (high - low) * np.random.random((fan_in, fan_out))</c>; (-1, 1) is <c>2 * random - 1</c>.</summary>
    public static Initializer Uniform(double low, double high) => new UniformInitializer(low, high);

    /// <summary>Normal with mean 0 and standard deviation <paramref name="std"/>: <c>std * np.random.standard_normal(shape)</c>.</summary>
    public static Initializer Normal(double std) => new NormalInitializer(std);

    /// <summary>He (Kaiming) normal: standard deviation sqrt(2 / fan_in), suited to relu.</summary>
    public static Initializer He { get; } = new HeInitializer();

    /// <summary>Xavier (Glorot) uniform: limits ±sqrt(6 / (fan_in + fan_out)), suited to sigmoid and tanh.</summary>
    public static Initializer Xavier { get; } = new XavierInitializer();

    /// <summary>The notes' default, uniform on [-1, 1).</summary>
    public static Initializer Default { get; } = Uniform(-1, 1);

    /// <summary>Fills <paramref name="weights"/> (fan_in, fan_out) with draws from <paramref name="random"/>.</summary>
    public abstract void Fill<T>(Matrix<T> weights, NumpyRandom random) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Reads the command-line form: <c>uniform:LOW,HIGH</c>, <c>normal:STD</c>, <c>he</c>, <c>xavier</c>.</summary>
    public static Initializer Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(':', 2);
        string name = parts[0].Trim().ToLowerInvariant();
        string[] args = parts.Length > 1 ? parts[1].Split(',') : [];
        double Number(int i) => double.TryParse(args[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw new FormatException($"'{args[i]}' in '{text}' is not a number.");
        switch (name)
        {
            case "uniform" when args.Length == 2:
                double low = Number(0), high = Number(1);
                if (!(low < high)) throw new FormatException($"In '{text}' LOW must be below HIGH.");
                return Uniform(low, high);
            case "uniform" when args.Length == 0: return Default;
            case "normal" when args.Length == 1:
                double std = Number(0);
                if (!(std > 0)) throw new FormatException($"In '{text}' STD must be above zero.");
                return Normal(std);
            case "he" when args.Length == 0: return He;
            case "xavier" when args.Length == 0: return Xavier;
            default:
                throw new FormatException($"Unknown initializer '{text}'; expected uniform:LOW,HIGH, normal:STD, he or xavier.");
        }
    }

    private protected static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private protected static void FillWith<T>(Matrix<T> weights, Func<double> draw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var span = weights.Span;
        for (int i = 0; i < span.Length; i++) span[i] = T.CreateTruncating(draw());
    }

    // The schemes, one record each: a scheme's ToString is its command-line name (Parse reads it back).
    private sealed record UniformInitializer(double Low, double High) : Initializer
    {
        public override void Fill<T>(Matrix<T> weights, NumpyRandom random) =>
            FillWith(weights, () => Low + (High - Low) * random.RandomSample());

        public override string ToString() => $"uniform:{Num(Low)},{Num(High)}";
    }

    private sealed record NormalInitializer(double Std) : Initializer
    {
        public override void Fill<T>(Matrix<T> weights, NumpyRandom random) => FillWith(weights, () => Std * random.StandardNormal());

        public override string ToString() => $"normal:{Num(Std)}";
    }

    private sealed record HeInitializer : Initializer
    {
        public override void Fill<T>(Matrix<T> weights, NumpyRandom random)
        {
            double std = Math.Sqrt(2.0 / weights.Rows);
            FillWith(weights, () => std * random.StandardNormal());
        }

        public override string ToString() => "he";
    }

    private sealed record XavierInitializer : Initializer
    {
        public override void Fill<T>(Matrix<T> weights, NumpyRandom random)
        {
            double limit = Math.Sqrt(6.0 / (weights.Rows + weights.Columns));
            FillWith(weights, () => -limit + 2 * limit * random.RandomSample());
        }

        public override string ToString() => "xavier";
    }
}
