using System.Numerics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Tversky loss, 1 − the Tversky index (Keras 3 <c>Tversky</c>; Keras 3 only).</summary>
/// <remarks>
/// <para>With TP = Σp·y, FP = Σ(1 − y)·p and FN = Σy·(1 − p) over <see cref="Axis"/>:
/// L = 1 − TP / (TP + α·FP + β·FN + ε), ε = 1e-7. <see cref="Alpha"/> weighs the false positives and <see cref="Beta"/>
/// the false negatives, as on Keras master (Keras ≤ 3.15 swapped them, PR #23333). With the default axis (null) the sums
/// run over every element, the batch included, giving one scalar. The sums accumulate in double (FP = Σp − TP and
/// FN = Σy − TP there) and are rounded to the element type; the formula is evaluated in the element type. With
/// α = β = ½ the loss is <see cref="Dice"/>'s with 2ε in place of ε.</para>
/// <para>Gradient: with D = TP + α·FP + β·FN + ε and r = TP/D, ∂L/∂p_i = (r·(α + (1 − α − β)·y_i) − y_i)/D.</para>
/// <para>y_true and y_pred must have the same shape. Keras: <c>keras.losses.Tversky</c> / <c>tversky</c> (3.3+); config keys
/// name, reduction, alpha, beta, axis. tf.keras 2 has no Tversky loss. SharpLoss sums over one block of adjacent axes.</para>
/// <para>Beyond Keras, which accepts any α and β: NaN or infinite values are rejected.</para>
/// </remarks>
[KerasLoss("Tversky", "tversky", Keys = "alpha beta axis", Names = "tversky")]
public sealed class Tversky : Loss
{
    private readonly int[]? _axes;

    /// <summary>Creates the loss.</summary>
    /// <param name="alpha">α, the weight of the false positives; default 0.5.</param>
    /// <param name="beta">β, the weight of the false negatives; default 0.5.</param>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/>.</param>
    /// <param name="name">The name; default <c>"tversky"</c>.</param>
    /// <param name="axis">The axes summed over (one block of adjacent axes); null (default) for every axis, giving one scalar.</param>
    /// <param name="semantics">Keras 3 (the only one that has this loss).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> or <paramref name="beta"/> is NaN or infinite.</exception>
    /// <exception cref="ArgumentException"><paramref name="semantics"/> is tf.keras 2, <paramref name="axis"/> is an empty list, or
    /// <paramref name="reduction"/> is not valid.</exception>
    public Tversky(double alpha = 0.5, double beta = 0.5, Reduction? reduction = null, string? name = null, IReadOnlyList<int>? axis = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
        RowSums.Keras3Only(semantics, "Tversky");
        if (!double.IsFinite(alpha))
        {
            Throw.OutOfRange(nameof(alpha), alpha, $"Expected a finite `alpha`. Received: alpha={alpha}.");
        }

        if (!double.IsFinite(beta))
        {
            Throw.OutOfRange(nameof(beta), beta, $"Expected a finite `beta`. Received: beta={beta}.");
        }

        Alpha = alpha;
        Beta = beta;
        _axes = RowSums.Axes(axis);
    }

    /// <summary>α, the weight of the false positives Σ(1 − y)·p.</summary>
    public double Alpha { get; }

    /// <summary>β, the weight of the false negatives Σy·(1 − p).</summary>
    public double Beta { get; }

    /// <summary>The axes summed over; null for every axis.</summary>
    public IReadOnlyList<int>? Axis => _axes;

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values (<c>axis</c>: null, an int or a list of ints).</param>
    /// <param name="semantics">The semantics (Keras 3).</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static Tversky FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<Tversky>(config, semantics);

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        RequireSameShape(yTrue, yPred, "tversky");
        return RowSums.AroundAxes(yPred, _axes, "tversky");
    }

    private protected override double Execute<T>(scoped ref Batch<T> batch) =>
        RowDriver.Run(new Kernel<T>(T.CreateChecked(Alpha), T.CreateChecked(Beta)), ref batch);

    /// <summary>1 − TP/D and its gradient (r·(α + (1 − α − β)·y) − y)/D.</summary>
    internal readonly struct Kernel<T>(T alpha, T beta) : IRowKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private static readonly T Eps = VMath.C<T>(1e-7);

        public bool Pairs => false;

        public T Row(ReadOnlySpan<T> y, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize)
        {
            RowSums.Sums(y, p, vectorize, out double sy, out double sp, out double syp, out _, out _);
            T tp = T.CreateTruncating(syp);
            T fp = T.CreateTruncating(sp - syp);
            T fn = T.CreateTruncating(sy - syp);
            T d = tp + (fp * alpha) + (fn * beta) + Eps;
            T loss = T.One - (tp / d);
            if (!grad.IsEmpty)
            {
                T r = tp / d, a = coef / d;
                RowSums.Affine(y, p, grad, T.Zero, a * ((r * (T.One - alpha - beta)) - T.One), a * r * alpha, vectorize);
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
