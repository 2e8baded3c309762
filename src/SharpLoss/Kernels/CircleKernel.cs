using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

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
            for (int i = 0; i < p.N; i++)
            {
                T* coefficients = p.PairGrad + ((long)i * p.M);
                var xi = new ReadOnlySpan<T>(p.X + ((long)i * dim), dim);
                for (int j = first; j < end; j++)
                {
                    T c = coefficients[j];
                    if (c != T.Zero)
                    {
                        var gj = new Span<T>(p.G + ((long)j * dim), dim);
                        TensorPrimitives.MultiplyAdd(xi, c, gj, gj);
                    }
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
        for (int j = 0; j < p.M; j++)
        {
            T s = TensorPrimitives.Dot(xi, new ReadOnlySpan<T>(p.Ref + ((long)j * dim), dim));
            T u = one - s;
            T d = T.Max(u, T.Zero);
            dist[j] = u;
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

        T lp = LogSumExp(a, kinds, 1, maxPos);
        T ln = LogSumExp(a, kinds, -1, maxNeg);
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
                c = scale * T.Exp(a[j] - lp) * (-gamma * ((dw * (margin - d)) - w));
            }
            else if (kinds[j] == -1)
            {
                // a⁻ = γ·w·((1 − m) − d), w = max(1 + m − d, 0): ∂a⁻/∂d = γ·(−𝟙[1 + m − d ≥ 0]·((1 − m) − d) − w).
                T w = T.Max(one + margin - d, T.Zero);
                T dw = one + margin - d >= T.Zero ? one : T.Zero;
                c = scale * T.Exp(a[j] - ln) * (gamma * ((-dw * (one - margin - d)) - w));
            }
            else
            {
                c = T.Zero;
            }

            // ∂d/∂S = −1 where 1 − S ≥ 0 (TensorFlow's maximum passes the gradient on a tie), else 0.
            T coefficient = u >= T.Zero ? -c : T.Zero;
            coefficients[j] = coefficient;
            if (coefficient != T.Zero)
            {
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(p.Ref + ((long)j * dim), dim), coefficient, gi, gi);
            }
        }

        return loss;
    }

    private static T LogSumExp<T>(ReadOnlySpan<T> a, ReadOnlySpan<sbyte> kinds, sbyte kind, T max)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (T.IsNegativeInfinity(max))
        {
            return max;
        }

        T m = T.IsFinite(max) ? max : T.Zero;
        T sum = T.Zero;
        for (int j = 0; j < a.Length; j++)
        {
            if (kinds[j] == kind)
            {
                sum += T.Exp(a[j] - m);
            }
        }

        return m + T.Log(sum);
    }

    /// <summary>Labels compare as Keras's int32 cast leaves them: truncated toward zero.</summary>
    private static bool SameLabel<T>(T a, T b)
        where T : unmanaged, IFloatingPointIeee754<T> => T.Truncate(a) == T.Truncate(b);
}
