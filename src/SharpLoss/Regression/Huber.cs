using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Mean of Huber terms over the last axis (Keras <c>Huber</c>).</summary>
/// <remarks>
/// <para>With e = p − y and a = |e|, the element term is ½·e² where a ≤ δ and δ·a − ½·δ² elsewhere; the per-sample loss
/// is its mean over the last axis. It is evaluated as Keras does, <c>where(a &lt;= delta, half * square(e), delta * a -
/// half * square(delta))</c> with δ converted to the element type first: the same operations in the same order (no fused
/// multiply-add), so each float32 element term rounds as TensorFlow's element-wise ops round it. δ = 0 gives 0 everywhere
/// (for finite errors). Gradient ∂/∂p = clamp(e, −δ, δ): e where a ≤ δ,
/// δ·sign(e) elsewhere (TensorFlow's autodiff of the same expression); NaN in gives NaN out.</para>
/// <para>y_true broadcasts to y_pred's shape. Keras: <c>keras.losses.Huber</c> / <c>huber</c>; config keys: name,
/// reduction, delta. Keras 3 up to 3.15 left <c>delta</c> out of the config, so such a config reloads with δ = 1, as it
/// does here. Keras 3's <c>keras.losses.get</c> does not know the name <c>"huber_loss"</c> (the default
/// <see cref="Loss.Name"/>); tf.keras 2's does.</para>
/// <para>Difference from tf.keras 2: tf.keras 2 casts y_true, y_pred and δ to <c>floatx()</c> (float32 by default)
/// even for float64 inputs, unlike every other tf.keras loss. SharpLoss does not downcast under either semantics:
/// <see cref="double"/> inputs are computed in float64.</para>
/// <para>Beyond Keras, which accepts any δ: a NaN, negative or infinite δ is rejected.</para>
/// </remarks>
[KerasLoss("Huber", "huber_loss", Keys = "delta", Names = "huber", TfKeras2Names = "huber_loss")]
public sealed class Huber : RegressionLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="delta">δ, where the quadratic part turns linear: a finite number ≥ 0; default 1.</param>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"huber_loss"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is NaN, negative or infinite.</exception>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public Huber(double delta = 1.0, Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
        Delta = Throw.Delta(delta);
    }

    /// <summary>δ: errors up to δ in magnitude are squared, larger ones count linearly.</summary>
    public double Delta { get; }

    /// <summary>Builds the loss from a Keras config; a missing <c>delta</c> (Keras ≤ 3.15 configs) means 1.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static Huber FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<Huber>(config, semantics);

    private protected override double Execute<T>(scoped ref Batch<T> batch) => PointwiseDriver.Run(new Kernel<T>(T.CreateChecked(Delta)), ref batch);

    /// <summary>
    /// Keras's form: e = p − y, a = |e|; value ½·(e·e) where a ≤ δ, else δ·a − ½·(δ·δ) (½·δ² rounded once in T, as
    /// Keras computes <c>half * square(delta)</c>); derivative e where a ≤ δ, else copysign(δ, e) (NaN stays NaN).
    /// </summary>
    internal readonly struct Kernel<T> : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _delta;
        private readonly T _halfDeltaSquared;

        public Kernel(T delta)
        {
            _delta = delta;
            _halfDeltaSquared = Half * (delta * delta);
        }

        public static bool Vectorizable => true;

        public static bool StreamsGradient => true;

        public static bool Wide => typeof(T) == typeof(float);

        private static T Half => T.CreateTruncating(0.5);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T p)
        {
            T e = p - y;
            T a = T.Abs(e);
            return a <= _delta ? Half * (e * e) : (_delta * a) - _halfDeltaSquared;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T p, out T grad)
        {
            T e = p - y;
            T a = T.Abs(e);
            grad = a > _delta ? T.CopySign(_delta, e) : e;
            return a <= _delta ? Half * (e * e) : (_delta * a) - _halfDeltaSquared;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p)
        {
            Vector256<T> e = p - y, a = Vector256.Abs(e), d = Vector256.Create(_delta);
            return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(a, d), Vector256.Create(Half) * (e * e), (d * a) - Vector256.Create(_halfDeltaSquared));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            Vector256<T> e = p - y, a = Vector256.Abs(e), d = Vector256.Create(_delta);
            grad = Vector256.ConditionalSelect(Vector256.GreaterThan(a, d), Vector256.CopySign(d, e), e);
            return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(a, d), Vector256.Create(Half) * (e * e), (d * a) - Vector256.Create(_halfDeltaSquared));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> Loss(Vector512<T> y, Vector512<T> p)
        {
            Vector512<T> e = p - y, a = Vector512.Abs(e), d = Vector512.Create(_delta);
            return Vector512.ConditionalSelect(Vector512.LessThanOrEqual(a, d), Vector512.Create(Half) * (e * e), (d * a) - Vector512.Create(_halfDeltaSquared));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> LossGrad(Vector512<T> y, Vector512<T> p, out Vector512<T> grad)
        {
            Vector512<T> e = p - y, a = Vector512.Abs(e), d = Vector512.Create(_delta);
            grad = Vector512.ConditionalSelect(Vector512.GreaterThan(a, d), Vector512.CopySign(d, e), e);
            return Vector512.ConditionalSelect(Vector512.LessThanOrEqual(a, d), Vector512.Create(Half) * (e * e), (d * a) - Vector512.Create(_halfDeltaSquared));
        }
    }

    /// <summary>
    /// <c>tf.compat.v1.losses.huber_loss</c>'s form of the same function: q = min(a, δ), value ½·(q·q) + δ·(a − q)
    /// (about 1 ulp from <see cref="Kernel{T}"/> in the linear part); derivative as <see cref="Kernel{T}"/>
    /// (TensorFlow's Minimum gradient goes to a when a ≤ δ).
    /// </summary>
    internal readonly struct V1Kernel<T>(T delta) : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;

        public static bool StreamsGradient => true;

        public static bool Wide => typeof(T) == typeof(float);

        private static T Half => T.CreateTruncating(0.5);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T p, out T grad)
        {
            T e = p - y;
            T a = T.Abs(e);
            grad = a > delta ? T.CopySign(delta, e) : e;

            // TensorFlow's minimum(a, δ): a NaN a gives NaN.
            T q = a > delta ? delta : a;
            return (Half * (q * q)) + (delta * (a - q));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            Vector256<T> e = p - y, a = Vector256.Abs(e), d = Vector256.Create(delta);
            Vector256<T> above = Vector256.GreaterThan(a, d);
            grad = Vector256.ConditionalSelect(above, Vector256.CopySign(d, e), e);
            Vector256<T> q = Vector256.ConditionalSelect(above, d, a);
            return (Vector256.Create(Half) * (q * q)) + (d * (a - q));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> Loss(Vector512<T> y, Vector512<T> p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> LossGrad(Vector512<T> y, Vector512<T> p, out Vector512<T> grad)
        {
            Vector512<T> e = p - y, a = Vector512.Abs(e), d = Vector512.Create(delta);
            Vector512<T> above = Vector512.GreaterThan(a, d);
            grad = Vector512.ConditionalSelect(above, Vector512.CopySign(d, e), e);
            Vector512<T> q = Vector512.ConditionalSelect(above, d, a);
            return (Vector512.Create(Half) * (q * q)) + (d * (a - q));
        }
    }
}
