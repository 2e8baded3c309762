using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Cross-entropy between one-hot (or soft) labels and predicted class probabilities or logits (Keras <c>CategoricalCrossentropy</c>).</summary>
/// <remarks>
/// <para>Per sample, over the class axis <see cref="CrossentropyLoss.Axis"/> with K classes and smoothed labels y' = y·(1 − ls) + ls/K:</para>
/// <list type="bullet">
/// <item><description>logits x: L = −Σ y'·log_softmax(x) (max subtracted); ∂L/∂x = (Σy')·softmax(x) − y' (equal to
/// TensorFlow's softmax − y' when the labels sum to 1).</description></item>
/// <item><description>probabilities: renormalized first, p' = p/Σp, then q = clip(p', ε, 1 − ε), L = −Σ y'·log q;
/// ∂L/∂p = (g − Σ g·p')/Σp with g = −y'/q where the clip is inactive, 0 where it is active. A row summing to 0 gives NaN.</description></item>
/// </list>
/// <para>y_true and y_pred must have the same shape. K is y_pred's size along the axis (Keras master; Keras ≤ 3.15 used
/// y_true's last dimension). Logit recovery from a Keras softmax is not modelled; prefer <c>fromLogits: true</c>.</para>
/// <para>Keras: <c>keras.losses.CategoricalCrossentropy</c> / <c>categorical_crossentropy</c>; config keys
/// <c>from_logits</c>, <c>label_smoothing</c>, <c>axis</c>.</para>
/// </remarks>
[KerasLoss("CategoricalCrossentropy", "categorical_crossentropy", Keys = "from_logits label_smoothing axis", Names = "categorical_crossentropy")]
public sealed class CategoricalCrossentropy : CrossentropyLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">Whether <c>yPred</c> holds logits instead of probabilities.</param>
    /// <param name="labelSmoothing">In [0, 1]: labels are smoothed toward 1/K.</param>
    /// <param name="axis">The class axis.</param>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"categorical_crossentropy"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1] or NaN.</exception>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0, int axis = -1, Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(fromLogits, labelSmoothing, axis, reduction, name, semantics)
    {
    }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static CategoricalCrossentropy FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<CategoricalCrossentropy>(config, semantics);


    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        if (yPred.Rank < 1)
        {
            Throw.Argument("yPred", $"Expected `yTrue` and `yPred` of rank at least 1 (the classes on `axis`) for categorical_crossentropy. Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
        }

        RequireSameShape(yTrue, yPred, "categorical_crossentropy");
        return Layout.AroundAxis(yPred, ResolveAxis(Axis, yPred, "categorical_crossentropy"));
    }

    private protected override double Execute<T>(scoped ref Batch<T> batch)
    {
        T a = T.CreateChecked(1.0 - LabelSmoothing);
        T c = batch.D == 0 ? T.Zero : T.CreateChecked(LabelSmoothing / batch.D);
        return FromLogits
            ? RowDriver.Run(new LogitsRow<T>(a, c), ref batch)
            : RowDriver.Run(new ProbabilityRow<T>(a, c), ref batch);
    }

    /// <summary>Softmax cross-entropy on a row of logits with labels y·a + c.</summary>
    internal readonly struct LogitsRow<T>(T a, T c) : IRowKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Row(ReadOnlySpan<T> y, ReadOnlySpan<T> x, Span<T> grad, T coef, Span<T> scratch, bool vectorize)
        {
            int k = x.Length;
            if (k == 0)
            {
                return T.Zero;
            }

            Span<T> exps = scratch[..k];
            T m = SoftmaxRows.Max(x, vectorize);

            T se = SoftmaxRows.ExpShiftedLabeled(x, y, a, c, m, exps, vectorize, out double shifted, out double sumY);
            if (!grad.IsEmpty)
            {
                WriteGradient(y, exps, grad, coef, sumY, se, vectorize);
            }

            return Loss(shifted, sumY, se);
        }

        public bool Pairs => true;

        public void RowPair(in RowArgs<T> first, in RowArgs<T> second, Span<T> scratch, out T loss0, out T loss1)
        {
            // Row's steps for the two rows in turn, so each step of the second overlaps the same step of the first.
            int k = first.P.Length;
            Span<T> e0 = scratch[..k], e1 = scratch.Slice(k, k);
            T m0 = SoftmaxRows.Max(first.P, vectorize: true);
            T m1 = SoftmaxRows.Max(second.P, vectorize: true);
            T se0 = SoftmaxRows.ExpShiftedLabeled(first.P, first.Y, a, c, m0, e0, vectorize: true, out double shifted0, out double sumY0);
            T se1 = SoftmaxRows.ExpShiftedLabeled(second.P, second.Y, a, c, m1, e1, vectorize: true, out double shifted1, out double sumY1);
            if (!first.Grad.IsEmpty)
            {
                WriteGradient(first.Y, e0, first.Grad, first.Coef, sumY0, se0, vectorize: true);
                WriteGradient(second.Y, e1, second.Grad, second.Coef, sumY1, se1, vectorize: true);
            }

            loss0 = Loss(shifted0, sumY0, se0);
            loss1 = Loss(shifted1, sumY1, se1);
        }

        /// <summary>
        /// Σ y'·((m − x) + log Σe) = Σ y'·(m − x) + (Σ y')·log Σe, from the label sums the exp pass took
        /// (<see cref="SoftmaxRows.ExpShiftedLabeled"/>).
        /// </summary>
        private static T Loss(double shifted, double sumY, T se) => T.CreateTruncating(shifted + (sumY * double.CreateTruncating(T.Log(se))));

        /// <summary>∂/∂x = (Σy')·softmax − y', times coef.</summary>
        private void WriteGradient(ReadOnlySpan<T> y, ReadOnlySpan<T> exps, Span<T> grad, T coef, double sumY, T se, bool vectorize)
        {
            int k = exps.Length, j = 0;
            T scale = coef * T.CreateTruncating(sumY) / se;
            if (vectorize && k >= Vector256<T>.Count)
            {
                j = Gradient(y, exps, grad, coef * a, coef * c, scale, VMath.IsSmoothing(a, c));
            }

            for (; j < k; j++)
            {
                grad[j] = (exps[j] * scale) - (((y[j] * a) + c) * coef);
            }
        }

        /// <summary>
        /// grad = exps·scale − (y·ca + cc) over the whole vectors of the row (without smoothing cc is 0 and is not added:
        /// the same value); returns the index after them.
        /// </summary>
        private static int Gradient(ReadOnlySpan<T> y, ReadOnlySpan<T> exps, Span<T> grad, T ca, T cc, T scale, bool smoothed)
        {
            int k = exps.Length, j = 0;
            ref T ry = ref MemoryMarshal.GetReference(y);
            ref T re = ref MemoryMarshal.GetReference(exps);
            ref T rg = ref MemoryMarshal.GetReference(grad);
            Vector256<T> va = Vector256.Create(ca), vc = Vector256.Create(cc), vs = Vector256.Create(scale);
            for (; j <= k - Vector256<T>.Count; j += Vector256<T>.Count)
            {
                Vector256<T> yc = Vector256.LoadUnsafe(ref ry, (nuint)j) * va;
                Vector256<T> g = (Vector256.LoadUnsafe(ref re, (nuint)j) * vs) - (smoothed ? yc + vc : yc);
                g.StoreUnsafe(ref rg, (nuint)j);
            }

            return j;
        }
    }

    /// <summary>Renormalized, clipped probabilities: −Σ y'·log clip(p/Σp).</summary>
    internal readonly struct ProbabilityRow<T>(T a, T c) : IRowKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private static readonly T Lo = VMath.C<T>(1e-7);
        private static readonly T Hi = VMath.C<T>(1.0 - 1e-7);

        public T Row(ReadOnlySpan<T> y, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize)
        {
            int k = p.Length;
            T s = T.CreateTruncating(SoftmaxRows.Sum(p, vectorize));
            bool wantGrad = !grad.IsEmpty;
            Span<T> g = scratch[..k];
            double loss = 0, dot = 0;
            int i = 0;
            if (vectorize && k >= Vector256<T>.Count)
            {
                ref T ry = ref MemoryMarshal.GetReference(y);
                ref T rp = ref MemoryMarshal.GetReference(p);
                ref T rg = ref MemoryMarshal.GetReference(g);
                Vector256<T> vs = Vector256.Create(s), va = Vector256.Create(a), vc = Vector256.Create(c);
                Vector256<T> lo = Vector256.Create(Lo), hi = Vector256.Create(Hi);
                Vector256<double> l0 = default, l1 = default, d0 = default, d1 = default;
                bool smoothed = VMath.IsSmoothing(a, c);
                for (; i <= k - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    Vector256<T> pn = Vector256.LoadUnsafe(ref rp, (nuint)i) / vs;
                    Vector256<T> yv = Vector256.LoadUnsafe(ref ry, (nuint)i);
                    if (!smoothed && yv == Vector256<T>.Zero && Vector256.EqualsAll(pn, pn))
                    {
                        // Labels 0 (one-hot rows: all but one vector) and no NaN: the terms y·log q and y·(−1/q)·p' are
                        // signed zeros, which leave both sums as they are, and the gradient is −0 where the clip passes
                        // it: the same values without the logarithm and the division (for labels of −0, a zero of the
                        // other sign in the gradient).
                        if (wantGrad)
                        {
                            (VMath.ClipPasses(pn, lo, hi) & Vector256.Create(T.NegativeZero)).StoreUnsafe(ref rg, (nuint)i);
                        }

                        continue;
                    }

                    Vector256<T> q = VMath.Clip(pn, lo, hi);
                    Vector256<T> ys = VMath.Smooth(yv, va, vc, smoothed);
                    VMath.Accumulate(ref l0, ref l1, ys * VMath.Log(q));
                    if (wantGrad)
                    {
                        Vector256<T> gv = VMath.ClipPasses(pn, lo, hi) & (-ys / q);
                        gv.StoreUnsafe(ref rg, (nuint)i);
                        VMath.Accumulate(ref d0, ref d1, gv * pn);
                    }
                }

                loss = -VMath.Sum(l0, l1);
                dot = VMath.Sum(d0, d1);
            }

            for (; i < k; i++)
            {
                T pn = p[i] / s;
                T q = VMath.Clip(pn, Lo, Hi);
                T ys = (y[i] * a) + c;
                loss -= double.CreateTruncating(ys * T.Log(q));
                if (wantGrad)
                {
                    T gi = pn < Lo || pn > Hi ? T.Zero : -ys / q;
                    g[i] = gi;
                    dot += double.CreateTruncating(gi * pn);
                }
            }

            if (wantGrad)
            {
                // ∂L/∂p = (g − Σ g·p')/Σp, p' = p/Σp.
                T d = T.CreateTruncating(dot);
                T scale = coef / s;
                int j = 0;
                if (!T.IsFinite(scale))
                {
                    // Σp so small that coef/Σp overflows: divide first, so that a zero numerator (every clip active) gives
                    // 0, not 0·∞.
                    for (; j < k; j++)
                    {
                        grad[j] = (g[j] - d) / s * coef;
                    }
                }
                else if (vectorize && k >= Vector256<T>.Count)
                {
                    ref T rg = ref MemoryMarshal.GetReference(g);
                    ref T ro = ref MemoryMarshal.GetReference(grad);
                    Vector256<T> vd = Vector256.Create(d), vs = Vector256.Create(scale);
                    for (; j <= k - Vector256<T>.Count; j += Vector256<T>.Count)
                    {
                        ((Vector256.LoadUnsafe(ref rg, (nuint)j) - vd) * vs).StoreUnsafe(ref ro, (nuint)j);
                    }
                }

                for (; j < k; j++)
                {
                    grad[j] = (g[j] - d) * scale;
                }
            }

            return T.CreateTruncating(loss);
        }

        /// <summary>Rows one at a time: the division and logarithm per element make these rows throughput-bound.</summary>
        public bool Pairs => false;

        public void RowPair(in RowArgs<T> first, in RowArgs<T> second, Span<T> scratch, out T loss0, out T loss1)
        {
            loss0 = Row(first.Y, first.P, first.Grad, first.Coef, scratch, vectorize: true);
            loss1 = Row(second.Y, second.P, second.Grad, second.Coef, scratch, vectorize: true);
        }
    }
}
