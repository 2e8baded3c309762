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

    // Kept apart from Sum so that the lambda's closure is only allocated when cores are actually used.
    private static double Parallel<TJob>(TJob job, int chunks, int workers)
        where TJob : struct, IChunkJob
    {
        double[] slots = ArrayPool<double>.Shared.Rent(chunks);
        try
        {
            System.Threading.Tasks.Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
            {
                for (int c = w; c < chunks; c += workers)
                {
                    slots[c] = job.Run(c);
                }
            });

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
}
