using System.Numerics.Tensors;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <content><c>tf.compat.v1.losses.hinge_loss</c>.</content>
public static partial class CompatV1
{
    /// <summary>
    /// <c>tf.compat.v1.losses.hinge_loss</c>: relu(1 − (2l − 1)·x) per element (the labels are always converted from 0/1 to ±1), weighted and reduced.
    /// </summary>
    /// <param name="labels">0/1 labels (converted to ±1 as 2l − 1), the same shape as <paramref name="logits"/>.</param>
    /// <param name="logits">Logits.</param>
    /// <param name="weights">Weights (scalar, or the same rank with dimensions 1 or equal); nothing means 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <returns>The loss: shape [1] when reduced, the logits' shape for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">Shapes (the message gives both), weights or the reduction are invalid.</exception>
    public static Tensor<float> HingeLoss(LossInput<float> labels, LossInput<float> logits, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1HingeLoss(reduction).Values(labels, logits, weights);

    /// <inheritdoc cref="HingeLoss(LossInput{float}, LossInput{float}, LossInput{float}, Reduction)"/>
    public static Tensor<double> HingeLoss(LossInput<double> labels, LossInput<double> logits, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1HingeLoss(reduction).Values(labels, logits, weights);

    /// <summary>Gradient of <see cref="HingeLoss(LossInput{float}, LossInput{float}, LossInput{float}, Reduction)"/> with respect to
    /// the logits: per element −(2l − 1) where 1 − (2l − 1)·x &gt; 0, else 0 (relu'(0) = 0), times the weights and the reduction's scale.</summary>
    /// <param name="labels">0/1 labels (converted to ±1 as 2l − 1), the same shape as <paramref name="logits"/>.</param>
    /// <param name="logits">Logits.</param>
    /// <param name="weights">Weights; nothing means 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <param name="upstream">The upstream gradient (the result's shape), or nothing for 1.</param>
    /// <returns>∂/∂logits, with their shape.</returns>
    /// <exception cref="ArgumentException">Shapes, weights or the reduction are invalid.</exception>
    public static Tensor<float> HingeLossGradient(LossInput<float> labels, LossInput<float> logits, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<float> upstream = default) =>
        new TfV1HingeLoss(reduction).Gradient(labels, logits, upstream, weights);

    /// <inheritdoc cref="HingeLossGradient(LossInput{float}, LossInput{float}, LossInput{float}, Reduction, LossInput{float})"/>
    public static Tensor<double> HingeLossGradient(LossInput<double> labels, LossInput<double> logits, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<double> upstream = default) =>
        new TfV1HingeLoss(reduction).Gradient(labels, logits, upstream, weights);
}

/// <summary><c>tf.compat.v1.losses.hinge_loss</c> as a loss object.</summary>
[KerasLoss("hinge_loss", "hinge_loss", Module = "tf.compat.v1.losses", Keys = "reduction")]
internal sealed class TfV1HingeLoss : TfFunction
{
    /// <summary>Creates the function object.</summary>
    /// <param name="reduction">The v1 reduction.</param>
    public TfV1HingeLoss(CompatV1.Reduction reduction = CompatV1.Reduction.SumByNonzeroWeights)
        : base(new ElementwiseOp(ElementwiseKind.HingeV1, "hinge_loss", 0, "labels", "logits"), reduction)
    {
    }


    internal override (string Labels, string Predictions) ArgumentNames => ("labels", "logits");
}
