using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Categorical focal cross-entropy (Lin et al., 2017) between one-hot (or soft) labels and predicted class probabilities or logits (Keras <c>CategoricalFocalCrossentropy</c>).</summary>
/// <remarks>
/// <para>Per sample, over the class axis <see cref="CrossentropyLoss.Axis"/> with K classes and smoothed labels y' = y·(1 − ls) + ls/K:
/// p = softmax(x) for logits (Keras applies the softmax, not a log-softmax), o = p/Σp, q = clip(o, ε, 1 − ε), and
/// L = Σ_j α_j·(1 − q_j)^γ·(−y'_j·log q_j). The modulating factor uses each class's own q, so with smoothed labels the other
/// classes contribute. A row summing to 0 gives NaN.</para>
/// <para>Gradient: g_j = ∂L/∂q_j = −α_j·(1 − q_j)^γ·y'_j/q_j − α_j·γ·(1 − q_j)^(γ − 1)·(−y'_j·log q_j) where the clip is
/// inactive, 0 where it is active (for γ = 0 the second term is 0); ∂L/∂p = (g − Σ g·o)/Σp; for logits
/// ∂L/∂x = p·(G − Σ G·p) with G = ∂L/∂p.</para>
/// <para><see cref="Alpha"/> is one weight or one per class. A per-class list must have K weights (or one); Keras broadcasts it
/// against the last axis whatever the class axis is, so SharpLoss requires the class axis to be the last one when the list has
/// several weights (a list along another axis would weigh positions, not classes).</para>
/// <para>K for the smoothing is y_pred's size along the axis (Keras 3 master); under tf.keras 2 it is the size of the last axis.
/// γ = 0 with α = 1 is <see cref="CategoricalCrossentropy"/> on probabilities. The kernel is scalar (one power per class).
/// Logit recovery from a Keras softmax is not modelled.</para>
/// <para>Keras: <c>keras.losses.CategoricalFocalCrossentropy</c> / <c>categorical_focal_crossentropy</c>; config keys
/// <c>from_logits</c>, <c>label_smoothing</c>, <c>axis</c>, <c>alpha</c>, <c>gamma</c> (tf.keras 2: <c>alpha</c>, <c>gamma</c>,
/// <c>from_logits</c>, <c>label_smoothing</c>, <c>axis</c>); <c>alpha</c> is written as given, a number or a list.</para>
/// </remarks>
[KerasLoss("CategoricalFocalCrossentropy", "categorical_focal_crossentropy", Keys = "from_logits label_smoothing axis alpha gamma",
    TfKeras2Keys = "alpha gamma from_logits label_smoothing axis", Names = "categorical_focal_crossentropy")]
public sealed class CategoricalFocalCrossentropy : CrossentropyLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="alpha">The weight of every class, or one per class, each in [0, 1]; null: 0.25.</param>
    /// <param name="gamma">The focusing parameter γ, a finite number ≥ 0.</param>
    /// <param name="fromLogits">Whether <c>yPred</c> holds logits instead of probabilities.</param>
    /// <param name="labelSmoothing">In [0, 1]: labels are smoothed toward 1/K.</param>
    /// <param name="axis">The class axis.</param>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"categorical_focal_crossentropy"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1] or NaN, or
    /// <paramref name="gamma"/> is negative, infinite or NaN.</exception>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public CategoricalFocalCrossentropy(
        FocalAlpha? alpha = null,
        double gamma = 2.0,
        bool fromLogits = false,
        double labelSmoothing = 0.0,
        int axis = -1,
        Reduction? reduction = null,
        string? name = null,
        LossSemantics semantics = LossSemantics.Keras3)
        : base(fromLogits, labelSmoothing, axis, reduction, name, semantics)
    {
        Alpha = alpha ?? new FocalAlpha(0.25);
        Gamma = Throw.Gamma(gamma);
    }

    /// <summary>The class weight(s) α.</summary>
    public FocalAlpha Alpha { get; }

    /// <summary>The focusing parameter γ ≥ 0.</summary>
    public double Gamma { get; }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values (<c>alpha</c> a number or a list of numbers).</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static CategoricalFocalCrossentropy FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<CategoricalFocalCrossentropy>(config, semantics);

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        if (yPred.Rank < 1)
        {
            Throw.Argument("yPred", $"Expected `yTrue` and `yPred` of rank at least 1 (the classes on `axis`) for categorical_focal_crossentropy. Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
        }

        RequireSameShape(yTrue, yPred, "categorical_focal_crossentropy");
        int axis = ResolveAxis(Axis, yPred, "categorical_focal_crossentropy");
        CheckAlpha(Alpha, yPred, axis);
        return Layout.AroundAxis(yPred, axis);
    }

    /// <summary>A per-class α needs one weight per class (or one), and the classes on the last axis.</summary>
    internal static void CheckAlpha(in FocalAlpha alpha, in Shape yPred, int axis)
    {
        int n = alpha.PerClass.Count;
        if (n <= 1)
        {
            return;
        }

        if (axis != yPred.Rank - 1)
        {
            Throw.Argument("yPred", $"Expected the class axis to be the last axis of `yPred` with a per-class `alpha` of {n} weights (Keras broadcasts the list against the last axis). Received: yPred.shape={yPred}, axis={axis}.");
        }

        if (n != yPred[axis])
        {
            Throw.Argument("yPred", $"Expected `yPred` with {n} classes (one per weight of `alpha`) on its class axis. Received: yPred.shape={yPred}, alpha of {n} weights.");
        }
    }

    private protected override double Execute<T>(scoped ref Batch<T> batch)
    {
        int k = Semantics == LossSemantics.TfKeras2 ? batch.Last : batch.D;
        T a = T.CreateChecked(1.0 - LabelSmoothing);

        // Keras: label_smoothing / num_classes with num_classes a tensor of y_pred's dtype (a division in T).
        T c = LabelSmoothing == 0 || k == 0 ? T.Zero : T.CreateChecked(LabelSmoothing) / T.CreateChecked(k);
        return RowDriver.Run(new Row<T>(new FocalRow<T>(Alpha.Weights<T>(), T.CreateChecked(Gamma), FromLogits), a, c), ref batch);
    }

    /// <summary>The dense-label row kernel.</summary>
    internal readonly struct Row<T>(FocalRow<T> focal, T a, T c) : IRowKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public bool Pairs => false;

        T IRowKernel<T>.Row(ReadOnlySpan<T> y, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize) =>
            focal.Compute(y, a, c, -1, p, grad, coef, scratch, vectorize);

        public void RowPair(in RowArgs<T> first, in RowArgs<T> second, Span<T> scratch, out T loss0, out T loss1)
        {
            loss0 = focal.Compute(first.Y, a, c, -1, first.P, first.Grad, first.Coef, scratch, vectorize: true);
            loss1 = focal.Compute(second.Y, a, c, -1, second.P, second.Grad, second.Coef, scratch, vectorize: true);
        }
    }

    /// <summary>
    /// The focal cross-entropy of one row, for dense labels y·a + c or (label ≥ 0) the one-hot row of a class id: the
    /// same operations in both cases, so the sparse loss equals the dense one on one-hot labels bit for bit.
    /// </summary>
    internal readonly struct FocalRow<T>(T[] alpha, T gamma, bool logits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _lo = VMath.C<T>(1e-7);
        private readonly T _hi = VMath.C<T>(1.0 - 1e-7);
        private readonly FocalFactor<T> _factor = new(gamma);

        /// <summary>The row's loss; writes coef·∂L/∂(p or x) to <paramref name="grad"/> unless it is empty. Every read of
        /// <paramref name="p"/> happens before the first write to <paramref name="grad"/> (which may be the same memory).</summary>
        public T Compute(ReadOnlySpan<T> y, T a, T c, long label, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize)
        {
            int k = p.Length;
            if (k == 0)
            {
                return T.Zero;
            }

            // softmax(x) in scratch for logits; probabilities are read in place (grad, which may be p's memory, is written
            // only after the last read of probs).
            ReadOnlySpan<T> probs = p;
            Span<T> g = scratch.Slice(k, k);  // ∂L/∂q, then ∂L/∂p
            if (logits)
            {
                Span<T> softmax = scratch[..k];
                T s0 = SoftmaxRows.ExpShifted(p, SoftmaxRows.Max(p, vectorize), softmax, vectorize);
                Map(softmax, softmax, s0, divide: true, vectorize);
                probs = softmax;
            }

            T s = T.CreateTruncating(SoftmaxRows.Sum<T>(probs, vectorize));
            bool wantGrad = !grad.IsEmpty;
            int j = 0;
            double loss = 0, dot = 0;

            // Float lanes number class ids exactly up to 2^24.
            if (vectorize && k >= Vector256<T>.Count && (label < 0 || typeof(T) == typeof(double) || k <= 1 << 24))
            {
                j = Terms(y, a, c, label, probs, s, g, wantGrad, out loss, out dot);
            }

            for (; j < k; j++)
            {
                T ys = label >= 0 ? (j == label ? T.One : T.Zero) : (y[j] * a) + c;
                T aj = alpha.Length == 1 ? alpha[0] : alpha[j];
                T o = probs[j] / s;
                T q = VMath.Clip(o, _lo, _hi);
                T ce = -ys * T.Log(q);
                T mod = _factor.Value(T.One - q, out T dmod);
                T wf = mod * aj;
                loss += double.CreateTruncating(wf * ce);
                if (wantGrad)
                {
                    T gj = o < _lo || o > _hi ? T.Zero : (wf * (-ys / q)) - (ce * aj * dmod);
                    g[j] = gj;
                    dot += double.CreateTruncating(gj) * double.CreateTruncating(o);
                }
            }

            if (wantGrad)
            {
                // ∂L/∂p = (g − Σ g·o)/Σp (o = p/Σp); divide first, so that a zero numerator gives 0 whatever Σp.
                Shift(g, T.CreateTruncating(dot), s, vectorize);
                if (logits)
                {
                    // ∂L/∂x = p·(G − Σ G·p).
                    Softmax(probs, g, T.CreateTruncating(Dot(g, probs, vectorize)), coef, grad, vectorize);
                }
                else
                {
                    Map(g, grad, coef, divide: false, vectorize);
                }
            }

            return T.CreateTruncating(loss);
        }

        /// <summary>The Vector256 part of the row's terms: loss Σ α·f·ce and Σ g·o in double, g into <paramref name="g"/>;
        /// returns where the scalar tail starts.</summary>
        private int Terms(ReadOnlySpan<T> y, T a, T c, long label, ReadOnlySpan<T> probs, T s, Span<T> g, bool wantGrad, out double loss, out double dot)
        {
            int k = probs.Length, j = 0;
            Vector256<T> one = Vector256<T>.One, vs = Vector256.Create(s), lo = Vector256.Create(_lo), hi = Vector256.Create(_hi);
            Vector256<T> va = Vector256.Create(a), vc = Vector256.Create(c), labelAt = Vector256.Create(T.CreateTruncating(label));
            Vector256<double> l0 = default, l1 = default, d0 = default, d1 = default;
            ref T rp = ref MemoryMarshal.GetReference(probs);
            ref T ry = ref MemoryMarshal.GetReference(y);
            ref T rg = ref MemoryMarshal.GetReference(g);

            // With Σp finite and non-zero every o is a number, and a vector of zero labels contributes +0 to the loss, −0 to
            // g where the clip passes (+0 where it does not) and nothing to Σ g·o, as the full expression gives: one-hot
            // rows skip the logarithm, the power and the divisions on all but one vector.
            bool skipZeros = T.IsFinite(s) && s != T.Zero;
            Vector256<T> negativeZero = Vector256.Create(T.NegativeZero);
            for (; j <= k - Vector256<T>.Count; j += Vector256<T>.Count)
            {
                Vector256<T> ys = label >= 0
                    ? Vector256.Equals(Vector256<T>.Indices + Vector256.Create(T.CreateTruncating(j)), labelAt) & one
                    : (Vector256.LoadUnsafe(ref ry, (nuint)j) * va) + vc;
                if (skipZeros && ys == Vector256<T>.Zero)
                {
                    if (wantGrad)
                    {
                        Vector256<T> passes = VMath.ClipPasses(Vector256.LoadUnsafe(ref rp, (nuint)j) / vs, lo, hi);
                        (passes & negativeZero).StoreUnsafe(ref rg, (nuint)j);
                    }

                    continue;
                }

                Vector256<T> aj = alpha.Length == 1 ? Vector256.Create(alpha[0]) : Vector256.Create<T>(alpha.AsSpan(j, Vector256<T>.Count));
                Vector256<T> o = Vector256.LoadUnsafe(ref rp, (nuint)j) / vs;
                Vector256<T> q = VMath.Clip(o, lo, hi);
                Vector256<T> logQ = Vector256.ConditionalSelect(Vector256.Equals(o, o), VMath.LogNormal(q), o);   // q is normal or NaN
                Vector256<T> ce = -ys * logQ;
                Vector256<T> wf = _factor.Value(one - q, out Vector256<T> dmod) * aj;
                VMath.Accumulate(ref l0, ref l1, wf * ce);
                if (wantGrad)
                {
                    Vector256<T> gj = VMath.ClipPasses(o, lo, hi) & ((wf * (-ys / q)) - (ce * aj * dmod));
                    gj.StoreUnsafe(ref rg, (nuint)j);
                    VMath.AccumulateProduct(ref d0, ref d1, gj, o);
                }
            }

            loss = VMath.Sum(l0, l1);
            dot = VMath.Sum(d0, d1);
            return j;
        }

        /// <summary>dst = src/by when <paramref name="divide"/>, else src·by.</summary>
        private static void Map(ReadOnlySpan<T> src, Span<T> dst, T by, bool divide, bool vectorize)
        {
            int k = src.Length, j = 0;
            if (vectorize)
            {
                Vector256<T> vb = Vector256.Create(by);
                ref T rs = ref MemoryMarshal.GetReference(src);
                ref T rd = ref MemoryMarshal.GetReference(dst);
                for (; j <= k - Vector256<T>.Count; j += Vector256<T>.Count)
                {
                    Vector256<T> v = Vector256.LoadUnsafe(ref rs, (nuint)j);
                    (divide ? v / vb : v * vb).StoreUnsafe(ref rd, (nuint)j);
                }
            }

            for (; j < k; j++)
            {
                dst[j] = divide ? src[j] / by : src[j] * by;
            }
        }

        /// <summary>g = (g − d)/s.</summary>
        private static void Shift(Span<T> g, T d, T s, bool vectorize)
        {
            int k = g.Length, j = 0;
            if (vectorize)
            {
                Vector256<T> vd = Vector256.Create(d), vs = Vector256.Create(s);
                ref T rg = ref MemoryMarshal.GetReference(g);
                for (; j <= k - Vector256<T>.Count; j += Vector256<T>.Count)
                {
                    ((Vector256.LoadUnsafe(ref rg, (nuint)j) - vd) / vs).StoreUnsafe(ref rg, (nuint)j);
                }
            }

            for (; j < k; j++)
            {
                g[j] = (g[j] - d) / s;
            }
        }

        /// <summary>Σ g·p in double.</summary>
        private static double Dot(ReadOnlySpan<T> g, ReadOnlySpan<T> p, bool vectorize)
        {
            int k = g.Length, j = 0;
            double sum = 0;
            if (vectorize)
            {
                Vector256<double> a0 = default, a1 = default;
                ref T rg = ref MemoryMarshal.GetReference(g);
                ref T rp = ref MemoryMarshal.GetReference(p);
                for (; j <= k - Vector256<T>.Count; j += Vector256<T>.Count)
                {
                    VMath.AccumulateProduct(ref a0, ref a1, Vector256.LoadUnsafe(ref rg, (nuint)j), Vector256.LoadUnsafe(ref rp, (nuint)j));
                }

                sum = VMath.Sum(a0, a1);
            }

            for (; j < k; j++)
            {
                sum += double.CreateTruncating(g[j]) * double.CreateTruncating(p[j]);
            }

            return sum;
        }

        /// <summary>grad = p·(g − dp)·coef, the softmax's vector-Jacobian product.</summary>
        private static void Softmax(ReadOnlySpan<T> p, ReadOnlySpan<T> g, T dp, T coef, Span<T> grad, bool vectorize)
        {
            int k = p.Length, j = 0;
            if (vectorize)
            {
                Vector256<T> vdp = Vector256.Create(dp), vcoef = Vector256.Create(coef);
                ref T rp = ref MemoryMarshal.GetReference(p);
                ref T rg = ref MemoryMarshal.GetReference(g);
                ref T rd = ref MemoryMarshal.GetReference(grad);
                for (; j <= k - Vector256<T>.Count; j += Vector256<T>.Count)
                {
                    (Vector256.LoadUnsafe(ref rp, (nuint)j) * (Vector256.LoadUnsafe(ref rg, (nuint)j) - vdp) * vcoef).StoreUnsafe(ref rd, (nuint)j);
                }
            }

            for (; j < k; j++)
            {
                grad[j] = p[j] * (g[j] - dp) * coef;
            }
        }
    }
}
