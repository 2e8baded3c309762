using System.Numerics.Tensors;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <content><c>tf.compat.v1.losses.sigmoid_cross_entropy</c>.</content>
public static partial class CompatV1
{
    /// <summary>
    /// <c>tf.compat.v1.losses.sigmoid_cross_entropy</c>: <c>tf.nn.sigmoid_cross_entropy_with_logits</c> per element, with the labels
    /// smoothed toward ½ (z·(1 − s) + ½·s) when <paramref name="labelSmoothing"/> s &gt; 0, weighted and reduced.
    /// </summary>
    /// <param name="multiClassLabels">Labels in [0, 1], the same shape as <paramref name="logits"/>.</param>
    /// <param name="logits">Logits.</param>
    /// <param name="weights">Weights (scalar, or the same rank with dimensions 1 or equal); nothing means 1.</param>
    /// <param name="labelSmoothing">s, in [0, 1].</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <returns>The loss: shape [1] when reduced, the logits' shape for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">Shapes (the message gives both), weights or the reduction are invalid.</exception>
    public static Tensor<float> SigmoidCrossEntropy(LossInput<float> multiClassLabels, LossInput<float> logits, LossInput<float> weights = default, double labelSmoothing = 0, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1SigmoidCrossEntropy(labelSmoothing, reduction).Values(multiClassLabels, logits, weights);

    /// <inheritdoc cref="SigmoidCrossEntropy(LossInput{float}, LossInput{float}, LossInput{float}, double, Reduction)"/>
    public static Tensor<double> SigmoidCrossEntropy(LossInput<double> multiClassLabels, LossInput<double> logits, LossInput<double> weights = default, double labelSmoothing = 0, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1SigmoidCrossEntropy(labelSmoothing, reduction).Values(multiClassLabels, logits, weights);

    /// <summary>Gradient of <see cref="SigmoidCrossEntropy(LossInput{float}, LossInput{float}, LossInput{float}, double, Reduction)"/> with respect to
    /// the logits: per element σ(x) − z with z the smoothed label, times the weights and the reduction's scale.</summary>
    /// <param name="multiClassLabels">Labels in [0, 1], the same shape as <paramref name="logits"/>.</param>
    /// <param name="logits">Logits.</param>
    /// <param name="weights">Weights; nothing means 1.</param>
    /// <param name="labelSmoothing">s, in [0, 1].</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <param name="upstream">The upstream gradient (the result's shape), or nothing for 1.</param>
    /// <returns>∂/∂logits, with their shape.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">Shapes, weights or the reduction are invalid.</exception>
    public static Tensor<float> SigmoidCrossEntropyGradient(LossInput<float> multiClassLabels, LossInput<float> logits, LossInput<float> weights = default, double labelSmoothing = 0, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<float> upstream = default) =>
        new TfV1SigmoidCrossEntropy(labelSmoothing, reduction).Gradient(multiClassLabels, logits, upstream, weights);

    /// <inheritdoc cref="SigmoidCrossEntropyGradient(LossInput{float}, LossInput{float}, LossInput{float}, double, Reduction, LossInput{float})"/>
    public static Tensor<double> SigmoidCrossEntropyGradient(LossInput<double> multiClassLabels, LossInput<double> logits, LossInput<double> weights = default, double labelSmoothing = 0, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<double> upstream = default) =>
        new TfV1SigmoidCrossEntropy(labelSmoothing, reduction).Gradient(multiClassLabels, logits, upstream, weights);
}

/// <summary><c>tf.compat.v1.losses.sigmoid_cross_entropy</c> as a loss object.</summary>
[KerasLoss("sigmoid_cross_entropy", "sigmoid_cross_entropy", Module = "tf.compat.v1.losses", Keys = "label_smoothing reduction")]
internal sealed class TfV1SigmoidCrossEntropy : TfFunction
{
    /// <summary>Creates the function object.</summary>
    /// <param name="labelSmoothing">In [0, 1], toward ½.</param>
    /// <param name="reduction">The v1 reduction.</param>
    public TfV1SigmoidCrossEntropy(double labelSmoothing = 0, CompatV1.Reduction reduction = CompatV1.Reduction.SumByNonzeroWeights)
        : base(new ElementwiseOp(ElementwiseKind.SigmoidCrossEntropy, "sigmoid_cross_entropy", Internals.Throw.LabelSmoothing(labelSmoothing), "multi_class_labels", "logits"), reduction) => LabelSmoothing = labelSmoothing;


    /// <summary>The label smoothing.</summary>
    public double LabelSmoothing { get; }

    internal override (string Labels, string Predictions) ArgumentNames => ("multiClassLabels", "logits");
}
