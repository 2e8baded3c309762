using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Binary cross-entropy between labels in [0, 1] and predicted probabilities or logits (Keras <c>BinaryCrossentropy</c>).</summary>
/// <remarks>
/// <para>Per element, with the smoothed label y' = y·(1 − ls) + ls/2:</para>
/// <list type="bullet">
/// <item><description>logits x: e = max(x, 0) − x·y' + log1p(exp(−|x|)); ∂e/∂x = σ(x) − y'.</description></item>
/// <item><description>probabilities, Keras 3: q = clip(p, ε, 1 − ε) with ε = 1e-7 in the element type (the float32 bounds are
/// 1.0000000117e-7 and 1 − 2⁻²³, so saturated terms are 16.118095 and 15.942385); e = −(y'·log q + (1 − y')·log(1 − q));
/// ∂e/∂p = −y'/q + (1 − y')/(1 − q) inside the clip range, 0 where the clip is active.</description></item>
/// <item><description>probabilities, tf.keras 2: the same clip, then e = −(y'·log(q + ε) + (1 − y')·log(1 − q + ε)) (ε is added again
/// inside the log; saturated terms 15.424949 and 15.333239).</description></item>
/// </list>
/// <para>Per sample: the mean of e over <see cref="CrossentropyLoss.Axis"/>; y_true and y_pred must have the same shape. Rank-1 inputs give a
/// single per-sample value (a scalar).</para>
/// <para>Logit recovery is not modelled: TensorFlow silently replaces the output of a Keras sigmoid with its logits; a .NET
/// array carries no such provenance. Pass logits with <c>fromLogits: true</c> for the numerically stable result.</para>
/// <para>Keras: <c>keras.losses.BinaryCrossentropy</c> / <c>binary_crossentropy</c>; config keys <c>from_logits</c>,
/// <c>label_smoothing</c>, <c>axis</c>.</para>
/// </remarks>
[KerasLoss("BinaryCrossentropy", "binary_crossentropy", Keys = "from_logits label_smoothing axis", Names = "binary_crossentropy bce BCE")]
public sealed class BinaryCrossentropy : CrossentropyLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">Whether <c>yPred</c> holds logits instead of probabilities.</param>
    /// <param name="labelSmoothing">In [0, 1]: labels are squeezed toward 0.5.</param>
    /// <param name="axis">The axis the element losses are averaged over.</param>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"binary_crossentropy"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x numbers.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1] or NaN.</exception>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0, int axis = -1, Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(fromLogits, labelSmoothing, axis, reduction, name, semantics)
    {
    }

    /// <summary>Builds the loss from a Keras config (see <see cref="Loss.GetConfig"/>).</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>, else Keras 3.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static BinaryCrossentropy FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<BinaryCrossentropy>(config, semantics);


    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        RequireSameShape(yTrue, yPred, "binary_crossentropy");
        return Layout.AroundAxis(yPred, ResolveAxis(Axis, yPred, "binary_crossentropy"));
    }

    private protected override double Execute<T>(scoped ref Batch<T> batch)
    {
        T a = T.CreateChecked(1.0 - LabelSmoothing), c = T.CreateChecked(0.5 * LabelSmoothing);
        if (FromLogits)
        {
            return PointwiseDriver.Run(new LogitsKernel<T>(a, c), ref batch);
        }

        return Semantics == LossSemantics.TfKeras2
            ? PointwiseDriver.Run(new TfKeras2Kernel<T>(a, c), ref batch)
            : PointwiseDriver.Run(new Kernel<T>(a, c), ref batch);
    }

    /// <summary>Logits: e = max(x,0) − x·y' + log1p(exp(−|x|)), ∂e/∂x = σ(x) − y'.</summary>
    internal readonly struct LogitsKernel<T>(T a, T c) : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Without label smoothing y' = y·1 + 0 = y exactly: the vector operators skip the two operations. They take
        // max(x, 0) as one MaxNative, which may return 0 for a NaN x; the loss is NaN all the same (x·y' and the
        // exponential are), and the comparison mask is then used once, as a blend.
        private readonly bool _smoothed = VMath.IsSmoothing(a, c);

        public static bool Vectorizable => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T x) => LossGrad(y, x, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T x, out T grad)
        {
            T ys = (y * a) + c;
            T e = T.Exp(-T.Abs(x));
            T inv = T.One / (T.One + e);
            grad = (x >= T.Zero ? inv : e * inv) - ys;
            return (x >= T.Zero ? x : T.Zero) - (x * ys) + VMath.Log1pSmall(e);
        }

        /// <summary>The loss of <see cref="LossGrad(Vector256{T}, Vector256{T}, out Vector256{T})"/> (the same log1p, so the
        /// value is the same bits with or without the gradient); the JIT drops the unused gradient.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> x) => LossGrad(y, x, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> x, out Vector256<T> grad)
        {
            Vector256<T> ys = _smoothed ? (y * Vector256.Create(a)) + Vector256.Create(c) : y;
            Vector256<T> e = VMath.ExpNonPositive(-Vector256.Abs(x));
            Vector256<T> log1p = VMath.Log1pAndReciprocal(e, out Vector256<T> inv);
            grad = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<T>.Zero), inv, e * inv) - ys;
            return Vector256.MaxNative(x, Vector256<T>.Zero) - (x * ys) + log1p;
        }

        /// <summary>float only: the Vector256 operators on 16 lanes.</summary>
        public static bool Wide => typeof(T) == typeof(float);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> Loss(Vector512<T> y, Vector512<T> x) => LossGrad(y, x, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> LossGrad(Vector512<T> y, Vector512<T> x, out Vector512<T> grad)
        {
            Vector512<float> xf = x.AsSingle();
            Vector512<float> ys = _smoothed
                ? (y.AsSingle() * Vector512.Create(float.CreateTruncating(a))) + Vector512.Create(float.CreateTruncating(c))
                : y.AsSingle();
            Vector512<float> e = FastMath512.ExpNonPositive(-Vector512.Abs(xf));
            Vector512<float> log1p = FastMath512.Log1pAndReciprocal(e, out Vector512<float> inv);
            grad = (Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(xf, Vector512<float>.Zero), inv, e * inv) - ys).As<float, T>();
            return (Vector512.MaxNative(xf, Vector512<float>.Zero) - (xf * ys) + log1p).As<float, T>();
        }
    }

    /// <summary>Keras 3 probabilities: clip, then −(y' log q + (1 − y') log(1 − q)).</summary>
    internal readonly struct Kernel<T>(T a, T c) : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Instance fields, not static readonly ones: the element-wise loops are compiled at their first call, possibly
        // before a static constructor has run, and then read such fields through a class-initialization check.
        private readonly T _lo = VMath.C<T>(1e-7);
        private readonly T _hi = VMath.C<T>(1.0 - 1e-7);

        public static bool Vectorizable => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T p)
        {
            T ys = (y * a) + c;
            T q = VMath.Clip(p, _lo, _hi);
            return -((ys * T.Log(q)) + ((T.One - ys) * T.Log(T.One - q)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T p, out T grad)
        {
            T ys = (y * a) + c;
            T q = VMath.Clip(p, _lo, _hi);
            T oneMinusQ = T.One - q;
            grad = p < _lo || p > _hi ? T.Zero : ((T.One - ys) / oneMinusQ) - (ys / q);
            return -((ys * T.Log(q)) + ((T.One - ys) * T.Log(oneMinusQ)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p)
        {
            Vector256<T> ys = (y * Vector256.Create(a)) + Vector256.Create(c);
            Vector256<T> q = VMath.Clip(p, Vector256.Create(_lo), Vector256.Create(_hi));
            Vector256<T> loss = VMath.HardLabels(ys)
                ? -VMath.LogNormal(Vector256.ConditionalSelect(Vector256.Equals(ys, Vector256<T>.One), q, Vector256<T>.One - q))
                : -((ys * VMath.LogNormal(q)) + ((Vector256<T>.One - ys) * VMath.LogNormal(Vector256<T>.One - q)));
            return Vector256.ConditionalSelect(Vector256.Equals(p, p), loss, p);   // q is clipped into the normal range or NaN
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            Vector256<T> lo = Vector256.Create(_lo), hi = Vector256.Create(_hi);
            Vector256<T> ys = (y * Vector256.Create(a)) + Vector256.Create(c);
            Vector256<T> q = VMath.Clip(p, lo, hi);
            Vector256<T> oneMinusQ = Vector256<T>.One - q;
            Vector256<T> oneMinusY = Vector256<T>.One - ys;

            // (1 − y')/(1 − q) − y'/q = (q − y')/(q·(1 − q)): one division.
            grad = VMath.ClipPasses(p, lo, hi) & ((q - ys) / (q * oneMinusQ));
            Vector256<T> loss = VMath.HardLabels(ys)
                ? -VMath.LogNormal(Vector256.ConditionalSelect(Vector256.Equals(ys, Vector256<T>.One), q, oneMinusQ))
                : -((ys * VMath.LogNormal(q)) + (oneMinusY * VMath.LogNormal(oneMinusQ)));
            return Vector256.ConditionalSelect(Vector256.Equals(p, p), loss, p);   // q is clipped into the normal range or NaN
        }

        /// <summary>float only: the Vector256 operators on 16 lanes.</summary>
        public static bool Wide => typeof(T) == typeof(float);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> Loss(Vector512<T> y, Vector512<T> p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> LossGrad(Vector512<T> y, Vector512<T> p, out Vector512<T> grad)
        {
            Vector512<float> pf = p.AsSingle();
            Vector512<float> lo = Vector512.Create(float.CreateTruncating(_lo)), hi = Vector512.Create(float.CreateTruncating(_hi));
            Vector512<float> ys = (y.AsSingle() * Vector512.Create(float.CreateTruncating(a))) + Vector512.Create(float.CreateTruncating(c));
            Vector512<float> q = Vector512.ConditionalSelect(Vector512.GreaterThan(pf, hi), hi, Vector512.ConditionalSelect(Vector512.LessThan(pf, lo), lo, pf));
            Vector512<float> oneMinusQ = Vector512<float>.One - q;
            Vector512<float> passes = ~(Vector512.LessThan(pf, lo) | Vector512.GreaterThan(pf, hi));
            grad = (passes & ((q - ys) / (q * oneMinusQ))).As<float, T>();
            Vector512<float> loss = Vector512.EqualsAll(ys * (ys - Vector512<float>.One), Vector512<float>.Zero)
                ? -FastMath512.LogNormal(Vector512.ConditionalSelect(Vector512.Equals(ys, Vector512<float>.One), q, oneMinusQ))
                : -((ys * FastMath512.LogNormal(q)) + ((Vector512<float>.One - ys) * FastMath512.LogNormal(oneMinusQ)));
            return Vector512.ConditionalSelect(Vector512.Equals(pf, pf), loss, pf).As<float, T>();
        }
    }

    /// <summary>tf.keras 2 probabilities: clip, then −(y' log(q + ε) + (1 − y') log(1 − q + ε)).</summary>
    internal readonly struct TfKeras2Kernel<T>(T a, T c) : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _eps = VMath.C<T>(1e-7);   // instance fields, as in Kernel
        private readonly T _hi = T.One - VMath.C<T>(1e-7);

        public static bool Vectorizable => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T p, out T grad)
        {
            T ys = (y * a) + c;
            T q = VMath.Clip(p, _eps, _hi);
            T up = q + _eps, down = T.One - q + _eps;
            grad = p < _eps || p > _hi ? T.Zero : ((T.One - ys) / down) - (ys / up);
            return -((ys * T.Log(up)) + ((T.One - ys) * T.Log(down)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            Vector256<T> eps = Vector256.Create(_eps), hi = Vector256.Create(_hi);
            Vector256<T> ys = (y * Vector256.Create(a)) + Vector256.Create(c);
            Vector256<T> q = VMath.Clip(p, eps, hi);
            Vector256<T> up = q + eps, down = Vector256<T>.One - q + eps;
            Vector256<T> oneMinusY = Vector256<T>.One - ys;

            // (1 − y')/(1 − q + ε) − y'/(q + ε), TensorFlow's two terms: the one-division form (q + ε − y'·(1 + 2ε))/(…)
            // cancels in float near y' = 1, q → 1 (4e-4 relative at y = 1, p = 0.99988).
            grad = VMath.ClipPasses(p, eps, hi) & ((oneMinusY / down) - (ys / up));
            Vector256<T> loss = VMath.HardLabels(ys)
                ? -VMath.LogNormal(Vector256.ConditionalSelect(Vector256.Equals(ys, Vector256<T>.One), up, down))
                : -((ys * VMath.LogNormal(up)) + (oneMinusY * VMath.LogNormal(down)));
            return Vector256.ConditionalSelect(Vector256.Equals(p, p), loss, p);   // up and down are normal or NaN
        }
    }
}
