using System.Numerics.Tensors;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <content><c>tf.compat.v1.losses.log_loss</c>.</content>
public static partial class CompatV1
{
    /// <summary>
    /// <c>tf.compat.v1.losses.log_loss</c>: −l·log(p + ε) − (1 − l)·log(1 − p + ε) per element, with no clipping (ε is added inside each
    /// logarithm; a prediction outside (−ε, 1 + ε) gives NaN), weighted and reduced.
    /// </summary>
    /// <param name="labels">Targets in [0, 1], the same shape as <paramref name="predictions"/>.</param>
    /// <param name="predictions">Probabilities.</param>
    /// <param name="weights">Weights (scalar, or the same rank with dimensions 1 or equal); nothing means 1.</param>
    /// <param name="epsilon">ε, finite and ≥ 0 (in the element type); default 1e-7.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <returns>The loss: shape [1] when reduced, the predictions' shape for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is NaN, negative or infinite.</exception>
    /// <exception cref="ArgumentException">Shapes (the message gives both), weights or the reduction are invalid.</exception>
    public static Tensor<float> LogLoss(LossInput<float> labels, LossInput<float> predictions, LossInput<float> weights = default, double epsilon = 1e-7, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1LogLoss(epsilon, reduction).Values(labels, predictions, weights);

    /// <inheritdoc cref="LogLoss(LossInput{float}, LossInput{float}, LossInput{float}, double, Reduction)"/>
    public static Tensor<double> LogLoss(LossInput<double> labels, LossInput<double> predictions, LossInput<double> weights = default, double epsilon = 1e-7, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        new TfV1LogLoss(epsilon, reduction).Values(labels, predictions, weights);

    /// <summary>Gradient of <see cref="LogLoss(LossInput{float}, LossInput{float}, LossInput{float}, double, Reduction)"/> with respect to
    /// the predictions: per element −l/(p + ε) + (1 − l)/(1 − p + ε), times the weights and the reduction's scale.</summary>
    /// <param name="labels">Targets in [0, 1], the same shape as <paramref name="predictions"/>.</param>
    /// <param name="predictions">Probabilities.</param>
    /// <param name="weights">Weights; nothing means 1.</param>
    /// <param name="epsilon">ε, finite and ≥ 0 (in the element type); default 1e-7.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <param name="upstream">The upstream gradient (the result's shape), or nothing for 1.</param>
    /// <returns>∂/∂predictions, with their shape.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is NaN, negative or infinite.</exception>
    /// <exception cref="ArgumentException">Shapes, weights or the reduction are invalid.</exception>
    public static Tensor<float> LogLossGradient(LossInput<float> labels, LossInput<float> predictions, LossInput<float> weights = default, double epsilon = 1e-7, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<float> upstream = default) =>
        new TfV1LogLoss(epsilon, reduction).Gradient(labels, predictions, upstream, weights);

    /// <inheritdoc cref="LogLossGradient(LossInput{float}, LossInput{float}, LossInput{float}, double, Reduction, LossInput{float})"/>
    public static Tensor<double> LogLossGradient(LossInput<double> labels, LossInput<double> predictions, LossInput<double> weights = default, double epsilon = 1e-7, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<double> upstream = default) =>
        new TfV1LogLoss(epsilon, reduction).Gradient(labels, predictions, upstream, weights);
}

/// <summary><c>tf.compat.v1.losses.log_loss</c> as a loss object.</summary>
[KerasLoss("log_loss", "log_loss", Module = "tf.compat.v1.losses", Keys = "epsilon reduction")]
internal sealed class TfV1LogLoss : TfFunction
{
    /// <summary>Creates the function object.</summary>
    /// <param name="epsilon">ε, finite and ≥ 0.</param>
    /// <param name="reduction">The v1 reduction.</param>
    public TfV1LogLoss(double epsilon = 1e-7, CompatV1.Reduction reduction = CompatV1.Reduction.SumByNonzeroWeights)
        : base(new ElementwiseOp(ElementwiseKind.LogLossV1, "log_loss", CheckEpsilon(epsilon), "labels", "predictions"), reduction) => Epsilon = epsilon;


    /// <summary>ε.</summary>
    public double Epsilon { get; }

    private static double CheckEpsilon(double epsilon) => double.IsFinite(epsilon) && epsilon >= 0
        ? epsilon
        : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"Expected `epsilon` finite and ≥ 0. Received: epsilon={Internals.Py.Float(epsilon)}.");

    internal override (string Labels, string Predictions) ArgumentNames => ("labels", "predictions");
}
