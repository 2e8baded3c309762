using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpLoss.Kernels;

/// <summary>
/// One Circle-loss pass: N embeddings of dimension D against M reference embeddings (the batch itself by default), their
/// labels, the per-sample weights and the outputs wanted. Pointers, because the pass runs on several cores.
/// </summary>
internal unsafe struct CircleProblem<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T* X;
    public T* Labels;
    public int N;
    public int Dim;

    /// <summary>The reference embeddings [M, D] and labels [M]; <see cref="X"/> and <see cref="Labels"/> by default.</summary>
    public T* Ref;
    public T* RefLabels;
    public int M;

    /// <summary>True when the references are the embeddings themselves: the gradient then flows through both sides.</summary>
    public bool SelfReference;

    public T Gamma;
    public T Margin;
    public bool RemoveDiagonal;

    /// <summary>Gradient rows [N, D] (never <see cref="X"/>'s memory), or null.</summary>
    public T* G;

    /// <summary>The pair coefficients ∂Σ/∂S [N, M] (work space of the gradient), or null.</summary>
    public T* PairGrad;

    public T* PerSample;
    public T* Weights;
    public T Weight;
    public T GradScale;
    public int MaxDegreeOfParallelism;

    /// <summary>Whether the Vector256 paths may be used.</summary>
    public bool Vectorize;

    public readonly T WeightOf(int i) => Weights is null ? Weight : Weights[i];
}

/// <summary>
/// The Circle loss (Sun et al. 2020, Keras 3 <c>circle</c>) and its gradient. Per row i and reference j:
/// S = x_i·r_j, d = max(1 − S, 0); a positive pair (same label, and not (i, i) when the diagonal is removed) scores
/// a⁺ = −γ·max(m + d, 0)·(m − d), a negative pair (different labels) a⁻ = γ·max(1 + m − d, 0)·((1 − m) − d);
/// L⁺ = logsumexp over the positives (−∞ when there are none), L⁻ over the negatives, loss = softplus(L⁺ + L⁻).
/// Gradient: with s = σ(L⁺ + L⁻) and the softmax weights π = exp(a − L) within each set,
/// ∂loss/∂S_ij = −s·π_ij·∂a/∂d where 1 − S ≥ 0 (else 0), and ∂a/∂d follows TensorFlow's autodiff of the two max terms
/// (the maximum's gradient goes to its first argument on a tie); ∂S_ij/∂x_i = r_j and, for the batch as its own
/// reference, ∂S_ij/∂x_j = x_i. A row without positives or without negatives has loss 0 and no gradient.
/// </summary>
/// <remarks>Rows run in fixed chunks (<see cref="Chunked"/>); the second half of the self-reference gradient runs over
/// fixed blocks of columns, each row of the result written by one block in a fixed order, so the result does not
/// depend on the number of cores.</remarks>
internal static unsafe class CircleKernel
{
    private const int ChunkWork = 64 * 1024;
    private const int ColumnBlock = 16;

    public static double Run<T>(in CircleProblem<T> problem)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (problem.N == 0)
        {
            return 0;
        }

        int rowsPerChunk = (int)Math.Clamp(ChunkWork / Math.Max(1L, (long)problem.M * Math.Max(1, problem.Dim)), 1, problem.N);
        var rows = new RowJob<T> { Problem = problem, RowsPerChunk = rowsPerChunk };
        double total = Chunked.Sum(rows, (problem.N + rowsPerChunk - 1) / rowsPerChunk, problem.MaxDegreeOfParallelism);
        if (problem.G is not null && problem.SelfReference)
        {
            var columns = new ColumnJob<T> { Problem = problem };
            Chunked.Sum(columns, (problem.M + ColumnBlock - 1) / ColumnBlock, problem.MaxDegreeOfParallelism);
        }

        return total;
    }

    private struct RowJob<T> : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public CircleProblem<T> Problem;
        public int RowsPerChunk;

        public readonly double Run(int chunk)
        {
            CircleProblem<T> p = Problem;
            int first = chunk * RowsPerChunk, end = Math.Min(p.N, first + RowsPerChunk);
            T[] work = ArrayPool<T>.Shared.Rent(Math.Max(1, 2 * p.M));
            sbyte[] kinds = ArrayPool<sbyte>.Shared.Rent(Math.Max(1, p.M));
            try
            {
                double total = 0;
                for (int i = first; i < end; i++)
                {
                    T w = p.WeightOf(i);
                    T loss = Row(p, i, w * p.GradScale, work.AsSpan(0, p.M), work.AsSpan(p.M, p.M), kinds.AsSpan(0, p.M));
                    total += double.CreateTruncating(loss) * double.CreateTruncating(w);
                    if (p.PerSample is not null)
                    {
                        p.PerSample[i] = loss;
                    }
                }

                return total;
            }
            finally
            {
                ArrayPool<T>.Shared.Return(work);
                ArrayPool<sbyte>.Shared.Return(kinds);
            }
        }
    }

    /// <summary>The second half of the self-reference gradient: g_j += Σ_i (∂Σ/∂S_ij)·x_i for a block of columns j.</summary>
    private struct ColumnJob<T> : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public CircleProblem<T> Problem;

        public readonly double Run(int chunk)
        {
            CircleProblem<T> p = Problem;
            int first = chunk * ColumnBlock, end = Math.Min(p.M, first + ColumnBlock);
            int dim = p.Dim;
            for (int j = first; j < end; j++)
            {
                T* gj = p.G + ((long)j * dim);
                int i = 0;
                for (; i + 4 <= p.N; i += 4)
                {
                    T* c = p.PairGrad + ((long)i * p.M) + j;
                    Axpy4(gj, p.X + ((long)i * dim), p.X + ((long)(i + 1) * dim), p.X + ((long)(i + 2) * dim), p.X + ((long)(i + 3) * dim),
                        c[0], c[p.M], c[2L * p.M], c[3L * p.M], dim, p.Vectorize);
                }

                for (; i < p.N; i++)
                {
                    T c = p.PairGrad[((long)i * p.M) + j];
                    T* xi = p.X + ((long)i * dim);
                    Axpy4(gj, xi, xi, xi, xi, c, T.Zero, T.Zero, T.Zero, dim, p.Vectorize);
                }
            }

            return 0;
        }
    }

    /// <summary>Row i's loss; with a gradient, its pair coefficients and Σ_j coef_ij·r_j into gradient row i.</summary>
    private static T Row<T>(in CircleProblem<T> p, int i, T coef, Span<T> a, Span<T> dist, Span<sbyte> kinds)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int dim = p.Dim;
        T gamma = p.Gamma, margin = p.Margin, one = T.One;
        var xi = new ReadOnlySpan<T>(p.X + ((long)i * dim), dim);
        T label = p.Labels[i];
        T maxPos = T.NegativeInfinity, maxNeg = T.NegativeInfinity;
        // 1 − S for every reference, four at a time.
        T* x = p.X + ((long)i * dim);
        int q = 0;
        for (; q + 4 <= p.M; q += 4)
        {
            Dot4(x, p.Ref + ((long)q * dim), dim, p.Vectorize, out T s0, out T s1, out T s2, out T s3);
            (dist[q], dist[q + 1], dist[q + 2], dist[q + 3]) = (one - s0, one - s1, one - s2, one - s3);
        }

        for (; q < p.M; q++)
        {
            dist[q] = one - TensorPrimitives.Dot(xi, new ReadOnlySpan<T>(p.Ref + ((long)q * dim), dim));
        }

        for (int j = 0; j < p.M; j++)
        {
            T u = dist[j];
            T d = T.Max(u, T.Zero);
            bool same = SameLabel(label, p.RefLabels[j]);
            if (same && !(p.RemoveDiagonal && i == j))
            {
                T v = -gamma * T.Max(margin + d, T.Zero) * (margin - d);
                a[j] = v;
                kinds[j] = 1;
                maxPos = T.Max(maxPos, v);
            }
            else if (!same)
            {
                T v = gamma * T.Max(one + margin - d, T.Zero) * (one - margin - d);
                a[j] = v;
                kinds[j] = -1;
                maxNeg = T.Max(maxNeg, v);
            }
            else
            {
                kinds[j] = 0;
            }
        }

        // The two log-sum-exps with each set's largest score factored out: a_j becomes e_j = exp(a_j − max of its set) (0 for
        // a pair in neither set), in one vectorized pass; the softmax weights of the gradient are then e_j / Σ.
        T shiftPos = T.IsFinite(maxPos) ? maxPos : T.Zero, shiftNeg = T.IsFinite(maxNeg) ? maxNeg : T.Zero;
        for (int j = 0; j < p.M; j++)
        {
            a[j] = kinds[j] switch { 1 => a[j] - shiftPos, -1 => a[j] - shiftNeg, _ => T.NegativeInfinity };
        }

        TensorPrimitives.Exp(a, a);
        T sumPos = T.Zero, sumNeg = T.Zero;
        for (int j = 0; j < p.M; j++)
        {
            sumPos += kinds[j] == 1 ? a[j] : T.Zero;
            sumNeg += kinds[j] == -1 ? a[j] : T.Zero;
        }

        T lp = T.IsNegativeInfinity(maxPos) ? maxPos : shiftPos + T.Log(sumPos);
        T ln = T.IsNegativeInfinity(maxNeg) ? maxNeg : shiftNeg + T.Log(sumNeg);
        T z = lp + ln;

        // softplus(z) = max(z, 0) + log1p(exp(−|z|)); softplus(−∞) = 0.
        T loss = T.IsNegativeInfinity(z) ? T.Zero : T.Max(z, T.Zero) + T.LogP1(T.Exp(-T.Abs(z)));
        if (p.G is null)
        {
            return loss;
        }

        T* coefficients = p.PairGrad + ((long)i * p.M);
        var gi = new Span<T>(p.G + ((long)i * dim), dim);
        gi.Clear();
        T scale = coef / (one + T.Exp(-z));
        if (!T.IsFinite(lp) || !T.IsFinite(ln) || scale == T.Zero)
        {
            // No positive or no negative pair: the loss is 0 whatever the embeddings (and a zero weight adds nothing).
            new Span<T>(coefficients, p.M).Clear();
            return loss;
        }

        for (int j = 0; j < p.M; j++)
        {
            T u = dist[j];
            T d = T.Max(u, T.Zero);
            T c;
            if (kinds[j] == 1)
            {
                // a⁺ = −γ·w·(m − d), w = max(m + d, 0): ∂a⁺/∂d = −γ·(𝟙[m + d ≥ 0]·(m − d) − w).
                T w = T.Max(margin + d, T.Zero);
                T dw = margin + d >= T.Zero ? one : T.Zero;
                c = scale * (a[j] / sumPos) * (-gamma * ((dw * (margin - d)) - w));
            }
            else if (kinds[j] == -1)
            {
                // a⁻ = γ·w·((1 − m) − d), w = max(1 + m − d, 0): ∂a⁻/∂d = γ·(−𝟙[1 + m − d ≥ 0]·((1 − m) − d) − w).
                T w = T.Max(one + margin - d, T.Zero);
                T dw = one + margin - d >= T.Zero ? one : T.Zero;
                c = scale * (a[j] / sumNeg) * (gamma * ((-dw * (one - margin - d)) - w));
            }
            else
            {
                c = T.Zero;
            }

            // ∂d/∂S = −1 where 1 − S ≥ 0 (TensorFlow's maximum passes the gradient on a tie), else 0.
            coefficients[j] = u >= T.Zero ? -c : T.Zero;
        }

        // g_i = Σ_j coef_ij·r_j, four references at a time.
        T* g = p.G + ((long)i * dim);
        int k = 0;
        for (; k + 4 <= p.M; k += 4)
        {
            T* r = p.Ref + ((long)k * dim);
            Axpy4(g, r, r + dim, r + (2 * dim), r + (3 * dim), coefficients[k], coefficients[k + 1], coefficients[k + 2], coefficients[k + 3], dim, p.Vectorize);
        }

        for (; k < p.M; k++)
        {
            T* r = p.Ref + ((long)k * dim);
            Axpy4(g, r, r, r, r, coefficients[k], T.Zero, T.Zero, T.Zero, dim, p.Vectorize);
        }

        return loss;
    }

    /// <summary>Labels compare as Keras's int32 cast leaves them: truncated toward zero.</summary>
    private static bool SameLabel<T>(T a, T b)
        where T : unmanaged, IFloatingPointIeee754<T> => T.Truncate(a) == T.Truncate(b);

    /// <summary>The dot products of x with the four rows r, r + dim, r + 2·dim, r + 3·dim (one pass over x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4<T>(T* x, T* r, int dim, bool vectorize, out T s0, out T s1, out T s2, out T s3)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* r1 = r + dim, r2 = r + (2 * dim), r3 = r + (3 * dim);
        int k = 0;
        (s0, s1, s2, s3) = (T.Zero, T.Zero, T.Zero, T.Zero);
        if (vectorize && Vector256.IsHardwareAccelerated && dim >= Vector256<T>.Count)
        {
            Vector256<T> a0 = Vector256<T>.Zero, a1 = Vector256<T>.Zero, a2 = Vector256<T>.Zero, a3 = Vector256<T>.Zero;
            for (; k + Vector256<T>.Count <= dim; k += Vector256<T>.Count)
            {
                Vector256<T> xv = Vector256.Load(x + k);
                a0 += xv * Vector256.Load(r + k);
                a1 += xv * Vector256.Load(r1 + k);
                a2 += xv * Vector256.Load(r2 + k);
                a3 += xv * Vector256.Load(r3 + k);
            }

            (s0, s1, s2, s3) = (Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
        }

        for (; k < dim; k++)
        {
            s0 += x[k] * r[k];
            s1 += x[k] * r1[k];
            s2 += x[k] * r2[k];
            s3 += x[k] * r3[k];
        }
    }

    /// <summary>y += c0·r0 + c1·r1 + c2·r2 + c3·r3 over dim elements (one pass over y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy4<T>(T* y, T* r0, T* r1, T* r2, T* r3, T c0, T c1, T c2, T c3, int dim, bool vectorize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (c0 == T.Zero && c1 == T.Zero && c2 == T.Zero && c3 == T.Zero)
        {
            return;
        }

        int k = 0;
        if (vectorize && Vector256.IsHardwareAccelerated)
        {
            Vector256<T> v0 = Vector256.Create(c0), v1 = Vector256.Create(c1), v2 = Vector256.Create(c2), v3 = Vector256.Create(c3);
            for (; k + Vector256<T>.Count <= dim; k += Vector256<T>.Count)
            {
                Vector256<T> acc = Vector256.Load(y + k) + (v0 * Vector256.Load(r0 + k)) + (v1 * Vector256.Load(r1 + k)) + (v2 * Vector256.Load(r2 + k)) + (v3 * Vector256.Load(r3 + k));
                acc.Store(y + k);
            }
        }

        for (; k < dim; k++)
        {
            y[k] += (c0 * r0[k]) + (c1 * r1[k]) + (c2 * r2[k]) + (c3 * r3[k]);
        }
    }
}
