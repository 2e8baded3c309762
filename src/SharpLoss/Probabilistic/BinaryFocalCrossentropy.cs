using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Binary focal cross-entropy (Lin et al., 2017) between labels in [0, 1] and predicted probabilities or logits (Keras <c>BinaryFocalCrossentropy</c>).</summary>
/// <remarks>
/// <para>Per element, with the smoothed label y' = y·(1 − ls) + ls/2, the probability p (σ(x) for logits x), the focal factor
/// f = (1 − p_t)^γ with p_t = y'·p + (1 − y')·(1 − p) (p unclipped), and the class-balancing weight
/// w = y'·α + (1 − y')·(1 − α) when <see cref="ApplyClassBalancing"/> (else w = 1): e = w·(f·B), where B is a binary
/// cross-entropy:</para>
/// <list type="bullet">
/// <item><description>Keras 3 (probabilities and logits alike: Keras 3 applies the sigmoid first, SPEC B.2): q = clip(p, ε, 1 − ε),
/// B = −(y'·log q + (1 − y')·log(1 − q)); ∂B/∂p = (1 − y')/(1 − q) − y'/q inside the clip range, 0 where it is active.
/// Large logits therefore saturate (y = 0, x = 100 gives 15.942385 in float32).</description></item>
/// <item><description>tf.keras 2, probabilities: B = −(y'·log(q + ε) + (1 − y')·log(1 − q + ε)) (ε added again after the clip);
/// ∂B/∂p = (1 − y')/(1 − q + ε) − y'/(q + ε) inside the clip range, 0 where it is active.</description></item>
/// <item><description>tf.keras 2, logits: the stable B = max(x, 0) − x·y' + log1p(exp(−|x|)), ∂B/∂x = σ(x) − y' (y = 0, x = 100
/// gives 100); the focal factor still uses σ(x).</description></item>
/// </list>
/// <para>Gradient: ∂e/∂p = w·(f'·B + f·∂B/∂p) with f' = γ·(1 − p_t)^(γ − 1)·(1 − 2y') (TensorFlow's pow gradient; for γ = 0 the
/// factor is the constant 1 and f' = 0); for logits the probability terms are multiplied by σ'(x) = p·(1 − p).
/// Per sample: the mean of e over <see cref="CrossentropyLoss.Axis"/>; y_true and y_pred must have the same shape.
/// γ = 0 without class balancing is <see cref="BinaryCrossentropy"/> on probabilities (Keras 3: also on logits, through the
/// clipped sigmoid).</para>
/// <para><see cref="Alpha"/> is used only when <see cref="ApplyClassBalancing"/> is true. Logit recovery is not modelled
/// (see <see cref="BinaryCrossentropy"/>).</para>
/// <para>Keras: <c>keras.losses.BinaryFocalCrossentropy</c> / <c>binary_focal_crossentropy</c>; config keys <c>from_logits</c>,
/// <c>label_smoothing</c>, <c>axis</c>, <c>apply_class_balancing</c>, <c>alpha</c>, <c>gamma</c> (tf.keras 2:
/// <c>apply_class_balancing</c>, <c>alpha</c>, <c>gamma</c>, <c>from_logits</c>, <c>label_smoothing</c>, <c>axis</c>).</para>
/// </remarks>
[KerasLoss("BinaryFocalCrossentropy", "binary_focal_crossentropy", Keys = "from_logits label_smoothing axis apply_class_balancing alpha gamma",
    TfKeras2Keys = "apply_class_balancing alpha gamma from_logits label_smoothing axis", Names = "binary_focal_crossentropy")]
public sealed class BinaryFocalCrossentropy : CrossentropyLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="applyClassBalancing">Whether to weight each element by α (label 1) or 1 − α (label 0).</param>
    /// <param name="alpha">The class-balancing weight, in [0, 1]; used only with <paramref name="applyClassBalancing"/>.</param>
    /// <param name="gamma">The focusing parameter γ, a finite number ≥ 0.</param>
    /// <param name="fromLogits">Whether <c>yPred</c> holds logits instead of probabilities.</param>
    /// <param name="labelSmoothing">In [0, 1]: labels are squeezed toward 0.5.</param>
    /// <param name="axis">The axis the element losses are averaged over.</param>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"binary_focal_crossentropy"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x numbers.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> or <paramref name="labelSmoothing"/> is outside [0, 1] or
    /// NaN, or <paramref name="gamma"/> is negative, infinite or NaN.</exception>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public BinaryFocalCrossentropy(
        bool applyClassBalancing = false,
        double alpha = 0.25,
        double gamma = 2.0,
        bool fromLogits = false,
        double labelSmoothing = 0.0,
        int axis = -1,
        Reduction? reduction = null,
        string? name = null,
        LossSemantics semantics = LossSemantics.Keras3)
        : base(fromLogits, labelSmoothing, axis, reduction, name, semantics)
    {
        ApplyClassBalancing = applyClassBalancing;
        Alpha = Throw.Alpha(alpha);
        Gamma = Throw.Gamma(gamma);
    }

    /// <summary>Whether each element is weighted by α (label 1) or 1 − α (label 0).</summary>
    public bool ApplyClassBalancing { get; }

    /// <summary>The class-balancing weight α, in [0, 1].</summary>
    public double Alpha { get; }

    /// <summary>The focusing parameter γ ≥ 0.</summary>
    public double Gamma { get; }

    /// <summary>Builds the loss from a Keras config (see <see cref="Loss.GetConfig"/>).</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>, else Keras 3.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static BinaryFocalCrossentropy FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<BinaryFocalCrossentropy>(config, semantics);

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        RequireSameShape(yTrue, yPred, "binary_focal_crossentropy");
        return Layout.AroundAxis(yPred, ResolveAxis(Axis, yPred, "binary_focal_crossentropy"));
    }

    private protected override double Execute<T>(scoped ref Batch<T> batch)
    {
        var k = new Settings<T>(
            T.CreateChecked(1.0 - LabelSmoothing),
            T.CreateChecked(0.5 * LabelSmoothing),
            T.CreateChecked(Alpha),
            T.CreateChecked(1.0 - Alpha),
            T.CreateChecked(Gamma));
        return new FocalFactor<T>(k.Gamma).IsSquare ? Modes<T, Yes>(k, ref batch) : Modes<T, No>(k, ref batch);
    }

    private double Modes<T, TSquare>(Settings<T> k, scoped ref Batch<T> batch)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TSquare : struct, IFlag => (FromLogits, Semantics == LossSemantics.TfKeras2, ApplyClassBalancing) switch
        {
            (false, false, false) => PointwiseDriver.Run(new Kernel<T, No, No, No, TSquare>(k), ref batch),
            (false, false, true) => PointwiseDriver.Run(new Kernel<T, No, No, Yes, TSquare>(k), ref batch),
            (false, true, false) => PointwiseDriver.Run(new Kernel<T, No, Yes, No, TSquare>(k), ref batch),
            (false, true, true) => PointwiseDriver.Run(new Kernel<T, No, Yes, Yes, TSquare>(k), ref batch),
            (true, false, false) => PointwiseDriver.Run(new Kernel<T, Yes, No, No, TSquare>(k), ref batch),
            (true, false, true) => PointwiseDriver.Run(new Kernel<T, Yes, No, Yes, TSquare>(k), ref batch),
            (true, true, false) => PointwiseDriver.Run(new Kernel<T, Yes, Yes, No, TSquare>(k), ref batch),
            (true, true, true) => PointwiseDriver.Run(new Kernel<T, Yes, Yes, Yes, TSquare>(k), ref batch),
        };

    /// <summary>The kernel's numbers: the label smoothing's y' = y·a + c, α and 1 − α, γ.</summary>
    internal readonly record struct Settings<T>(T A, T C, T Alpha, T OneMinusAlpha, T Gamma)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The focal term of one element in one of the four modes (Keras 3 / tf.keras 2, probabilities / logits), with or
    /// without class balancing; <typeparamref name="TSquare"/> is on when γ is 2.</summary>
    internal readonly struct Kernel<T, TLogits, TTfKeras2, TBalance, TSquare>(Settings<T> settings) : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLogits : struct, IFlag
        where TTfKeras2 : struct, IFlag
        where TBalance : struct, IFlag
        where TSquare : struct, IFlag
    {
        private readonly T _a = settings.A, _c = settings.C, _alpha = settings.Alpha, _oneMinusAlpha = settings.OneMinusAlpha;
        private readonly T _lo = VMath.C<T>(1e-7);
        private readonly T _hi = VMath.C<T>(1.0 - 1e-7);
        private readonly FocalFactor<T> _factor = new(settings.Gamma);

        private static bool Logits => TLogits.On;

        private static bool TfKeras2 => TTfKeras2.On;

        private static bool Balance => TBalance.On;

        public static bool Vectorizable => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T v) => LossGrad(y, v, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T v, out T grad)
        {
            T ys = (y * _a) + _c;
            T oneMinusY = T.One - ys;
            T p = Logits ? T.One / (T.One + T.Exp(-v)) : v;
            T pt = (ys * p) + (oneMinusY * (T.One - p));
            T f = _factor.Value(T.One - pt, out T df);
            df *= oneMinusY - ys;   // ∂f/∂p
            T b, db;   // B and ∂B/∂p (∂B/∂x for tf.keras 2 Logits)
            if (TfKeras2 && Logits)
            {
                T e = T.Exp(-T.Abs(v));
                b = (v >= T.Zero ? v : T.Zero) - (v * ys) + VMath.Log1pSmall(e);
                db = p - ys;
            }
            else
            {
                T q = VMath.Clip(p, _lo, _hi);
                bool passes = !(p < _lo || p > _hi);
                T up = TfKeras2 ? q + _lo : q, down = TfKeras2 ? T.One - q + _lo : T.One - q;
                b = -((ys * T.Log(up)) + (oneMinusY * T.Log(down)));
                db = passes ? (oneMinusY / down) - (ys / up) : T.Zero;
            }

            T w = Balance ? (ys * _alpha) + (oneMinusY * _oneMinusAlpha) : T.One;
            T sigmoidPrime = Logits ? p * (T.One - p) : T.One;
            grad = TfKeras2 && Logits
                ? w * ((df * sigmoidPrime * b) + (f * db))
                : w * (((df * b) + (f * db)) * sigmoidPrime);
            T l = f * b;
            return Balance ? w * l : l;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> v, out Vector256<T> grad)
        {
            Vector256<T> one = Vector256<T>.One;
            Vector256<T> ys = (y * Vector256.Create(_a)) + Vector256.Create(_c);
            Vector256<T> oneMinusY = one - ys;
            Vector256<T> p = Logits ? one / (one + VMath.Exp(-v)) : v;
            Vector256<T> pt = (ys * p) + (oneMinusY * (one - p));
            Vector256<T> f = _factor.Value<TSquare>(one - pt, out Vector256<T> df);
            df *= oneMinusY - ys;
            Vector256<T> b, db;
            if (TfKeras2 && Logits)
            {
                Vector256<T> e = VMath.ExpNonPositive(-Vector256.Abs(v));
                b = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(v, Vector256<T>.Zero), v, Vector256<T>.Zero) - (v * ys) + VMath.Log1pSmall(e);
                db = p - ys;
            }
            else
            {
                Vector256<T> lo = Vector256.Create(_lo), hi = Vector256.Create(_hi);
                Vector256<T> q = VMath.Clip(p, lo, hi);
                Vector256<T> up = TfKeras2 ? q + lo : q, down = TfKeras2 ? one - q + lo : one - q;

                // up and down are normal or NaN; NaN lanes are put back below. Hard labels take the one logarithm they select.
                b = VMath.HardLabels(ys)
                    ? -VMath.LogNormal(Vector256.ConditionalSelect(Vector256.Equals(ys, one), up, down))
                    : -((ys * VMath.LogNormal(up)) + (oneMinusY * VMath.LogNormal(down)));
                b = Vector256.ConditionalSelect(Vector256.Equals(p, p), b, p);

                // Keras 3: (1 − y')/(1 − q) − y'/q = (q − y')/(q·(1 − q)), one division; tf.keras 2 keeps its two terms (see
                // BinaryCrossentropy.TfKeras2Kernel).
                db = VMath.ClipPasses(p, lo, hi) & (TfKeras2 ? (oneMinusY / down) - (ys / up) : (q - ys) / (q * down));
            }

            Vector256<T> w = Balance ? (ys * Vector256.Create(_alpha)) + (oneMinusY * Vector256.Create(_oneMinusAlpha)) : one;
            Vector256<T> sigmoidPrime = Logits ? p * (one - p) : one;
            grad = TfKeras2 && Logits
                ? w * ((df * sigmoidPrime * b) + (f * db))
                : w * (((df * b) + (f * db)) * sigmoidPrime);
            Vector256<T> l = f * b;
            return Balance ? w * l : l;
        }
    }
}
