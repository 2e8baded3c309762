using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Mean squared hinge loss over the last axis (Keras <c>SquaredHinge</c>).</summary>
/// <remarks>
/// <para>Labels as for <see cref="Hinge"/>: when every element of y_true is 0 or 1 they are taken as t = 2y − 1, otherwise
/// as they are (decided per call over the whole tensor).</para>
/// <para>Per element e = max(1 − t·p, 0)²; per sample: mean over the last axis. Gradient ∂e/∂p = −2t·max(1 − t·p, 0);
/// NaN in gives NaN out.</para>
/// <para>y_true broadcasts to y_pred's shape. Keras's <c>squared_hinge</c> function does not align ranks itself (the class
/// does). Keras: <c>keras.losses.SquaredHinge</c> / <c>squared_hinge</c>; config keys: name and reduction only.</para>
/// </remarks>
[KerasLoss("SquaredHinge", "squared_hinge", Names = "squared_hinge")]
public sealed class SquaredHinge : RegressionLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"squared_hinge"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public SquaredHinge(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
    }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static SquaredHinge FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<SquaredHinge>(config, semantics);

    private protected override bool FunctionAlignsRanks => false;

    private protected override double Execute<T>(scoped ref Batch<T> batch) =>
        Hinge.RunConverting<T, Kernel<T, Yes>, Kernel<T, No>>(ref batch);

    /// <summary>t = 2y − 1 when <typeparamref name="TConvert"/> is on (flagging through <paramref name="outside"/> any label
    /// that is neither 0 nor 1), else y; m = max(1 − t·p, 0); e = m·m; ∂e/∂p = −2t·m.</summary>
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
            T t = Hinge.Kernel<T, TConvert>.Labels(y, outside);
            T h = T.One - (t * p);
            T m = h < T.Zero ? T.Zero : h;
            grad = -(t + t) * m;
            return m * m;
        }

        /// <summary>The loss of <see cref="LossGrad(Vector256{T}, Vector256{T}, out Vector256{T})"/>; the JIT drops the unused gradient.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p) => LossGrad(y, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            Vector256<T> t = Hinge.Kernel<T, TConvert>.Labels(y, outside);
            Vector256<T> h = Vector256<T>.One - (t * p);
            Vector256<T> m = Vector256.AndNot(h, Vector256.LessThan(h, Vector256<T>.Zero));
            grad = -(t + t) * m;
            return m * m;
        }
    }
}
