namespace Backprop.Tests;

/// <summary>
/// After the first batch, a training step allocates nothing managed: buffers are sized once per network and batch
/// size and reused. Counted with GC.GetAllocatedBytesForCurrentThread around several steps: a count, not a timing.
/// </summary>
/// <remarks>
/// On a heavily loaded machine a measurement now and then counts a few kilobytes that the steady state does not
/// allocate (seen only while other builds ran beside the tests; the runtime's own work, such as a method moving to its
/// optimised code mid-measurement, is the likely source). So each count is the smallest of three tries: an allocation
/// the code makes every time shows in all three.
/// </remarks>
public class AllocationTests
{
    private static long BytesAllocatedBy(Action action)
    {
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3 && least > 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }

    public static TheoryData<string, string, int> Setups() => new()
    {
        { "sgd", "f32", 100 },
        { "adam", "f32", 100 },
        { "momentum", "f64", 32 },
        { "sgd", "f64", 1 },
    };

    // The products, batch gathering and long updates of these networks run on two threads.
    private static readonly Compute TwoThreads = new() { Threads = 2 };

    [Theory]
    [MemberData(nameof(Setups))]
    public void A_training_step_allocates_nothing_after_the_first(string optimizer, string precision, int batch)
    {
        if (precision == "f32") Check<float>(optimizer, batch);
        else Check<double>(optimizer, batch);
    }

    private static void Check<T>(string optimizer, int batch) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        // Fashion-MNIST's shape (784-128-10, softmax, cross-entropy, bias, dropout), large enough that the matrix
        // products run packed and on several threads.
        var random = new NumpyRandom(1);
        var network = new NetworkSpec(784, [128], 10) { OutputActivation = Activation.Softmax, Bias = true, Dropout = 0.5, Init = Initializer.He, Compute = TwoThreads }
            .Build<T>(random);
        double alpha = 0.01;
        IOptimizer<T> opt = optimizer switch
        {
            "adam" => new Adam<T>(alpha),
            "momentum" => new Momentum<T>(alpha, T.CreateChecked(0.9)),
            _ => new Sgd<T>(alpha),
        };
        var trainer = new Trainer<T>(network, new CrossEntropy<T>(), opt) { L2 = 1e-4, CountClasses = true };
        var x = Matrix.Random<T>(random, batch, 784);
        var y = new Matrix<T>(batch, 10);
        for (int r = 0; r < batch; r++) y[r, r % 10] = T.One;
        trainer.Step(x, y); // the first step sizes the buffers
        trainer.Step(x, y);
        long bytes = BytesAllocatedBy(() => { for (int i = 0; i < 10; i++) trainer.Step(x, y); });
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void An_epoch_of_fit_allocates_only_its_result()
    {
        // Fit over many batches: the per-epoch result record and the history list are all it allocates.
        var random = new NumpyRandom(2);
        var network = NetworkSpec.Notes(3, [4], 1).Build<double>(random);
        var trainer = new Trainer<double>(network, new SquaredError<double>(), new Sgd<double>(0.1));
        var x = Matrix.Random(random, 200, 3);
        var y = Matrix.Random(random, 200, 1);
        trainer.Fit(x, y, 1);
        long one = BytesAllocatedBy(() => trainer.Fit(x, y, 1));
        long ten = BytesAllocatedBy(() => trainer.Fit(x, y, 11));
        Assert.True((ten - one) / 10 < 200, $"each extra epoch of 200 stochastic steps allocated {(ten - one) / 10} bytes");
    }

    [Fact]
    public void Shuffled_image_batches_gathered_on_two_threads_allocate_only_the_epoch_order()
    {
        // 784-wide rows in batches of 100: large enough that both product threads copy each batch's rows.
        var random = new NumpyRandom(3);
        var network = new NetworkSpec(784, [16], 10) { OutputActivation = Activation.Softmax, Bias = true, Compute = TwoThreads }.Build<float>(random);
        var trainer = new Trainer<float>(network, new CrossEntropy<float>(), new Sgd<float>(0.01f))
        {
            Batching = Batching.MiniBatch(100),
            ShuffleWith = new NumpyRandom(4),
        };
        // Each epoch draws a new order (600 ints, 2.4 kB) and adds a result record; nothing per batch.
        long perEpoch = BytesPerExtraEpoch(trainer, random, rows: 600, extra: 5);
        Assert.True(perEpoch < 600 * sizeof(int) + 400, $"each extra epoch allocated {perEpoch} bytes");
    }

    // Bytes each epoch of Fit allocates beyond the first (on two product threads), on random rows of one-hot targets.
    private static long BytesPerExtraEpoch(Trainer<float> trainer, NumpyRandom random, int rows, int extra)
    {
        var x = Matrix.Random<float>(random, rows, 784);
        var y = new Matrix<float>(rows, 10);
        for (int r = 0; r < rows; r++) y[r, r % 10] = 1;
        trainer.Fit(x, y, 1);
        long one = BytesAllocatedBy(() => trainer.Fit(x, y, 1));
        long more = BytesAllocatedBy(() => trainer.Fit(x, y, 1 + extra));
        return (more - one) / extra;
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("momentum")]
    public void Epochs_with_a_partial_last_batch_allocate_only_the_epoch_order(string optimizer)
    {
        // The "time to accuracy" network (784-512-256-10, dropout 0.2, biases) at batch 64 on 200 rows: the last batch
        // of each epoch has 8 rows, and its buffers are views of the full batches' storage.
        var random = new NumpyRandom(5);
        var network = new NetworkSpec(784, [512, 256], 10) { OutputActivation = Activation.Softmax, Bias = true, Dropout = 0.2, Init = Initializer.He, Compute = TwoThreads }
            .Build<float>(random);
        IOptimizer<float> opt = optimizer == "adam" ? new Adam<float>(0.001f) : new Momentum<float>(0.01f, 0.9f);
        var trainer = new Trainer<float>(network, new CrossEntropy<float>(), opt)
        {
            Batching = Batching.MiniBatch(64),
            ShuffleWith = new NumpyRandom(6),
            CountClasses = true,
        };
        // Each epoch draws a new order (200 ints, 800 bytes) and adds a result record; nothing per batch.
        long perEpoch = BytesPerExtraEpoch(trainer, random, rows: 200, extra: 2);
        Assert.True(perEpoch < 200 * sizeof(int) + 400, $"each extra epoch allocated {perEpoch} bytes");
    }
}
