using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;

namespace SharpLoss;

/// <summary>
/// The losses of <c>tf.compat.v1.losses</c>: each returns a weighted, reduced loss with the v1 reductions (default
/// <see cref="Reduction.SumByNonzeroWeights"/>) and v1's restricted weight broadcasting (a scalar, or the losses' rank
/// with every dimension 1 or equal). Results are tensors as in TensorFlow: shape [1] for a reduced scalar, the
/// per-sample shape for <see cref="Reduction.None"/>. Precision follows the element type (TensorFlow reduces float64
/// losses in float32; SharpLoss does not downcast). <c>…Gradient</c> methods give ∂Σ(upstream · result)/∂predictions.
/// </summary>
public static partial class CompatV1
{
    /// <summary><c>tf.compat.v1.losses.Reduction</c>.</summary>
    public enum Reduction
    {
        /// <summary><c>"none"</c>: the weighted losses, unreduced.</summary>
        None = 0,

        /// <summary><c>"weighted_sum"</c>: Σ(l·w).</summary>
        Sum = 1,

        /// <summary><c>"weighted_mean"</c>: Σ(l·w) / Σ(w broadcast to l).</summary>
        Mean = 2,

        /// <summary><c>"weighted_sum_over_batch_size"</c>: Σ(l·w) / number of elements of l.</summary>
        SumOverBatchSize = 3,

        /// <summary><c>"weighted_sum_by_nonzero_weights"</c> (the default): Σ(l·w) / number of non-zero weights (broadcast to l).</summary>
        SumByNonzeroWeights = 4,

        /// <summary>Alias of <see cref="SumByNonzeroWeights"/>.</summary>
        SumOverNonzeroWeights = SumByNonzeroWeights,
    }

    /// <summary>
    /// <c>tf.compat.v1.losses.softmax_cross_entropy</c>: softmax cross-entropy of logits against one-hot labels (smoothed toward
    /// 1/K when <paramref name="labelSmoothing"/> &gt; 0, K = the labels' last dimension), weighted and reduced.
    /// </summary>
    /// <param name="onehotLabels">One-hot labels [batch, K].</param>
    /// <param name="logits">Logits, the same shape.</param>
    /// <param name="weights">Per-sample weights ([batch] or a scalar); nothing means 1.</param>
    /// <param name="labelSmoothing">In [0, 1].</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <returns>The loss: shape [1] when reduced, [batch] for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">Shapes, weights or the reduction are invalid.</exception>
    public static Tensor<float> SoftmaxCrossEntropy(LossInput<float> onehotLabels, LossInput<float> logits, LossInput<float> weights = default, double labelSmoothing = 0, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1SoftmaxCrossEntropy(labelSmoothing, reduction).Values(onehotLabels, logits, weights);

    /// <inheritdoc cref="SoftmaxCrossEntropy(LossInput{float}, LossInput{float}, LossInput{float}, double, Reduction)"/>
    public static Tensor<double> SoftmaxCrossEntropy(LossInput<double> onehotLabels, LossInput<double> logits, LossInput<double> weights = default, double labelSmoothing = 0, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1SoftmaxCrossEntropy(labelSmoothing, reduction).Values(onehotLabels, logits, weights);

    /// <summary>Gradient of <see cref="SoftmaxCrossEntropy(LossInput{float}, LossInput{float}, LossInput{float}, double, Reduction)"/> with respect to the logits.</summary>
    /// <param name="onehotLabels">One-hot labels.</param>
    /// <param name="logits">Logits.</param>
    /// <param name="weights">Weights; nothing means 1.</param>
    /// <param name="labelSmoothing">In [0, 1].</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <param name="upstream">The upstream gradient (the result's shape), or nothing for 1.</param>
    /// <returns>∂/∂logits, with the logits' shape.</returns>
    /// <exception cref="ArgumentException">Shapes, weights or the reduction are invalid.</exception>
    public static Tensor<float> SoftmaxCrossEntropyGradient(LossInput<float> onehotLabels, LossInput<float> logits, LossInput<float> weights = default, double labelSmoothing = 0, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<float> upstream = default) =>
        new TfV1SoftmaxCrossEntropy(labelSmoothing, reduction).Gradient(onehotLabels, logits, upstream, weights);

    /// <inheritdoc cref="SoftmaxCrossEntropyGradient(LossInput{float}, LossInput{float}, LossInput{float}, double, Reduction, LossInput{float})"/>
    public static Tensor<double> SoftmaxCrossEntropyGradient(LossInput<double> onehotLabels, LossInput<double> logits, LossInput<double> weights = default, double labelSmoothing = 0, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<double> upstream = default) =>
        new TfV1SoftmaxCrossEntropy(labelSmoothing, reduction).Gradient(onehotLabels, logits, upstream, weights);

    /// <summary><c>tf.compat.v1.losses.mean_squared_error</c>: (p − l)² per element, weighted and reduced.</summary>
    /// <param name="labels">Targets, the same shape as <paramref name="predictions"/>.</param>
    /// <param name="predictions">Predictions.</param>
    /// <param name="weights">Weights (scalar, or the same rank with dimensions 1 or equal); nothing means 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <returns>The loss: shape [1] when reduced, the predictions' shape for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">Shapes, weights or the reduction are invalid.</exception>
    public static Tensor<float> MeanSquaredError(LossInput<float> labels, LossInput<float> predictions, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1MeanSquaredError(reduction).Values(labels, predictions, weights);

    /// <inheritdoc cref="MeanSquaredError(LossInput{float}, LossInput{float}, LossInput{float}, Reduction)"/>
    public static Tensor<double> MeanSquaredError(LossInput<double> labels, LossInput<double> predictions, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1MeanSquaredError(reduction).Values(labels, predictions, weights);

    /// <summary>Gradient of <see cref="MeanSquaredError(LossInput{float}, LossInput{float}, LossInput{float}, Reduction)"/> with respect to the predictions.</summary>
    /// <param name="labels">Targets.</param>
    /// <param name="predictions">Predictions.</param>
    /// <param name="weights">Weights; nothing means 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <param name="upstream">The upstream gradient (the result's shape), or nothing for 1.</param>
    /// <returns>∂/∂predictions.</returns>
    /// <exception cref="ArgumentException">Shapes, weights or the reduction are invalid.</exception>
    public static Tensor<float> MeanSquaredErrorGradient(LossInput<float> labels, LossInput<float> predictions, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<float> upstream = default) =>
        new TfV1MeanSquaredError(reduction).Gradient(labels, predictions, upstream, weights);

    /// <inheritdoc cref="MeanSquaredErrorGradient(LossInput{float}, LossInput{float}, LossInput{float}, Reduction, LossInput{float})"/>
    public static Tensor<double> MeanSquaredErrorGradient(LossInput<double> labels, LossInput<double> predictions, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<double> upstream = default) =>
        new TfV1MeanSquaredError(reduction).Gradient(labels, predictions, upstream, weights);

    /// <summary><c>tf.compat.v1.losses.absolute_difference</c>: |p − l| per element, weighted and reduced.</summary>
    /// <param name="labels">Targets, the same shape as <paramref name="predictions"/>.</param>
    /// <param name="predictions">Predictions.</param>
    /// <param name="weights">Weights; nothing means 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <returns>The loss: shape [1] when reduced, the predictions' shape for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">Shapes, weights or the reduction are invalid.</exception>
    public static Tensor<float> AbsoluteDifference(LossInput<float> labels, LossInput<float> predictions, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1AbsoluteDifference(reduction).Values(labels, predictions, weights);

    /// <inheritdoc cref="AbsoluteDifference(LossInput{float}, LossInput{float}, LossInput{float}, Reduction)"/>
    public static Tensor<double> AbsoluteDifference(LossInput<double> labels, LossInput<double> predictions, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1AbsoluteDifference(reduction).Values(labels, predictions, weights);

    /// <summary>Gradient of <see cref="AbsoluteDifference(LossInput{float}, LossInput{float}, LossInput{float}, Reduction)"/> with respect to
    /// the predictions: per element sign(p − l) (0 where p = l, TensorFlow's sign), times the weights and the reduction's scale.</summary>
    /// <param name="labels">Targets.</param>
    /// <param name="predictions">Predictions.</param>
    /// <param name="weights">Weights; nothing means 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <param name="upstream">The upstream gradient (the result's shape), or nothing for 1.</param>
    /// <returns>∂/∂predictions.</returns>
    /// <exception cref="ArgumentException">Shapes, weights or the reduction are invalid.</exception>
    public static Tensor<float> AbsoluteDifferenceGradient(LossInput<float> labels, LossInput<float> predictions, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<float> upstream = default) =>
        new TfV1AbsoluteDifference(reduction).Gradient(labels, predictions, upstream, weights);

    /// <inheritdoc cref="AbsoluteDifferenceGradient(LossInput{float}, LossInput{float}, LossInput{float}, Reduction, LossInput{float})"/>
    public static Tensor<double> AbsoluteDifferenceGradient(LossInput<double> labels, LossInput<double> predictions, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<double> upstream = default) =>
        new TfV1AbsoluteDifference(reduction).Gradient(labels, predictions, upstream, weights);

    /// <summary>
    /// <c>tf.compat.v1.losses.huber_loss</c>: per element 0.5·q² + δ·(a − q) with a = |p − l| and q = min(a, δ) (the same
    /// function as Keras's <see cref="SharpLoss.Huber"/>, evaluated in TensorFlow's v1 order), weighted and reduced.
    /// </summary>
    /// <param name="labels">Targets, the same shape as <paramref name="predictions"/>.</param>
    /// <param name="predictions">Predictions.</param>
    /// <param name="weights">Weights (scalar, or the same rank with dimensions 1 or equal); nothing means 1.</param>
    /// <param name="delta">δ: a finite number ≥ 0 (TensorFlow does not check it); default 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <returns>The loss: shape [1] when reduced, the predictions' shape for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is NaN, negative or infinite.</exception>
    /// <exception cref="ArgumentException">Shapes, weights or the reduction are invalid.</exception>
    public static Tensor<float> HuberLoss(LossInput<float> labels, LossInput<float> predictions, LossInput<float> weights = default, double delta = 1.0, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1HuberLoss(delta, reduction).Values(labels, predictions, weights);

    /// <inheritdoc cref="HuberLoss(LossInput{float}, LossInput{float}, LossInput{float}, double, Reduction)"/>
    public static Tensor<double> HuberLoss(LossInput<double> labels, LossInput<double> predictions, LossInput<double> weights = default, double delta = 1.0, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1HuberLoss(delta, reduction).Values(labels, predictions, weights);

    /// <summary>
    /// Gradient of <see cref="HuberLoss(LossInput{float}, LossInput{float}, LossInput{float}, double, Reduction)"/> with
    /// respect to the predictions: per element clamp(p − l, −δ, δ), times the weights and the reduction's scale.
    /// </summary>
    /// <param name="labels">Targets.</param>
    /// <param name="predictions">Predictions.</param>
    /// <param name="weights">Weights; nothing means 1.</param>
    /// <param name="delta">δ: a finite number ≥ 0; default 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <param name="upstream">The upstream gradient (the result's shape), or nothing for 1.</param>
    /// <returns>∂/∂predictions.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is NaN, negative or infinite.</exception>
    /// <exception cref="ArgumentException">Shapes, weights or the reduction are invalid.</exception>
    public static Tensor<float> HuberLossGradient(LossInput<float> labels, LossInput<float> predictions, LossInput<float> weights = default, double delta = 1.0, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<float> upstream = default) =>
        new TfV1HuberLoss(delta, reduction).Gradient(labels, predictions, upstream, weights);

    /// <inheritdoc cref="HuberLossGradient(LossInput{float}, LossInput{float}, LossInput{float}, double, Reduction, LossInput{float})"/>
    public static Tensor<double> HuberLossGradient(LossInput<double> labels, LossInput<double> predictions, LossInput<double> weights = default, double delta = 1.0, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<double> upstream = default) =>
        new TfV1HuberLoss(delta, reduction).Gradient(labels, predictions, upstream, weights);

    /// <summary><c>tf.compat.v1.losses.compute_weighted_loss</c>: weights and reduces given per-element losses.</summary>
    /// <param name="losses">The losses.</param>
    /// <param name="weights">Weights (scalar, or the losses' rank with dimensions 1 or equal); nothing means 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <returns>The loss: shape [1] when reduced, the losses' shape for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">The weights cannot broadcast or the reduction is invalid.</exception>
    public static Tensor<float> ComputeWeightedLoss(LossInput<float> losses, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        Reduce(Elementwise(ElementwiseKind.Identity, "compute_weighted_loss", reduction), losses, losses, weights, "losses", "losses");

    /// <inheritdoc cref="ComputeWeightedLoss(LossInput{float}, LossInput{float}, Reduction)"/>
    public static Tensor<double> ComputeWeightedLoss(LossInput<double> losses, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        Reduce(Elementwise(ElementwiseKind.Identity, "compute_weighted_loss", reduction), losses, losses, weights, "losses", "losses");

    /// <summary>Gradient of <see cref="ComputeWeightedLoss(LossInput{float}, LossInput{float}, Reduction)"/> with respect to the losses:
    /// the weights broadcast to the losses, times the reduction's scale and the upstream gradient.</summary>
    /// <param name="losses">The losses.</param>
    /// <param name="weights">Weights; nothing means 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <param name="upstream">The upstream gradient (the result's shape), or nothing for 1.</param>
    /// <returns>∂/∂losses, with their shape.</returns>
    /// <exception cref="ArgumentException">The weights cannot broadcast or the reduction is invalid.</exception>
    public static Tensor<float> ComputeWeightedLossGradient(LossInput<float> losses, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<float> upstream = default) =>
        Nn.Gradient(Elementwise(ElementwiseKind.Identity, "compute_weighted_loss", reduction), losses, losses, upstream, weights, "losses", "losses");

    /// <inheritdoc cref="ComputeWeightedLossGradient(LossInput{float}, LossInput{float}, Reduction, LossInput{float})"/>
    public static Tensor<double> ComputeWeightedLossGradient(LossInput<double> losses, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<double> upstream = default) =>
        Nn.Gradient(Elementwise(ElementwiseKind.Identity, "compute_weighted_loss", reduction), losses, losses, upstream, weights, "losses", "losses");

    /// <summary>The v1 string value of a reduction (<c>"weighted_sum_by_nonzero_weights"</c>, …).</summary>
    /// <param name="reduction">The reduction.</param>
    /// <returns>Its TensorFlow string.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined reduction.</exception>
    public static string ToTensorFlowString(Reduction reduction) => reduction switch
    {
        Reduction.None => "none",
        Reduction.Sum => "weighted_sum",
        Reduction.Mean => "weighted_mean",
        Reduction.SumOverBatchSize => "weighted_sum_over_batch_size",
        Reduction.SumByNonzeroWeights => "weighted_sum_by_nonzero_weights",
        _ => throw InvalidReduction(reduction),
    };

    internal static ReduceKind Kind(Reduction reduction) => reduction switch
    {
        Reduction.None => ReduceKind.None,
        Reduction.Sum => ReduceKind.Sum,
        Reduction.Mean => ReduceKind.V1Mean,
        Reduction.SumOverBatchSize => ReduceKind.MeanOverElements,
        Reduction.SumByNonzeroWeights => ReduceKind.V1NonZero,
        _ => throw InvalidReduction(reduction),
    };

    private static ArgumentOutOfRangeException InvalidReduction(Reduction reduction) =>
        new(nameof(reduction), reduction, $"Invalid Reduction Key {(int)reduction}. Key should be one of (none, weighted_sum, weighted_mean, weighted_sum_over_batch_size, weighted_sum_by_nonzero_weights).");

    private static ElementwiseOp Elementwise(ElementwiseKind kind, string name, Reduction reduction) =>
        new(kind, name) { CompatV1Kind = Kind(reduction) };

    private static Tensor<T> Reduce<T>(Loss op, LossInput<T> labels, LossInput<T> predictions, LossInput<T> weights, string labelsArg = "labels", string predictionsArg = "predictions")
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new CallArgs<T>
        {
            YTrue = labels,
            YPred = predictions,
            SampleWeight = weights,
            Mode = CallMode.Tensor,
            Wrapper = false,
            YTrueName = labelsArg,
            YPredName = predictionsArg,
            WeightName = "weights",
        };
        op.Run(ref a, out Tensor<T>? t);
        return t!;
    }
}
