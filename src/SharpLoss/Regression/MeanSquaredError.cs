using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Mean of squared errors over the last axis (Keras <c>MeanSquaredError</c>).</summary>
/// <remarks>
/// Per element e = (y − p)²; per sample: mean over the last axis. Gradient ∂e/∂p = 2(p − y).
/// y_true broadcasts to y_pred's shape. Keras: <c>keras.losses.MeanSquaredError</c> / <c>mean_squared_error</c>
/// (aliases <c>mse</c>, <c>MSE</c>); config keys: name and reduction only.
/// </remarks>
[KerasLoss("MeanSquaredError", "mean_squared_error", Names = "mean_squared_error mse MSE")]
public sealed class MeanSquaredError : RegressionLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default <c>"mean_squared_error"</c>.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
    public MeanSquaredError(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
    }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static MeanSquaredError FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<MeanSquaredError>(config, semantics);

    private protected override double Execute<T>(scoped ref Batch<T> batch) => PointwiseDriver.Run(default(Kernel<T>), ref batch);

    /// <summary>e = (y − p)², ∂e/∂p = −2(y − p).</summary>
    internal readonly struct Kernel<T> : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;

        public static bool StreamsGradient => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T p)
        {
            T d = y - p;
            return d * d;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T p, out T grad)
        {
            T d = y - p;
            grad = -(d + d);
            return d * d;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p)
        {
            Vector256<T> d = y - p;
            return d * d;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            Vector256<T> d = y - p;
            grad = -(d + d);
            return d * d;
        }
    }
}
