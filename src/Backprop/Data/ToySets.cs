using Backprop.Tensors;

namespace Backprop.Data;

/// <summary>
/// Small two-dimensional datasets for watching a network learn (TensorFlow Playground's classic three): points (x, y)
/// in the square from -1 to 1, each labelled 0 or 1 in the one target column <c>label</c>, in a random order (so that
/// batches taken in order, as the notes take them, mix the labels). Each set is drawn from the numpy-compatible
/// stream seeded with the seed given: the same seed, the same points in the same order.
/// </summary>
internal static class ToySets
{
    /// <summary>The sets' names, as <see cref="Make"/> takes them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["xor", "circles", "spirals"];

    /// <summary>The set named <paramref name="name"/> (one of <see cref="Names"/>) with <paramref name="count"/> points drawn after <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>, or the count is odd or below 4.</exception>
    public static Dataset Make(string name, int count, uint seed) => name switch
    {
        "xor" => Xor(count, seed),
        "circles" => Circles(count, seed),
        "spirals" => Spirals(count, seed),
        _ => throw new ArgumentException($"'{name}' is not one of {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>
    /// Points spread over the four quarters of the square, at least 0.1 from each axis; label 1 where x and y have
    /// opposite signs (exclusive or of "x is positive" and "y is positive"), 0 where they agree.
    /// </summary>
    public static Dataset Xor(int count, uint seed)
    {
        var random = Start(count, seed);
        double Coordinate() => random.Uniform(0.1, 1) * (random.RandomSample() < 0.5 ? -1 : 1);
        return Build(random, count, "xor", seed, i =>
        {
            double x = Coordinate(), y = Coordinate();
            return (x, y, (x > 0) != (y > 0) ? 1 : 0);
        });
    }

    /// <summary>Label 1 inside the circle of radius 0.5 about the origin, label 0 on the ring from radius 0.7 to 1; half the points each.</summary>
    public static Dataset Circles(int count, uint seed)
    {
        var random = Start(count, seed);
        return Build(random, count, "circles", seed, i =>
        {
            int label = i % 2 == 0 ? 1 : 0;
            double radius = label == 1 ? random.Uniform(0, 0.5) : random.Uniform(0.7, 1);
            double angle = random.Uniform(0, 2 * Math.PI);
            return (radius * Math.Cos(angle), radius * Math.Sin(angle), label);
        });
    }

    /// <summary>
    /// Two arms winding out from the origin for a turn and a quarter, half a turn apart: label 0 on one, 1 on the
    /// other, the points along each arm evenly spaced, each moved by a normal of spread 0.02.
    /// </summary>
    public static Dataset Spirals(int count, uint seed)
    {
        var random = Start(count, seed);
        int perArm = count / 2;
        return Build(random, count, "spirals", seed, i =>
        {
            int label = i % 2;
            double t = (double)(i / 2) / perArm;
            double radius = 0.05 + 0.9 * t;
            double angle = 1.25 * 2 * Math.PI * t + label * Math.PI;
            return (radius * Math.Sin(angle) + random.Normal(0, 0.02), radius * Math.Cos(angle) + random.Normal(0, 0.02), label);
        });
    }

    private static NumpyRandom Start(int count, uint seed)
    {
        if (count < 4 || count % 2 != 0)
            throw new ArgumentException($"A toy set has an even number of points, at least 4, not {count}.", nameof(count));
        return new NumpyRandom(seed);
    }

    private static Dataset Build(NumpyRandom random, int count, string name, uint seed, Func<int, (double X, double Y, int Label)> point)
    {
        var points = Enumerable.Range(0, count).Select(point).ToArray();
        // Then the rows in the order of a permutation drawn after the points (numpy's shuffle of an index array).
        int[] order = [.. Enumerable.Range(0, count)];
        random.Shuffle<int>(order);
        var features = new Matrix<double>(count, 2);
        var targets = new Matrix<double>(count, 1);
        for (int i = 0; i < count; i++)
        {
            var (x, y, label) = points[order[i]];
            features[i, 0] = x;
            features[i, 1] = y;
            targets[i, 0] = label;
        }
        return new Dataset(features, targets, ["x", "y"], ["label"], null, $"{name} ({count} points, seed {seed})");
    }
}
