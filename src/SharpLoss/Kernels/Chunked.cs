using System.Buffers;

namespace SharpLoss.Kernels;

/// <summary>One fixed chunk of a kernel pass; returns the chunk's partial sum.</summary>
internal interface IChunkJob
{
    double Run(int chunk);
}

/// <summary>
/// Runs the chunks of a pass on the calling thread or across cores, and adds the partial sums in chunk order, so
/// the result is bit-identical for any degree of parallelism.
/// </summary>
internal static class Chunked
{
    /// <summary>Fewer chunks than this stay on the calling thread (no scheduling cost for small inputs).</summary>
    public const int MinParallelChunks = 4;

    public static double Sum<TJob>(TJob job, int chunks, int maxDegree)
        where TJob : struct, IChunkJob
    {
        int workers = Math.Min(maxDegree <= 0 ? Environment.ProcessorCount : maxDegree, chunks);
        if (workers <= 1 || chunks < MinParallelChunks)
        {
            double total = 0;
            for (int c = 0; c < chunks; c++)
            {
                total += job.Run(c);
            }

            return total;
        }

        return Parallel(job, chunks, workers);
    }

    // Kept apart from Sum so that the shared state is only allocated when cores are actually used.
    private static double Parallel<TJob>(TJob job, int chunks, int workers)
        where TJob : struct, IChunkJob
    {
        double[] slots = ArrayPool<double>.Shared.Rent(chunks);
        try
        {
            var shared = new Shared<TJob>(job, chunks, slots);
            for (int w = 1; w < workers; w++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(shared, preferLocal: false);
            }

            // The calling thread works too; chunks are claimed one at a time, so a helper that starts late simply
            // takes fewer (or none), and the caller never waits for a thread that has nothing left to do.
            shared.Work();
            var spin = default(SpinWait);
            while (Volatile.Read(ref shared.Done) < chunks)
            {
                spin.SpinOnce();
            }

            double total = 0;
            for (int c = 0; c < chunks; c++)
            {
                total += slots[c];
            }

            return total;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(slots);
        }
    }

    /// <summary>The chunk counter and result slots of one parallel pass, shared by the calling thread and its helpers.</summary>
    private sealed class Shared<TJob>(TJob job, int chunks, double[] slots) : IThreadPoolWorkItem
        where TJob : struct, IChunkJob
    {
        public int Done;
        private int _next = -1;

        public void Execute() => Work();

        /// <summary>
        /// Claims and runs chunks one at a time until none is left (the threads then stream through neighbouring
        /// memory, which measured faster than contiguous runs per thread). A helper that finds none left touches
        /// nothing else.
        /// </summary>
        public void Work()
        {
            int c;
            while ((c = Interlocked.Increment(ref _next)) < chunks)
            {
                slots[c] = job.Run(c);
                Interlocked.Increment(ref Done);
            }
        }
    }
}
