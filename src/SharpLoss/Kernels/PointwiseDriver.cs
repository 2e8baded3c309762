using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpLoss.Kernels;

/// <summary>
/// Drives an <see cref="IPointwiseKernel{T}"/> over a <see cref="Batch{T}"/>: per-sample loss
/// L_s = mean over the D elements of sample s of e(y, p) (or their sum, for kernels whose
/// <see cref="IPointwiseKernel{T}.SumsOverAxis"/> is true), gradient W_s · GradScale · e'(y, p) / D (without the / D for
/// a sum), and the returned sum Σ_s W_s · L_s, all in one pass.
/// </summary>
/// <remarks>
/// Work is cut into fixed chunks of <see cref="Chunk"/> elements (or whole rows, or pieces of <see cref="Chunk"/> elements of
/// rows longer than that); each chunk sums in double and the chunk sums are added in order (<see cref="Chunked"/>), so the
/// result is the same on one core or many. This is the only file with the pointwise loops; the kernels are math only.
/// </remarks>
internal static unsafe class PointwiseDriver
{
    /// <summary>Elements per deterministic summation chunk.</summary>
    public const int Chunk = 16 * 1024;

    public static double Run<T, TKernel>(TKernel kernel, scoped ref Batch<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        bool vectorize = b.Vectorize && TKernel.Vectorizable && Vector256.IsHardwareAccelerated;
        fixed (T* y = b.Y, p = b.P, g = b.Grad, ps = b.PerSample, w = b.Weights)
        {
            var job = new Job<T, TKernel>
            {
                Kernel = kernel,
                Y = y,
                P = p,
                G = b.Grad.IsEmpty ? null : g,
                PerSample = b.PerSample.IsEmpty ? null : ps,
                W = w,
                N = b.P.Length,
                D = b.D,
                Uniform = b.UniformWeight,
                Weight = b.Weight,
                GradScale = b.GradScale,
                Vectorize = vectorize,
            };

            if (b.UniformWeight && b.PerSample.IsEmpty)
            {
                // Uniform weight and no per-sample output: the layout is irrelevant, one flat pass.
                job.Mode = Mode.Flat;
                job.Factor = b.D == 0 ? T.Zero : b.Weight * b.GradScale * InverseCount<T, TKernel>(b.D);
                job.Stream = TKernel.StreamsGradient && g is not null && !b.Grad.IsEmpty && (long)b.Grad.Length * sizeof(T) >= StreamingStore<T>.ThresholdBytes
                    && StreamingStore<T>.Supported(g);
                if (ChunkRecorder.Current is { } recorder)
                {
                    recorder.Geometry(Chunk, b.D);
                    recorder.FlatScaling(double.CreateTruncating(b.Weight), b.D, TKernel.SumsOverAxis);
                }

                double sum = Chunked.Sum(job, Chunks(job.N, Chunk), b.MaxDegreeOfParallelism);
                // No sample: Σ over nothing is 0. Samples of D = 0 elements each have the mean of nothing, NaN (or the sum
                // of nothing, 0).
                return b.Samples == 0 ? 0 : FlatTotal(sum, double.CreateTruncating(b.Weight), b.D, TKernel.SumsOverAxis);
            }

            if (b.Inner == 1 && b.D == 1)
            {
                job.Mode = Mode.Elementwise;
                ChunkRecorder.Current?.Geometry(Chunk, 1);
                return Chunked.Sum(job, Chunks(job.N, Chunk), b.MaxDegreeOfParallelism);
            }

            if (b.Inner == 1 && b.D > Chunk && ChunkRecorder.Current is null)
            {
                return LongRows(ref job, ref b);
            }

            if (b.Inner == 1)
            {
                job.Mode = Mode.Rows;
                job.RowsPerChunk = RowsPerChunk(b.D);
                job.Samples = b.Samples;
                ChunkRecorder.Current?.Geometry((long)job.RowsPerChunk * b.D, b.D);
                return Chunked.Sum(job, Chunks(b.Samples, job.RowsPerChunk), b.MaxDegreeOfParallelism);
            }

            ChunkRecorder.Current?.Refuse("the loss reduces an axis other than the last one");
            return Strided(kernel, ref b);
        }
    }

    /// <summary>
    /// Rows longer than a chunk (a rank-1 input is one such row): each row is cut into pieces of <see cref="Chunk"/>
    /// elements, the pieces run as chunks of their own (on every core), and each row's sum is then the sum of its pieces'
    /// sums in order, exactly as the rows mode adds them on one thread (with a chunk recorder).
    /// </summary>
    private static double LongRows<T, TKernel>(ref Job<T, TKernel> job, scoped ref Batch<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        int pieces = Chunks(b.D, Chunk);
        int chunks = checked(b.Samples * pieces);
        double[] sums = ArrayPool<double>.Shared.Rent(chunks);
        try
        {
            fixed (double* pieceSums = sums)
            {
                job.Mode = Mode.Pieces;
                job.Samples = b.Samples;
                job.PieceSums = pieceSums;
                job.Stream = TKernel.StreamsGradient && job.G is not null && (long)b.Grad.Length * sizeof(T) >= StreamingStore<T>.ThresholdBytes
                    && StreamingStore<T>.Supported(job.G);
                Chunked.Sum(job, chunks, b.MaxDegreeOfParallelism);
                double total = 0;
                for (int s = 0; s < b.Samples; s++)
                {
                    double sum = 0;
                    for (int k = 0; k < pieces; k++)
                    {
                        sum += pieceSums[(s * pieces) + k];
                    }

                    total += job.SampleTotal(s, sum);
                }

                return total;
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sums);
        }
    }

    /// <summary>The flat mode's total from the ordered sum of its chunks: weight · (Σ / D), or weight · Σ for a kernel that
    /// sums over its axis.</summary>
    internal static double FlatTotal(double sum, double weight, int d, bool sums) => weight * (sums ? sum : sum / d);

    /// <summary>
    /// Rows of D elements per summation chunk: the largest power of two whose rows hold at most <see cref="Chunk"/>
    /// elements. A power of two, so that the chunks of the losses and those of the weight sums (<see cref="Chunk"/> weights)
    /// meet every 16384 rows at most: a part of a batch that starts and ends there has the whole batch's partial sums.
    /// </summary>
    internal static int RowsPerChunk(int d) => 1 << System.Numerics.BitOperations.Log2((uint)Math.Max(1, Chunk / Math.Max(d, 1)));

    private static int Chunks(int n, int per) => (int)(((long)n + per - 1) / per);

    /// <summary>1/D for a mean over the axis, 1 for a sum: the factor of each element's derivative.</summary>
    private static T InverseCount<T, TKernel>(int d)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T> => TKernel.SumsOverAxis ? T.One : T.One / T.CreateTruncating(d);

    /// <summary>A sample's loss from the double sum of its D terms: the sum, or its mean.</summary>
    private static double SampleLoss<T, TKernel>(double sum, int d)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T> => TKernel.SumsOverAxis ? sum : sum / d;

    private enum Mode
    {
        Flat,
        Elementwise,
        Rows,
        Pieces,
    }

    /// <summary>One pass over pinned buffers, cut into chunks.</summary>
    private struct Job<T, TKernel> : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        public TKernel Kernel;
        public Mode Mode;
        public T* Y;
        public T* P;
        public T* G;
        public T* PerSample;
        public T* W;
        public int N;
        public int D;
        public int Samples;
        public int RowsPerChunk;
        public bool Uniform;
        public T Weight;
        public T GradScale;
        public T Factor;
        public bool Vectorize;
        public bool Stream;
        public double* PieceSums;

        public readonly double Run(int chunk) => Mode switch
        {
            Mode.Flat => FlatChunk(chunk),
            Mode.Elementwise => ElementwiseChunk(chunk),
            Mode.Pieces => PieceChunk(chunk),
            _ => RowsChunk(chunk),
        };

        private readonly double FlatChunk(int chunk)
        {
            int start = chunk * PointwiseDriver.Chunk, len = Math.Min(PointwiseDriver.Chunk, N - start);
            return SumStretch(Kernel, Y + start, P + start, G is null ? null : G + start, len, Factor, Vectorize, Stream);
        }

        private readonly double RowsChunk(int chunk)
        {
            int first = chunk * RowsPerChunk, end = Math.Min(Samples, first + RowsPerChunk);
            double total = 0;
            for (int s = first; s < end; s++)
            {
                double sum = 0;
                for (int start = 0; start < D; start += PointwiseDriver.Chunk)
                {
                    sum += Piece(s, start);
                }

                total += SampleTotal(s, sum);
            }

            return total;
        }

        /// <summary>One piece of a long row (see <see cref="LongRows"/>): its sum goes to its slot, not to the total.</summary>
        private readonly double PieceChunk(int chunk)
        {
            int pieces = Chunks(D, PointwiseDriver.Chunk);
            int s = chunk / pieces;
            PieceSums[chunk] = Piece(s, (chunk - (s * pieces)) * PointwiseDriver.Chunk);
            return 0;
        }

        /// <summary>Σ e over the elements [start, start + <see cref="PointwiseDriver.Chunk"/>) of row s (fewer at its end),
        /// with their gradient.</summary>
        private readonly double Piece(int s, int start)
        {
            T w = Uniform ? Weight : W[s];
            long off = ((long)s * D) + start;
            int len = Math.Min(PointwiseDriver.Chunk, D - start);
            return SumStretch(Kernel, Y + off, P + off, G is null ? null : G + off, len, w * GradScale * InverseCount<T, TKernel>(D), Vectorize, Stream);
        }

        /// <summary>Row s's weighted loss from the sum of its terms, its per-sample loss written when asked for.</summary>
        public readonly double SampleTotal(int s, double sum)
        {
            T w = Uniform ? Weight : W[s];
            T l = T.CreateTruncating(SampleLoss<T, TKernel>(sum, D));
            if (PerSample is not null)
            {
                PerSample[s] = l;
            }

            return double.CreateTruncating(l) * double.CreateTruncating(w);
        }

        /// <summary>One value per sample (D = 1, Inner = 1) with per-sample weights.</summary>
        private readonly double ElementwiseChunk(int chunk)
        {
            int start = chunk * PointwiseDriver.Chunk, end = Math.Min(N, start + PointwiseDriver.Chunk);
            int i = start;
            double total = 0;
            if (Vectorize)
            {
                Vector256<double> acc0 = default, acc1 = default;
                Vector256<T> scale = Vector256.Create(GradScale), uniform = Vector256.Create(Weight);
                for (; i <= end - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    Vector256<T> yv = Vector256.Load(Y + i), pv = Vector256.Load(P + i);
                    Vector256<T> wv = Uniform ? uniform : Vector256.Load(W + i);
                    Vector256<T> l;
                    if (G is not null)
                    {
                        l = Kernel.LossGrad(yv, pv, out Vector256<T> g);
                        (g * (wv * scale)).Store(G + i);
                    }
                    else
                    {
                        l = Kernel.Loss(yv, pv);
                    }

                    if (PerSample is not null)
                    {
                        l.Store(PerSample + i);
                    }

                    VMath.AccumulateProduct(ref acc0, ref acc1, l, wv);
                }

                total = VMath.Sum(acc0, acc1);
            }

            for (; i < end; i++)
            {
                T w = Uniform ? Weight : W[i];
                T l;
                if (G is not null)
                {
                    l = Kernel.LossGrad(Y[i], P[i], out T g);
                    G[i] = g * (w * GradScale);
                }
                else
                {
                    l = Kernel.Loss(Y[i], P[i]);
                }

                if (PerSample is not null)
                {
                    PerSample[i] = l;
                }

                total += double.CreateTruncating(l) * double.CreateTruncating(w);
            }

            return total;
        }
    }

    /// <summary>The reduced axis is not the last one: strided scalar loops (rare).</summary>
    private static double Strided<T, TKernel>(TKernel kernel, scoped ref Batch<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        int d = b.D, inner = b.Inner;
        T invD = InverseCount<T, TKernel>(d);
        double total = 0;
        for (int o = 0; o < b.Outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int s = (o * inner) + i;
                T w = b.WeightOf(s);
                T factor = w * b.GradScale * invD;
                double sum = 0;
                for (int k = 0; k < d; k++)
                {
                    int idx = (((o * d) + k) * inner) + i;
                    if (b.Grad.IsEmpty)
                    {
                        sum += double.CreateTruncating(kernel.Loss(b.Y[idx], b.P[idx]));
                    }
                    else
                    {
                        sum += double.CreateTruncating(kernel.LossGrad(b.Y[idx], b.P[idx], out T g));
                        b.Grad[idx] = g * factor;
                    }
                }

                T l = T.CreateTruncating(SampleLoss<T, TKernel>(sum, d));
                if (!b.PerSample.IsEmpty)
                {
                    b.PerSample[s] = l;
                }

                total += double.CreateTruncating(l) * double.CreateTruncating(w);
            }
        }

        return total;
    }

    /// <summary>
    /// Σ e over a contiguous stretch, writing factor · e' when <paramref name="grad"/> is not null. The vector loops take
    /// one vector per iteration and widen every loss to double before adding it: unrolled, the log- and exp-bound kernels
    /// ran out of the 16 vector registers of AVX2 and spilled to the stack (BCE on probabilities took about 28 % longer
    /// at 1K elements), while out-of-order execution overlaps the independent iterations anyway.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double SumStretch<T, TKernel>(TKernel kernel, T* y, T* p, T* grad, int n, T factor, bool vectorize, bool stream = false)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        int i = 0;
        double sum = 0;
        if (vectorize && TKernel.Wide && Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            i = n - (n % Vector512<T>.Count);
            sum = grad is null ? WideLoss(kernel, y, p, i)
                : stream ? WideLossGradStreaming(kernel, y, p, grad, i, factor)
                : WideLossGrad(kernel, y, p, grad, i, factor);
        }
        else if (vectorize && n >= Vector256<T>.Count)
        {
            // One method per loop: each gets its own register allocation (accumulators stay in registers) and its own
            // inlining budget. The loop methods are NoInlining | AggressiveOptimization: compiled once, fully optimized,
            // at their first call. Tiered, a loop ran first as tier-0 and OSR code, then inlined into its callers'
            // tier-1 code, where the budget ran out and the kernel's math and stores became calls, tier-0 ones at
            // first: at 16M elements on 1 thread, BCE from logits spent its first ~60 calls at 35-60 ms instead of 16.
            i = n - (n % Vector256<T>.Count);
            sum = grad is null ? VectorLoss(kernel, y, p, i)
                : stream ? VectorLossGradStreaming(kernel, y, p, grad, i, factor)
                : VectorLossGrad(kernel, y, p, grad, i, factor);
        }

        if (grad is null)
        {
            for (; i < n; i++)
            {
                sum += double.CreateTruncating(kernel.Loss(y[i], p[i]));
            }
        }
        else
        {
            for (; i < n; i++)
            {
                sum += double.CreateTruncating(kernel.LossGrad(y[i], p[i], out T g));
                grad[i] = g * factor;
            }
        }

        return sum;
    }

    /// <summary>Σ e over the first <paramref name="n"/> elements, n a multiple of the vector width.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double VectorLoss<T, TKernel>(TKernel kernel, T* y, T* p, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        Vector256<double> acc0 = default, acc1 = default;
        for (int i = 0; i < n; i += Vector256<T>.Count)
        {
            VMath.Accumulate(ref acc0, ref acc1, kernel.Loss(Vector256.Load(y + i), Vector256.Load(p + i)));
        }

        return VMath.Sum(acc0, acc1);
    }

    /// <summary>Σ e and factor · e' over the first <paramref name="n"/> elements, n a multiple of the vector width.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double VectorLossGrad<T, TKernel>(TKernel kernel, T* y, T* p, T* grad, int n, T factor)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        Vector256<double> acc0 = default, acc1 = default;
        Vector256<T> f = Vector256.Create(factor);
        for (int i = 0; i < n; i += Vector256<T>.Count)
        {
            Vector256<T> l = kernel.LossGrad(Vector256.Load(y + i), Vector256.Load(p + i), out Vector256<T> g);
            (g * f).Store(grad + i);
            VMath.Accumulate(ref acc0, ref acc1, l);
        }

        return VMath.Sum(acc0, acc1);
    }

    /// <summary>As <see cref="VectorLossGrad"/>, with the gradient written by streaming (cache-bypassing) stores: same
    /// values at the same positions.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double VectorLossGradStreaming<T, TKernel>(TKernel kernel, T* y, T* p, T* grad, int n, T factor)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        if (n == 0)
        {
            return 0;
        }

        Vector256<double> acc0 = default, acc1 = default;
        Vector256<T> f = Vector256.Create(factor);
        var store = new StreamingStore<T>(grad);

        // The first vector apart: the loop's stores then take no branch.
        VMath.Accumulate(ref acc0, ref acc1, kernel.LossGrad(Vector256.Load(y), Vector256.Load(p), out Vector256<T> g));
        store.First(g * f);
        for (int i = Vector256<T>.Count; i < n; i += Vector256<T>.Count)
        {
            VMath.Accumulate(ref acc0, ref acc1, kernel.LossGrad(Vector256.Load(y + i), Vector256.Load(p + i), out g));
            store.Next(g * f, i);
        }

        store.Flush(n);
        return VMath.Sum(acc0, acc1);
    }
    /// <summary>As <see cref="VectorLoss"/> on Vector512, n a multiple of its width.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double WideLoss<T, TKernel>(TKernel kernel, T* y, T* p, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        Vector512<double> acc0 = default, acc1 = default;
        for (int i = 0; i < n; i += Vector512<T>.Count)
        {
            VMath.Accumulate(ref acc0, ref acc1, kernel.Loss(Vector512.Load(y + i), Vector512.Load(p + i)).AsSingle());
        }

        return Vector512.Sum(acc0 + acc1);
    }

    /// <summary>As <see cref="VectorLossGrad"/> on Vector512, n a multiple of its width.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double WideLossGrad<T, TKernel>(TKernel kernel, T* y, T* p, T* grad, int n, T factor)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        Vector512<double> acc0 = default, acc1 = default;
        Vector512<T> f = Vector512.Create(factor);
        for (int i = 0; i < n; i += Vector512<T>.Count)
        {
            VMath.Accumulate(ref acc0, ref acc1, kernel.LossGrad(Vector512.Load(y + i), Vector512.Load(p + i), out Vector512<T> g).AsSingle());
            (g * f).Store(grad + i);
        }

        return Vector512.Sum(acc0 + acc1);
    }

    /// <summary>As <see cref="WideLossGrad"/>, the gradient written by streaming stores (two Vector256 halves).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double WideLossGradStreaming<T, TKernel>(TKernel kernel, T* y, T* p, T* grad, int n, T factor)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        if (n == 0)
        {
            return 0;
        }

        Vector512<double> acc0 = default, acc1 = default;
        Vector512<T> f = Vector512.Create(factor);
        var store = new StreamingStore<T>(grad);

        // The first vector apart: the loop's stores then take no branch.
        VMath.Accumulate(ref acc0, ref acc1, kernel.LossGrad(Vector512.Load(y), Vector512.Load(p), out Vector512<T> g).AsSingle());
        Vector512<T> scaled = g * f;
        store.First(scaled.GetLower());
        store.Next(scaled.GetUpper(), Vector256<T>.Count);
        for (int i = Vector512<T>.Count; i < n; i += Vector512<T>.Count)
        {
            VMath.Accumulate(ref acc0, ref acc1, kernel.LossGrad(Vector512.Load(y + i), Vector512.Load(p + i), out g).AsSingle());
            scaled = g * f;
            store.Next(scaled.GetLower(), i);
            store.Next(scaled.GetUpper(), i + Vector256<T>.Count);
        }

        store.Flush(n);
        return Vector512.Sum(acc0 + acc1);
    }
}
