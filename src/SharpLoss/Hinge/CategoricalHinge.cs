using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Categorical hinge loss over the last axis (Keras <c>CategoricalHinge</c>).</summary>
/// <remarks>
/// <para>Per sample, over the last axis: pos = Σ y·p, neg = max((1 − y)·p), L = max(neg − pos + 1, 0). Labels are used as
/// given (no {0, 1} → ±1 conversion). pos accumulates in double and is rounded to the element type; neg and L are
/// computed in the element type.</para>
/// <para>Gradient (TensorFlow's autodiff of the same expression): where z = neg − pos + 1 ≥ 0 (TensorFlow's Maximum
/// passes the gradient to its first argument on a tie), ∂L/∂p_i = (1 − y_i)·[m_i = neg]/c − y_i, with m_i = (1 − y_i)·p_i
/// and c the number of entries reaching the maximum (TensorFlow's reduce_max shares its gradient equally among ties);
/// 0 where z &lt; 0; NaN for every entry of a row whose z is NaN.</para>
/// <para>y_true and y_pred must have the same shape, of rank at least 1. Keras: <c>keras.losses.CategoricalHinge</c> /
/// <c>categorical_hinge</c>; config keys name and reduction. Both Keras 3 and tf.keras 2 compute the same numbers.</para>
/// </remarks>
[KerasLoss("CategoricalHinge", "categorical_hinge", Names = "categorical_hinge")]
public sealed class CategoricalHinge : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"categorical_hinge"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public CategoricalHinge(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
    }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static CategoricalHinge FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<CategoricalHinge>(config, semantics);

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        if (yPred.Rank < 1)
        {
            Throw.Argument("yPred", $"Expected `yTrue` and `yPred` of rank at least 1 (the classes on the last axis) for categorical_hinge. Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
        }

        RequireSameShape(yTrue, yPred, "categorical_hinge");
        return Layout.AroundAxis(yPred, yPred.Rank - 1);
    }

    private protected override double Execute<T>(scoped ref Batch<T> batch) => RowDriver.Run(default(Kernel<T>), ref batch);

    /// <summary>max(max((1 − y)·p) − Σy·p + 1, 0) and its gradient.</summary>
    internal readonly struct Kernel<T> : IRowKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public bool Pairs => false;

        public T Row(ReadOnlySpan<T> y, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize)
        {
            int k = p.Length, i = 0;
            double pos = 0;
            T neg = T.NegativeInfinity;
            bool nan = false;
            ref T ry = ref MemoryMarshal.GetReference(y);
            ref T rp = ref MemoryMarshal.GetReference(p);
            if (vectorize && k >= Vector256<T>.Count)
            {
                Vector256<double> a0 = default, a1 = default;
                Vector256<T> most = Vector256.Create(T.NegativeInfinity), nans = Vector256<T>.Zero;
                for (; i <= k - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    Vector256<T> yi = Vector256.LoadUnsafe(ref ry, (nuint)i), pi = Vector256.LoadUnsafe(ref rp, (nuint)i);
                    VMath.Accumulate(ref a0, ref a1, yi * pi);
                    Vector256<T> m = (Vector256<T>.One - yi) * pi;
                    nans |= ~Vector256.Equals(m, m);
                    most = Vector256.MaxNative(most, m);
                }

                pos = VMath.Sum(a0, a1);
                nan = nans != Vector256<T>.Zero;
                neg = SoftmaxRows.MaxAcross(most);   // NaN lanes are tracked in nans
            }

            for (; i < k; i++)
            {
                T yi = y[i], pi = p[i];
                pos += double.CreateTruncating(yi * pi);
                T m = (T.One - yi) * pi;
                nan |= T.IsNaN(m);
                neg = m > neg ? m : neg;
            }

            // reduce_max over an empty axis is −inf (TensorFlow's identity for max); NaN propagates.
            neg = nan ? T.NaN : neg;
            T z = neg - T.CreateTruncating(pos) + T.One;
            T loss = T.IsNaN(z) ? z : T.Max(z, T.Zero);
            if (!grad.IsEmpty)
            {
                if (T.IsNaN(z))
                {
                    grad.Fill(T.NaN);
                }
                else if (z >= T.Zero)
                {
                    // Every read of p happens before the first write to grad (which may be the same memory).
                    T share = coef / T.CreateTruncating(Ties(y, p, neg, vectorize));
                    Gradient(y, p, neg, coef, share, grad, vectorize);
                }
                else
                {
                    grad.Clear();
                }
            }

            return loss;
        }

        /// <summary>The number of entries with (1 − y)·p = neg.</summary>
        private static int Ties(ReadOnlySpan<T> y, ReadOnlySpan<T> p, T neg, bool vectorize)
        {
            int k = p.Length, i = 0, ties = 0;
            if (vectorize)
            {
                ref T ry = ref MemoryMarshal.GetReference(y);
                ref T rp = ref MemoryMarshal.GetReference(p);
                Vector256<T> vn = Vector256.Create(neg);
                for (; i <= k - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    Vector256<T> m = (Vector256<T>.One - Vector256.LoadUnsafe(ref ry, (nuint)i)) * Vector256.LoadUnsafe(ref rp, (nuint)i);
                    ties += BitOperations.PopCount(Vector256.Equals(m, vn).ExtractMostSignificantBits());
                }
            }

            for (; i < k; i++)
            {
                ties += (T.One - y[i]) * p[i] == neg ? 1 : 0;
            }

            return ties;
        }

        /// <summary>grad_i = −y_i·coef, plus (1 − y_i)·share where (1 − y_i)·p_i = neg; each p_i read before grad_i is written.</summary>
        private static void Gradient(ReadOnlySpan<T> y, ReadOnlySpan<T> p, T neg, T coef, T share, Span<T> grad, bool vectorize)
        {
            int k = p.Length, i = 0;
            if (vectorize)
            {
                ref T ry = ref MemoryMarshal.GetReference(y);
                ref T rp = ref MemoryMarshal.GetReference(p);
                ref T rg = ref MemoryMarshal.GetReference(grad);
                Vector256<T> vn = Vector256.Create(neg), vc = Vector256.Create(coef), vs = Vector256.Create(share);
                for (; i <= k - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    Vector256<T> yi = Vector256.LoadUnsafe(ref ry, (nuint)i);
                    Vector256<T> oneMinusY = Vector256<T>.One - yi;
                    Vector256<T> g = -(yi * vc);
                    Vector256<T> tie = Vector256.Equals(oneMinusY * Vector256.LoadUnsafe(ref rp, (nuint)i), vn);
                    Vector256.ConditionalSelect(tie, g + (oneMinusY * vs), g).StoreUnsafe(ref rg, (nuint)i);
                }
            }

            for (; i < k; i++)
            {
                T yi = y[i], pi = p[i];
                T g = -(yi * coef);
                grad[i] = (T.One - yi) * pi == neg ? g + ((T.One - yi) * share) : g;
            }
        }

        public void RowPair(in RowArgs<T> first, in RowArgs<T> second, Span<T> scratch, out T loss0, out T loss1)
        {
            loss0 = Row(first.Y, first.P, first.Grad, first.Coef, scratch, vectorize: true);
            loss1 = Row(second.Y, second.P, second.Grad, second.Coef, scratch, vectorize: true);
        }
    }
}
