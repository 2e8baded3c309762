using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Kullback–Leibler divergence summed over the last axis (Keras <c>KLDivergence</c>).</summary>
/// <remarks>
/// <para>y and p are both clipped to [ε, 1] with ε = 1e-7 in the element type (values above 1 become 1; nothing is
/// renormalized). Per element e = y'·log(y'/p') with the clipped y', p'; per sample: the <em>sum</em> over the last axis,
/// not the mean, so a (N, K) batch gives N values and the default reduction divides their sum by N. A zero label
/// contributes ε·log(ε/p') &lt; 0 (the tf.keras docstring's −3.08e-06 row). Gradient ∂e/∂p = −y'/p' where ε ≤ p ≤ 1,
/// 0 where the clip is active (TensorFlow's clip passes the gradient at its bounds); NaN in gives NaN out.</para>
/// <para>y_true broadcasts to y_pred's shape. Keras's <c>kl_divergence</c> function does not align ranks itself (the
/// class does). Keras: <c>keras.losses.KLDivergence</c> / <c>kl_divergence</c> (aliases <c>kld</c>, <c>KLD</c>; tf.keras
/// 2's <c>get</c> also knows <c>kullback_leibler_divergence</c>); config keys: name and reduction only.</para>
/// </remarks>
[KerasLoss("KLDivergence", "kl_divergence", Names = "kl_divergence kld KLD", TfKeras2Names = "kullback_leibler_divergence")]
public sealed class KLDivergence : RegressionLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"kl_divergence"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public KLDivergence(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
    }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static KLDivergence FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<KLDivergence>(config, semantics);

    private protected override bool FunctionAlignsRanks => false;

    private protected override double Execute<T>(scoped ref Batch<T> batch) => PointwiseDriver.Run(new Kernel<T>(), ref batch);

    /// <summary>y' = clip(y, ε, 1), p' = clip(p, ε, 1), e = y'·log(y'/p'), summed over the axis; ∂e/∂p = −y'/p' inside [ε, 1].</summary>
    internal readonly struct Kernel<T>() : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _eps = VMath.C<T>(1e-7);   // an instance field: the loops may be compiled before a static constructor runs

        public static bool Vectorizable => true;

        /// <summary>Keras sums the terms over the last axis.</summary>
        public static bool SumsOverAxis => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T p)
        {
            T yc = VMath.Clip(y, _eps, T.One);
            return yc * T.Log(yc / VMath.Clip(p, _eps, T.One));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T p, out T grad)
        {
            T yc = VMath.Clip(y, _eps, T.One), pc = VMath.Clip(p, _eps, T.One);
            grad = p < _eps || p > T.One ? T.Zero : -(yc / pc);
            return yc * T.Log(yc / pc);
        }

        /// <summary>The loss of <see cref="LossGrad(Vector256{T}, Vector256{T}, out Vector256{T})"/>; the JIT drops the unused gradient.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            Vector256<T> eps = Vector256.Create(_eps), one = Vector256<T>.One;
            Vector256<T> yc = VMath.Clip(y, eps, one), pc = VMath.Clip(p, eps, one);
            Vector256<T> ratio = yc / pc;
            grad = VMath.ClipPasses(p, eps, one) & -ratio;

            // y'/p' lies in [ε, 1/ε] (normal) or is NaN, which LogNormal does not keep: pass it through.
            Vector256<T> loss = yc * VMath.LogNormal(ratio);
            return Vector256.ConditionalSelect(Vector256.Equals(ratio, ratio), loss, ratio);
        }
    }
}
