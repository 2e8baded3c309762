using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Mean Poisson negative log-likelihood over the last axis, without its constant terms (Keras <c>Poisson</c>).</summary>
/// <remarks>
/// <para>Per element e = p − y·log(p + ε) with ε = 1e-7 in the element type; per sample: mean over the last axis. Nothing
/// is clipped: p + ε = 0 gives log 0 = −∞ (and NaN where y = 0), p &lt; −ε gives NaN, as in Keras. y_pred is the predicted
/// rate (not its logarithm; for that see TensorFlow's <c>log_poisson_loss</c>). Gradient ∂e/∂p = 1 − y/(p + ε); NaN in
/// gives NaN out.</para>
/// <para>y_true broadcasts to y_pred's shape. Keras's <c>poisson</c> function does not align ranks itself (the class does,
/// through <c>LossFunctionWrapper</c>), so the function form
/// <see cref="Losses.Poisson(LossInput{float}, LossInput{float}, LossSemantics)"/> rejects y_true (N,) against y_pred
/// (N, 1), which Keras's function would broadcast to (N, N), where the class expands y_true to (N, 1). Keras:
/// <c>keras.losses.Poisson</c> / <c>poisson</c>; config keys: name and reduction only.</para>
/// </remarks>
[KerasLoss("Poisson", "poisson", Names = "poisson")]
public sealed class Poisson : RegressionLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"poisson"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public Poisson(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
    }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static Poisson FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<Poisson>(config, semantics);

    private protected override bool FunctionAlignsRanks => false;

    private protected override double Execute<T>(scoped ref Batch<T> batch) => PointwiseDriver.Run(new Kernel<T>(), ref batch);

    /// <summary>e = p − y·log(p + ε), ∂e/∂p = 1 − y/(p + ε).</summary>
    internal readonly struct Kernel<T>() : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _eps = VMath.C<T>(1e-7);   // an instance field: the loops may be compiled before a static constructor runs

        public static bool Vectorizable => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T p) => p - (y * T.Log(p + _eps));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T p, out T grad)
        {
            T q = p + _eps;
            grad = T.One - (y / q);
            return p - (y * T.Log(q));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p) => p - (y * VMath.Log(p + Vector256.Create(_eps)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            Vector256<T> q = p + Vector256.Create(_eps);
            grad = Vector256<T>.One - (y / q);
            return p - (y * VMath.Log(q));
        }
    }
}
