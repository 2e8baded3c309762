using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Mean hinge loss over the last axis (Keras <c>Hinge</c>).</summary>
/// <remarks>
/// <para>Labels are expected in {−1, 1}. Label conversion, as Keras does it: when <em>every</em> element of y_true is 0 or
/// 1, the labels are taken as t = 2y − 1; otherwise t = y unchanged (a batch of {−1, 0, 1} keeps its zeros). The decision
/// is made per call over the whole y_true tensor; NaN is neither 0 nor 1.</para>
/// <para>Per element e = max(1 − t·p, 0); per sample: mean over the last axis. Gradient ∂e/∂p = −t where 1 − t·p ≥ 0
/// (TensorFlow's maximum passes the gradient to its first argument on a tie), 0 elsewhere; NaN in gives NaN out.</para>
/// <para>y_true broadcasts to y_pred's shape. Keras's <c>hinge</c> function does not align ranks itself (the class does,
/// through <c>LossFunctionWrapper</c>). Keras: <c>keras.losses.Hinge</c> / <c>hinge</c>; config keys: name and reduction
/// only. <c>tf.compat.v1.losses.hinge_loss</c>, which converts unconditionally, is a different function.</para>
/// </remarks>
[KerasLoss("Hinge", "hinge", Names = "hinge")]
public sealed class Hinge : RegressionLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"hinge"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public Hinge(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
    }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static Hinge FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<Hinge>(config, semantics);

    private protected override bool FunctionAlignsRanks => false;

    private protected override double Execute<T>(scoped ref Batch<T> batch) =>
        PointwiseDriver.Run(new Kernel<T>(ConvertsLabels(batch.Y)), ref batch);

    /// <summary>
    /// Keras's <c>convert_binary_labels_to_hinge</c> test: whether every label is 0 or 1 (then the kernels use 2y − 1).
    /// The labels broadcast to y_pred's shape hold the same values as y_true, so either may be scanned. One read of the
    /// labels before the kernel pass; it stops at the first label that is neither.
    /// </summary>
    internal static bool ConvertsLabels<T>(ReadOnlySpan<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && y.Length >= Vector256<T>.Count)
        {
            ref T start = ref MemoryMarshal.GetReference(y);
            uint allLanes = (1u << Vector256<T>.Count) - 1;
            for (; i <= y.Length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256<T> v = Vector256.LoadUnsafe(ref start, (nuint)i);
                if ((Vector256.Equals(v, Vector256<T>.Zero) | Vector256.Equals(v, Vector256<T>.One)).ExtractMostSignificantBits() != allLanes)
                {
                    return false;
                }
            }
        }

        for (; i < y.Length; i++)
        {
            if (y[i] != T.Zero && y[i] != T.One)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// t = 2y − 1 when <paramref name="convert"/>, else y; h = 1 − t·p; e = max(h, 0); ∂e/∂p = −t where h ≥ 0, 0 where
    /// h &lt; 0, NaN where h is NaN.
    /// </summary>
    internal readonly struct Kernel<T>(bool convert) : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T p, out T grad)
        {
            T t = convert ? y + y - T.One : y;
            T h = T.One - (t * p);
            grad = h < T.Zero ? T.Zero : h >= T.Zero ? -t : h;
            return h < T.Zero ? T.Zero : h;
        }

        /// <summary>The loss of <see cref="LossGrad(Vector256{T}, Vector256{T}, out Vector256{T})"/>; the JIT drops the unused gradient.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            Vector256<T> t = convert ? y + y - Vector256<T>.One : y;
            Vector256<T> h = Vector256<T>.One - (t * p);
            Vector256<T> negative = Vector256.LessThan(h, Vector256<T>.Zero);
            grad = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(h, Vector256<T>.Zero), -t, Vector256.AndNot(h, negative));
            return Vector256.AndNot(h, negative);
        }
    }
}
