using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Circle loss for metric learning on L2-normalized embeddings (Keras 3 <c>Circle</c>; Keras 3 only).</summary>
/// <remarks>
/// <para>y_true holds one label per embedding, shape (N,) (or (N, 1)), compared as integers (truncated toward zero, as
/// Keras's cast to int32); y_pred holds the embeddings, shape (N, D), <b>assumed L2-normalized</b> (they are not
/// normalized here). Every row is compared with every row of the batch, so a sample's loss depends on the whole batch.</para>
/// <para>Per pair (i, j): S = x_i·x_j and d = max(1 − S, 0). Positive pairs share a label (without (i, i) when
/// <see cref="RemoveDiagonal"/>), negative pairs do not; a positive scores a⁺ = −γ·max(m + d, 0)·(m − d), a negative
/// a⁻ = γ·max(1 + m − d, 0)·((1 − m) − d), with γ = <see cref="Gamma"/> and m = <see cref="Margin"/>. Per row:
/// loss = softplus(logsumexp(a⁺) + logsumexp(a⁻)), each log-sum-exp over its pairs (−∞ when there are none).</para>
/// <para>Keras attaches the mask <c>loss &gt; 0</c> to the result: rows without a positive (or a negative) pair have
/// loss 0 and are left out of the reduction, so <see cref="Reduction.SumOverBatchSize"/> is the mean over the rows
/// with a positive loss (188.3883 for the 5-row Keras test with one such row), and
/// <see cref="Reduction.MeanWithSampleWeight"/> divides by the weights of those rows; <see cref="Reduction.None"/>
/// returns the losses times the weights (0 on masked rows).</para>
/// <para>Gradient with respect to y_pred: with s = σ(L⁺ + L⁻) and π the softmax weights within each set,
/// ∂loss_i/∂S_ij = −s·π_ij·∂a/∂d where 1 − S ≥ 0 (0 where the distance is clipped), ∂a/∂d following TensorFlow's
/// autodiff of the max terms; S_ij depends on both x_i and x_j, and both receive their share. Masked rows contribute
/// nothing.</para>
/// <para><see cref="Losses.Circle(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{float}, bool, double, double)"/>
/// takes the optional reference set (<c>ref_labels</c>, <c>ref_embeddings</c>); <see cref="WithReferenceSet(LossInput{float}, LossInput{float})"/>
/// gives a loss against a fixed reference set, with its gradient with respect to y_pred. Keras: <c>keras.losses.Circle</c> /
/// <c>circle</c> (3.7+); config keys name, reduction, gamma, margin, remove_diagonal. tf.keras 2 has no Circle loss.</para>
/// </remarks>
[KerasLoss("Circle", "circle", Keys = "gamma margin remove_diagonal", Names = "circle")]
public sealed class Circle : Loss
{
    private readonly float[]? _refFloat;
    private readonly double[]? _refDouble;
    private readonly float[]? _refLabelsFloat;
    private readonly double[]? _refLabelsDouble;

    /// <summary>Creates the loss.</summary>
    /// <param name="gamma">γ, the scale of the pair scores; default 80. Must be finite.</param>
    /// <param name="margin">m, the relaxation margin; default 0.4. Must be finite.</param>
    /// <param name="removeDiagonal">Whether the pairs (i, i) are left out of the positives; default true.</param>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/>.</param>
    /// <param name="name">The name; default <c>"circle"</c>.</param>
    /// <param name="semantics">Keras 3 (the only one that has this loss).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> or <paramref name="margin"/> is NaN or infinite.</exception>
    /// <exception cref="ArgumentException"><paramref name="semantics"/> is tf.keras 2, or <paramref name="reduction"/> is not valid.</exception>
    public Circle(double gamma = 80.0, double margin = 0.4, bool removeDiagonal = true, Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
        if (semantics == LossSemantics.TfKeras2)
        {
            Throw.Argument(nameof(semantics), "Circle exists only in Keras 3; tf.keras 2.x has no such loss (SPEC B.23). Expected LossSemantics.Keras3. Received: LossSemantics.TfKeras2.");
        }

        if (!double.IsFinite(gamma))
        {
            Throw.OutOfRange(nameof(gamma), gamma, $"Expected a finite `gamma`. Received: gamma={Py.Float(gamma)}.");
        }

        if (!double.IsFinite(margin))
        {
            Throw.OutOfRange(nameof(margin), margin, $"Expected a finite `margin`. Received: margin={Py.Float(margin)}.");
        }

        Gamma = gamma;
        Margin = margin;
        RemoveDiagonal = removeDiagonal;
    }

    /// <summary>A loss against a reference set (copies in both element types).</summary>
    private Circle(Circle of, Reduction reduction, float[]? refEmbeddings, float[]? refLabels, double[]? refEmbeddingsDouble, double[]? refLabelsDouble, int refCount)
        : this(of.Gamma, of.Margin, of.RemoveDiagonal, reduction, of.Name)
    {
        _refFloat = refEmbeddings;
        _refLabelsFloat = refLabels;
        _refDouble = refEmbeddingsDouble;
        _refLabelsDouble = refLabelsDouble;
        RefCount = refCount;
    }

    /// <summary>γ, the scale of the pair scores.</summary>
    public double Gamma { get; }

    /// <summary>m, the relaxation margin.</summary>
    public double Margin { get; }

    /// <summary>Whether the pairs (i, i) are left out of the positives.</summary>
    public bool RemoveDiagonal { get; }

    /// <summary>The number of reference embeddings or labels of the function form (0: the batch itself).</summary>
    private int RefCount { get; }

    private protected override bool MasksNonPositiveLosses => true;

    /// <summary>
    /// <c>loss &gt; 0</c> from the labels alone where the inputs prove it: with γ ≥ 0 every pair score is at least −γ·m², so
    /// a row with a positive and a negative pair has loss ≥ softplus(−2γm²), which is a normal number when 2γm² is at
    /// most 80 (float) or 700 (double); and embeddings whose similarities are bounded (finite, |S| ≤ D·max|x|·max|r|) keep
    /// every score finite. Otherwise (NaN or huge embeddings, large γ) the losses decide.
    /// </summary>
    private protected override bool TryPositiveLossMask<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> y, in Layout layout, Span<bool> positive)
    {
        double bound = typeof(T) == typeof(float) ? 80 : 700;
        if (!(Gamma >= 0) || 2 * Gamma * Margin * Margin > bound)
        {
            return false;
        }

        int n = layout.Outer, dim = layout.D;
        T[]? refEmbeddings = (T[]?)(object?)(typeof(T) == typeof(float) ? _refFloat : _refDouble);
        T[]? refLabels = (T[]?)(object?)(typeof(T) == typeof(float) ? _refLabelsFloat : _refLabelsDouble);
        ReadOnlySpan<T> references = refEmbeddings ?? p;
        ReadOnlySpan<T> labels = refLabels ?? y;
        if (p.IsEmpty || references.IsEmpty || labels.Length != (refEmbeddings is null ? labels.Length : references.Length / Math.Max(1, dim)))
        {
            return false;
        }

        double maxX = double.CreateTruncating(TensorPrimitives.MaxMagnitude(p));
        double maxR = double.CreateTruncating(TensorPrimitives.MaxMagnitude(references));
        double similarity = dim * maxX * maxR;
        double scores = 2 + Math.Abs(Margin) + similarity;
        if (!double.IsFinite(similarity) || Gamma * scores * scores > 0.25 * (typeof(T) == typeof(float) ? float.MaxValue : double.MaxValue))
        {
            return false;
        }

        for (int i = 0; i < n; i++)
        {
            T label = T.Truncate(y[i]);
            bool hasPositive = false, hasNegative = false;
            for (int j = 0; j < labels.Length && !(hasPositive && hasNegative); j++)
            {
                if (T.Truncate(labels[j]) != label)
                {
                    hasNegative = true;
                }
                else if (!(RemoveDiagonal && i == j))
                {
                    hasPositive = true;
                }
            }

            positive[i] = hasPositive && hasNegative;
        }

        return true;
    }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics (Keras 3).</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static Circle FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<Circle>(config, semantics);

    /// <summary>
    /// This loss (γ, m, the diagonal rule, reduction, name and degree of parallelism) against a fixed reference set instead
    /// of the batch itself, as <c>keras.losses.circle(..., ref_labels, ref_embeddings)</c> computes it: each embedding of
    /// y_pred is compared with every reference. The references are constants: the gradient is with respect to y_pred only
    /// (g_i = Σ_j ∂loss_i/∂S_ij · r_j). The set is copied; it is not part of the config (Keras's class has no such key).
    /// </summary>
    /// <param name="refLabels">The reference labels, shape (M,) or (M, 1), compared as integers; not given: each call's
    /// y_true stands in (which then needs M = N).</param>
    /// <param name="refEmbeddings">The reference embeddings, shape (M, D), L2-normalized; not given: each call's y_pred
    /// stands in (M = N).</param>
    /// <returns>The loss with the reference set.</returns>
    /// <exception cref="ArgumentException">A shape is wrong, or the two arguments disagree on M.</exception>
    public Circle WithReferenceSet(LossInput<float> refLabels, LossInput<float> refEmbeddings) => WithReferences(this, Reduction, refLabels, refEmbeddings);

    /// <inheritdoc cref="WithReferenceSet(LossInput{float}, LossInput{float})"/>
    public Circle WithReferenceSet(LossInput<double> refLabels, LossInput<double> refEmbeddings) => WithReferences(this, Reduction, refLabels, refEmbeddings);

    /// <summary>The function form with an optional reference set: the per-sample losses.</summary>
    internal static Circle WithReferences<T>(double gamma, double margin, bool removeDiagonal, LossInput<T> refLabels, LossInput<T> refEmbeddings)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        WithReferences(new Circle(gamma, margin, removeDiagonal), Reduction.None, refLabels, refEmbeddings);

    private static Circle WithReferences<T>(Circle of, Reduction reduction, LossInput<T> refLabels, LossInput<T> refEmbeddings)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = 0;
        T[]? labels = null, embeddings = null;
        if (!refLabels.IsAbsent)
        {
            Throw.IfUnusable(refLabels, "refLabels");
            if (refLabels.Shape.Rank is not (1 or 2) || (refLabels.Shape.Rank == 2 && refLabels.Shape[1] != 1))
            {
                Throw.Argument("refLabels", $"Expected `refLabels` of shape (M,) or (M, 1). Received: shape {refLabels.Shape}.");
            }

            labels = refLabels.Data.ToArray();
            count = labels.Length;
        }

        if (!refEmbeddings.IsAbsent)
        {
            Throw.IfUnusable(refEmbeddings, "refEmbeddings");
            if (refEmbeddings.Shape.Rank != 2)
            {
                Throw.Argument("refEmbeddings", $"Expected `refEmbeddings` of shape (M, D). Received: shape {refEmbeddings.Shape}.");
            }

            if (labels is not null && refEmbeddings.Shape[0] != count)
            {
                Throw.Argument("refEmbeddings", $"Expected `refEmbeddings` with one row per reference label: {count} rows. Received: shape {refEmbeddings.Shape}.");
            }

            embeddings = refEmbeddings.Data.ToArray();
            count = refEmbeddings.Shape[0];
        }

        return new Circle(of, reduction, Convert<T, float>(embeddings), Convert<T, float>(labels), Convert<T, double>(embeddings), Convert<T, double>(labels), count)
        {
            MaxDegreeOfParallelism = of.MaxDegreeOfParallelism,
        };
    }

    private static TOut[]? Convert<TIn, TOut>(TIn[]? values)
        where TIn : unmanaged, IFloatingPointIeee754<TIn>
        where TOut : unmanaged, IFloatingPointIeee754<TOut> =>
        values is null ? null : values is TOut[] same ? same : Array.ConvertAll(values, TOut.CreateTruncating);

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        if (yPred.Rank != 2)
        {
            Throw.Argument("yPred", $"Expected `yPred` of shape (N, D): one embedding per row. Received: yPred.shape={yPred}.");
        }

        int n = yPred[0];
        if (!(yTrue.Rank == 1 || (yTrue.Rank == 2 && yTrue[1] == 1)) || yTrue[0] != n)
        {
            Throw.Argument("yTrue", $"Expected `yTrue` of shape ({n},) or ({n}, 1): one label per embedding. Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
        }

        return new Layout { LossShape = Shape.Of(n), Outer = n, D = yPred[1], Inner = 1, Last = yPred[1] };
    }

    private protected override unsafe double Execute<T>(scoped ref Batch<T> batch)
    {
        int n = batch.Outer, dim = batch.D;
        if (n == 0)
        {
            return 0;
        }

        T[]? refEmbeddings = (T[]?)(object?)(typeof(T) == typeof(float) ? _refFloat : _refDouble);
        T[]? refLabels = (T[]?)(object?)(typeof(T) == typeof(float) ? _refLabelsFloat : _refLabelsDouble);
        int m = refEmbeddings is not null || refLabels is not null ? RefCount : n;
        if (refEmbeddings is not null && refEmbeddings.Length != (long)m * dim)
        {
            Throw.Argument("refEmbeddings", $"Expected `refEmbeddings` of shape ({m}, {dim}) (yPred's dimension {dim}). Received: {refEmbeddings.Length} elements.");
        }

        if (m != n && (refEmbeddings is null || refLabels is null))
        {
            Throw.Argument(refLabels is null ? "refLabels" : "refEmbeddings", $"Expected {n} references (the batch's labels or embeddings stand in for the missing ones). Received: {m}.");
        }

        // Every row is compared with the whole batch: a block of rows has losses of its own.
        ChunkRecorder.Current?.Refuse("every sample's loss depends on the whole batch");
        bool wantGrad = !batch.Grad.IsEmpty;
        bool aliased = wantGrad && batch.Grad.Overlaps(batch.P);
        T[]? pairGrad = wantGrad ? ArrayPool<T>.Shared.Rent(checked(n * m)) : null;
        T[]? gradCopy = aliased ? ArrayPool<T>.Shared.Rent(batch.Grad.Length) : null;
        try
        {
            fixed (T* x = batch.P, y = batch.Y, g = batch.Grad, ps = batch.PerSample, w = batch.Weights)
            fixed (T* r = refEmbeddings, rl = refLabels, pg = pairGrad, copy = gradCopy)
            {
                var problem = new CircleProblem<T>
                {
                    X = x,
                    Labels = y,
                    N = n,
                    Dim = dim,
                    Ref = refEmbeddings is null ? x : r,
                    RefLabels = refLabels is null ? y : rl,
                    M = m,
                    SelfReference = refEmbeddings is null,
                    Gamma = T.CreateTruncating(Gamma),
                    Margin = T.CreateTruncating(Margin),
                    RemoveDiagonal = RemoveDiagonal,
                    G = !wantGrad ? null : aliased ? copy : g,
                    PairGrad = pg,
                    PerSample = batch.PerSample.IsEmpty ? null : ps,
                    Weights = batch.UniformWeight ? null : w,
                    Weight = batch.Weight,
                    GradScale = batch.GradScale,
                    MaxDegreeOfParallelism = batch.MaxDegreeOfParallelism,
                    Vectorize = batch.Vectorize,
                };
                double total = CircleKernel.Run(problem);
                if (aliased)
                {
                    gradCopy.AsSpan(0, batch.Grad.Length).CopyTo(batch.Grad);
                }

                return total;
            }
        }
        finally
        {
            if (pairGrad is not null)
            {
                ArrayPool<T>.Shared.Return(pairGrad);
            }

            if (gradCopy is not null)
            {
                ArrayPool<T>.Shared.Return(gradCopy);
            }
        }
    }
}
