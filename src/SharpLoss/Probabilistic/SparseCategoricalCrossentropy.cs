using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Cross-entropy between integer class ids and predicted class probabilities or logits (Keras <c>SparseCategoricalCrossentropy</c>).</summary>
/// <remarks>
/// <para>y_pred has the classes on its last axis (K of them); y_true holds one class id per sample, as <see cref="int"/>,
/// <see cref="long"/>, or floating-point values (truncated toward zero, as TensorFlow casts them). A trailing size-1 axis of
/// y_true is squeezed. Ids outside [0, K), other than <see cref="IgnoreClass"/>, throw <see cref="ArgumentOutOfRangeException"/>
/// as TensorFlow does on CPU.</para>
/// <para>With the TensorFlow backend: logits x, L = log Σ exp(x − max) − (x_t − max); ∂L/∂x = softmax(x) − onehot(t).
/// Probabilities are clipped and logged first, x = log clip(p, ε, 1 − ε), without renormalizing (the softmax
/// renormalizes implicitly, so a perfect float32 prediction costs 2.38e-7); ∂L/∂p = (softmax(x) − onehot)/q where the
/// clip is inactive, 0 where it is active.</para>
/// <para><see cref="IgnoreClass"/>: entries with that id contribute 0 and are masked out of the reduction (Keras 3: an
/// all-ignored batch gives 0; tf.keras 2: NaN).</para>
/// <para><see cref="LabelSmoothing"/> ls (Keras 3.16, PR 23488): L = (1 − ls)·CE_hard + ls·CE_uniform, never through a
/// smoothed one-hot target. Logits: CE_hard = logsumexp(x) − x_t and CE_uniform = logsumexp(x) − mean(x), so
/// ∂L/∂x = softmax(x) − (1 − ls)·onehot(t) − ls/K. Probabilities: CE_hard is the path above, log Σ_j q_j − log q_t with
/// q = clip(p, ε, 1 − ε) (clip, then log-softmax), while CE_uniform = −(1/K)·Σ_j log r_j with r = clip(p/Σp, ε, 1 − ε)
/// (normalise, then clip): the unsmoothed loss and <see cref="CategoricalCrossentropy"/> with label smoothing 1, mixed.
/// The two terms clip in different orders; a smoothed target through the clipped log-softmax would differ where a clip is
/// active (labels [1, 0], p = [[0.1, 0.5, 0], [0.2, 0.2, 0.2]], ls = 0.1: 0.7501346 instead of Keras's 0.7671621 for
/// the first row). With P = Σp and n = p/P:
/// ∂L/∂p_j = (1 − ls)·(1/Σq − δ_jt/q_t) where the clip of p_j is inactive (0 where active), plus (g_j − Σ_i g_i·n_i)/P with
/// g_j = −(ls/K)/r_j where the clip of n_j is inactive (0 where active). Smoothing comes before the
/// <see cref="IgnoreClass"/> mask: ignored entries stay 0 with a zero gradient. With ls = 0 the values are those of the
/// unsmoothed loss above, bit for bit.</para>
/// <para>Keras: <c>keras.losses.SparseCategoricalCrossentropy</c>; config keys <c>from_logits</c>, <c>ignore_class</c>,
/// <c>axis</c>, <c>label_smoothing</c> (Keras 3.16). tf.keras 2 has neither <c>axis</c> nor label smoothing: its config
/// carries <c>label_smoothing</c> only when it is non-zero (an extension). Only the last axis is supported, as with
/// Keras's TensorFlow backend.</para>
/// </remarks>
[KerasLoss("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy", Keys = "from_logits ignore_class axis label_smoothing",
    TfKeras2Keys = "from_logits ignore_class label_smoothing?", Names = "sparse_categorical_crossentropy")]
public sealed class SparseCategoricalCrossentropy : ClassIdLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">Whether <c>yPred</c> holds logits instead of probabilities.</param>
    /// <param name="ignoreClass">A class id whose entries are ignored, or null.</param>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="axis">The class axis of <c>yPred</c>: -1 or its last index (checked at call time, as Keras's TensorFlow backend does).</param>
    /// <param name="name">The name; default <c>"sparse_categorical_crossentropy"</c>.</param>
    /// <param name="labelSmoothing">In [0, 1] (Keras 3.16): the loss is (1 − ls)·CE(target) + ls·CE(uniform).</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1] or NaN.</exception>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>, or
    /// <paramref name="axis"/> is not -1 under tf.keras 2 (whose class has no axis).</exception>
    public SparseCategoricalCrossentropy(bool fromLogits = false, int? ignoreClass = null, Reduction? reduction = null, int axis = -1, string? name = null, double labelSmoothing = 0.0, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
        if (semantics == LossSemantics.TfKeras2 && axis != -1)
        {
            Throw.Argument(nameof(axis), $"tf.keras 2's SparseCategoricalCrossentropy has no `axis` (the classes are on the last axis). Expected axis=-1. Received: axis={axis}.");
        }

        FromLogits = fromLogits;
        IgnoreClass = ignoreClass;
        Axis = axis;
        LabelSmoothing = Throw.LabelSmoothing(labelSmoothing);
    }

    /// <summary>Whether <c>yPred</c> holds logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The ignored class id, or null.</summary>
    public int? IgnoreClass { get; }

    /// <summary>The class axis (-1 or the last index).</summary>
    public int Axis { get; }

    /// <summary>Label smoothing (Keras 3.16): the weight of the cross-entropy against the uniform distribution.</summary>
    public double LabelSmoothing { get; }

    /// <summary>True for <c>tf.nn.sparse_softmax_cross_entropy_with_logits</c>, whose labels are never squeezed.</summary>
    internal bool StrictLabelRank { get; init; }

    private protected override long? IgnoreClassId => IgnoreClass;

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static SparseCategoricalCrossentropy FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<SparseCategoricalCrossentropy>(config, semantics);

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        if (yPred.Rank < 1)
        {
            Throw.Argument("yPred", $"Expected `yPred` of rank at least 1 (the classes on its last axis) for SparseCategoricalCrossentropy. Received: yPred.shape={yPred}.");
        }

        if (Axis != -1 && Axis != yPred.Rank - 1)
        {
            Throw.Argument("axis", $"Only axis=-1 is currently supported (the last axis of yPred, shape {yPred}). Received: axis={Axis}.");
        }

        if (!StrictLabelRank && yTrue.Rank == yPred.Rank && yTrue.Rank > 0 && yTrue.Last == 1)
        {
            yTrue = yTrue.DropLast();
        }

        if (yTrue.Rank == yPred.Rank && yTrue == yPred && yPred.Last > 1)
        {
            Throw.Argument("yTrue", $"Expected `yTrue` to hold one class id per sample, of shape {yPred.DropLast()} (yPred's shape without its class axis). " +
                $"Received: yTrue.shape={yTrue}, the shape of yPred: one-hot or soft labels? Use CategoricalCrossentropy for those.");
        }

        if (yTrue.Rank != yPred.Rank - 1)
        {
            Throw.Argument("yTrue", $"Expected `yTrue` of rank {yPred.Rank - 1} (one class id per sample: yPred's rank minus its class axis). Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
        }

        if (yTrue != yPred.DropLast())
        {
            Throw.Argument("yTrue", $"Expected `yTrue` of shape {yPred.DropLast()} (yPred's shape without its last axis). Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
        }

        return Layout.AroundAxis(yPred, yPred.Rank - 1);
    }

    private protected override double Execute<T>(scoped ref Batch<T> batch)
    {
        T ls = T.CreateChecked(LabelSmoothing);
        return FromLogits
            ? RowDriver.RunSparse(new LogitsRow<T>(ls, false), ref batch, IgnoreClass is not null)
            : RowDriver.RunSparse(new LogitsRow<T>(ls, true), ref batch, IgnoreClass is not null);
    }

    /// <summary>
    /// Sparse softmax cross-entropy on a row, smoothed by <c>ls</c> as Keras 3.16 does: (1 − ls)·CE_hard + ls·CE_uniform.
    /// Logits: CE_hard = logsumexp(x) − x_t, CE_uniform = logsumexp(x) − mean(x). Probabilities: CE_hard is TensorFlow's
    /// sparse path on x = log clip(p) (clip, then log-softmax), CE_uniform = −mean_j log clip(p_j/Σp) (normalise, then clip).
    /// </summary>
    internal readonly struct LogitsRow<T>(T ls, bool probabilities) : ISparseRowKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private static readonly T Lo = VMath.C<T>(1e-7);
        private static readonly T Hi = VMath.C<T>(1.0 - 1e-7);

        public T Row(long label, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize)
        {
            int k = p.Length, t = (int)label;
            if (probabilities)
            {
                return ls == T.Zero ? ClippedRow(t, p, grad, coef, vectorize) : SmoothedProbabilityRow(t, p, grad, coef, scratch, vectorize);
            }

            Span<T> exps = scratch[..k];
            T m = SoftmaxRows.Max(p, vectorize);
            T se = SoftmaxRows.ExpShifted(p, m, exps, vectorize);
            T loss = Loss(p, t, m, se, vectorize);
            if (!grad.IsEmpty)
            {
                // ∂L/∂x = softmax − (1 − ls)·onehot − ls/K.
                LogitsGradient(exps, t, coef, se, grad, vectorize);
            }

            return loss;
        }

        /// <summary>
        /// Probabilities with smoothing (Keras 3.16): with q = clip(p), S = Σq, P = Σp, n = p/P and r = clip(n),
        /// L = (1 − ls)·(log S − log q_t) − ls/K·Σ_j log r_j. The two terms clip in different orders (before and after
        /// normalising), so both are kept. Gradient, with TensorFlow's zero where a clip is active:
        /// ∂L/∂p_j = (1 − ls)·[q passes p_j]·(1/S − δ_jt/q_t) + (g_j − Σ_i g_i·n_i)/P, g_j = −[r passes n_j]·(ls/K)/r_j.
        /// Passes: Σp and Σq; the logarithms, g (into scratch) and Σ g·n; the gradient, which reads p_j just before writing
        /// grad_j (grad may be p itself; the target's values are read before any write).
        /// </summary>
        private T SmoothedProbabilityRow(int t, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize)
        {
            int k = p.Length, i = 0;
            bool vector = vectorize && k >= Vector256<T>.Count;
            bool wantGrad = !grad.IsEmpty;
            ref T rp = ref MemoryMarshal.GetReference(p);
            Vector256<T> lo = Vector256.Create(Lo), hi = Vector256.Create(Hi);
            double sumP = 0, sumQ = 0;
            if (vector)
            {
                Vector256<double> a0 = default, a1 = default, b0 = default, b1 = default;
                for (; i <= k - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    Vector256<T> pv = Vector256.LoadUnsafe(ref rp, (nuint)i);
                    VMath.Accumulate(ref a0, ref a1, pv);
                    VMath.Accumulate(ref b0, ref b1, VMath.Clip(pv, lo, hi));
                }

                sumP = VMath.Sum(a0, a1);
                sumQ = VMath.Sum(b0, b1);
            }

            for (; i < k; i++)
            {
                sumP += double.CreateTruncating(p[i]);
                sumQ += double.CreateTruncating(VMath.Clip(p[i], Lo, Hi));
            }

            T s = T.CreateTruncating(sumQ), total = T.CreateTruncating(sumP);
            T pt = p[t], qt = VMath.Clip(pt, Lo, Hi);
            bool targetPasses = !(pt < Lo || pt > Hi);
            T hard = T.Log(s) - T.Log(qt);

            // Σ_j log r_j, and for the gradient g_j = −(ls/K)/r_j where the clip passes n_j, and Σ g_j·n_j.
            T w = -ls / T.CreateTruncating(k);
            Span<T> g = scratch[..k];
            double logs = 0, dot = 0;
            i = 0;
            if (vector)
            {
                ref T rg = ref MemoryMarshal.GetReference(g);
                Vector256<T> vt = Vector256.Create(total), vw = Vector256.Create(w);
                Vector256<double> l0 = default, l1 = default, d0 = default, d1 = default;
                for (; i <= k - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    Vector256<T> n = Vector256.LoadUnsafe(ref rp, (nuint)i) / vt;
                    Vector256<T> r = VMath.Clip(n, lo, hi);
                    VMath.Accumulate(ref l0, ref l1, VMath.Log(r));
                    if (wantGrad)
                    {
                        Vector256<T> gv = VMath.ClipPasses(n, lo, hi) & (vw / r);
                        gv.StoreUnsafe(ref rg, (nuint)i);
                        VMath.Accumulate(ref d0, ref d1, gv * n);
                    }
                }

                logs = VMath.Sum(l0, l1);
                dot = VMath.Sum(d0, d1);
            }

            for (; i < k; i++)
            {
                T n = p[i] / total;
                T r = VMath.Clip(n, Lo, Hi);
                logs += double.CreateTruncating(T.Log(r));
                if (wantGrad)
                {
                    T gi = n < Lo || n > Hi ? T.Zero : w / r;
                    g[i] = gi;
                    dot += double.CreateTruncating(gi * n);
                }
            }

            T uniform = T.CreateTruncating(-logs / k);
            T loss = ((T.One - ls) * hard) + (ls * uniform);
            if (wantGrad)
            {
                T d = T.CreateTruncating(dot);
                T hardScale = coef * (T.One - ls) / s;
                T scale = coef / total;
                int j = 0;
                if (!T.IsFinite(scale))
                {
                    // Σp so small that coef/Σp overflows: divide first, so that a zero numerator (every clip active) gives
                    // 0, not 0·∞.
                    for (; j < k; j++)
                    {
                        T h = p[j] < Lo || p[j] > Hi ? T.Zero : hardScale;
                        grad[j] = h + ((g[j] - d) / total * coef);
                    }
                }
                else
                {
                    if (vector)
                    {
                        ref T rg = ref MemoryMarshal.GetReference(g);
                        ref T ro = ref MemoryMarshal.GetReference(grad);
                        Vector256<T> vd = Vector256.Create(d), vs = Vector256.Create(scale), vh = Vector256.Create(hardScale);
                        for (; j <= k - Vector256<T>.Count; j += Vector256<T>.Count)
                        {
                            Vector256<T> h = VMath.ClipPasses(Vector256.LoadUnsafe(ref rp, (nuint)j), lo, hi) & vh;
                            (h + ((Vector256.LoadUnsafe(ref rg, (nuint)j) - vd) * vs)).StoreUnsafe(ref ro, (nuint)j);
                        }
                    }

                    for (; j < k; j++)
                    {
                        T h = p[j] < Lo || p[j] > Hi ? T.Zero : hardScale;
                        grad[j] = h + ((g[j] - d) * scale);
                    }
                }

                if (targetPasses)
                {
                    grad[t] -= coef * (T.One - ls) / qt;
                }
            }

            return loss;
        }

        /// <summary>
        /// Probabilities without smoothing. With q = clip(p), softmax(log q) is q / Σq, so the loss −log softmax_t is
        /// log Σq − log q_t, and the gradient coef·(softmax − onehot)/q is coef/Σq wherever the clip passes it (0
        /// elsewhere), minus coef/q_t at the target: one pass for Σq and one for the gradient, no per-element logarithm or
        /// exponential. The values are TensorFlow's up to rounding (its path takes log q, then exp(log q − max)).
        /// </summary>
        private static T ClippedRow(int t, ReadOnlySpan<T> p, Span<T> grad, T coef, bool vectorize)
        {
            int k = p.Length, i = 0;
            double sum = 0;
            ref T rp = ref MemoryMarshal.GetReference(p);
            Vector256<T> lo = Vector256.Create(Lo), hi = Vector256.Create(Hi);
            bool vector = vectorize && k >= Vector256<T>.Count;
            if (vector)
            {
                Vector256<double> a0 = default, a1 = default;
                for (; i <= k - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    VMath.Accumulate(ref a0, ref a1, VMath.Clip(Vector256.LoadUnsafe(ref rp, (nuint)i), lo, hi));
                }

                sum = VMath.Sum(a0, a1);
            }

            for (; i < k; i++)
            {
                sum += double.CreateTruncating(VMath.Clip(p[i], Lo, Hi));
            }

            T s = T.CreateTruncating(sum), qt = VMath.Clip(p[t], Lo, Hi);
            bool targetPasses = !(p[t] < Lo || p[t] > Hi);
            if (!grad.IsEmpty)
            {
                // grad may be p itself: everything read from p at the target is read above, before the writes.
                T g = coef / s;
                int j = 0;
                if (vector)
                {
                    ref T rg = ref MemoryMarshal.GetReference(grad);
                    Vector256<T> vg = Vector256.Create(g);
                    for (; j <= k - Vector256<T>.Count; j += Vector256<T>.Count)
                    {
                        (VMath.ClipPasses(Vector256.LoadUnsafe(ref rp, (nuint)j), lo, hi) & vg).StoreUnsafe(ref rg, (nuint)j);
                    }
                }

                for (; j < k; j++)
                {
                    grad[j] = p[j] < Lo || p[j] > Hi ? T.Zero : g;
                }

                if (targetPasses)
                {
                    grad[t] -= coef / qt;
                }
            }

            return T.Log(s) - T.Log(qt);
        }

        /// <summary>Logit rows pair up; probability rows go one at a time.</summary>
        public bool Pairs => !probabilities;

        public void RowPair(long label0, in RowArgs<T> first, long label1, in RowArgs<T> second, Span<T> scratch, out T loss0, out T loss1)
        {
            if (probabilities)
            {
                loss0 = Row(label0, first.P, first.Grad, first.Coef, scratch, vectorize: true);
                loss1 = Row(label1, second.P, second.Grad, second.Coef, scratch, vectorize: true);
                return;
            }

            // Row's steps for the two rows in turn, so each step of the second overlaps the same step of the first.
            int k = first.P.Length, t0 = (int)label0, t1 = (int)label1;
            Span<T> e0 = scratch[..k], e1 = scratch.Slice(k, k);
            T m0 = SoftmaxRows.Max(first.P, vectorize: true);
            T m1 = SoftmaxRows.Max(second.P, vectorize: true);
            T se0 = SoftmaxRows.ExpShifted(first.P, m0, e0, vectorize: true);
            T se1 = SoftmaxRows.ExpShifted(second.P, m1, e1, vectorize: true);

            // The losses read the logits, so they come before the gradients, which may be written over them.
            loss0 = Loss(first.P, t0, m0, se0, vectorize: true);
            loss1 = Loss(second.P, t1, m1, se1, vectorize: true);
            if (!first.Grad.IsEmpty)
            {
                LogitsGradient(e0, t0, first.Coef, se0, first.Grad, vectorize: true);
                LogitsGradient(e1, t1, second.Coef, se1, second.Grad, vectorize: true);
            }
        }

        /// <summary>log Σe + (1 − ls)·(m − x_t), plus ls/K · Σ_j (m − x_j) = ls · (m − mean x) when smoothing.</summary>
        private T Loss(ReadOnlySpan<T> x, int t, T m, T se, bool vectorize)
        {
            T loss = T.Log(se) + ((T.One - ls) * (m - x[t]));
            if (ls != T.Zero)
            {
                int k = x.Length;
                loss += ls / T.CreateTruncating(k) * T.CreateTruncating((k * double.CreateTruncating(m)) - SoftmaxRows.Sum(x, vectorize));
            }

            return loss;
        }

        /// <summary>softmax − y' on logits, times coef: the target's −(1 − ls) enters the vector that holds it, so each gradient element is written once.</summary>
        private void LogitsGradient(ReadOnlySpan<T> exps, int t, T coef, T se, Span<T> grad, bool vectorize)
        {
            T scale = coef / se, off = coef * ls / T.CreateTruncating(exps.Length);
            SoftmaxRows.ScaleShift<T>(exps, scale, off, t, coef * (T.One - ls), grad, vectorize);
        }
    }
}
