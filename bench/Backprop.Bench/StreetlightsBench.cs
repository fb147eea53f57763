using System.Diagnostics;

namespace Backprop.Bench;

/// <summary>
/// Workload a: the notes' 3-4-1 streetlight network (relu hidden 4, no bias, seed-1 weights 2*random-1,
/// alpha 0.2, squared error, one example per update), trained with Trainer.Fit as a user runs it.
/// A repetition trains fresh seed-1 weights for a fixed number of epochs (4 updates each); the figure is the
/// median time a repetition divided by its updates.
/// </summary>
internal static class StreetlightsBench
{
    private const double NotesErrorAt60 = 1.5055622665134859e-05;

    public static void Run(Options options)
    {
        int epochsPerRep = options.Int("epochs-per-rep", 500);
        int reps = options.Int("reps", 300);
        // Warm-up by time, not count: tiered compilation (with dynamic PGO) moves the hot methods to optimised code
        // only after some hundreds of milliseconds of running, and a few dozen short repetitions end before that.
        double warmupSeconds = options.Double("warmup-seconds", 3);

        var streetlights = Matrix.Array(new[,] { { 1, 0, 1 }, { 0, 1, 1 }, { 0, 0, 1 }, { 1, 1, 1 } });
        var walkVsStop = Matrix.Array(new[,] { { 1, 1, 0, 0 } }).T;

        static Trainer<double> NewTrainer() => new(
            new NetworkSpec(Inputs: 3, Hidden: [4], Outputs: 1).Build<double>(new NumpyRandom(1)),
            new SquaredError<double>(), new Sgd<double>(0.2)) { Batching = Batching.Stochastic };

        // Check first: 60 epochs must give the notes' error to the last digit.
        double errorAt60 = NewTrainer().Fit(streetlights, walkVsStop, epochs: 60).Epochs[^1].TotalLoss;

        int warmup = 0;
        for (long begin = Stopwatch.GetTimestamp(); Stats.Seconds(Stopwatch.GetTimestamp() - begin) < warmupSeconds; warmup++)
            NewTrainer().Fit(streetlights, walkVsStop, epochsPerRep);

        var seconds = new List<double>(reps);
        double lastError = 0;
        for (int i = 0; i < reps; i++)
        {
            var trainer = NewTrainer();
            long start = Stopwatch.GetTimestamp();
            var history = trainer.Fit(streetlights, walkVsStop, epochsPerRep);
            long end = Stopwatch.GetTimestamp();
            seconds.Add(Stats.Seconds(end - start));
            lastError = history.Epochs[^1].TotalLoss;
        }

        // Allocation of one repetition (Fit, as above), and the same updates through Trainer.Step on pre-cut rows,
        // which shows what Fit's own bookkeeping (gathering each batch, per-epoch snapshot) costs.
        var measured = NewTrainer();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        measured.Fit(streetlights, walkVsStop, epochsPerRep);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        var rows = Enumerable.Range(0, streetlights.Rows).Select(r => streetlights[r..(r + 1)]).ToArray();
        var goals = Enumerable.Range(0, streetlights.Rows).Select(r => walkVsStop[r..(r + 1)]).ToArray();
        var stepSeconds = new List<double>(reps);
        for (int i = 0; i < reps + 20; i++)
        {
            var trainer = NewTrainer();
            long start = Stopwatch.GetTimestamp();
            for (int e = 0; e < epochsPerRep; e++)
                for (int r = 0; r < rows.Length; r++) trainer.Step(rows[r], goals[r]);
            long end = Stopwatch.GetTimestamp();
            if (i >= 20) stepSeconds.Add(Stats.Seconds(end - start));
        }

        int updates = epochsPerRep * streetlights.Rows;
        double median = Stats.Median(seconds);
        double usPerUpdate = median / updates * 1e6;
        Console.WriteLine($"backprop streetlights: {usPerUpdate:F4} us/update, {1e6 / usPerUpdate:N0} updates/s " +
                          $"(median of {reps} x {updates} updates; Step loop {Stats.Median(stepSeconds) / updates * 1e6:F4} us; {(double)allocated / updates:F0} B allocated/update; error at epoch 60 {errorAt60:R}, notes {NotesErrorAt60:R})");
        Output.Write(options, new()
        {
            ["workload"] = "streetlights",
            ["impl"] = "backprop",
            ["method"] = "Trainer<double>.Fit, Batching.Stochastic",
            ["epochs_per_rep"] = epochsPerRep,
            ["updates_per_rep"] = updates,
            ["reps"] = reps,
            ["warmup_reps"] = warmup,
            ["warmup_seconds"] = warmupSeconds,
            ["rep_seconds"] = seconds,
            ["median_rep_seconds"] = median,
            ["us_per_update"] = usPerUpdate,
            ["updates_per_second"] = 1e6 / usPerUpdate,
            ["error_at_epoch_60"] = errorAt60,
            ["matches_notes"] = errorAt60 == NotesErrorAt60,
            ["final_error"] = lastError,
            ["allocated_bytes_per_update"] = (double)allocated / updates,
            ["step_loop_us_per_update"] = Stats.Median(stepSeconds) / updates * 1e6,
        });
    }
}
