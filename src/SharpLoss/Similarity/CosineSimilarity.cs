using System.Numerics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Negative cosine similarity between label and prediction vectors along an axis (Keras <c>CosineSimilarity</c>).</summary>
/// <remarks>
/// <para>Per sample, over <see cref="Axis"/>: L = −Σ n(y)·n(p) with n(x) = x·rsqrt(max(Σx², e)), which lies in [−1, 1]: −1
/// for vectors of the same direction, 0 when either is zero. The floor e is ε² = 1e-14 under Keras 3 (Keras master's
/// <c>x · rsqrt(max(Σx², ε²))</c>, ε = 1e-7; earlier Keras 3 forms agree up to rounding) and 1e-12 under tf.keras 2
/// (<c>tf.linalg.l2_normalize</c>'s default, a norm floor of 1e-6).</para>
/// <para>The three sums Σy², Σp², Σy·p accumulate in double; with r_y = rsqrt(max(Σy², e)) and r_p likewise (in the element
/// type) the loss is −(Σy·p)·r_y·r_p.</para>
/// <para>Gradient (TensorFlow's autodiff of the same expression; the Maximum passes the gradient to Σp² when Σp² ≥ e):
/// ∂L/∂p_i = r_y·r_p·(b·p_i − y_i) with b = (Σy·p)·r_p² where Σp² ≥ e, b = 0 where the floor is active.</para>
/// <para>y_true and y_pred must have the same shape (Keras aligns a trailing axis of 1 first). Keras:
/// <c>keras.losses.CosineSimilarity</c> / <c>cosine_similarity</c>; config keys name, reduction, axis (Keras ≤ 3.15 left
/// <c>axis</c> out of the config, so such a config reloads with axis −1). Under <see cref="LossSemantics.TfKeras2"/>,
/// <see cref="Losses.Get(string, LossSemantics)"/> also resolves the tf.keras 2 v1 export names <c>cosine_proximity</c> and
/// <c>cosine</c> (SPEC E.2); Keras 3's <c>get</c> does not.</para>
/// </remarks>
[KerasLoss("CosineSimilarity", "cosine_similarity", Keys = "axis", Names = "cosine_similarity", TfKeras2Names = "cosine_proximity cosine")]
public sealed class CosineSimilarity : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="axis">The axis along which the cosine similarity is computed; default −1.</param>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"cosine_similarity"</c>.</param>
    /// <param name="semantics">Keras 3 (default; norm floor ε² = 1e-14 on Σx²) or tf.keras 2.x (1e-12).</param>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public CosineSimilarity(int axis = -1, Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
        Axis = axis;
    }

    /// <summary>The axis along which the vectors are normalized and multiplied.</summary>
    public int Axis { get; }

    /// <summary>Builds the loss from a Keras config; a missing <c>axis</c> (Keras ≤ 3.15 configs) means −1.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static CosineSimilarity FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<CosineSimilarity>(config, semantics);

    private protected override bool FunctionAlignsRanks => true;

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        if (yPred.Rank < 1)
        {
            Throw.Argument("yPred", $"Expected `yTrue` and `yPred` of rank at least 1 (the vectors on `axis`) for cosine_similarity. Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
        }

        RequireSameShape(yTrue, yPred, "cosine_similarity");
        return Layout.AroundAxis(yPred, ResolveAxis(Axis, yPred, "cosine_similarity"));
    }

    private protected override double Execute<T>(scoped ref Batch<T> batch) =>
        RowDriver.Run(new Kernel<T>(T.CreateChecked(Semantics == LossSemantics.TfKeras2 ? 1e-12 : 1e-14)), ref batch);

    /// <summary>−(Σy·p)·r_y·r_p and its gradient r_y·r_p·(b·p − y).</summary>
    internal readonly struct Kernel<T>(T floor) : IRowKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public bool Pairs => false;

        public T Row(ReadOnlySpan<T> y, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize)
        {
            RowSums.Sums(y, p, vectorize, out _, out _, out double syp, out double syy, out double spp);
            T yy = T.CreateTruncating(syy), pp = T.CreateTruncating(spp), yp = T.CreateTruncating(syp);
            T ry = T.One / T.Sqrt(T.Max(yy, floor));
            T rp = T.One / T.Sqrt(T.Max(pp, floor));
            T loss = -(yp * ry * rp);
            if (!grad.IsEmpty)
            {
                // TensorFlow's Maximum sends the gradient to Σp² where Σp² ≥ floor (a NaN sum passes NaN on).
                T b = pp >= floor || T.IsNaN(pp) ? yp * rp * rp : T.Zero;
                T a = coef * ry * rp;
                RowSums.Affine(y, p, grad, a * b, -a, T.Zero, vectorize);
            }

            return loss;
        }

        public void RowPair(in RowArgs<T> first, in RowArgs<T> second, Span<T> scratch, out T loss0, out T loss1)
        {
            loss0 = Row(first.Y, first.P, first.Grad, first.Coef, scratch, vectorize: true);
            loss1 = Row(second.Y, second.P, second.Grad, second.Coef, scratch, vectorize: true);
        }
    }
}
