using Backprop.Data;

namespace Backprop.Tests;

/// <summary>The generated 2-D sets of the playground: their shapes, their labels by the rule each is drawn from, and the seed.</summary>
public sealed class ToySetsTests
{
    private static IEnumerable<(double X, double Y, double Label)> Points(Dataset set) =>
        Enumerable.Range(0, set.Count).Select(i => (set.Features[i, 0], set.Features[i, 1], set.Targets[i, 0]));

    [Theory]
    [InlineData("xor")]
    [InlineData("circles")]
    [InlineData("spirals")]
    public void Each_set_has_the_points_asked_for_two_inputs_and_one_label_of_0_or_1(string name)
    {
        var set = ToySets.Make(name, 200, seed: 1);
        Assert.Equal((200, 2), (set.Features.Rows, set.Features.Columns));
        Assert.Equal((200, 1), (set.Targets.Rows, set.Targets.Columns));
        Assert.Equal(["x", "y"], set.FeatureNames);
        Assert.Equal(["label"], set.TargetNames);
        Assert.Null(set.ClassNames);
        Assert.All(Points(set), p => Assert.True(p.Label is 0 or 1 && Math.Abs(p.X) <= 1.1 && Math.Abs(p.Y) <= 1.1, $"{p}"));
        // Both labels, and not in two blocks: batches taken in order meet both (some label changes within the first 20 rows).
        Assert.InRange(Points(set).Count(p => p.Label == 1), 50, 150);
        Assert.True(Enumerable.Range(1, 19).Count(i => set.Targets[i, 0] != set.Targets[i - 1, 0]) >= 3);
    }

    [Fact]
    public void Xor_labels_1_where_x_and_y_have_opposite_signs_away_from_the_axes()
    {
        // The rule as the notes' truth table of exclusive or: (+,+) and (-,-) are 0, (+,-) and (-,+) are 1.
        Assert.All(Points(ToySets.Xor(200, 7)), p =>
        {
            Assert.True(Math.Abs(p.X) >= 0.1 && Math.Abs(p.Y) >= 0.1, $"{p} lies within 0.1 of an axis");
            Assert.Equal(Math.Sign(p.X) * Math.Sign(p.Y) < 0 ? 1 : 0, p.Label);
        });
    }

    [Fact]
    public void Circles_are_an_inner_disc_labelled_1_and_a_ring_labelled_0_half_each()
    {
        var points = Points(ToySets.Circles(200, 3)).ToArray();
        Assert.Equal(100, points.Count(p => p.Label == 1));
        Assert.All(points, p =>
        {
            double r = Math.Sqrt(p.X * p.X + p.Y * p.Y);
            Assert.True(p.Label == 1 ? r <= 0.5 + 1e-12 : r >= 0.7 - 1e-12 && r <= 1 + 1e-12, $"{p} at radius {r}");
        });
    }

    [Fact]
    public void Each_spiral_point_lies_nearer_its_own_arm_than_the_other()
    {
        // The arms as curves, sampled finely: (r sin a, r cos a), r = 0.05 + 0.9 t, a = 2.5 pi t (+ pi for arm 1).
        static double Distance(double x, double y, int arm) => Enumerable.Range(0, 4001).Min(k =>
        {
            double t = k / 4000.0, r = 0.05 + 0.9 * t, a = 2.5 * Math.PI * t + arm * Math.PI;
            return Math.Sqrt(Math.Pow(x - r * Math.Sin(a), 2) + Math.Pow(y - r * Math.Cos(a), 2));
        });
        var points = Points(ToySets.Spirals(200, 1)).ToArray();
        Assert.Equal(100, points.Count(p => p.Label == 1));
        Assert.All(points, p =>
        {
            double own = Distance(p.X, p.Y, (int)p.Label), other = Distance(p.X, p.Y, 1 - (int)p.Label);
            Assert.True(own < 0.1 && own < other, $"{p}: {own} from its arm, {other} from the other");
        });
    }

    [Fact]
    public void The_same_seed_gives_the_same_points_and_another_seed_others()
    {
        foreach (string name in ToySets.Names)
        {
            var (a, b, c) = (ToySets.Make(name, 40, 5), ToySets.Make(name, 40, 5), ToySets.Make(name, 40, 6));
            Assert.Equal(a.Features.Span.ToArray(), b.Features.Span.ToArray());
            Assert.Equal(a.Targets.Span.ToArray(), b.Targets.Span.ToArray());
            Assert.NotEqual(a.Features.Span.ToArray(), c.Features.Span.ToArray());
        }
    }

    [Theory]
    [InlineData("xor", 3)]
    [InlineData("circles", 2)]
    [InlineData("moons", 200)]
    public void An_odd_or_tiny_count_or_an_unknown_name_is_refused(string name, int count) =>
        Assert.Throws<ArgumentException>(() => ToySets.Make(name, count, 1));
}
