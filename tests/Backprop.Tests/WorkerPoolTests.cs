namespace Backprop.Tests;

/// <summary>The worker pool: every part of a job runs exactly once, whichever thread takes it, and failures come back to the caller.</summary>
public class WorkerPoolTests
{
    private readonly struct CountingJob(int[] counts) : IParallelJob
    {
        public void Run(int part, int parts) => Interlocked.Increment(ref counts[part]);
    }

    private struct FailingJob : IParallelJob
    {
        public void Run(int part, int parts)
        {
            if (part == parts - 1) throw new InvalidOperationException($"part {part} failed");
        }
    }

    [Fact]
    public void Every_part_of_every_job_runs_exactly_once()
    {
        int parts = Math.Min(Environment.ProcessorCount, 4);
        int ran = 0;
        var counts = new int[4];
        for (int job = 0; job < 2000; job++)
        {
            Array.Clear(counts);
            var counting = new CountingJob(counts);
            if (!WorkerPool.Shared.TryRun(parts, ref counting))
            {
                Thread.Sleep(1); // one core, or another test holds the pool (its job can outlast 2000 quick attempts)
                continue;
            }
            ran++;
            Assert.Equal(Enumerable.Repeat(1, parts), counts.Take(parts));
        }
        if (Environment.ProcessorCount >= 2) Assert.True(ran > 0, "the pool never took a job");
    }

    [Fact]
    public void A_part_that_throws_fails_the_job_on_the_calling_thread()
    {
        if (Environment.ProcessorCount < 2) return; // a one-core machine runs no job on the pool: nothing to check
        for (int attempt = 0; attempt < 200; attempt++)
        {
            var failing = new FailingJob();
            bool ran = false;
            var e = Record.Exception(() => ran = WorkerPool.Shared.TryRun(2, ref failing));
            if (!ran && e is null)
            {
                Thread.Sleep(1); // the pool was busy with another test's job: give it a moment
                continue;
            }
            Assert.IsType<InvalidOperationException>(e);
            Assert.Equal("part 1 failed", e!.Message);
            return;
        }
        Assert.Fail("the pool was busy in 200 attempts");
    }
}
