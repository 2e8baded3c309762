using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Mean squared logarithmic error over the last axis (Keras <c>MeanSquaredLogarithmicError</c>).</summary>
/// <remarks>
/// <para>Per element e = (log(max(p, ε) + 1) − log(max(y, ε) + 1))²; per sample: mean over the last axis. Negative values
/// are clamped to ε (≈ 0) rather than rejected. With u_p = max(p, ε) + 1 and u_y = max(y, ε) + 1 rounded as Keras rounds
/// them (not log1p), SharpLoss takes one logarithm, d = log(u_p/u_y), where Keras subtracts two: the same function,
/// without the cancellation of two nearly equal logarithms (Keras's float32 d is off by up to an ulp of the larger
/// logarithm, SharpLoss's by a few ulps of d), and at a third of the cost. Gradient ∂e/∂p = 2d/u_p where p ≥ ε, 0 where
/// p &lt; ε (TensorFlow's maximum passes the gradient to p on a tie); NaN in gives NaN out, and infinite values give
/// the infinities (or NaN) of Keras's difference.</para>
/// <para>ε is 1e-7, converted as Keras converts it. For float inputs both semantics use the float32 1e-7. For double
/// inputs Keras 3 uses the float32 value 1.0000000116860974e-7 (it creates ε as a float32 tensor and relies on type
/// promotion), tf.keras 2 the float64 1e-7; the two differ only in the ninth digit of ε.</para>
/// <para>y_true broadcasts to y_pred's shape. Keras: <c>keras.losses.MeanSquaredLogarithmicError</c> /
/// <c>mean_squared_logarithmic_error</c> (aliases <c>msle</c>, <c>MSLE</c>); config keys: name and reduction only.</para>
/// </remarks>
[KerasLoss("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", Names = "mean_squared_logarithmic_error msle MSLE")]
public sealed class MeanSquaredLogarithmicError : RegressionLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"mean_squared_logarithmic_error"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public MeanSquaredLogarithmicError(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
    }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static MeanSquaredLogarithmicError FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<MeanSquaredLogarithmicError>(config, semantics);

    private protected override double Execute<T>(scoped ref Batch<T> batch)
    {
        // Keras 3: ops.maximum(y_pred, float32 eps) promotes the float32 1e-7 to y_pred's dtype; tf.keras 2 converts the
        // Python float 1e-7 to y_pred's dtype directly.
        T eps = Semantics == LossSemantics.Keras3 ? T.CreateChecked((double)1e-7f) : VMath.C<T>(1e-7);
        return PointwiseDriver.Run(new Kernel<T>(eps), ref batch);
    }

    /// <summary>
    /// u_p = max(p, ε) + 1, u_y = max(y, ε) + 1, d = log(u_p/u_y) (Keras's log u_p − log u_y), e = d²; ∂e/∂p = 2d/u_p where
    /// p ≥ ε, else 0. max lets NaN through (TensorFlow's maximum propagates NaN). u_p/u_y lies in [2⁻¹²⁸, 2¹²⁸) for finite
    /// inputs (subnormal at worst, which the full logarithm handles); ∞/finite = ∞, finite/∞ = 0 and ∞/∞ = NaN give
    /// Keras's ∞ − log u_y, log u_p − ∞ and ∞ − ∞.
    /// </summary>
    internal readonly struct Kernel<T>(T eps) : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T p, out T grad)
        {
            T up = (p < eps ? eps : p) + T.One;
            T d = T.Log(up / ((y < eps ? eps : y) + T.One));
            grad = p < eps ? T.Zero : (d + d) / up;
            return d * d;
        }

        /// <summary>The loss of <see cref="LossGrad(Vector256{T}, Vector256{T}, out Vector256{T})"/>; the JIT drops the unused gradient.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            Vector256<T> e = Vector256.Create(eps), one = Vector256<T>.One;
            Vector256<T> below = Vector256.LessThan(p, e);
            Vector256<T> up = Vector256.ConditionalSelect(below, e, p) + one;
            Vector256<T> d = VMath.Log(up / (Vector256.ConditionalSelect(Vector256.LessThan(y, e), e, y) + one));
            grad = Vector256.AndNot((d + d) / up, below);
            return d * d;
        }
    }
}
