using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;

namespace SharpLoss.Kernels;

/// <summary>
/// The math of a loss over one row of K classes (dense labels): returns the row's loss and, when
/// the gradient row is not empty, writes coef · ∂loss/∂p for the row.
/// </summary>
internal interface IRowKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <param name="y">The label row.</param>
    /// <param name="p">The prediction row.</param>
    /// <param name="grad">The gradient row to write, or empty.</param>
    /// <param name="coef">The sample's gradient coefficient.</param>
    /// <param name="scratch">2·K elements of scratch space.</param>
    /// <param name="vectorize">Whether Vector256 may be used.</param>
    T Row(ReadOnlySpan<T> y, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize);

    /// <summary>Whether <see cref="RowPair"/> interleaves its two rows; when false the driver calls <see cref="Row"/> per row.</summary>
    bool Pairs { get; }

    /// <summary>
    /// Two rows of K classes at once, each with the result <see cref="Row"/> gives it (the same operations in the same
    /// order): the two rows' dependency chains interleave, which short rows, bound by latency, need. Called with
    /// Vector256 allowed.
    /// </summary>
    /// <param name="first">The first row.</param>
    /// <param name="second">The second row, of the same length.</param>
    /// <param name="scratch">2·K elements of scratch space.</param>
    /// <param name="loss0">The first row's loss.</param>
    /// <param name="loss1">The second row's loss.</param>
    void RowPair(in RowArgs<T> first, in RowArgs<T> second, Span<T> scratch, out T loss0, out T loss1);
}

/// <summary>One row of a <see cref="IRowKernel{T}.RowPair"/> call: labels, predictions, gradient row (or empty) and coefficient.</summary>
internal readonly ref struct RowArgs<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> p, Span<T> grad, T coef)
{
    public readonly ReadOnlySpan<T> Y = y;
    public readonly ReadOnlySpan<T> P = p;
    public readonly Span<T> Grad = grad;
    public readonly T Coef = coef;
}

/// <summary>The math of a loss over one row of K classes with a sparse class id.</summary>
internal interface ISparseRowKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <param name="label">The class id, in [0, K).</param>
    /// <param name="p">The prediction row.</param>
    /// <param name="grad">The gradient row to write, or empty.</param>
    /// <param name="coef">The sample's gradient coefficient.</param>
    /// <param name="scratch">2·K elements of scratch space.</param>
    /// <param name="vectorize">Whether Vector256 may be used.</param>
    T Row(long label, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize);

    /// <summary>Whether <see cref="RowPair"/> interleaves its two rows; when false the driver calls <see cref="Row"/> per row.</summary>
    bool Pairs { get; }

    /// <summary>
    /// Two rows at once, each with the result <see cref="Row"/> gives it, as <see cref="IRowKernel{T}.RowPair"/>; the
    /// rows' <see cref="RowArgs{T}.Y"/> are empty.
    /// </summary>
    /// <param name="label0">The first row's class id, in [0, K).</param>
    /// <param name="first">The first row.</param>
    /// <param name="label1">The second row's class id, in [0, K).</param>
    /// <param name="second">The second row, of the same length.</param>
    /// <param name="scratch">2·K elements of scratch space.</param>
    /// <param name="loss0">The first row's loss.</param>
    /// <param name="loss1">The second row's loss.</param>
    void RowPair(long label0, in RowArgs<T> first, long label1, in RowArgs<T> second, Span<T> scratch, out T loss0, out T loss1);
}

/// <summary>
/// Drives row kernels over a <see cref="Batch{T}"/> whose D is the class axis. Rows along a non-last
/// axis are gathered into scratch rows first. Σ_s W_s · L_s accumulates in double per fixed chunk of rows,
/// chunks added in order (<see cref="Chunked"/>), on one core or many.
/// </summary>
internal static unsafe class RowDriver
{
    /// <summary>
    /// Rows of up to this many classes go to the kernels two at a time (<see cref="IRowKernel{T}.RowPair"/>): short rows
    /// are bound by the latency of one row's chain (max, exp, sum, log), which a second row hides. Long rows are bound
    /// by throughput instead, and two of them (logits, labels, exponentials and gradient) crowd L1: rows of 1000 classes
    /// from memory ran about 9 % slower in pairs.
    /// </summary>
    public const int PairMaxClasses = 256;

    public static double Run<T, TKernel>(TKernel kernel, scoped ref Batch<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IRowKernel<T>
    {
        fixed (T* y = b.Y, p = b.P, g = b.Grad, ps = b.PerSample, w = b.Weights)
        {
            var job = new DenseJob<T, TKernel> { Kernel = kernel };
            job.Common = Common(ref b, y, p, g, ps, w);
            return Chunked.Sum(job, job.Common.Chunks, b.MaxDegreeOfParallelism);
        }
    }

    /// <summary>Sparse labels: class axis last, one label per sample. With <paramref name="ignores"/>, rows labelled
    /// <see cref="SparseLabels.Ignored"/> give 0 (and a zero gradient).</summary>
    public static double RunSparse<T, TKernel>(TKernel kernel, scoped ref Batch<T> b, bool ignores)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, ISparseRowKernel<T>
    {
        fixed (T* p = b.P, g = b.Grad, ps = b.PerSample, w = b.Weights)
        fixed (long* labels = b.Labels)
        {
            var job = new SparseJob<T, TKernel> { Kernel = kernel, Labels = labels, HasIgnore = ignores };
            job.Common = Common(ref b, null, p, g, ps, w);
            return Chunked.Sum(job, job.Common.Chunks, b.MaxDegreeOfParallelism);
        }
    }

    private static Rows<T> Common<T>(scoped ref Batch<T> b, T* y, T* p, T* g, T* ps, T* w)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = b.D;
        int rowsPerChunk = PointwiseDriver.RowsPerChunk(k);
        if (ChunkRecorder.Current is { } recorder)
        {
            if (b.Inner == 1)
            {
                recorder.Geometry((long)rowsPerChunk * k, k);
            }
            else
            {
                recorder.Refuse("the class axis is not the last one");
            }
        }

        return new Rows<T>
        {
            Y = y,
            P = p,
            G = b.Grad.IsEmpty ? null : g,
            PerSample = b.PerSample.IsEmpty ? null : ps,
            W = w,
            K = k,
            Inner = b.Inner,
            Samples = b.Samples,
            RowsPerChunk = rowsPerChunk,
            Chunks = (b.Samples + rowsPerChunk - 1) / rowsPerChunk,
            Uniform = b.UniformWeight,
            Weight = b.Weight,
            GradScale = b.GradScale,
            Vectorize = b.Vectorize && Vector256.IsHardwareAccelerated,
        };
    }

    /// <summary>Pinned buffers and geometry shared by the row jobs.</summary>
    private struct Rows<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* Y;
        public T* P;
        public T* G;
        public T* PerSample;
        public T* W;
        public int K;
        public int Inner;
        public int Samples;
        public int RowsPerChunk;
        public int Chunks;
        public bool Uniform;
        public T Weight;
        public T GradScale;
        public bool Vectorize;

        public readonly T WeightOf(int s) => Uniform ? Weight : W[s];

        /// <summary>The gradient row of K elements at <paramref name="offset"/>, or empty when no gradient is asked for.</summary>
        public readonly Span<T> GradientRow(long offset) => G is null ? default : new Span<T>(G + offset, K);
    }

    private struct DenseJob<T, TKernel> : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IRowKernel<T>
    {
        public TKernel Kernel;
        public Rows<T> Common;

        public readonly double Run(int chunk)
        {
            Rows<T> r = Common;
            int k = r.K, first = chunk * r.RowsPerChunk, end = Math.Min(r.Samples, first + r.RowsPerChunk);
            T[] rented = ArrayPool<T>.Shared.Rent(Math.Max(1, k * (r.Inner == 1 ? 2 : 5)));
            try
            {
                Span<T> scratch = rented.AsSpan(0, 2 * k);
                double total = 0;
                bool pairs = Kernel.Pairs && r.Inner == 1 && r.Vectorize && k >= Vector256<T>.Count && k <= PairMaxClasses;
                for (int s = first; s < end; s++)
                {
                    T w = r.WeightOf(s);
                    T l;
                    if (pairs && s + 1 < end)
                    {
                        T w1 = r.WeightOf(s + 1);
                        long o0 = (long)s * k, o1 = o0 + k;
                        Kernel.RowPair(
                            new RowArgs<T>(new ReadOnlySpan<T>(r.Y + o0, k), new ReadOnlySpan<T>(r.P + o0, k), r.GradientRow(o0), w * r.GradScale),
                            new RowArgs<T>(new ReadOnlySpan<T>(r.Y + o1, k), new ReadOnlySpan<T>(r.P + o1, k), r.GradientRow(o1), w1 * r.GradScale),
                            scratch,
                            out l,
                            out T l1);
                        if (r.PerSample is not null)
                        {
                            r.PerSample[s] = l;
                            r.PerSample[s + 1] = l1;
                        }

                        total += double.CreateTruncating(l) * double.CreateTruncating(w);
                        total += double.CreateTruncating(l1) * double.CreateTruncating(w1);
                        s++;
                        continue;
                    }

                    if (r.Inner == 1)
                    {
                        long off = (long)s * k;
                        l = Kernel.Row(new ReadOnlySpan<T>(r.Y + off, k), new ReadOnlySpan<T>(r.P + off, k), r.GradientRow(off), w * r.GradScale, scratch, r.Vectorize);
                    }
                    else
                    {
                        // The class axis is not the last one: gather the row, run, scatter the gradient.
                        Span<T> y = rented.AsSpan(2 * k, k), p = rented.AsSpan(3 * k, k), g = rented.AsSpan(4 * k, k);
                        int o = s / r.Inner, i = s % r.Inner;
                        long baseIdx = ((long)o * k * r.Inner) + i;
                        for (int j = 0; j < k; j++)
                        {
                            y[j] = r.Y[baseIdx + ((long)j * r.Inner)];
                            p[j] = r.P[baseIdx + ((long)j * r.Inner)];
                        }

                        l = Kernel.Row(y, p, r.G is null ? default : g, w * r.GradScale, scratch, r.Vectorize);
                        if (r.G is not null)
                        {
                            for (int j = 0; j < k; j++)
                            {
                                r.G[baseIdx + ((long)j * r.Inner)] = g[j];
                            }
                        }
                    }

                    if (r.PerSample is not null)
                    {
                        r.PerSample[s] = l;
                    }

                    total += double.CreateTruncating(l) * double.CreateTruncating(w);
                }

                return total;
            }
            finally
            {
                ArrayPool<T>.Shared.Return(rented);
            }
        }
    }

    private struct SparseJob<T, TKernel> : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, ISparseRowKernel<T>
    {
        public TKernel Kernel;
        public Rows<T> Common;
        public long* Labels;
        public bool HasIgnore;

        public readonly double Run(int chunk)
        {
            Rows<T> r = Common;
            int k = r.K, first = chunk * r.RowsPerChunk, end = Math.Min(r.Samples, first + r.RowsPerChunk);
            T[] rented = ArrayPool<T>.Shared.Rent(Math.Max(1, 2 * k));
            try
            {
                Span<T> scratch = rented.AsSpan(0, 2 * k);
                double total = 0;
                bool pairs = Kernel.Pairs && r.Vectorize && k >= Vector256<T>.Count && k <= PairMaxClasses;
                for (int s = first; s < end; s++)
                {
                    long off = (long)s * k;
                    long label = Labels[s];
                    T l;
                    if (pairs && s + 1 < end && !(HasIgnore && (label == SparseLabels.Ignored || Labels[s + 1] == SparseLabels.Ignored)))
                    {
                        T w0 = r.WeightOf(s), w1 = r.WeightOf(s + 1);
                        long off1 = off + k;
                        Kernel.RowPair(
                            label,
                            new RowArgs<T>(default, new ReadOnlySpan<T>(r.P + off, k), r.GradientRow(off), w0 * r.GradScale),
                            Labels[s + 1],
                            new RowArgs<T>(default, new ReadOnlySpan<T>(r.P + off1, k), r.GradientRow(off1), w1 * r.GradScale),
                            scratch,
                            out l,
                            out T l1);
                        total += double.CreateTruncating(l) * double.CreateTruncating(w0);
                        total += double.CreateTruncating(l1) * double.CreateTruncating(w1);
                        if (r.PerSample is not null)
                        {
                            r.PerSample[s] = l;
                            r.PerSample[s + 1] = l1;
                        }

                        s++;
                        continue;
                    }

                    if (HasIgnore && label == SparseLabels.Ignored)
                    {
                        // The loss is 0; its weight still enters, as 0 · w in the values (NaN for an infinite or NaN w).
                        l = T.Zero;
                        total += 0 * double.CreateTruncating(r.WeightOf(s));
                        if (r.G is not null)
                        {
                            new Span<T>(r.G + off, k).Clear();
                        }
                    }
                    else
                    {
                        T w = r.WeightOf(s);
                        l = Kernel.Row(label, new ReadOnlySpan<T>(r.P + off, k), r.GradientRow(off), w * r.GradScale, scratch, r.Vectorize);
                        total += double.CreateTruncating(l) * double.CreateTruncating(w);
                    }

                    if (r.PerSample is not null)
                    {
                        r.PerSample[s] = l;
                    }
                }

                return total;
            }
            finally
            {
                ArrayPool<T>.Shared.Return(rented);
            }
        }
    }
}
