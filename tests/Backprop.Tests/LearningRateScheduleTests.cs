using System.Globalization;
using System.Text.Json;
using Backprop.Training;

namespace Backprop.Tests;

/// <summary>
/// Learning-rate schedules against PyTorch: the rates of StepLR, CosineAnnealingLR and ReduceLROnPlateau for the same
/// settings, and small training runs under a schedule with torch.optim's SGD, momentum and Adam. The expected values
/// are PyTorch 1.13's, written by Data/schedules/generate.py into cases.json.
/// </summary>
public class LearningRateScheduleTests
{
    private static JsonElement[] Cases(string kind)
    {
        using var doc = TestData.Json("schedules", "cases.json");
        return doc.RootElement.GetProperty(kind).EnumerateArray().Select(c => c.Clone()).ToArray();
    }

    public static TheoryData<string> RateCases() => [.. Cases("cases").Select(c => c.GetProperty("name").GetString()!)];

    public static TheoryData<string> RunCases() => [.. Cases("runs").Select(c => c.GetProperty("name").GetString()!)];

    private static double[] Doubles(JsonElement array) => array.EnumerateArray()
        .Select(v => v.ValueKind == JsonValueKind.String ? double.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetDouble()).ToArray();

    private static void AssertRate(double expected, double actual, string at) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-12 * Math.Abs(expected), $"{at}: {TestData.Num(actual)}, PyTorch {TestData.Num(expected)}");

    [Theory]
    [MemberData(nameof(RateCases))]
    public void Rates_are_pytorchs(string name)
    {
        var c = Cases("cases").Single(e => e.GetProperty("name").GetString() == name);
        var schedule = LearningRateSchedule.Parse(c.GetProperty("schedule").GetString()!);
        int epochs = c.GetProperty("epochs").GetInt32();
        double[] expected = Doubles(c.GetProperty("rates"));
        double[] losses = c.TryGetProperty("losses", out var l) ? Doubles(l) : new double[epochs];

        var state = schedule.Start(c.GetProperty("lr").GetDouble());
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            AssertRate(expected[epoch - 1], state.Rate, $"{name}, epoch {epoch}");
            state = schedule.Next(state, epoch, epochs, losses[epoch - 1]);
        }
    }

    [Fact]
    public void Step_and_plateau_rates_are_pytorchs_to_the_last_bit()
    {
        // Their rates are products of the same doubles in the same order as PyTorch's; only cosine calls cos.
        foreach (var c in Cases("cases").Where(c => !c.GetProperty("schedule").GetString()!.StartsWith("cosine")))
        {
            var schedule = LearningRateSchedule.Parse(c.GetProperty("schedule").GetString()!);
            int epochs = c.GetProperty("epochs").GetInt32();
            double[] losses = c.TryGetProperty("losses", out var l) ? Doubles(l) : new double[epochs];
            var state = schedule.Start(c.GetProperty("lr").GetDouble());
            var rates = new List<double>();
            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                rates.Add(state.Rate);
                state = schedule.Next(state, epoch, epochs, losses[epoch - 1]);
            }
            Assert.Equal(Doubles(c.GetProperty("rates")), rates);
        }
    }

    [Fact]
    public void Cosine_follows_pytorchs_recursive_form_not_the_closed_one()
    {
        // The fixture's "closed" column is lr0 (1 + cos(π (e-1) / T)) / 2; PyTorch's get_last_lr() (and this schedule)
        // multiply the previous rate by a ratio of cosines each epoch, so the two part in the last bits.
        var c = Cases("cases").Single(e => e.GetProperty("name").GetString() == "cosine lr 0.001 over 40");
        double[] torch = Doubles(c.GetProperty("rates")), closed = Doubles(c.GetProperty("closed"));
        Assert.Contains(Enumerable.Range(0, 40), i => torch[i] != closed[i]);
        var schedule = new CosineSchedule();
        var state = schedule.Start(0.001);
        for (int epoch = 1; epoch <= 40; epoch++)
        {
            Assert.Equal(torch[epoch - 1], state.Rate);   // bit for bit here (both call the C library's cos)
            state = schedule.Next(state, epoch, 40, 0);
        }
    }

    [Theory]
    [MemberData(nameof(RunCases))]
    public void Training_under_a_schedule_is_torchs(string name)
    {
        // A 3-1 linear network, mean squared error, full batch, float64, against torch.optim with the same scheduler.
        var c = Cases("runs").Single(e => e.GetProperty("name").GetString() == name);
        var x = TestData.Matrix(c.GetProperty("x"));
        var y = TestData.Matrix(c.GetProperty("y"));
        var network = new NetworkSpec(3, [], 1) { Bias = false, OutputActivation = Activation.Identity }.Build<double>(new NumpyRandom(1));
        var w0 = TestData.Matrix(c.GetProperty("w0"));
        w0.Span.CopyTo(network.DenseLayers[0].Weights.Value.Span);
        double lr = c.GetProperty("lr").GetDouble();
        IOptimizer<double> optimizer = c.GetProperty("optimizer").GetString() switch
        {
            "sgd" => new Sgd<double>(lr),
            "momentum" => new Momentum<double>(lr, 0.9),
            _ => new Adam<double>(lr),
        };
        var trainer = new Trainer<double>(network, new MeanSquaredError<double>(), optimizer)
        {
            Batching = Batching.Full,
            Schedule = LearningRateSchedule.Parse(c.GetProperty("schedule").GetString()!),
        };

        var history = trainer.Fit(x, y, c.GetProperty("epochs").GetInt32());

        double[] rates = Doubles(c.GetProperty("rates")), losses = Doubles(c.GetProperty("losses"));
        Assert.Equal(rates.Length, history.Epochs.Count);
        Assert.True(rates.Distinct().Count() > 1, "the schedule should change the rate in this run");
        for (int i = 0; i < rates.Length; i++)
        {
            AssertRate(rates[i], history.Epochs[i].LearningRate!.Value, $"{name}, epoch {i + 1}'s rate");
            Assert.True(Math.Abs(history.Epochs[i].MeanLoss - losses[i]) <= 1e-10 * losses[i], $"{name}, epoch {i + 1}: loss {TestData.Num(history.Epochs[i].MeanLoss)}, torch {TestData.Num(losses[i])}");
        }
        var expected = TestData.Matrix(c.GetProperty("weights"));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(network.DenseLayers[0].Weights.Value.Span[i] - expected.Span[i]) <= 1e-10,
                $"{name}, weight {i}: {TestData.Num(network.DenseLayers[0].Weights.Value.Span[i])}, torch {TestData.Num(expected.Span[i])}");
    }

    [Theory]
    [InlineData("constant", "constant")]
    [InlineData(" Cosine ", "cosine")]
    [InlineData("step:10,0.5", "step:10,0.5")]
    [InlineData("step:3", "step:3,0.1")]               // PyTorch's StepLR gamma
    [InlineData("plateau", "plateau:10,0.1")]          // ReduceLROnPlateau's patience and factor
    [InlineData("plateau:0", "plateau:0,0.1")]
    [InlineData("plateau:5, 0.25", "plateau:5,0.25")]
    public void Every_schedule_name_parses_back(string text, string name)
    {
        var schedule = LearningRateSchedule.Parse(text);
        Assert.Equal(name, schedule.Name);
        Assert.Equal(schedule, LearningRateSchedule.Parse(schedule.Name));
        Assert.Equal(name, schedule.ToString());
    }

    [Theory]
    [InlineData("linear", "'linear' is not a learning-rate schedule; the schedules are constant, step:EVERY[,FACTOR], cosine, plateau[:PATIENCE[,FACTOR]].")]
    [InlineData("step", "'step' is not step:EVERY[,FACTOR] (e.g. step:10,0.5: the rate halves every 10 epochs).")]
    [InlineData("step:0,0.5", "step's EVERY must be a whole number of epochs, at least 1, not 0.")]
    [InlineData("step:2.5", "step's EVERY in 'step:2.5' must be a whole number of epochs, not '2.5'.")]
    [InlineData("step:2,1", "step's FACTOR must be a number above 0 and below 1, not 1.")]
    [InlineData("step:2,0", "step's FACTOR must be a number above 0 and below 1, not 0.")]
    [InlineData("step:2,nan", "step's FACTOR must be a number above 0 and below 1, not NaN.")]
    [InlineData("step:2,half", "step's FACTOR in 'step:2,half' must be a number, not 'half'.")]
    [InlineData("plateau:-1,0.5", "plateau's PATIENCE must be a whole number of epochs, 0 or more, not -1.")]
    [InlineData("plateau:2,1.5", "plateau's FACTOR must be a number above 0 and below 1, not 1.5.")]
    [InlineData("plateau:1,0.5,2", "'plateau:1,0.5,2' is not plateau[:PATIENCE[,FACTOR]] (e.g. plateau:5,0.5: the rate halves after 5 epochs without a better loss).")]
    [InlineData("cosine:10", "'cosine:10': cosine takes no numbers.")]
    public void A_schedule_that_is_not_one_is_a_one_line_message(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => LearningRateSchedule.Parse(text));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void The_constant_schedule_changes_nothing()
    {
        // The notes' 3-4-1 run (TrainingTests checks its printed errors) with the schedule named: the same numbers, bit
        // for bit, as without; every epoch reports the optimizer's rate.
        static (IReadOnlyList<EpochResult>, double[]) Run(LearningRateSchedule? schedule)
        {
            var network = NetworkSpec.Notes(3, [4], 1).Build<double>(new NumpyRandom(1));
            var x = Matrix.Array(new[,] { { 1, 0, 1 }, { 0, 1, 1 }, { 0, 0, 1 }, { 1, 1, 1 } });
            var y = Matrix.Array(new[,] { { 1 }, { 1 }, { 0 }, { 0 } });
            var trainer = schedule is null ? new Trainer<double>(network, new SquaredError<double>(), new Sgd<double>(0.2))
                : new Trainer<double>(network, new SquaredError<double>(), new Sgd<double>(0.2)) { Schedule = schedule };
            return (trainer.Fit(x, y, 60).Epochs, [.. network.Parameters.SelectMany(p => p.Value.Span.ToArray())]);
        }
        var (plain, plainWeights) = Run(null);
        var (constant, constantWeights) = Run(LearningRateSchedule.Constant);
        Assert.Equal(plain, constant);
        Assert.Equal(plainWeights, constantWeights);
        Assert.All(plain, e => Assert.Equal(0.2, e.LearningRate));
    }

    [Fact]
    public void A_constant_schedule_leaves_the_optimizers_rate_to_the_caller()
    {
        // Code that changes the rate itself between epochs, as before schedules, still can; each epoch reports the rate
        // it used (halvings of 0.2: exact in binary).
        var optimizer = new Sgd<double>(0.2);
        var trainer = new Trainer<double>(NetworkSpec.Notes(3, [], 1).Build<double>(new NumpyRandom(0)), new SquaredError<double>(), optimizer);
        trainer.EpochCompleted += _ => optimizer.LearningRate /= 2;
        var history = trainer.Fit(Matrix.Array(new[,] { { 1.0, 0, 1 } }), Matrix.Array(new[,] { { 1.0 } }), 3);
        Assert.Equal([0.2, 0.1, 0.05], history.Epochs.Select(e => e.LearningRate!.Value));
        Assert.Equal(0.025, optimizer.LearningRate);
    }

    [Fact]
    public void A_float32_rate_too_small_for_float_stops_the_weights_without_an_error()
    {
        // step:1,0.001 from 0.001: epoch e's rate is 1e-3 · 1e-3^(e-1), below float32's smallest subnormal (1.4e-45)
        // from epoch 16 on (1e-48), where (float) rounds it to 0: the weights stop moving, and training goes on.
        var network = new NetworkSpec(3, [4], 1).Build<float>(new NumpyRandom(2));
        var x = Matrix.Array(new[,] { { 1.0, 0, 1 }, { 0, 1, 1 }, { 0, 0, 1 }, { 1, 1, 1 } }).Cast<float>();
        var y = Matrix.Array(new[,] { { 1.0 }, { 1 }, { 0 }, { 0 } }).Cast<float>();
        var optimizer = new Momentum<float>(0.001, 0.9f);
        var trainer = new Trainer<float>(network, new MeanSquaredError<float>(), optimizer) { Schedule = new StepSchedule(1, 0.001) };
        var weights = new List<float[]>();
        trainer.EpochCompleted += _ => weights.Add([.. network.Parameters.SelectMany(p => p.Value.Span.ToArray())]);

        var history = trainer.Fit(x, y, 20);

        Assert.Equal(StopReason.Completed, history.Stop);
        Assert.Equal(0f, (float)history.Epochs[15].LearningRate!.Value);
        Assert.NotEqual(0f, (float)history.Epochs[14].LearningRate!.Value);   // 1e-45: float32's smallest subnormal
        Assert.Equal(0f, (float)optimizer.LearningRate);
        for (int e = 15; e < 20; e++) Assert.Equal(weights[14], weights[e]);   // epochs 16 to 20 move nothing
    }

    [Fact]
    public void Changing_the_rate_keeps_the_optimizers_state()
    {
        // Adam's moments and step count, and momentum's velocity, carry on: the same two updates with the rate changed
        // in between equal torch-style arithmetic done by hand (one weight, gradient 1 both times).
        var p = new Parameter<double>("w", new Matrix<double>(1, 1));
        var adam = new Adam<double>(0.1);
        p.Gradient.Span[0] = 1;
        adam.Update([p]);
        adam.LearningRate = 0.01;
        adam.Update([p]);
        // Step 1: m = 0.1, v = 0.001, w = -0.1 · (0.1 / 0.1) / (sqrt(0.001) / sqrt(0.001) + 1e-8).
        // Step 2: m = 0.19, v = 0.001999, bias corrections 1 - 0.81 and 1 - 0.998001; rate 0.01.
        double w1 = -(0.1 / (1 - 0.9)) * 0.1 / (Math.Sqrt(0.001) / Math.Sqrt(1 - 0.999) + 1e-8);
        double w2 = w1 - (0.01 / (1 - 0.9 * 0.9)) * 0.19 / (Math.Sqrt(0.001999) / Math.Sqrt(1 - 0.999 * 0.999) + 1e-8);
        Assert.Equal(2, adam.Steps);
        Assert.Equal(w2, p.Value.Span[0], 1e-15);

        var q = new Parameter<double>("w", new Matrix<double>(1, 1));
        var momentum = new Momentum<double>(0.1, 0.9);
        q.Gradient.Span[0] = 1;
        momentum.Update([q]);                 // v = 1, w = -0.1
        momentum.LearningRate = 0.01;
        momentum.Update([q]);                 // v = 1.9, w = -0.1 - 0.019
        Assert.Equal(-0.1 - 0.01 * 1.9, q.Value.Span[0], 1e-15);

        Assert.Throws<ArgumentOutOfRangeException>(() => momentum.LearningRate = -0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<double>(0.1).LearningRate = double.PositiveInfinity);
    }

    [Fact]
    public void Plateau_watches_the_validation_loss_when_there_is_one()
    {
        // Validation loss goes up from epoch 2 on (the validation targets are the opposite of the training ones), so
        // plateau:0,0.5 halves the rate after every epoch but the first; on the training loss it would not.
        var x = Matrix.Array(new[,] { { 1.0, 0 }, { 0, 1.0 } });
        var y = Matrix.Array(new[,] { { 1.0 }, { 0 } });
        var vy = Matrix.Array(new[,] { { -3.0 }, { 4.0 } });
        var network = new NetworkSpec(2, [], 1) { Bias = false, OutputActivation = Activation.Identity }.Build<double>(new NumpyRandom(1));
        network.DenseLayers[0].Weights.Value.Span.Clear();   // both weights start at 0
        var trainer = new Trainer<double>(network, new MeanSquaredError<double>(), new Sgd<double>(0.1)) { Batching = Batching.Full, Schedule = new PlateauSchedule(0, 0.5) };
        var history = trainer.Fit(x, y, 4, (x, vy));
        Assert.True(history.Epochs.Zip(history.Epochs.Skip(1)).All(p => p.Second.ValidationLoss > p.First.ValidationLoss), "validation loss should rise");
        Assert.True(history.Epochs.Zip(history.Epochs.Skip(1)).All(p => p.Second.MeanLoss < p.First.MeanLoss), "training loss should fall");
        Assert.Equal([0.1, 0.1, 0.05, 0.025], history.Epochs.Select(e => e.LearningRate!.Value));
    }
}
