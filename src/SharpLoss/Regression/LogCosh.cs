using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Mean of log(cosh(p − y)) over the last axis (Keras <c>LogCosh</c>).</summary>
/// <remarks>
/// <para>Per element, with x = p − y: Keras computes e = x + softplus(−2x) − log 2, log(cosh x) in a form that does not
/// overflow. SharpLoss evaluates the same function as e = |x| + log1p((exp(−2|x|) − 1)/2), which is exactly 0 at x = 0 and
/// keeps its absolute error near 0 at a few float32 ulps of the result's own size, where Keras's form cancels two terms
/// near log 2 (an absolute error of about 6e-8 in float32); elsewhere the two agree to about an ulp. Per sample: mean over
/// the last axis. Gradient ∂e/∂p = tanh(x) (TensorFlow's autodiff of Keras's form, 1 − 2σ(−2x), is the same function).
/// x = ±∞ gives +∞ (Keras's form gives NaN at −∞: −∞ + ∞); NaN in gives NaN out.</para>
/// <para>The log 2 is Keras's: <c>ops.log(2.0)</c> is computed in float32 (floatx) and cast to the element type, so for
/// double inputs Keras subtracts 0.693147182464599609375, 1.9e-9 more than ln 2. SharpLoss reproduces it: a perfect
/// double prediction gives −1.9e-9 per element, as Keras in float64 does (float32 gives 0).</para>
/// <para>y_true broadcasts to y_pred's shape. Keras: <c>keras.losses.LogCosh</c> / <c>log_cosh</c>; tf.keras 2's
/// <c>get</c> also knows <c>logcosh</c>. Config keys: name and reduction only.</para>
/// </remarks>
[KerasLoss("LogCosh", "log_cosh", Names = "log_cosh", TfKeras2Names = "logcosh")]
public sealed class LogCosh : RegressionLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"log_cosh"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public LogCosh(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
    }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static LogCosh FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<LogCosh>(config, semantics);

    private protected override double Execute<T>(scoped ref Batch<T> batch) => PointwiseDriver.Run(new Kernel<T>(), ref batch);

    /// <summary>
    /// x = p − y, w = (exp(−2|x|) − 1)/2 ∈ [−½, 0]: e = (|x| + log1p(w)) + δ, where log1p(w) = log((1 + e^(−2|x|))/2) and δ
    /// = ln 2 − log 2 in float32, both in the element type (0 for float, −1.9e-9 for double: Keras's float32 log 2);
    /// ∂e/∂p = tanh x = sign(x)·(−w)/(1 + w).
    /// </summary>
    internal readonly struct Kernel<T>() : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // An instance field, as in the other kernels: the loops may be compiled before a static constructor runs.
        private readonly T _delta = T.CreateChecked(Math.Log(2)) - T.CreateChecked((double)0.6931472f);

        public static bool Vectorizable => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T p, out T grad)
        {
            T x = p - y;
            T a = T.Abs(x);
            T w = (T.Exp(-(a + a)) - T.One) * VMath.C<T>(0.5);
            grad = T.CopySign(-w / (T.One + w), x);
            return (a + VMath.Log1pSmall(w)) + _delta;
        }

        /// <summary>The loss of <see cref="LossGrad(Vector256{T}, Vector256{T}, out Vector256{T})"/>; the JIT drops the unused gradient.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            Vector256<T> x = p - y;
            Vector256<T> a = Vector256.Abs(x);
            Vector256<T> w = (VMath.ExpNonPositive(-(a + a)) - Vector256<T>.One) * Vector256.Create(VMath.C<T>(0.5));
            Vector256<T> log1p = VMath.Log1pAndReciprocal(w, out Vector256<T> inv);
            grad = Vector256.CopySign(-w * inv, x);
            return (a + log1p) + Vector256.Create(_delta);
        }
    }
}
