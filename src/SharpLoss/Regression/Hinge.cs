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

    private protected override double Execute<T>(scoped ref Batch<T> batch) => RunConverting<T, Kernel<T, Yes>, Kernel<T, No>>(ref batch);

    /// <summary>
    /// Runs a hinge kernel with Keras's label conversion (see <see cref="ConvertsLabels"/>) decided in the same pass: when
    /// the first labels are all 0 or 1, the converting kernel runs and flags any label that is neither; only then does the
    /// pass run again without conversion, overwriting every gradient and per-sample value (a label outside {0, 1} among the
    /// first ones decides at once). The labels are read once instead of twice. The labels are scanned first instead under
    /// a chunk recorder (blocks of a stream), whose passes must not repeat, and when the gradient is written over the
    /// predictions, which a second pass would read.
    /// </summary>
    internal static unsafe double RunConverting<T, TConverting, TPlain>(scoped ref Batch<T> batch)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TConverting : struct, IHingeKernel<T, TConverting>
        where TPlain : struct, IHingeKernel<T, TPlain>
    {
        ReadOnlySpan<T> y = batch.Y;
        bool once = ChunkRecorder.Current is not null || batch.Grad.Overlaps(batch.P);
        bool maybe = ConvertsLabels(once ? y : y[..Math.Min(y.Length, Vector256<T>.Count)]);
        if (!maybe)
        {
            return PointwiseDriver.Run(TPlain.Create(null), ref batch);
        }

        int outside = 0;
        double sum = PointwiseDriver.Run(TConverting.Create(&outside), ref batch);
        return Volatile.Read(ref outside) == 0 ? sum : PointwiseDriver.Run(TPlain.Create(null), ref batch);
    }

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
    /// t = 2y − 1 when <typeparamref name="TConvert"/> is on (flagging through <paramref name="outside"/> any label that is
    /// neither 0 nor 1), else y; h = 1 − t·p; e = max(h, 0); ∂e/∂p = −t where h ≥ 0, 0 where h &lt; 0, NaN where h is NaN.
    /// </summary>
    internal readonly unsafe struct Kernel<T, TConvert>(int* outside) : IHingeKernel<T, Kernel<T, TConvert>>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TConvert : struct, IFlag
    {
        public static bool Vectorizable => true;

        public static bool StreamsGradient => true;

        public static Kernel<T, TConvert> Create(int* outside) => new(outside);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T p, out T grad)
        {
            T t = Labels(y, outside);
            T h = T.One - (t * p);
            grad = h < T.Zero ? T.Zero : h >= T.Zero ? -t : h;
            return h < T.Zero ? T.Zero : h;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            Vector256<T> t = Labels(y, outside);
            Vector256<T> h = Vector256<T>.One - (t * p);
            Vector256<T> negative = Vector256.LessThan(h, Vector256<T>.Zero);
            grad = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(h, Vector256<T>.Zero), -t, Vector256.AndNot(h, negative));
            return Vector256.AndNot(h, negative);
        }

        /// <summary>t = 2y − 1 when converting (flagging a label outside {0, 1}), else y.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static T Labels(T y, int* outside)
        {
            if (!TConvert.On)
            {
                return y;
            }

            if (y != T.Zero && y != T.One)
            {
                *outside = 1;
            }

            return y + y - T.One;
        }

        /// <inheritdoc cref="Labels(T, int*)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector256<T> Labels(Vector256<T> y, int* outside)
        {
            if (!TConvert.On)
            {
                return y;
            }

            if (!VMath.HardLabels(y))
            {
                *outside = 1;
            }

            return y + y - Vector256<T>.One;
        }
    }
}

/// <summary>A hinge kernel <see cref="Hinge.RunConverting{T, TConverting, TPlain}"/> can build: converting ones flag a label
/// outside {0, 1} through the pointer.</summary>
internal unsafe interface IHingeKernel<T, TSelf> : IPointwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TSelf : struct, IHingeKernel<T, TSelf>
{
    /// <summary>The kernel, flagging through <paramref name="outside"/> (null when it does not convert).</summary>
    static abstract TSelf Create(int* outside);
}
