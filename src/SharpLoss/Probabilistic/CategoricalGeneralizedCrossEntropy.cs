using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Generalized cross-entropy for noisy labels, (1 − p_t^q)/q (Keras 3 <c>CategoricalGeneralizedCrossEntropy</c>; Keras 3 only).</summary>
/// <remarks>
/// <para>y_pred holds class probabilities with the classes on its last axis (K of them); y_true holds one class id per
/// sample, as <see cref="int"/>, <see cref="long"/>, or floating-point values (truncated toward zero, as Keras's cast to
/// int does). Ids outside [0, K) throw <see cref="ArgumentOutOfRangeException"/> (Keras's one-hot would give an all-zero
/// row, so p_t = 0 and a loss of 1/q, silently).</para>
/// <para>Per sample, with t its class id: p_t = Σ_j onehot(t)_j·p_j and L = (1 − p_t^q)/q, computed in the element
/// type, without clipping and without a from-logits path. As in Keras, p_t is a sum of products with the one-hot row,
/// so a NaN or infinite probability anywhere in the row makes p_t, and the loss, NaN (0·∞ = NaN).</para>
/// <para>Gradient (TensorFlow's autodiff of that expression): ∂L/∂p_t = −p_t^(q−1) at the target and
/// (−p_t^(q−1))·0 elsewhere: 0 while that factor is finite. At p_t = 0, TensorFlow's gradient of pow, q·x^(q−1), is
/// q·(+∞), so ∂L/∂p_t = −∞, and the other entries of the row, −∞·0, are NaN; SharpLoss keeps these values. With a zero
/// sample weight the upstream factor is 0, and TensorFlow's 0·∞ makes that row's gradient NaN too. A row made
/// NaN as above has a NaN gradient in every entry.</para>
/// <para>Keras passes y_true of shape (N,) and does not squeeze an (N, 1) y_true, which its broadcasting then turns into an
/// (N, N) result; SharpLoss squeezes a trailing size-1 axis of y_true, as <see cref="SparseCategoricalCrossentropy"/>
/// does. y_true has y_pred's shape without its last axis.</para>
/// <para>Keras: <c>keras.losses.CategoricalGeneralizedCrossEntropy</c> (3.10+); config keys name, reduction, q. Keras 3's
/// <c>keras.losses.get</c> resolves neither its class name nor <c>categorical_generalized_cross_entropy</c>
/// (so neither does <see cref="Losses.Get(string, LossSemantics)"/>); a full <c>{"module": "keras.losses", …}</c> config
/// deserializes. tf.keras 2 has no such loss.</para>
/// </remarks>
[KerasLoss("CategoricalGeneralizedCrossEntropy", "categorical_generalized_cross_entropy", Keys = "q", Gettable = false)]
public sealed class CategoricalGeneralizedCrossEntropy : ClassIdLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="q">The exponent, in the open interval (0, 1); default 0.5. Near 0 the loss tends to the cross-entropy
    /// −log p_t, at 1 it would be the mean absolute error 1 − p_t.</param>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/>.</param>
    /// <param name="name">The name; default <c>"categorical_generalized_cross_entropy"</c>.</param>
    /// <param name="semantics">Keras 3 (the only one that has this loss).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="q"/> is not in (0, 1) (NaN included).</exception>
    /// <exception cref="ArgumentException"><paramref name="semantics"/> is tf.keras 2, or <paramref name="reduction"/> is not valid.</exception>
    public CategoricalGeneralizedCrossEntropy(double q = 0.5, Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
        RowSums.Keras3Only(semantics, "CategoricalGeneralizedCrossEntropy");
        if (!(q > 0 && q < 1))
        {
            Throw.OutOfRange(nameof(q), q, $"q must be in the interval (0, 1). Expected 0 < q < 1. Received: q={Py.Float(q)}.");
        }

        Q = q;
    }

    /// <summary>The exponent q, in (0, 1).</summary>
    public double Q { get; }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics (Keras 3).</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static CategoricalGeneralizedCrossEntropy FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<CategoricalGeneralizedCrossEntropy>(config, semantics);

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        if (yPred.Rank < 1)
        {
            Throw.Argument("yPred", $"Expected `yPred` of rank at least 1 (the classes on its last axis) for CategoricalGeneralizedCrossEntropy. Received: yPred.shape={yPred}.");
        }

        if (yTrue.Rank == yPred.Rank && yTrue.Rank > 0 && yTrue.Last == 1)
        {
            yTrue = yTrue.DropLast();
        }

        if (yTrue != yPred.DropLast())
        {
            Throw.Argument("yTrue", $"Expected `yTrue` to hold one class id per sample, of shape {yPred.DropLast()} (yPred's shape without its class axis). " +
                $"Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
        }

        return Layout.AroundAxis(yPred, yPred.Rank - 1);
    }

    private protected override double Execute<T>(scoped ref Batch<T> batch) =>
        RowDriver.RunSparse(new Kernel<T>(T.CreateChecked(Q)), ref batch, ignores: false);


    /// <summary>
    /// (1 − p_t^q)/q on a row and its gradient. p_t is TensorFlow's Σ_j onehot_j·p_j: p[t] itself unless another entry of
    /// the row is NaN or infinite (0·that = NaN). Everything is read from p before grad (which may be p) is written.
    /// </summary>
    internal readonly struct Kernel<T>(T q) : ISparseRowKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public bool Pairs => false;

        public T Row(long label, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize)
        {
            int t = (int)label;
            T pt = p[t];
            if (!T.IsFinite(ZeroTimesRow(p, vectorize)) && !OthersFinite(p, t))
            {
                pt = T.NaN;
            }

            T loss = (T.One - T.Pow(pt, q)) / q;
            if (!grad.IsEmpty)
            {
                // TensorFlow: (−coef/q)·q·p_t^(q−1) into p_t, then times onehot_j for each entry of the row.
                T g = -coef * T.Pow(pt, q - T.One);
                grad.Fill(g * T.Zero);
                grad[t] = g;
            }

            return loss;
        }

        public void RowPair(long label0, in RowArgs<T> first, long label1, in RowArgs<T> second, Span<T> scratch, out T loss0, out T loss1)
        {
            loss0 = Row(label0, first.P, first.Grad, first.Coef, scratch, vectorize: true);
            loss1 = Row(label1, second.P, second.Grad, second.Coef, scratch, vectorize: true);
        }

        /// <summary>Σ_j 0·p_j: ±0 when every entry is finite, NaN otherwise.</summary>
        private static T ZeroTimesRow(ReadOnlySpan<T> p, bool vectorize)
        {
            int k = p.Length, i = 0;
            T acc = T.Zero;
            if (vectorize && Vector256.IsHardwareAccelerated && k >= Vector256<T>.Count)
            {
                ref T rp = ref MemoryMarshal.GetReference(p);
                Vector256<T> a = Vector256<T>.Zero;
                for (; i <= k - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    a += Vector256.LoadUnsafe(ref rp, (nuint)i) * Vector256<T>.Zero;
                }

                acc = Vector256.Sum(a);
            }

            for (; i < k; i++)
            {
                acc += p[i] * T.Zero;
            }

            return acc;
        }

        /// <summary>Whether every entry but the target is finite (the target's own infinity keeps p_t = ±∞).</summary>
        private static bool OthersFinite(ReadOnlySpan<T> p, int t)
        {
            for (int j = 0; j < p.Length; j++)
            {
                if (j != t && !T.IsFinite(p[j]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
