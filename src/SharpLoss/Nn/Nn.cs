using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;

namespace SharpLoss;

/// <summary>
/// The cross-entropies of TensorFlow's <c>tf.nn</c> module: unreduced, element-wise (or per-row) losses on logits,
/// with their vector-Jacobian products (<c>…Gradient</c> methods: ∂Σ(upstream · loss)/∂logits; a missing
/// <c>upstream</c> means all ones).
/// </summary>
public static partial class Nn
{
    /// <summary><c>tf.nn.sigmoid_cross_entropy_with_logits</c>: max(x, 0) − x·z + log1p(exp(−|x|)) per element.</summary>
    /// <param name="labels">z, the same shape as <paramref name="logits"/>.</param>
    /// <param name="logits">x.</param>
    /// <returns>Per-element losses with <paramref name="logits"/>'s shape.</returns>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor<float> SigmoidCrossEntropyWithLogits(LossInput<float> labels, LossInput<float> logits) => TfNnSigmoidCrossEntropyWithLogits.Instance.Values(labels, logits);

    /// <inheritdoc cref="SigmoidCrossEntropyWithLogits(LossInput{float}, LossInput{float})"/>
    public static Tensor<double> SigmoidCrossEntropyWithLogits(LossInput<double> labels, LossInput<double> logits) => TfNnSigmoidCrossEntropyWithLogits.Instance.Values(labels, logits);

    /// <summary>Vector-Jacobian product of <see cref="SigmoidCrossEntropyWithLogits(LossInput{float}, LossInput{float})"/>: upstream · (σ(x) − z).</summary>
    /// <param name="labels">z.</param>
    /// <param name="logits">x.</param>
    /// <param name="upstream">The upstream gradient (logits' shape), or nothing for all ones.</param>
    /// <returns>∂/∂logits, with <paramref name="logits"/>'s shape.</returns>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor<float> SigmoidCrossEntropyWithLogitsGradient(LossInput<float> labels, LossInput<float> logits, LossInput<float> upstream = default) => TfNnSigmoidCrossEntropyWithLogits.Instance.Gradient(labels, logits, upstream);

    /// <inheritdoc cref="SigmoidCrossEntropyWithLogitsGradient(LossInput{float}, LossInput{float}, LossInput{float})"/>
    public static Tensor<double> SigmoidCrossEntropyWithLogitsGradient(LossInput<double> labels, LossInput<double> logits, LossInput<double> upstream = default) => TfNnSigmoidCrossEntropyWithLogits.Instance.Gradient(labels, logits, upstream);

    /// <summary>
    /// <c>tf.nn.weighted_cross_entropy_with_logits</c>: q·z·(−log σ(x)) + (1 − z)·(−log(1 − σ(x))) per element, computed in a
    /// form without cancellation (TensorFlow's own formula loses digits for large negative x: 4.5776367e-05 where the exact
    /// value is 4.5398899e-05).
    /// </summary>
    /// <param name="labels">z, the same shape as <paramref name="logits"/>.</param>
    /// <param name="logits">x.</param>
    /// <param name="posWeight">q: a scalar, or a tensor that broadcasts to <paramref name="logits"/>'s shape.</param>
    /// <returns>Per-element losses with <paramref name="logits"/>'s shape.</returns>
    /// <exception cref="ArgumentException">The shapes differ, or <paramref name="posWeight"/> does not broadcast or is NaN.</exception>
    public static Tensor<float> WeightedCrossEntropyWithLogits(LossInput<float> labels, LossInput<float> logits, LossInput<float> posWeight) => Weighted(labels, logits, posWeight, default, false);

    /// <inheritdoc cref="WeightedCrossEntropyWithLogits(LossInput{float}, LossInput{float}, LossInput{float})"/>
    public static Tensor<double> WeightedCrossEntropyWithLogits(LossInput<double> labels, LossInput<double> logits, LossInput<double> posWeight) => Weighted(labels, logits, posWeight, default, false);

    /// <summary>Vector-Jacobian product of <see cref="WeightedCrossEntropyWithLogits(LossInput{float}, LossInput{float}, LossInput{float})"/>:
    /// upstream · ((1 − z) − l·σ(−x)) with l = 1 + (q − 1)·z (TensorFlow's value 1 − z at x = 0).</summary>
    /// <param name="labels">z.</param>
    /// <param name="logits">x.</param>
    /// <param name="posWeight">q.</param>
    /// <param name="upstream">The upstream gradient (logits' shape), or nothing for all ones.</param>
    /// <returns>∂/∂logits, with <paramref name="logits"/>'s shape.</returns>
    /// <exception cref="ArgumentException">The shapes differ, or <paramref name="posWeight"/> does not broadcast or is NaN.</exception>
    public static Tensor<float> WeightedCrossEntropyWithLogitsGradient(LossInput<float> labels, LossInput<float> logits, LossInput<float> posWeight, LossInput<float> upstream = default) => Weighted(labels, logits, posWeight, upstream, true);

    /// <inheritdoc cref="WeightedCrossEntropyWithLogitsGradient(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{float})"/>
    public static Tensor<double> WeightedCrossEntropyWithLogitsGradient(LossInput<double> labels, LossInput<double> logits, LossInput<double> posWeight, LossInput<double> upstream = default) => Weighted(labels, logits, posWeight, upstream, true);

    /// <summary><c>tf.nn.softmax_cross_entropy_with_logits</c> (v2): −Σ_axis labels·log_softmax(logits).</summary>
    /// <param name="labels">Class probabilities, the same shape as <paramref name="logits"/>.</param>
    /// <param name="logits">Logits.</param>
    /// <param name="axis">The class axis.</param>
    /// <returns>Losses with <paramref name="labels"/>'s shape without <paramref name="axis"/>.</returns>
    /// <exception cref="ArgumentException">The shapes differ or the axis is out of range.</exception>
    public static Tensor<float> SoftmaxCrossEntropyWithLogits(LossInput<float> labels, LossInput<float> logits, int axis = -1) => new TfNnSoftmaxCrossEntropyWithLogits(axis).Values(labels, logits);

    /// <inheritdoc cref="SoftmaxCrossEntropyWithLogits(LossInput{float}, LossInput{float}, int)"/>
    public static Tensor<double> SoftmaxCrossEntropyWithLogits(LossInput<double> labels, LossInput<double> logits, int axis = -1) => new TfNnSoftmaxCrossEntropyWithLogits(axis).Values(labels, logits);

    /// <summary>Vector-Jacobian product of <see cref="SoftmaxCrossEntropyWithLogits(LossInput{float}, LossInput{float}, int)"/> with respect to
    /// the logits: upstream · ((Σ labels)·softmax − labels), which is TensorFlow's softmax − labels for labels that sum to 1.</summary>
    /// <param name="labels">Class probabilities.</param>
    /// <param name="logits">Logits.</param>
    /// <param name="axis">The class axis.</param>
    /// <param name="upstream">The upstream gradient (the loss's shape), or nothing for all ones.</param>
    /// <returns>∂/∂logits, with <paramref name="logits"/>'s shape.</returns>
    /// <exception cref="ArgumentException">The shapes differ or the axis is out of range.</exception>
    public static Tensor<float> SoftmaxCrossEntropyWithLogitsGradient(LossInput<float> labels, LossInput<float> logits, int axis = -1, LossInput<float> upstream = default) => new TfNnSoftmaxCrossEntropyWithLogits(axis).Gradient(labels, logits, upstream);

    /// <inheritdoc cref="SoftmaxCrossEntropyWithLogitsGradient(LossInput{float}, LossInput{float}, int, LossInput{float})"/>
    public static Tensor<double> SoftmaxCrossEntropyWithLogitsGradient(LossInput<double> labels, LossInput<double> logits, int axis = -1, LossInput<double> upstream = default) => new TfNnSoftmaxCrossEntropyWithLogits(axis).Gradient(labels, logits, upstream);

    /// <summary><c>tf.nn.sparse_softmax_cross_entropy_with_logits</c>: log Σ exp(x) − x_label per row (classes on the last axis).</summary>
    /// <param name="labels">Class ids in [0, K), of rank one less than <paramref name="logits"/>.</param>
    /// <param name="logits">Logits.</param>
    /// <returns>Losses with <paramref name="labels"/>'s shape.</returns>
    /// <exception cref="ArgumentException">The ranks or shapes do not match, or the logits are scalars.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label lies outside [0, K) (TensorFlow on CPU raises the same).</exception>
    public static Tensor<float> SparseSoftmaxCrossEntropyWithLogits(LossInput<int> labels, LossInput<float> logits) => Sparse(labels, default, LabelKind.Int32, logits, default, CallMode.Tensor);

    /// <inheritdoc cref="SparseSoftmaxCrossEntropyWithLogits(LossInput{int}, LossInput{float})"/>
    public static Tensor<float> SparseSoftmaxCrossEntropyWithLogits(LossInput<long> labels, LossInput<float> logits) => Sparse(default, labels, LabelKind.Int64, logits, default, CallMode.Tensor);

    /// <inheritdoc cref="SparseSoftmaxCrossEntropyWithLogits(LossInput{int}, LossInput{float})"/>
    public static Tensor<double> SparseSoftmaxCrossEntropyWithLogits(LossInput<int> labels, LossInput<double> logits) => Sparse(labels, default, LabelKind.Int32, logits, default, CallMode.Tensor);

    /// <inheritdoc cref="SparseSoftmaxCrossEntropyWithLogits(LossInput{int}, LossInput{float})"/>
    public static Tensor<double> SparseSoftmaxCrossEntropyWithLogits(LossInput<long> labels, LossInput<double> logits) => Sparse(default, labels, LabelKind.Int64, logits, default, CallMode.Tensor);

    /// <summary>Vector-Jacobian product of <see cref="SparseSoftmaxCrossEntropyWithLogits(LossInput{int}, LossInput{float})"/>: upstream · (softmax − onehot).</summary>
    /// <param name="labels">Class ids.</param>
    /// <param name="logits">Logits.</param>
    /// <param name="upstream">The upstream gradient (labels' shape), or nothing for all ones.</param>
    /// <returns>∂/∂logits, with <paramref name="logits"/>'s shape.</returns>
    /// <exception cref="ArgumentException">The ranks or shapes do not match.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label lies outside [0, K).</exception>
    public static Tensor<float> SparseSoftmaxCrossEntropyWithLogitsGradient(LossInput<int> labels, LossInput<float> logits, LossInput<float> upstream = default) => Sparse(labels, default, LabelKind.Int32, logits, upstream, CallMode.Backward);

    /// <inheritdoc cref="SparseSoftmaxCrossEntropyWithLogitsGradient(LossInput{int}, LossInput{float}, LossInput{float})"/>
    public static Tensor<float> SparseSoftmaxCrossEntropyWithLogitsGradient(LossInput<long> labels, LossInput<float> logits, LossInput<float> upstream = default) => Sparse(default, labels, LabelKind.Int64, logits, upstream, CallMode.Backward);

    /// <inheritdoc cref="SparseSoftmaxCrossEntropyWithLogitsGradient(LossInput{int}, LossInput{float}, LossInput{float})"/>
    public static Tensor<double> SparseSoftmaxCrossEntropyWithLogitsGradient(LossInput<int> labels, LossInput<double> logits, LossInput<double> upstream = default) => Sparse(labels, default, LabelKind.Int32, logits, upstream, CallMode.Backward);

    /// <inheritdoc cref="SparseSoftmaxCrossEntropyWithLogitsGradient(LossInput{int}, LossInput{float}, LossInput{float})"/>
    public static Tensor<double> SparseSoftmaxCrossEntropyWithLogitsGradient(LossInput<long> labels, LossInput<double> logits, LossInput<double> upstream = default) => Sparse(default, labels, LabelKind.Int64, logits, upstream, CallMode.Backward);

    internal static Tensor<T> Gradient<T>(Loss op, LossInput<T> labels, LossInput<T> logits, LossInput<T> upstream, LossInput<T> weights = default, string labelsArg = "labels", string predictionsArg = "logits")
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Throw.IfUnusable(logits, predictionsArg);
        var grad = new T[logits.Data.Length];
        var a = new CallArgs<T>
        {
            YTrue = labels,
            YPred = logits,
            SampleWeight = weights,
            Upstream = upstream,
            Gradient = grad,
            Mode = CallMode.Backward,
            Wrapper = false,
            YTrueName = labelsArg,
            YPredName = predictionsArg,
            WeightName = "weights",
        };
        op.Run(ref a, out _);
        return Tensor.Create(grad, logits.Shape.TensorLengths());
    }

    private static Tensor<T> Sparse<T>(LossInput<int> y32, LossInput<long> y64, LabelKind kind, LossInput<T> logits, LossInput<T> upstream, CallMode mode)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Throw.IfUnusable(logits, "logits");
        if (logits.Shape.Rank == 0)
        {
            Throw.Argument("logits", "Logits cannot be scalars. Received: shape ().");
        }

        var a = ClassIdLoss.Sparse(y32, y64, kind, logits, default, default, mode);
        a.Wrapper = false;
        a.YTrueName = "labels";
        a.YPredName = "logits";
        a.Upstream = upstream;
        if (mode == CallMode.Tensor)
        {
            TfNnSparseSoftmaxCrossEntropyWithLogits.Instance.Run(ref a, out Tensor<T>? t);
            return t!;
        }

        var grad = new T[logits.Data.Length];
        a.Gradient = grad;
        TfNnSparseSoftmaxCrossEntropyWithLogits.Instance.Run(ref a, out _);
        return Tensor.Create(grad, logits.Shape.TensorLengths());
    }

    private static Tensor<T> Weighted<T>(LossInput<T> labels, LossInput<T> logits, LossInput<T> posWeight, LossInput<T> upstream, bool gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Throw.IfUnusable(posWeight, "posWeight", allowScalar: true);
        if (posWeight.IsScalar || posWeight.Data.Length == 1 && posWeight.Shape.Rank == 0)
        {
            T q = posWeight.IsScalar ? posWeight.Scalar : posWeight.Data[0];
            var op = new TfNnWeightedCrossEntropyWithLogits(double.CreateTruncating(CheckPosWeight(q)));
            return gradient ? op.Gradient(labels, logits, upstream) : op.Values(labels, logits);
        }

        // A tensor pos_weight: broadcast to the logits, then the same kernel element by element.
        Throw.IfUnusable(labels, "labels");
        Throw.IfUnusable(logits, "logits");
        if (labels.Shape != logits.Shape)
        {
            Throw.Argument("labels", $"weighted_cross_entropy_with_logits: logits and labels must have the same shape ({logits.Shape} vs {labels.Shape}).");
        }

        if (!Shape.TryBroadcast(logits.Shape, posWeight.Shape, out Shape b) || b != logits.Shape)
        {
            Throw.Argument("posWeight", $"Expected `posWeight` to broadcast to the logits' shape {logits.Shape}. Received: shape {posWeight.Shape}.");
        }

        if (gradient && !upstream.IsAbsent && !upstream.IsScalar && upstream.Shape != logits.Shape)
        {
            Throw.Argument("upstream", $"Expected `upstream` of shape {logits.Shape}. Received: shape {upstream.Shape}.");
        }

        int[] map = Broadcast.Map(logits.Shape, posWeight.Shape);
        var result = new T[logits.Data.Length];
        for (int i = 0; i < result.Length; i++)
        {
            var kernel = new ElementwiseOp.WeightedKernel<T>(CheckPosWeight(posWeight.Data[map[i]]));
            T l = kernel.LossGrad(labels.Data[i], logits.Data[i], out T g);
            T u = upstream.IsAbsent ? T.One : upstream.IsScalar ? upstream.Scalar : upstream.Data[i];
            result[i] = gradient ? g * u : l;
        }

        return Tensor.Create(result, logits.Shape.TensorLengths());
    }

    private static T CheckPosWeight<T>(T q)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (T.IsNaN(q))
        {
            throw new ArgumentOutOfRangeException("posWeight", double.NaN, "Expected `pos_weight` to be a number. Received: NaN.");
        }

        return q;
    }
}
