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
        if (ChunkRecorder.Current is { } recorder)
        {
            return Recorded(job, chunks, workers, recorder);
        }

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

    /// <summary>As <see cref="Sum{TJob}"/>, handing each chunk's partial to the recorder: the same partials, added in the
    /// same order, so the total is the same bits.</summary>
    private static double Recorded<TJob>(TJob job, int chunks, int workers, ChunkRecorder recorder)
        where TJob : struct, IChunkJob
    {
        double[] partials = new double[chunks];
        if (workers <= 1 || chunks < MinParallelChunks)
        {
            for (int c = 0; c < chunks; c++)
            {
                partials[c] = job.Run(c);
            }
        }
        else
        {
            System.Threading.Tasks.Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = workers }, c => partials[c] = job.Run(c));
        }

        double total = 0;
        for (int c = 0; c < chunks; c++)
        {
            total += partials[c];
        }

        recorder.Pass(partials);
        return total;
    }

    // Kept apart from Sum so that the shared state is only touched when cores are actually used.
    private static double Parallel<TJob>(TJob job, int chunks, int workers)
        where TJob : struct, IChunkJob
    {
        double[] slots = ArrayPool<double>.Shared.Rent(chunks);
        Shared<TJob> shared = Shared<TJob>.ForThisThread();
        try
        {
            shared.Arm(job, chunks, slots, workers - 1);
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
            shared.Disarm();
            ArrayPool<double>.Shared.Return(slots);
        }
    }

    /// <summary>
    /// The chunk counter and result slots of one parallel pass, shared by the calling thread and its helpers. One
    /// instance per calling thread and job type, reused by every pass (a pass allocates nothing): the caller arms it with
    /// tickets, one per helper it queues; a helper runs only with a ticket, and the caller, once every chunk is done,
    /// withdraws the tickets not taken and waits for the helpers that took one to leave. A queued helper that starts
    /// after that finds no ticket and touches nothing, whatever pass the instance serves by then.
    /// </summary>
    private sealed class Shared<TJob> : IThreadPoolWorkItem
        where TJob : struct, IChunkJob
    {
        [ThreadStatic]
        private static Shared<TJob>? t_instance;

        public int Done;
        private TJob _job;
        private int _chunks;
        private double[] _slots = [];
        private int _next;

        // Tickets not yet taken (high 32 bits) and helpers working (low 32 bits), changed together.
        private long _state;

        private bool _busy;

        /// <summary>This thread's instance, or a new one should a pass start while the thread's instance serves another.</summary>
        public static Shared<TJob> ForThisThread()
        {
            Shared<TJob> instance = t_instance ??= new Shared<TJob>();
            return instance._busy ? new Shared<TJob>() : instance;
        }

        /// <summary>Sets up a pass; the fields are published to helpers by the tickets' interlocked write.</summary>
        public void Arm(TJob job, int chunks, double[] slots, int tickets)
        {
            _busy = true;
            _job = job;
            _chunks = chunks;
            _slots = slots;
            _next = -1;
            Done = 0;
            Interlocked.Exchange(ref _state, (long)tickets << 32);
        }

        /// <summary>Withdraws the tickets not taken and waits until no helper is working on this pass.</summary>
        public void Disarm()
        {
            long s = Interlocked.And(ref _state, 0xFFFFFFFFL);
            var spin = default(SpinWait);
            while ((s & 0xFFFFFFFFL) != 0)
            {
                spin.SpinOnce();
                s = Volatile.Read(ref _state);
            }

            _job = default;
            _slots = [];
            _busy = false;
        }

        public void Execute()
        {
            long s = Volatile.Read(ref _state);
            while (true)
            {
                if (s >> 32 == 0)
                {
                    return;
                }

                // One ticket fewer, one helper more.
                long seen = Interlocked.CompareExchange(ref _state, s - (1L << 32) + 1, s);
                if (seen == s)
                {
                    break;
                }

                s = seen;
            }

            try
            {
                Work();
            }
            finally
            {
                Interlocked.Decrement(ref _state);
            }
        }

        /// <summary>
        /// Claims and runs chunks one at a time until none is left (the threads then stream through neighbouring
        /// memory, which measured faster than contiguous runs per thread).
        /// </summary>
        public void Work()
        {
            int c;
            while ((c = Interlocked.Increment(ref _next)) < _chunks)
            {
                _slots[c] = _job.Run(c);
                Interlocked.Increment(ref Done);
            }
        }
    }
}
