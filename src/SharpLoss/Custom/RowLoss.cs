using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;
using SharpLoss.Kernels;

namespace SharpLoss;

/// <summary>
/// The base of a custom loss defined per row: a function of one row of labels and the matching row of predictions along
/// the last axis that returns the row's loss and, when asked, its gradient with respect to the predictions. A subclass
/// overrides <see cref="Evaluate{T}"/> and gets the Keras pipeline (rank alignment, sample weights, masks, every
/// <see cref="SharpLoss.Reduction"/>), the gradient entry points, float and double, deterministic multi-core execution,
/// and a Keras config, as <see cref="ElementwiseLoss"/> describes.
/// </summary>
/// <remarks>
/// <para>y_true and y_pred must have the same shape (after Keras's rank alignment) of rank at least 1; each row along the
/// last axis gives one per-sample loss, so the per-sample losses have y_pred's shape without its last axis.</para>
/// <para>Config keys, default name and thread-safety are as for <see cref="ElementwiseLoss"/>. The rows are handed to
/// <see cref="Evaluate{T}"/> as spans over the caller's memory (no copy), chunked over cores as the built-in row losses
/// are, and the driver scales the gradient row by the sample's weight and the reduction.</para>
/// </remarks>
public abstract class RowLoss : Loss
{
    private RowFunction<float>? _float;
    private RowFunction<double>? _double;

    /// <summary>Sets the reduction, name and semantics.</summary>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/> (Keras 3) or <see cref="Reduction.Auto"/> (tf.keras 2).</param>
    /// <param name="name">The name; default the class name in snake_case.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x: the rank and weight rules of the pipeline.</param>
    /// <exception cref="ArgumentException"><paramref name="reduction"/> is not valid for <paramref name="semantics"/>.</exception>
#pragma warning disable RS0022 // Loss's hooks are private protected: this constructor exposes none of them, only the public Evaluate.
    protected RowLoss(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
#pragma warning restore RS0022
    {
    }

    private delegate T RowFunction<T>(ReadOnlySpan<T> yTrue, ReadOnlySpan<T> yPred, Span<T> gradient);

    private protected override bool FunctionAlignsRanks => true;

    /// <summary>One row's loss and, when <paramref name="gradient"/> is not empty, ∂loss/∂yPred for the row.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="yTrue">The row of labels.</param>
    /// <param name="yPred">The row of predictions, of the same length.</param>
    /// <param name="gradient">Empty when only the value is wanted; otherwise a row of the same length to fill with
    /// ∂loss/∂yPred (every element must be written).</param>
    /// <returns>The row's loss.</returns>
    protected abstract T Evaluate<T>(ReadOnlySpan<T> yTrue, ReadOnlySpan<T> yPred, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>;

    private protected sealed override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        if (yPred.Rank < 1)
        {
            Throw.Argument("yPred", $"Expected `yTrue` and `yPred` of rank at least 1 (the rows are along the last axis) for {Name}. Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
        }

        RequireSameShape(yTrue, yPred, Name);
        return Layout.AroundAxis(yPred, yPred.Rank - 1);
    }

    private protected sealed override double Execute<T>(scoped ref Batch<T> batch)
    {
        if (typeof(T) == typeof(float))
        {
            ref Batch<float> b = ref System.Runtime.CompilerServices.Unsafe.As<Batch<T>, Batch<float>>(ref batch);
            return RowDriver.Run(new Kernel<float>(_float ??= Evaluate<float>), ref b);
        }

        ref Batch<double> d = ref System.Runtime.CompilerServices.Unsafe.As<Batch<T>, Batch<double>>(ref batch);
        return RowDriver.Run(new Kernel<double>(_double ??= Evaluate<double>), ref d);
    }

    /// <summary>The subclass's row function as a row kernel: the gradient row it writes is scaled by the coefficient.</summary>
    private readonly struct Kernel<T>(RowFunction<T> function) : IRowKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public bool Pairs => false;

        public T Row(ReadOnlySpan<T> y, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize)
        {
            T loss = function(y, p, grad);
            if (!grad.IsEmpty)
            {
                TensorPrimitives.Multiply(grad, coef, grad);
            }

            return loss;
        }

        public void RowPair(in RowArgs<T> first, in RowArgs<T> second, Span<T> scratch, out T loss0, out T loss1)
        {
            loss0 = Row(first.Y, first.P, first.Grad, first.Coef, scratch, vectorize: true);
            loss1 = Row(second.Y, second.P, second.Grad, second.Coef, scratch, vectorize: true);
        }
    }
}
