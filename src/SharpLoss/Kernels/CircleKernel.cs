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

    /// <summary>The similarities, then the pair coefficients ∂Σ/∂S [N, M] (work space of the gradient), or null.</summary>
    public T* PairGrad;

    public T* PerSample;
    public T* Weights;
    public T Weight;
    public T GradScale;
    public int MaxDegreeOfParallelism;

    /// <summary>Whether the Vector256 paths may be used.</summary>
    public bool Vectorize;

    /// <summary>The reference labels truncated toward zero [M] (set by the kernel).</summary>
    internal T* TruncatedRefLabels;

    /// <summary>Whether <see cref="PairGrad"/> already holds every similarity (set by the kernel).</summary>
    internal bool SimilaritiesDone;

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
/// <remarks>
/// Two passes. Rows, in fixed chunks: the chunk's similarities (a register-blocked product, two rows by four
/// references), then per row the pair scores, the two log-sum-exps and, with a gradient, the pair coefficients C_ij in
/// place of the similarities. For the batch as its own reference, C is then made symmetric (C_ij + C_ji, in square
/// tiles). Gradient, in fixed blocks of four rows: g_i = Σ_j C_ij·r_j, one product. Every output element is written by one block in a fixed order,
/// so the result does not depend on the number of cores.
/// </remarks>
internal static unsafe class CircleKernel
{
    /// <summary>Multiply-adds per row chunk (the similarities of RowsPerChunk rows).</summary>
    private const long ChunkWork = 2L << 20;

    /// <summary>Rows per gradient block (a multiple of the four rows of the product's micro-kernel).</summary>
    private const int GradientRows = 16;

    /// <summary>The side of the square tiles in which the self-reference coefficients are symmetrized.</summary>
    private const int Tile = 32;

    public static double Run<T>(CircleProblem<T> problem)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (problem.N == 0)
        {
            return 0;
        }

        int m = problem.M;
        T[] truncated = ArrayPool<T>.Shared.Rent(Math.Max(1, m));
        try
        {
            for (int j = 0; j < m; j++)
            {
                truncated[j] = T.Truncate(problem.RefLabels[j]);
            }

            fixed (T* t = truncated)
            {
                problem.TruncatedRefLabels = t;
                if (problem.SelfReference && problem.PairGrad is not null)
                {
                    // S is symmetric: each tile above the diagonal is computed once and written to both places.
                    var similarities = new SimilarityJob<T> { Problem = problem };
                    Chunked.Sum(similarities, (problem.N + Tile - 1) / Tile, problem.MaxDegreeOfParallelism);
                    problem.SimilaritiesDone = true;
                }

                int rowsPerChunk = (int)Math.Clamp(ChunkWork / Math.Max(1L, (long)m * Math.Max(1, problem.Dim)), 2, problem.N);
                var rows = new RowJob<T> { Problem = problem, RowsPerChunk = rowsPerChunk };
                double total = Chunked.Sum(rows, (problem.N + rowsPerChunk - 1) / rowsPerChunk, problem.MaxDegreeOfParallelism);
                if (problem.G is not null)
                {
                    if (problem.SelfReference)
                    {
                        // C_ij + C_ji in both places: then g_i = Σ_j C_ij·x_j is the whole gradient of row i.
                        var symmetrize = new SymmetrizeJob<T> { Problem = problem };
                        Chunked.Sum(symmetrize, (problem.N + Tile - 1) / Tile, problem.MaxDegreeOfParallelism);
                    }

                    var gradient = new GradientJob<T> { Problem = problem };
                    Chunked.Sum(gradient, (problem.N + GradientRows - 1) / GradientRows, problem.MaxDegreeOfParallelism);
                }

                return total;
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(truncated);
        }
    }

    /// <summary>The rows of one chunk: similarities, losses, pair coefficients.</summary>
    private struct RowJob<T> : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public CircleProblem<T> Problem;
        public int RowsPerChunk;

        public readonly double Run(int chunk)
        {
            CircleProblem<T> p = Problem;
            int first = chunk * RowsPerChunk, end = Math.Min(p.N, first + RowsPerChunk);
            int m = p.M;
            T[]? own = p.PairGrad is null ? ArrayPool<T>.Shared.Rent(Math.Max(1, (end - first) * m)) : null;
            T[] work = ArrayPool<T>.Shared.Rent(Math.Max(1, m));
            try
            {
                fixed (T* ownS = own, e = work)
                {
                    T* s = own is null ? p.PairGrad + ((long)first * m) : ownS;
                    if (!p.SimilaritiesDone)
                    {
                        Similarities(p, first, end, s);
                    }

                    double total = 0;
                    for (int i = first; i < end; i++)
                    {
                        T w = p.WeightOf(i);
                        T loss = Row(p, i, w * p.GradScale, s + ((long)(i - first) * m), e);
                        total += double.CreateTruncating(loss) * double.CreateTruncating(w);
                        if (p.PerSample is not null)
                        {
                            p.PerSample[i] = loss;
                        }
                    }

                    return total;
                }
            }
            finally
            {
                if (own is not null)
                {
                    ArrayPool<T>.Shared.Return(own);
                }

                ArrayPool<T>.Shared.Return(work);
            }
        }
    }

    /// <summary>The similarities of the batch as its own reference for one row of tiles, S_ij = x_i·x_j for j from the
    /// tile's first row on, each tile written to its place and, transposed, to its mirror.</summary>
    private struct SimilarityJob<T> : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public CircleProblem<T> Problem;

        public readonly double Run(int chunk)
        {
            CircleProblem<T> p = Problem;
            int n = p.N, dim = p.Dim;
            long m = p.M;
            int i0 = chunk * Tile, i1 = Math.Min(n, i0 + Tile), h = i1 - i0;
            T* tile = stackalloc T[Tile * Tile];
            for (int j0 = i0; j0 < n; j0 += Tile)
            {
                int j1 = Math.Min(n, j0 + Tile), w = j1 - j0;
                for (int i = i0; i < i1; i += 2)
                {
                    T* x0 = p.X + ((long)i * dim);
                    T* x1 = i + 1 < i1 ? x0 + dim : x0;
                    T* s0 = tile + ((i - i0) * Tile);
                    T* s1 = i + 1 < i1 ? s0 + Tile : s0;
                    int j = 0;
                    for (; j + 4 <= w; j += 4)
                    {
                        Dot2x4(x0, x1, p.X + ((long)(j0 + j) * dim), dim, p.Vectorize, s0 + j, s1 + j);
                    }

                    for (; j < w; j++)
                    {
                        T* r = p.X + ((long)(j0 + j) * dim);
                        s1[j] = Dot(x1, r, dim, p.Vectorize);
                        s0[j] = Dot(x0, r, dim, p.Vectorize);
                    }
                }

                for (int i = i0; i < i1; i++)
                {
                    new ReadOnlySpan<T>(tile + ((i - i0) * Tile), w).CopyTo(new Span<T>(p.PairGrad + (i * m) + j0, w));
                }

                if (j0 != i0)
                {
                    for (int j = j0; j < j1; j++)
                    {
                        T* row = p.PairGrad + (j * m) + i0;
                        for (int i = 0; i < h; i++)
                        {
                            row[i] = tile[(i * Tile) + (j - j0)];
                        }
                    }
                }
            }

            return 0;
        }
    }

    /// <summary>The pair coefficients made symmetric, C_ij = C_ji = C_ij + C_ji, for one row of tiles (the tiles on and
    /// right of the diagonal): each pair is added once, by one chunk, so the result does not depend on the cores.</summary>
    private struct SymmetrizeJob<T> : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public CircleProblem<T> Problem;

        public readonly double Run(int chunk)
        {
            CircleProblem<T> p = Problem;
            int n = p.N;
            long m = p.M;
            T* c = p.PairGrad;
            int i0 = chunk * Tile, i1 = Math.Min(n, i0 + Tile);

            // The diagonal tile in place; every other tile (I, J) with its mirror (J, I) copied to a local tile first, so
            // that the transposed reads stride by a tile's row rather than by the matrix's (4 KiB strides of a
            // power-of-two batch alias in the caches).
            for (int i = i0; i < i1; i++)
            {
                for (int j = i; j < i1; j++)
                {
                    T sum = c[(i * m) + j] + c[(j * m) + i];
                    c[(i * m) + j] = sum;
                    c[(j * m) + i] = sum;
                }
            }

            T* mirror = stackalloc T[Tile * Tile];
            for (int j0 = i1; j0 < n; j0 += Tile)
            {
                int j1 = Math.Min(n, j0 + Tile), w = i1 - i0;
                for (int j = j0; j < j1; j++)
                {
                    new ReadOnlySpan<T>(c + (j * m) + i0, w).CopyTo(new Span<T>(mirror + ((j - j0) * Tile), w));
                }

                for (int i = i0; i < i1; i++)
                {
                    T* row = c + (i * m);
                    for (int j = j0; j < j1; j++)
                    {
                        T* t = mirror + ((j - j0) * Tile) + (i - i0);
                        T sum = row[j] + *t;
                        row[j] = sum;
                        *t = sum;
                    }
                }

                for (int j = j0; j < j1; j++)
                {
                    new ReadOnlySpan<T>(mirror + ((j - j0) * Tile), w).CopyTo(new Span<T>(c + (j * m) + i0, w));
                }
            }

            return 0;
        }
    }

    /// <summary>The gradient rows of one block: g_i = Σ_j C_ij·r_j (C symmetrized for the batch as its own reference).</summary>
    private struct GradientJob<T> : IChunkJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public CircleProblem<T> Problem;

        public readonly double Run(int chunk)
        {
            CircleProblem<T> p = Problem;
            int first = chunk * GradientRows, end = Math.Min(p.N, first + GradientRows);
            for (int i = first; i < end; i += 4)
            {
                Product4(p, i, Math.Min(4, end - i));
            }

            return 0;
        }
    }

    /// <summary>Gradient rows i .. i + rows − 1 (rows ≤ 4): g_{i+r} = Σ_j C_{i+r,j}·ref_j, in slabs of two vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Product4<T>(in CircleProblem<T> p, int i, int rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int dim = p.Dim, m = p.M;

        // Rows past the block's end alias row i, coefficients and outputs: their results are row i's, stored first.
        T* g0 = p.G + ((long)i * dim);
        T* g1 = rows > 1 ? g0 + dim : g0;
        T* g2 = rows > 2 ? g0 + (2 * dim) : g0;
        T* g3 = rows > 3 ? g0 + (3 * dim) : g0;
        T* c0 = p.PairGrad + ((long)i * m);
        T* c1 = rows > 1 ? c0 + m : c0;
        T* c2 = rows > 2 ? c0 + (2 * m) : c0;
        T* c3 = rows > 3 ? c0 + (3 * m) : c0;
        int k = 0;
        if (p.Vectorize && Vector256.IsHardwareAccelerated)
        {
            int n = Vector256<T>.Count;
            for (; k + (2 * n) <= dim; k += 2 * n)
            {
                Vector256<T> a0 = default, a1 = default, b0 = default, b1 = default, e0 = default, e1 = default, f0 = default, f1 = default;
                T* r = p.Ref + k;
                for (int j = 0; j < m; j++, r += dim)
                {
                    Vector256<T> r0 = Vector256.Load(r), r1 = Vector256.Load(r + n);
                    Vector256<T> v0 = Vector256.Create(c0[j]), v1 = Vector256.Create(c1[j]);
                    Vector256<T> v2 = Vector256.Create(c2[j]), v3 = Vector256.Create(c3[j]);
                    a0 = VMath.FusedMultiplyAdd(v0, r0, a0);
                    a1 = VMath.FusedMultiplyAdd(v0, r1, a1);
                    b0 = VMath.FusedMultiplyAdd(v1, r0, b0);
                    b1 = VMath.FusedMultiplyAdd(v1, r1, b1);
                    e0 = VMath.FusedMultiplyAdd(v2, r0, e0);
                    e1 = VMath.FusedMultiplyAdd(v2, r1, e1);
                    f0 = VMath.FusedMultiplyAdd(v3, r0, f0);
                    f1 = VMath.FusedMultiplyAdd(v3, r1, f1);
                }

                f0.Store(g3 + k);
                f1.Store(g3 + k + n);
                e0.Store(g2 + k);
                e1.Store(g2 + k + n);
                b0.Store(g1 + k);
                b1.Store(g1 + k + n);
                a0.Store(g0 + k);
                a1.Store(g0 + k + n);
            }

            for (; k + n <= dim; k += n)
            {
                Vector256<T> a0 = default, b0 = default, e0 = default, f0 = default;
                T* r = p.Ref + k;
                for (int j = 0; j < m; j++, r += dim)
                {
                    Vector256<T> r0 = Vector256.Load(r);
                    a0 = VMath.FusedMultiplyAdd(Vector256.Create(c0[j]), r0, a0);
                    b0 = VMath.FusedMultiplyAdd(Vector256.Create(c1[j]), r0, b0);
                    e0 = VMath.FusedMultiplyAdd(Vector256.Create(c2[j]), r0, e0);
                    f0 = VMath.FusedMultiplyAdd(Vector256.Create(c3[j]), r0, f0);
                }

                f0.Store(g3 + k);
                e0.Store(g2 + k);
                b0.Store(g1 + k);
                a0.Store(g0 + k);
            }
        }

        for (; k < dim; k++)
        {
            T a = T.Zero, b = T.Zero, e = T.Zero, f = T.Zero;
            T* r = p.Ref + k;
            for (int j = 0; j < m; j++, r += dim)
            {
                a += c0[j] * *r;
                b += c1[j] * *r;
                e += c2[j] * *r;
                f += c3[j] * *r;
            }

            g3[k] = f;
            g2[k] = e;
            g1[k] = b;
            g0[k] = a;
        }
    }

    /// <summary>S[i − first, j] = x_i·r_j for the rows [first, end), two rows by four references at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Similarities<T>(in CircleProblem<T> p, int first, int end, T* s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int dim = p.Dim, m = p.M;
        for (int i = first; i < end; i += 2)
        {
            T* x0 = p.X + ((long)i * dim);
            T* x1 = i + 1 < end ? x0 + dim : x0;
            T* s0 = s + ((long)(i - first) * m);
            T* s1 = i + 1 < end ? s0 + m : s0;
            int j = 0;
            for (; j + 4 <= m; j += 4)
            {
                Dot2x4(x0, x1, p.Ref + ((long)j * dim), dim, p.Vectorize, s0 + j, s1 + j);
            }

            for (; j < m; j++)
            {
                T* r = p.Ref + ((long)j * dim);
                s1[j] = Dot(x1, r, dim, p.Vectorize);
                s0[j] = Dot(x0, r, dim, p.Vectorize);
            }
        }
    }

    /// <summary>Row i's loss from its similarities <paramref name="s"/>; with a gradient, the pair coefficients replace them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Row<T>(in CircleProblem<T> p, int i, T coef, T* s, T* e)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = p.M;
        T gamma = p.Gamma, margin = p.Margin, one = T.One;
        T label = T.Truncate(p.Labels[i]);
        T* labels = p.TruncatedRefLabels;
        int diagonal = p.RemoveDiagonal && i < m && labels[i] == label ? i : -1;  // the removed pair (i, i), when it is a positive
        int n = Vector256<T>.Count;
        bool vector = p.Vectorize && Vector256.IsHardwareAccelerated;

        // The pair scores a_ij into e, and the largest of each set.
        T maxPos = T.NegativeInfinity, maxNeg = T.NegativeInfinity;
        int j = 0;
        if (vector)
        {
            Vector256<T> vMaxPos = Vector256.Create(T.NegativeInfinity), vMaxNeg = vMaxPos;
            Vector256<T> vLabel = Vector256.Create(label), vOne = Vector256<T>.One, vGamma = Vector256.Create(gamma), vMargin = Vector256.Create(margin);
            for (; j + n <= m; j += n)
            {
                if (diagonal >= j && diagonal < j + n)
                {
                    for (int q = j; q < j + n; q++)
                    {
                        ScalarScore(p, q, label, diagonal, s, e, ref maxPos, ref maxNeg);
                    }

                    continue;
                }

                Vector256<T> d = Vector256.Max(vOne - Vector256.Load(s + j), Vector256<T>.Zero);
                Vector256<T> pos = -vGamma * Vector256.Max(vMargin + d, Vector256<T>.Zero) * (vMargin - d);
                Vector256<T> neg = vGamma * Vector256.Max(vOne + vMargin - d, Vector256<T>.Zero) * (vOne - vMargin - d);
                Vector256<T> same = Vector256.Equals(Vector256.Load(labels + j), vLabel);
                Vector256.ConditionalSelect(same, pos, neg).Store(e + j);
                vMaxPos = Vector256.Max(vMaxPos, Vector256.ConditionalSelect(same, pos, Vector256.Create(T.NegativeInfinity)));
                vMaxNeg = Vector256.Max(vMaxNeg, Vector256.ConditionalSelect(same, Vector256.Create(T.NegativeInfinity), neg));
            }

            for (int q = 0; q < n; q++)
            {
                maxPos = T.Max(maxPos, vMaxPos[q]);
                maxNeg = T.Max(maxNeg, vMaxNeg[q]);
            }
        }

        for (; j < m; j++)
        {
            ScalarScore(p, j, label, diagonal, s, e, ref maxPos, ref maxNeg);
        }

        if (T.IsNegativeInfinity(maxPos) || T.IsNegativeInfinity(maxNeg))
        {
            // No positive or no negative pair: the loss is 0 whatever the embeddings, and so is its gradient.
            if (p.G is not null)
            {
                new Span<T>(s, m).Clear();
            }

            return T.Zero;
        }

        // The two log-sum-exps with each set's largest score factored out: e_j = exp(a_j − max of its set), 0 for the
        // removed diagonal; the softmax weights of the gradient are then e_j / Σ.
        T shiftPos = T.IsFinite(maxPos) ? maxPos : T.Zero, shiftNeg = T.IsFinite(maxNeg) ? maxNeg : T.Zero;
        j = 0;
        if (vector)
        {
            Vector256<T> vLabel = Vector256.Create(label), vPos = Vector256.Create(shiftPos), vNeg = Vector256.Create(shiftNeg);
            for (; j + n <= m; j += n)
            {
                Vector256<T> same = Vector256.Equals(Vector256.Load(labels + j), vLabel);
                (Vector256.Load(e + j) - Vector256.ConditionalSelect(same, vPos, vNeg)).Store(e + j);
            }
        }

        for (; j < m; j++)
        {
            e[j] -= labels[j] == label ? shiftPos : shiftNeg;
        }

        if (diagonal >= 0)
        {
            e[diagonal] = T.NegativeInfinity;
        }

        var exps = new Span<T>(e, m);
        TensorPrimitives.Exp(exps, exps);
        T sumPos = T.Zero, sumNeg = T.Zero;
        j = 0;
        if (vector)
        {
            Vector256<T> vLabel = Vector256.Create(label), accPos = Vector256<T>.Zero, accNeg = Vector256<T>.Zero;
            for (; j + n <= m; j += n)
            {
                Vector256<T> v = Vector256.Load(e + j);
                Vector256<T> same = Vector256.Equals(Vector256.Load(labels + j), vLabel);
                accPos += Vector256.ConditionalSelect(same, v, Vector256<T>.Zero);
                accNeg += Vector256.ConditionalSelect(same, Vector256<T>.Zero, v);
            }

            sumPos = Vector256.Sum(accPos);
            sumNeg = Vector256.Sum(accNeg);
        }

        for (; j < m; j++)
        {
            if (labels[j] == label)
            {
                sumPos += e[j];
            }
            else
            {
                sumNeg += e[j];
            }
        }

        T lp = shiftPos + T.Log(sumPos);
        T ln = shiftNeg + T.Log(sumNeg);
        T z = lp + ln;

        // softplus(z) = max(z, 0) + log1p(exp(−|z|)).
        T loss = T.Max(z, T.Zero) + T.LogP1(T.Exp(-T.Abs(z)));
        if (p.G is null)
        {
            return loss;
        }

        T scale = coef / (one + T.Exp(-z));
        if (scale == T.Zero || !T.IsFinite(lp) || !T.IsFinite(ln))
        {
            // A zero weight (or a vanishing slope) adds nothing; an overflowed score has no usable slope.
            new Span<T>(s, m).Clear();
            return loss;
        }

        // C_ij = ∂loss/∂S_ij in place of S_ij.
        T wPos = scale / sumPos, wNeg = scale / sumNeg;
        j = 0;
        if (vector)
        {
            Vector256<T> vLabel = Vector256.Create(label), vOne = Vector256<T>.One, vGamma = Vector256.Create(gamma), vMargin = Vector256.Create(margin);
            Vector256<T> vPos = Vector256.Create(wPos), vNeg = Vector256.Create(wNeg), zero = Vector256<T>.Zero;
            for (; j + n <= m; j += n)
            {
                if (diagonal >= j && diagonal < j + n)
                {
                    for (int q = j; q < j + n; q++)
                    {
                        s[q] = ScalarCoefficient(p, q, label, diagonal, s[q], e[q], wPos, wNeg);
                    }

                    continue;
                }

                Vector256<T> u = vOne - Vector256.Load(s + j);
                Vector256<T> d = Vector256.Max(u, zero);
                Vector256<T> same = Vector256.Equals(Vector256.Load(labels + j), vLabel);

                // a⁺ = −γ·w·(m − d), w = max(m + d, 0): ∂a⁺/∂d = −γ·(𝟙[m + d ≥ 0]·(m − d) − w).
                Vector256<T> hingePos = vMargin + d;
                Vector256<T> dPos = -vGamma * ((Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(hingePos, zero), vOne, zero) * (vMargin - d)) - Vector256.Max(hingePos, zero));

                // a⁻ = γ·w·((1 − m) − d), w = max(1 + m − d, 0): ∂a⁻/∂d = γ·(−𝟙[1 + m − d ≥ 0]·((1 − m) − d) − w).
                Vector256<T> hingeNeg = vOne + vMargin - d;
                Vector256<T> dNeg = vGamma * ((-Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(hingeNeg, zero), vOne, zero) * (vOne - vMargin - d)) - Vector256.Max(hingeNeg, zero));
                Vector256<T> c = Vector256.ConditionalSelect(same, Vector256.Load(e + j) * vPos * dPos, Vector256.Load(e + j) * vNeg * dNeg);

                // ∂d/∂S = −1 where 1 − S ≥ 0 (TensorFlow's maximum passes the gradient on a tie), else 0.
                Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(u, zero), -c, zero).Store(s + j);
            }
        }

        for (; j < m; j++)
        {
            s[j] = ScalarCoefficient(p, j, label, diagonal, s[j], e[j], wPos, wNeg);
        }

        return loss;
    }

    /// <summary>Pair j's score into e[j] (the scalar path, and the vector block holding the removed diagonal).</summary>
    private static void ScalarScore<T>(in CircleProblem<T> p, int j, T label, int diagonal, T* s, T* e, ref T maxPos, ref T maxNeg)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T gamma = p.Gamma, margin = p.Margin, one = T.One;
        T d = T.Max(one - s[j], T.Zero);
        if (p.TruncatedRefLabels[j] != label)
        {
            T v = gamma * T.Max(one + margin - d, T.Zero) * (one - margin - d);
            e[j] = v;
            maxNeg = T.Max(maxNeg, v);
        }
        else if (j != diagonal)
        {
            T v = -gamma * T.Max(margin + d, T.Zero) * (margin - d);
            e[j] = v;
            maxPos = T.Max(maxPos, v);
        }
        else
        {
            e[j] = T.NegativeInfinity;
        }
    }

    /// <summary>Pair j's coefficient ∂loss/∂S from its similarity and its exponential (scalar path).</summary>
    private static T ScalarCoefficient<T>(in CircleProblem<T> p, int j, T label, int diagonal, T similarity, T exp, T wPos, T wNeg)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (j == diagonal)
        {
            return T.Zero;
        }

        T gamma = p.Gamma, margin = p.Margin, one = T.One;
        T u = one - similarity;
        T d = T.Max(u, T.Zero);
        T c;
        if (p.TruncatedRefLabels[j] == label)
        {
            T w = T.Max(margin + d, T.Zero);
            T dw = margin + d >= T.Zero ? one : T.Zero;
            c = exp * wPos * (-gamma * ((dw * (margin - d)) - w));
        }
        else
        {
            T w = T.Max(one + margin - d, T.Zero);
            T dw = one + margin - d >= T.Zero ? one : T.Zero;
            c = exp * wNeg * (gamma * ((-dw * (one - margin - d)) - w));
        }

        return u >= T.Zero ? -c : T.Zero;
    }

    /// <summary>x·r over dim elements.</summary>
    private static T Dot<T>(T* x, T* r, int dim, bool vectorize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        T sum = T.Zero;
        if (vectorize && Vector256.IsHardwareAccelerated && dim >= Vector256<T>.Count)
        {
            Vector256<T> a = Vector256<T>.Zero;
            for (; k + Vector256<T>.Count <= dim; k += Vector256<T>.Count)
            {
                a = VMath.FusedMultiplyAdd(Vector256.Load(x + k), Vector256.Load(r + k), a);
            }

            sum = Vector256.Sum(a);
        }

        for (; k < dim; k++)
        {
            sum += x[k] * r[k];
        }

        return sum;
    }

    /// <summary>The dot products of x0 and x1 with the four rows r, r + dim, r + 2·dim, r + 3·dim (one pass over each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot2x4<T>(T* x0, T* x1, T* r, int dim, bool vectorize, T* s0, T* s1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* r1 = r + dim, r2 = r + (2 * dim), r3 = r + (3 * dim);
        int k = 0;
        T a0 = T.Zero, a1 = T.Zero, a2 = T.Zero, a3 = T.Zero, b0 = T.Zero, b1 = T.Zero, b2 = T.Zero, b3 = T.Zero;
        if (vectorize && Vector256.IsHardwareAccelerated && dim >= Vector256<T>.Count)
        {
            Vector256<T> va0 = default, va1 = default, va2 = default, va3 = default, vb0 = default, vb1 = default, vb2 = default, vb3 = default;
            for (; k + Vector256<T>.Count <= dim; k += Vector256<T>.Count)
            {
                Vector256<T> u = Vector256.Load(x0 + k), v = Vector256.Load(x1 + k);
                Vector256<T> q0 = Vector256.Load(r + k), q1 = Vector256.Load(r1 + k), q2 = Vector256.Load(r2 + k), q3 = Vector256.Load(r3 + k);
                va0 = VMath.FusedMultiplyAdd(u, q0, va0);
                va1 = VMath.FusedMultiplyAdd(u, q1, va1);
                va2 = VMath.FusedMultiplyAdd(u, q2, va2);
                va3 = VMath.FusedMultiplyAdd(u, q3, va3);
                vb0 = VMath.FusedMultiplyAdd(v, q0, vb0);
                vb1 = VMath.FusedMultiplyAdd(v, q1, vb1);
                vb2 = VMath.FusedMultiplyAdd(v, q2, vb2);
                vb3 = VMath.FusedMultiplyAdd(v, q3, vb3);
            }

            (a0, a1, a2, a3) = (Vector256.Sum(va0), Vector256.Sum(va1), Vector256.Sum(va2), Vector256.Sum(va3));
            (b0, b1, b2, b3) = (Vector256.Sum(vb0), Vector256.Sum(vb1), Vector256.Sum(vb2), Vector256.Sum(vb3));
        }

        for (; k < dim; k++)
        {
            a0 += x0[k] * r[k];
            a1 += x0[k] * r1[k];
            a2 += x0[k] * r2[k];
            a3 += x0[k] * r3[k];
            b0 += x1[k] * r[k];
            b1 += x1[k] * r1[k];
            b2 += x1[k] * r2[k];
            b3 += x1[k] * r3[k];
        }

        // x1 may alias x0 (an odd last row): x0's results are stored last.
        (s1[0], s1[1], s1[2], s1[3]) = (b0, b1, b2, b3);
        (s0[0], s0[1], s0[2], s0[3]) = (a0, a1, a2, a3);
    }
}
