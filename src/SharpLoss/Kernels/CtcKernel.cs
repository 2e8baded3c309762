using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpLoss.Kernels;

/// <summary>
/// One CTC pass over a batch: logits [B, T, C] (or time-major [T, B, C]), dense label rows of
/// <see cref="LabelStride"/> ids with their lengths, and the outputs wanted. Pointers, because the pass runs on
/// several cores (spans cannot be captured); the caller keeps the memory pinned for the pass.
/// </summary>
internal unsafe struct CtcProblem<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T* P;

    /// <summary>The gradient, with <see cref="P"/>'s layout, or null.</summary>
    public T* G;

    /// <summary>Per-sample losses (B entries), or null.</summary>
    public T* PerSample;

    /// <summary>Per-sample weights, or null for <see cref="Weight"/> everywhere.</summary>
    public T* Weights;
    public T Weight;
    public T GradScale;

    public int Batch;
    public int Time;
    public int Classes;
    public bool TimeMajor;

    /// <summary>The label rows, [B, <see cref="LabelStride"/>], already checked against [0, C).</summary>
    public long* Labels;
    public int LabelStride;

    /// <summary>Each row's label length, or null: the row's count of ids other than <see cref="Blank"/> (Keras counts the non-zero ids, blank 0).</summary>
    public int* LabelLengths;

    /// <summary>Each row's number of frames, or null: <see cref="Time"/> for every row.</summary>
    public int* LogitLengths;

    public int Blank;
    public int MaxDegreeOfParallelism;

    /// <summary>Whether the Vector256 paths may be used.</summary>
    public bool Vectorize;

    public readonly T WeightOf(int b) => Weights is null ? Weight : Weights[b];
}

/// <summary>
/// The CTC negative log-likelihood and its gradient by the forward-backward algorithm in log space (Graves et al.
/// 2006). The label l of length L is extended to S = 2L + 1 states, blanks around and between the labels: state s
/// emits ext[s] = blank for even s and l[(s − 1)/2] for odd s. A path stays in a state, moves to the next, or skips a
/// blank between two different labels. α[t, s] is the log-probability of the frames 0..t ending in s (emission at t
/// included); β[t, s] that of the frames t+1..T−1 given s at t (excluded). The log-likelihood is
/// ll = logsumexp(α[T−1, S−1], α[T−1, S−2]) and the loss −ll. With γ[t, s] = exp(α[t, s] + β[t, s] − ll), the
/// normalized state occupancies, ∂loss/∂x[t, c] = softmax(x[t])_c − Σ_{s: ext[s] = c} γ[t, s]: the gradient comes out
/// of the same pass. Frames at or beyond a row's logit length get a zero gradient, as TensorFlow's.
/// </summary>
/// <remarks>
/// <para>A label that no path of the row's length can produce (L plus the number of adjacent repeats exceeds the
/// frames) has ll = −∞: the loss is +∞ and its gradient 0. An empty label with no frames costs 0.</para>
/// <para>Samples are processed in fixed chunks whose partial sums are added in order (<see cref="Chunked"/>), so the
/// result does not depend on the number of cores. The recursions over the states use Vector256. The work space (log-softmax
/// rows and the α table, about T·(C + S) elements)
/// is rented from the array pool per chunk.</para>
/// </remarks>
internal static unsafe class CtcKernel
{
    /// <summary>Target work per chunk, in elements of the α and log-softmax tables.</summary>
    private const int ChunkWork = 16 * 1024;

    public static double Run<T>(in CtcProblem<T> problem)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (problem.Batch == 0)
        {
            return 0;
        }

        long perSample = Math.Max(1L, (long)problem.Time * (problem.Classes + (2L * problem.LabelStride) + 1));
        int samplesPerChunk = (int)Math.Clamp(ChunkWork / perSample, 1, problem.Batch);
        var job = new Job<T> { Problem = problem, SamplesPerChunk = samplesPerChunk };
        int chunks = (problem.Batch + samplesPerChunk - 1) / samplesPerChunk;
        return Chunked.Sum(job, chunks, problem.MaxDegreeOfParallelism);
    }

    /// <summary>The label length of row b: given, or the count of ids other than the blank.</summary>
    public static int LabelLength<T>(in CtcProblem<T> p, int b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p.LabelLengths is not null)
        {
            return p.LabelLengths[b];
        }

        long* row = p.Labels + ((long)b * p.LabelStride);
        int n = 0;
        for (int i = 0; i < p.LabelStride; i++)
        {
            n += row[i] != p.Blank ? 1 : 0;
        }

        return n;
    }

    private struct Job<T> : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public CtcProblem<T> Problem;
        public int SamplesPerChunk;

        public readonly double Run(int chunk)
        {
            CtcProblem<T> p = Problem;
            int first = chunk * SamplesPerChunk, end = Math.Min(p.Batch, first + SamplesPerChunk);
            int states = (2 * p.LabelStride) + 1;
            int workLength = checked((p.Time * (p.Classes + states)) + (5 * (states + 2)) + p.Classes);
            T[] work = ArrayPool<T>.Shared.Rent(Math.Max(1, workLength));
            int[] ext = ArrayPool<int>.Shared.Rent(states);
            try
            {
                double total = 0;
                for (int b = first; b < end; b++)
                {
                    T w = p.WeightOf(b);
                    T loss = Sample(p, b, w * p.GradScale, work, ext);
                    total += double.CreateTruncating(loss) * double.CreateTruncating(w);
                    if (p.PerSample is not null)
                    {
                        p.PerSample[b] = loss;
                    }
                }

                return total;
            }
            finally
            {
                ArrayPool<T>.Shared.Return(work);
                ArrayPool<int>.Shared.Return(ext);
            }
        }
    }

    /// <summary>The loss of sample <paramref name="b"/>; writes coef · ∂loss/∂x into its gradient rows when wanted.</summary>
    private static T Sample<T>(in CtcProblem<T> p, int b, T coef, T[] work, int[] extBuffer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = p.Classes;
        int frames = p.LogitLengths is null ? p.Time : p.LogitLengths[b];
        int labelLength = LabelLength(p, b);
        int s = (2 * labelLength) + 1;
        long rowStride = p.TimeMajor ? (long)p.Batch * c : c;
        long origin = p.TimeMajor ? (long)b * c : (long)b * p.Time * c;

        // Frames beyond the row's length have a zero gradient.
        if (p.G is not null)
        {
            for (int t = frames; t < p.Time; t++)
            {
                new Span<T>(p.G + origin + (t * rowStride), c).Clear();
            }
        }

        if (frames == 0)
        {
            return labelLength == 0 ? T.Zero : T.PositiveInfinity;
        }

        // Work space: log-softmax rows, the α table, and five rows of S + 2 (β, the next β, the emissions of a frame, the
        // skip penalties, the occupancies; the two extra entries are −∞ padding for the backward step's look-ahead), and C
        // exponentials of a frame.
        int row = s + 2;
        Span<T> logp = work.AsSpan(0, frames * c);
        Span<T> alpha = work.AsSpan(frames * c, frames * s);
        Span<T> rows = work.AsSpan((frames * c) + (frames * s), 5 * row);
        Span<T> beta = rows[..row];
        Span<T> next = rows.Slice(row, row);
        Span<T> emit = rows.Slice(2 * row, row);
        Span<T> skip = rows.Slice(3 * row, row);
        Span<T> occupancy = rows.Slice(4 * row, row);
        Span<T> exps = work.AsSpan((frames * c) + (frames * s) + (5 * row), c);
        T neg = T.NegativeInfinity;
        rows.Fill(neg);

        // ext[i]: the class state i emits; skip[i]: 0 where a path may jump from state i − 2 to i (a label different from
        // the label before it), −∞ elsewhere.
        Span<int> ext = extBuffer.AsSpan(0, s);
        long* labels = p.Labels + ((long)b * p.LabelStride);
        for (int i = 0; i < s; i++)
        {
            ext[i] = (i & 1) == 0 ? p.Blank : (int)labels[i >> 1];
            skip[i] = (i & 1) == 1 && i >= 2 && ext[i] != ext[i - 2] ? T.Zero : neg;
        }

        // log-softmax of every frame, max subtracted (stable for logits of any size).
        for (int t = 0; t < frames; t++)
        {
            LogSoftmax(new ReadOnlySpan<T>(p.P + origin + (t * rowStride), c), logp.Slice(t * c, c), exps);
        }

        // Forward: α[t, i] = logsumexp(α[t−1, i], α[t−1, i−1], α[t−1, i−2] + skip[i]) + logp[t, ext[i]].
        alpha[..s].Fill(neg);
        alpha[0] = logp[p.Blank];
        if (s > 1)
        {
            alpha[1] = logp[ext[1]];
        }

        for (int t = 1; t < frames; t++)
        {
            Gather(logp.Slice(t * c, c), ext, emit);
            ReadOnlySpan<T> prev = alpha.Slice((t - 1) * s, s);
            Span<T> cur = alpha.Slice(t * s, s);
            cur[0] = prev[0] + emit[0];
            if (s > 1)
            {
                cur[1] = LogAddExp(prev[1], prev[0], neg) + emit[1];
            }

            int i = 2;
            if (p.Vectorize && Vector256.IsHardwareAccelerated)
            {
                for (; i + Vector256<T>.Count <= s; i += Vector256<T>.Count)
                {
                    Vector256<T> v = LogAddExp(
                        Vector256.Create(prev.Slice(i, Vector256<T>.Count)),
                        Vector256.Create(prev.Slice(i - 1, Vector256<T>.Count)),
                        Vector256.Create(prev.Slice(i - 2, Vector256<T>.Count)) + Vector256.Create(skip.Slice(i, Vector256<T>.Count)));
                    (v + Vector256.Create(emit.Slice(i, Vector256<T>.Count))).CopyTo(cur[i..]);
                }
            }

            for (; i < s; i++)
            {
                cur[i] = LogAddExp(prev[i], prev[i - 1], prev[i - 2] + skip[i]) + emit[i];
            }
        }

        ReadOnlySpan<T> last = alpha.Slice((frames - 1) * s, s);
        T ll = s > 1 ? LogAddExp(last[s - 1], last[s - 2], neg) : last[0];
        if (T.IsNegativeInfinity(ll))
        {
            // No alignment of this length produces the label.
            ClearGradient(p, origin, rowStride, frames);
            return T.PositiveInfinity;
        }

        T loss = -ll;
        if (p.G is null)
        {
            return loss;
        }

        // Backward, with the gradient of each frame as soon as its β row is known:
        // β[t−1, i] = logsumexp over the successors j ∈ {i, i+1, i+2 (if skip[i+2] = 0)} of β[t, j] + logp[t, ext[j]].
        beta[s - 1] = T.Zero;
        if (s > 1)
        {
            beta[s - 2] = T.Zero;
        }

        for (int t = frames - 1; t >= 0; t--)
        {
            ReadOnlySpan<T> lp = logp.Slice(t * c, c);
            ReadOnlySpan<T> a = alpha.Slice(t * s, s);
            Span<T> g = new(p.G + origin + (t * rowStride), c);

            // softmax(x_t) − Σ_{i: ext[i] = c} γ[t, i], γ = exp(α + β − ll), times the sample's coefficient.
            TensorPrimitives.Exp(lp, g);
            TensorPrimitives.Multiply(g, coef, g);
            TensorPrimitives.Add(a, beta[..s], occupancy[..s]);
            TensorPrimitives.Subtract(occupancy[..s], ll, occupancy[..s]);
            TensorPrimitives.Exp(occupancy[..s], occupancy[..s]);
            for (int i = 0; i < s; i++)
            {
                g[ext[i]] -= coef * occupancy[i];
            }

            if (t == 0)
            {
                break;
            }

            Gather(lp, ext, emit);
            int k = 0;
            if (p.Vectorize && Vector256.IsHardwareAccelerated)
            {
                for (; k + Vector256<T>.Count <= s; k += Vector256<T>.Count)
                {
                    Vector256<T> v = LogAddExp(
                        Vector256.Create(beta.Slice(k, Vector256<T>.Count)) + Vector256.Create(emit.Slice(k, Vector256<T>.Count)),
                        Vector256.Create(beta.Slice(k + 1, Vector256<T>.Count)) + Vector256.Create(emit.Slice(k + 1, Vector256<T>.Count)),
                        Vector256.Create(beta.Slice(k + 2, Vector256<T>.Count)) + Vector256.Create(emit.Slice(k + 2, Vector256<T>.Count))
                            + Vector256.Create(skip.Slice(k + 2, Vector256<T>.Count)));
                    v.CopyTo(next[k..]);
                }
            }

            for (; k < s; k++)
            {
                next[k] = LogAddExp(beta[k] + emit[k], beta[k + 1] + emit[k + 1], beta[k + 2] + emit[k + 2] + skip[k + 2]);
            }

            next[..s].CopyTo(beta);
        }

        return loss;
    }

    /// <summary>dst[i] = lp[ext[i]]: the log-probability each state emits in a frame.</summary>
    private static void Gather<T>(ReadOnlySpan<T> lp, ReadOnlySpan<int> ext, Span<T> dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < ext.Length; i++)
        {
            dst[i] = lp[ext[i]];
        }
    }

    private static void ClearGradient<T>(in CtcProblem<T> p, long origin, long rowStride, int frames)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p.G is null)
        {
            return;
        }

        for (int t = 0; t < frames; t++)
        {
            new Span<T>(p.G + origin + (t * rowStride), p.Classes).Clear();
        }
    }

    private static void LogSoftmax<T>(ReadOnlySpan<T> x, Span<T> dst, Span<T> exps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = TensorPrimitives.Max(x);

        // ±∞ or NaN in the row: x − max is NaN or −∞ as it falls, as in TensorFlow's log_softmax.
        m = T.IsNegativeInfinity(m) ? T.Zero : m;
        TensorPrimitives.Subtract(x, m, dst);
        TensorPrimitives.Exp(dst, exps);
        TensorPrimitives.Subtract(dst, T.Log(TensorPrimitives.Sum(exps)), dst);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T LogAddExp<T>(T a, T b, T c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = T.Max(T.Max(a, b), c);
        return T.IsNegativeInfinity(m) ? m : m + T.Log(T.Exp(a - m) + T.Exp(b - m) + T.Exp(c - m));
    }

    /// <summary>logsumexp of three lanes-wise, with the largest factored out: every exponent is ≤ 0 and the sum in [1, 3];
    /// all three −∞ gives −∞, NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> LogAddExp<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector256<T> m = Vector256.Max(Vector256.Max(a, b), c);
        Vector256<T> none = Vector256.Equals(m, Vector256.Create(T.NegativeInfinity));
        Vector256<T> shift = Vector256.ConditionalSelect(none, Vector256<T>.Zero, m);
        Vector256<T> sum = VMath.ExpNonPositive(a - shift) + VMath.ExpNonPositive(b - shift) + VMath.ExpNonPositive(c - shift);
        Vector256<T> r = shift + VMath.LogNormal(Vector256.ConditionalSelect(none, Vector256<T>.One, sum));
        r = Vector256.ConditionalSelect(none, m, r);

        // LogNormal leaves NaN unspecified: pass it through.
        return Vector256.ConditionalSelect(Vector256.Equals(m, m), r, m);
    }
}
