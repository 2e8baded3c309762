using System.Numerics;
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
            focal.Compute(y, a, c, -1, p, grad, coef, scratch);

        public void RowPair(in RowArgs<T> first, in RowArgs<T> second, Span<T> scratch, out T loss0, out T loss1)
        {
            loss0 = focal.Compute(first.Y, a, c, -1, first.P, first.Grad, first.Coef, scratch);
            loss1 = focal.Compute(second.Y, a, c, -1, second.P, second.Grad, second.Coef, scratch);
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
        private readonly T _gammaMinusOne = gamma - T.One;

        /// <summary>The row's loss; writes coef·∂L/∂(p or x) to <paramref name="grad"/> unless it is empty. Every read of
        /// <paramref name="p"/> happens before the first write to <paramref name="grad"/> (which may be the same memory).</summary>
        public T Compute(ReadOnlySpan<T> y, T a, T c, long label, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch)
        {
            int k = p.Length;
            if (k == 0)
            {
                return T.Zero;
            }

            Span<T> probs = scratch[..k];     // softmax(x) for logits, else p itself
            Span<T> g = scratch.Slice(k, k);  // ∂L/∂q, then ∂L/∂p
            if (logits)
            {
                T m = p[0];
                for (int j = 1; j < k; j++)
                {
                    // TensorFlow's max propagates NaN.
                    m = T.IsNaN(p[j]) || p[j] > m ? p[j] : m;
                }

                double se = 0;
                for (int j = 0; j < k; j++)
                {
                    probs[j] = T.Exp(p[j] - m);
                    se += double.CreateTruncating(probs[j]);
                }

                T s0 = T.CreateTruncating(se);
                for (int j = 0; j < k; j++)
                {
                    probs[j] = probs[j] / s0;
                }
            }
            else
            {
                p.CopyTo(probs);
            }

            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                sum += double.CreateTruncating(probs[j]);
            }

            T s = T.CreateTruncating(sum);
            bool wantGrad = !grad.IsEmpty;
            double loss = 0, dot = 0;
            for (int j = 0; j < k; j++)
            {
                T ys = label >= 0 ? (j == label ? T.One : T.Zero) : (y[j] * a) + c;
                T aj = alpha.Length == 1 ? alpha[0] : alpha[j];
                T o = probs[j] / s;
                T q = VMath.Clip(o, _lo, _hi);
                T oneMinusQ = T.One - q;
                T logQ = T.Log(q);
                T ce = -ys * logQ;
                T mod = T.Pow(oneMinusQ, gamma);
                T wf = mod * aj;
                loss += double.CreateTruncating(wf * ce);
                if (wantGrad)
                {
                    T dmod = gamma == T.Zero ? T.Zero : -(gamma * T.Pow(oneMinusQ, _gammaMinusOne));
                    T gj = o < _lo || o > _hi ? T.Zero : (wf * (-ys / q)) + (ce * aj * dmod);
                    g[j] = gj;
                    dot += double.CreateTruncating(gj * o);
                }
            }

            if (wantGrad)
            {
                // ∂L/∂p = (g − Σ g·o)/Σp (o = p/Σp); divide first, so that a zero numerator gives 0 whatever Σp.
                T d = T.CreateTruncating(dot);
                for (int j = 0; j < k; j++)
                {
                    g[j] = (g[j] - d) / s;
                }

                if (logits)
                {
                    // ∂L/∂x = p·(G − Σ G·p).
                    double gp = 0;
                    for (int j = 0; j < k; j++)
                    {
                        gp += double.CreateTruncating(g[j] * probs[j]);
                    }

                    T dp = T.CreateTruncating(gp);
                    for (int j = 0; j < k; j++)
                    {
                        grad[j] = probs[j] * (g[j] - dp) * coef;
                    }
                }
                else
                {
                    for (int j = 0; j < k; j++)
                    {
                        grad[j] = g[j] * coef;
                    }
                }
            }

            return T.CreateTruncating(loss);
        }
    }
}
