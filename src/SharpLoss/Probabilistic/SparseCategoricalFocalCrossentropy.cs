using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Focal cross-entropy between integer class ids and predicted class probabilities or logits (Keras 3.16 <c>SparseCategoricalFocalCrossentropy</c>).</summary>
/// <remarks>
/// <para>y_pred has the classes on its last axis (K of them); y_true holds one class id per sample, as <see cref="int"/>,
/// <see cref="long"/>, or floating-point values (truncated toward zero); a trailing size-1 axis of y_true is squeezed. Ids
/// outside [0, K), other than <see cref="IgnoreClass"/>, throw <see cref="ArgumentOutOfRangeException"/> (Keras returns NaN;
/// SPEC 0.7 and 0.9).</para>
/// <para>Per sample, with t the class id: p = softmax(x) for logits, o = p/Σp, q = clip(o, ε, 1 − ε), and
/// L = −α_t·(1 − q_t)^γ·log q_t, computed with exactly the operations of <see cref="CategoricalFocalCrossentropy"/> on the
/// one-hot row of t, so the two agree bit for bit. Gradient: g_t = −α_t·(1 − q_t)^γ/q_t + α_t·γ·(1 − q_t)^(γ − 1)·log q_t where
/// the clip is inactive (0 where it is active; for γ = 0 the second term is 0), g_j = 0 for j ≠ t; ∂L/∂p = (g − g_t·o_t)/Σp;
/// for logits ∂L/∂x = p·(G − Σ G·p) with G = ∂L/∂p.</para>
/// <para><see cref="Alpha"/> is one weight or one per class (K weights; α_t = alpha[t]); a list of another length is an error at
/// call time. <see cref="IgnoreClass"/>: entries with that id give 0 and are masked out of the reduction.</para>
/// <para>Keras 3 only (3.16): under <see cref="LossSemantics.TfKeras2"/> the constructor throws. Only the last axis is
/// supported as the class axis. Config keys <c>alpha</c>, <c>gamma</c>, <c>from_logits</c>, <c>ignore_class</c>, <c>axis</c>.</para>
/// </remarks>
[KerasLoss("SparseCategoricalFocalCrossentropy", "sparse_categorical_focal_crossentropy", Keys = "alpha gamma from_logits ignore_class axis",
    Names = "sparse_categorical_focal_crossentropy")]
public sealed class SparseCategoricalFocalCrossentropy : ClassIdLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="alpha">The weight of every class, or one per class, each in [0, 1]; null: 0.25.</param>
    /// <param name="gamma">The focusing parameter γ, a finite number ≥ 0.</param>
    /// <param name="fromLogits">Whether <c>yPred</c> holds logits instead of probabilities.</param>
    /// <param name="ignoreClass">A class id whose entries are ignored, or null.</param>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/>.</param>
    /// <param name="axis">The class axis of <c>yPred</c>: -1 or its last index (checked at call time).</param>
    /// <param name="name">The name; default <c>"sparse_categorical_focal_crossentropy"</c>.</param>
    /// <param name="semantics">Keras 3 (the only one: tf.keras 2 has no such class).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is negative, infinite or NaN.</exception>
    /// <exception cref="ArgumentException"><paramref name="semantics"/> is <see cref="LossSemantics.TfKeras2"/>, or
    /// <paramref name="reduction"/> is not valid.</exception>
    public SparseCategoricalFocalCrossentropy(
        FocalAlpha? alpha = null,
        double gamma = 2.0,
        bool fromLogits = false,
        int? ignoreClass = null,
        Reduction? reduction = null,
        int axis = -1,
        string? name = null,
        LossSemantics semantics = LossSemantics.Keras3)
        : base(name, semantics == LossSemantics.TfKeras2 ? Reduction.SumOverBatchSize : reduction, semantics)
    {
        if (semantics == LossSemantics.TfKeras2)
        {
            Throw.Argument(nameof(semantics), "SparseCategoricalFocalCrossentropy exists only in Keras 3 (3.16); tf.keras 2 has no such class. Expected LossSemantics.Keras3. Received: LossSemantics.TfKeras2.");
        }

        Alpha = alpha ?? new FocalAlpha(0.25);
        Gamma = Throw.Gamma(gamma);
        FromLogits = fromLogits;
        IgnoreClass = ignoreClass;
        Axis = axis;
    }

    /// <summary>The class weight(s) α.</summary>
    public FocalAlpha Alpha { get; }

    /// <summary>The focusing parameter γ ≥ 0.</summary>
    public double Gamma { get; }

    /// <summary>Whether <c>yPred</c> holds logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The ignored class id, or null.</summary>
    public int? IgnoreClass { get; }

    /// <summary>The class axis (-1 or the last index).</summary>
    public int Axis { get; }

    private protected override long? IgnoreClassId => IgnoreClass;

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values (<c>alpha</c> a number or a list of numbers).</param>
    /// <param name="semantics">The semantics (Keras 3 only).</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value, or is a tf.keras 2 config.</exception>
    public static SparseCategoricalFocalCrossentropy FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<SparseCategoricalFocalCrossentropy>(config, semantics);

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        if (yPred.Rank < 1)
        {
            Throw.Argument("yPred", $"Expected `yPred` of rank at least 1 (the classes on its last axis) for SparseCategoricalFocalCrossentropy. Received: yPred.shape={yPred}.");
        }

        if (Axis != -1 && Axis != yPred.Rank - 1)
        {
            Throw.Argument("axis", $"Only axis=-1 is supported (the last axis of yPred, shape {yPred}). Received: axis={Axis}.");
        }

        if (yTrue.Rank == yPred.Rank && yTrue.Rank > 0 && yTrue.Last == 1)
        {
            yTrue = yTrue.DropLast();
        }

        if (yTrue.Rank == yPred.Rank && yTrue == yPred && yPred.Last > 1)
        {
            Throw.Argument("yTrue", $"Expected `yTrue` to hold one class id per sample, of shape {yPred.DropLast()} (yPred's shape without its class axis). " +
                $"Received: yTrue.shape={yTrue}, the shape of yPred: one-hot or soft labels? Use CategoricalFocalCrossentropy for those.");
        }

        if (yTrue != yPred.DropLast())
        {
            Throw.Argument("yTrue", $"Expected `yTrue` of shape {yPred.DropLast()} (yPred's shape without its last axis). Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
        }

        if (Alpha.PerClass.Count > 1 && Alpha.PerClass.Count != yPred.Last)
        {
            Throw.Argument("yPred", $"Expected `yPred` with {Alpha.PerClass.Count} classes (one per weight of `alpha`) on its last axis. Received: yPred.shape={yPred}.");
        }

        return Layout.AroundAxis(yPred, yPred.Rank - 1);
    }

    private protected override double Execute<T>(scoped ref Batch<T> batch) =>
        RowDriver.RunSparse(new SparseRow<T>(new CategoricalFocalCrossentropy.FocalRow<T>(Alpha.Weights<T>(), T.CreateChecked(Gamma), FromLogits)), ref batch, IgnoreClass is not null);

    /// <summary>The class-id row kernel: the dense focal row on the one-hot row of the id.</summary>
    internal readonly struct SparseRow<T>(CategoricalFocalCrossentropy.FocalRow<T> focal) : ISparseRowKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public bool Pairs => false;

        public T Row(long label, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize) =>
            focal.Compute(default, T.One, T.Zero, label, p, grad, coef, scratch, vectorize);

        public void RowPair(long label0, in RowArgs<T> first, long label1, in RowArgs<T> second, Span<T> scratch, out T loss0, out T loss1)
        {
            loss0 = Row(label0, first.P, first.Grad, first.Coef, scratch, vectorize: true);
            loss1 = Row(label1, second.P, second.Grad, second.Coef, scratch, vectorize: true);
        }
    }
}
