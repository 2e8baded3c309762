using System.Numerics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Dice loss, 1 − the Dice coefficient (Keras 3 <c>Dice</c>; Keras 3 only).</summary>
/// <remarks>
/// <para>L = 1 − 2·Σ(y·p) / (Σy + Σp + ε), ε = 1e-7, every sum over <see cref="Axis"/>. With the default axis (null) the sums
/// run over every element, the batch included, so the loss is one scalar, which every reduction returns as it is (a
/// scalar sample weight multiplies it). The sums accumulate in double and are rounded to the element type; the formula
/// is then evaluated in the element type.</para>
/// <para>Gradient: with I = Σy·p and S = Σy + Σp + ε, ∂L/∂p_i = (2/S)·(I/S − y_i).</para>
/// <para>y_true and y_pred must have the same shape. Keras: <c>keras.losses.Dice</c> / <c>dice</c> (3.2+, <c>axis</c>
/// 3.4+); config keys name, reduction, axis (an int or a list, as Keras's tuple). tf.keras 2 has no Dice loss.</para>
/// <para>SharpLoss sums over one block of adjacent axes (after resolving negative axes and sorting); other axis sets
/// are rejected.</para>
/// </remarks>
[KerasLoss("Dice", "dice", Keys = "axis", Names = "dice")]
public sealed class Dice : Loss
{
    private readonly int[]? _axes;

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/>.</param>
    /// <param name="name">The name; default <c>"dice"</c>.</param>
    /// <param name="axis">The axes summed over (one block of adjacent axes); null (default) for every axis, giving one scalar.</param>
    /// <param name="semantics">Keras 3 (the only one that has this loss).</param>
    /// <exception cref="ArgumentException"><paramref name="semantics"/> is tf.keras 2, <paramref name="axis"/> is an empty list, or
    /// <paramref name="reduction"/> is not valid.</exception>
    public Dice(Reduction? reduction = null, string? name = null, IReadOnlyList<int>? axis = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
        RowSums.Keras3Only(semantics, "Dice");
        _axes = RowSums.Axes(axis);
    }

    /// <summary>The axes summed over; null for every axis.</summary>
    public IReadOnlyList<int>? Axis => _axes;

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values (<c>axis</c>: null, an int or a list of ints).</param>
    /// <param name="semantics">The semantics (Keras 3).</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static Dice FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<Dice>(config, semantics);

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        RequireSameShape(yTrue, yPred, "dice");
        return RowSums.AroundAxes(yPred, _axes, "dice");
    }

    private protected override double Execute<T>(scoped ref Batch<T> batch) => RowDriver.Run(default(Kernel<T>), ref batch);

    /// <summary>1 − 2I/S and its gradient (2/S)·(I/S − y).</summary>
    internal readonly struct Kernel<T> : IRowKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private static readonly T Eps = VMath.C<T>(1e-7);

        public bool Pairs => false;

        public T Row(ReadOnlySpan<T> y, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize)
        {
            RowSums.Sums(y, p, vectorize, out double sy, out double sp, out double syp, out _, out _);
            T two = T.CreateTruncating(2.0);
            T i = T.CreateTruncating(syp);
            T s = T.CreateTruncating(sy) + T.CreateTruncating(sp) + Eps;
            T loss = T.One - (two * i / s);
            if (!grad.IsEmpty)
            {
                T a = coef * two / s;
                RowSums.Affine(y, p, grad, T.Zero, -a, a * (i / s), vectorize);
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
