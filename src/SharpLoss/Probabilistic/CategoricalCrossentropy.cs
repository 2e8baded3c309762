using System.Numerics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Cross-entropy between one-hot (or soft) labels and predicted class probabilities or logits (Keras <c>CategoricalCrossentropy</c>).</summary>
/// <remarks>
/// <para>Per sample, over the class axis <see cref="Axis"/> with K classes and smoothed labels y' = y·(1 − ls) + ls/K:</para>
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
public sealed class CategoricalCrossentropy : Loss
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
        : base(name, reduction, semantics, "categorical_crossentropy")
    {
        FromLogits = fromLogits;
        LabelSmoothing = Throw.LabelSmoothing(labelSmoothing);
        Axis = axis;
    }

    /// <summary>Whether <c>yPred</c> holds logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The label smoothing factor, in [0, 1].</summary>
    public double LabelSmoothing { get; }

    /// <summary>The class axis.</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    public override string ClassName => "CategoricalCrossentropy";

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static CategoricalCrossentropy FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        (CategoricalCrossentropy)Catalog.FromConfig("CategoricalCrossentropy", config, semantics);

    internal static CategoricalCrossentropy Read(ConfigReader r)
    {
        var loss = new CategoricalCrossentropy(r.Bool("from_logits", false), r.Double("label_smoothing", 0), r.Int("axis", -1), r.Reduction(), r.Name(), r.Semantics);
        r.Done(["name", "reduction", "from_logits", "label_smoothing", "axis"]);
        return loss;
    }

    private protected override void WriteConfig(ConfigWriter writer)
    {
        writer.Add("from_logits", FromLogits);
        writer.Add("label_smoothing", LabelSmoothing);
        writer.Add("axis", Axis);
    }

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        if (yPred.Rank < 1)
        {
            Throw.Argument("yPred", $"Arguments `target` and `output` of categorical_crossentropy must be at least rank 1. Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
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

            T m = SoftmaxRows.Max(x, vectorize);
            T se = SoftmaxRows.ExpShifted(x, m, scratch, vectorize);
            T logSe = T.Log(se);
            double loss = 0, sumY = 0;
            for (int j = 0; j < k; j++)
            {
                T ys = (y[j] * a) + c;
                loss += double.CreateTruncating(ys * ((m - x[j]) + logSe));
                sumY += double.CreateTruncating(ys);
            }

            if (!grad.IsEmpty)
            {
                T sy = T.CreateTruncating(sumY);
                T inv = T.One / se;
                for (int j = 0; j < k; j++)
                {
                    T ys = (y[j] * a) + c;
                    grad[j] = coef * ((sy * scratch[j] * inv) - ys);
                }
            }

            return T.CreateTruncating(loss);
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
            double loss = 0, dot = 0;
            for (int j = 0; j < k; j++)
            {
                T pn = p[j] / s;
                T q = VMath.Clip(pn, Lo, Hi);
                T ys = (y[j] * a) + c;
                loss -= double.CreateTruncating(ys * T.Log(q));
                if (!grad.IsEmpty)
                {
                    T g = pn < Lo || pn > Hi ? T.Zero : -ys / q;
                    scratch[j] = g;
                    dot += double.CreateTruncating(g * pn);
                }
            }

            if (!grad.IsEmpty)
            {
                T d = T.CreateTruncating(dot);
                T scale = coef / s;
                for (int j = 0; j < k; j++)
                {
                    grad[j] = (scratch[j] - d) * scale;
                }
            }

            return T.CreateTruncating(loss);
        }
    }
}
