using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Mean absolute percentage error over the last axis (Keras <c>MeanAbsolutePercentageError</c>).</summary>
/// <remarks>
/// <para>Per element e = 100·|(y − p) / max(|y|, ε)| with ε = 1e-7 in the element type; per sample: mean over the last
/// axis. A target of 0 divides by ε, so its term is 1e9·|p|: huge, as in Keras. Keras multiplies the per-sample mean by
/// 100; SharpLoss multiplies each term, which differs only in rounding (not at all for a last axis of size 1).
/// Gradient ∂e/∂p = 100·sign(p − y)/max(|y|, ε), with sign(0) = 0 as in TensorFlow; NaN in gives NaN out.</para>
/// <para>y_true broadcasts to y_pred's shape. Keras: <c>keras.losses.MeanAbsolutePercentageError</c> /
/// <c>mean_absolute_percentage_error</c> (aliases <c>mape</c>, <c>MAPE</c>); config keys: name and reduction only.
/// Keras 3 and tf.keras 2 compute the same formula; they differ only in the rank rules of the pipeline.</para>
/// </remarks>
[KerasLoss("MeanAbsolutePercentageError", "mean_absolute_percentage_error", Names = "mean_absolute_percentage_error mape MAPE")]
public sealed class MeanAbsolutePercentageError : RegressionLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"mean_absolute_percentage_error"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public MeanAbsolutePercentageError(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
    }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static MeanAbsolutePercentageError FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<MeanAbsolutePercentageError>(config, semantics);

    private protected override double Execute<T>(scoped ref Batch<T> batch) => PointwiseDriver.Run(new Kernel<T>(), ref batch);

    /// <summary>
    /// Keras's form: m = max(|y|, ε), e = 100·|(y − p)/m| (the quotient rounded first, as Keras divides before its abs);
    /// ∂e/∂p = ±100/m by the sign of p − y, 0 where p = y. max lets a NaN |y| through (TensorFlow's maximum propagates NaN).
    /// </summary>
    internal readonly struct Kernel<T>() : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Instance fields, not static readonly ones: the element-wise loops are compiled at their first call, possibly
        // before a static constructor has run, and then read such fields through a class-initialization check.
        private readonly T _eps = VMath.C<T>(1e-7);
        private readonly T _hundred = VMath.C<T>(100);

        public static bool Vectorizable => true;

        public static bool StreamsGradient => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T p)
        {
            T a = T.Abs(y);
            T m = a < _eps ? _eps : a;
            return _hundred * T.Abs((y - p) / m);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T p, out T grad)
        {
            T a = T.Abs(y);
            T m = a < _eps ? _eps : a;
            T d = y - p;
            T c = _hundred / m;
            grad = d > T.Zero ? -c : d < T.Zero ? c : d;
            return _hundred * T.Abs(d / m);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p)
        {
            Vector256<T> a = Vector256.Abs(y), eps = Vector256.Create(_eps);
            Vector256<T> m = Vector256.ConditionalSelect(Vector256.LessThan(a, eps), eps, a);
            return Vector256.Create(_hundred) * Vector256.Abs((y - p) / m);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            Vector256<T> a = Vector256.Abs(y), eps = Vector256.Create(_eps), hundred = Vector256.Create(_hundred);
            Vector256<T> m = Vector256.ConditionalSelect(Vector256.LessThan(a, eps), eps, a);
            Vector256<T> d = y - p;
            Vector256<T> c = hundred / m;

            // c with the sign of p − y where d ≠ 0; d itself (±0, or NaN) elsewhere.
            Vector256<T> signed = Vector256.ConditionalSelect(Vector256.GreaterThan(d, Vector256<T>.Zero), -c, c);
            grad = Vector256.ConditionalSelect(Vector256.Equals(d, Vector256<T>.Zero) | ~Vector256.Equals(d, d), d, signed);
            return hundred * Vector256.Abs(d / m);
        }
    }
}
