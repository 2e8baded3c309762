using System.Numerics;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;

namespace SharpLoss;

/// <summary>
/// The base of a custom loss defined by an element term e(y, p) and its derivative ∂e/∂p: the per-sample loss is the mean
/// of e over the last axis, as Keras's element-wise losses (<c>mean_squared_error</c> and the like) compute it. A subclass
/// overrides <see cref="Evaluate{T}"/> and gets everything a built-in loss has: the Keras pipeline (rank alignment,
/// y_true broadcasting to y_pred, sample weights, masks, every <see cref="SharpLoss.Reduction"/>), <c>Compute</c>,
/// <c>Call</c>, <c>ValueAndGradient</c> and <c>Backward</c>, float and double, deterministic multi-core execution, and a
/// Keras config (<see cref="Loss.GetConfig"/>, <see cref="Loss.ToJson"/>, and with <see cref="Losses.Register{TLoss}"/>
/// <see cref="Losses.Get(string, LossSemantics)"/> and <see cref="Losses.FromJson(string)"/>).
/// </summary>
/// <remarks>
/// <para>The config is read from the subclass's public constructor with the most parameters: each parameter other than
/// <c>reduction</c>, <c>name</c> and <c>semantics</c> is a config key (its snake_case name, in parameter order) and must
/// have a public property of the same name in PascalCase, a default value, and the type <see cref="double"/>,
/// <see cref="int"/>, <see cref="int"/>? or <see cref="bool"/>. The default <c>name</c> is the class name in snake_case,
/// as Keras names a <c>Loss</c> subclass.</para>
/// <para>Trade-off: <see cref="Evaluate{T}"/> is one generic method, written once with .NET generic math for both float
/// and double, and called once per element through a delegate bound when the loss is first used. It runs on the library's
/// chunked multi-core drivers (bit-identical on any number of threads) but on their scalar path, without the hand-written
/// Vector256/Vector512 kernels of the built-in losses, and pays a delegate call per element. Like every loss, a subclass must be
/// immutable (get-only properties) to be thread-safe.</para>
/// </remarks>
public abstract class ElementwiseLoss : RegressionLoss
{
    private ElementFunction<float>? _float;
    private ElementFunction<double>? _double;

    /// <summary>Sets the reduction, name and semantics.</summary>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default the class name in snake_case.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x: the rank and weight rules of the pipeline.</param>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
#pragma warning disable RS0022 // Loss's hooks are private protected: this constructor exposes none of them, only the public Evaluate.
    protected ElementwiseLoss(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
#pragma warning restore RS0022
    {
    }

    private delegate T ElementFunction<T>(T yTrue, T yPred, out T derivative);

    /// <summary>The element term and its derivative with respect to <paramref name="yPred"/>, in the element type.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="yTrue">One label.</param>
    /// <param name="yPred">The matching prediction.</param>
    /// <param name="derivative">Receives ∂e/∂yPred.</param>
    /// <returns>e(yTrue, yPred).</returns>
    protected abstract T Evaluate<T>(T yTrue, T yPred, out T derivative)
        where T : unmanaged, IFloatingPointIeee754<T>;

    private protected sealed override double Execute<T>(scoped ref Batch<T> batch)
    {
        if (typeof(T) == typeof(float))
        {
            ref Batch<float> b = ref System.Runtime.CompilerServices.Unsafe.As<Batch<T>, Batch<float>>(ref batch);
            return PointwiseDriver.Run(new Kernel<float>(_float ??= Evaluate<float>), ref b);
        }

        ref Batch<double> d = ref System.Runtime.CompilerServices.Unsafe.As<Batch<T>, Batch<double>>(ref batch);
        return PointwiseDriver.Run(new Kernel<double>(_double ??= Evaluate<double>), ref d);
    }

    /// <summary>The subclass's element function as a scalar pointwise kernel.</summary>
    private readonly struct Kernel<T>(ElementFunction<T> function) : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => false;

        public T Loss(T y, T p) => function(y, p, out _);

        public T LossGrad(T y, T p, out T grad) => function(y, p, out grad);

        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p) => throw new NotSupportedException();

        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad) => throw new NotSupportedException();
    }
}
