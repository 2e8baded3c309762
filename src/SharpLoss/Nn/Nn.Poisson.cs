using System.Numerics;
using System.Numerics.Tensors;

namespace SharpLoss;

/// <content><c>tf.nn.log_poisson_loss</c>.</content>
public static partial class Nn
{
    /// <summary>
    /// <c>tf.nn.log_poisson_loss</c>: exp(c) − c·z per element, with c = <paramref name="logInput"/> (the log of the
    /// predicted rate) and z = <paramref name="targets"/>; with <paramref name="computeFullLoss"/>, plus Stirling's
    /// approximation z·log z − z + ½·log(2π·z) of log z! wherever z lies outside [0, 1] (0 is added for 0 ≤ z ≤ 1; a
    /// negative z gives NaN, as in TensorFlow).
    /// </summary>
    /// <param name="targets">z, the same shape as <paramref name="logInput"/>.</param>
    /// <param name="logInput">c.</param>
    /// <param name="computeFullLoss">Whether to add the Stirling term.</param>
    /// <returns>Per-element losses with <paramref name="logInput"/>'s shape.</returns>
    /// <exception cref="ArgumentException">The shapes differ (the message gives both).</exception>
    public static Tensor<float> LogPoissonLoss(LossInput<float> targets, LossInput<float> logInput, bool computeFullLoss = false) =>
        LogPoisson(computeFullLoss).Values(targets, logInput);

    /// <inheritdoc cref="LogPoissonLoss(LossInput{float}, LossInput{float}, bool)"/>
    public static Tensor<double> LogPoissonLoss(LossInput<double> targets, LossInput<double> logInput, bool computeFullLoss = false) =>
        LogPoisson(computeFullLoss).Values(targets, logInput);

    /// <summary>Vector-Jacobian product of <see cref="LogPoissonLoss(LossInput{float}, LossInput{float}, bool)"/> with respect to
    /// <c>logInput</c>: upstream · (exp(c) − z) (the Stirling term does not depend on c).</summary>
    /// <param name="targets">z.</param>
    /// <param name="logInput">c.</param>
    /// <param name="computeFullLoss">Whether the loss adds the Stirling term (it does not change the gradient).</param>
    /// <param name="upstream">The upstream gradient (logInput's shape), or nothing for all ones.</param>
    /// <returns>∂/∂logInput, with <paramref name="logInput"/>'s shape.</returns>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor<float> LogPoissonLossGradient(LossInput<float> targets, LossInput<float> logInput, bool computeFullLoss = false, LossInput<float> upstream = default) =>
        LogPoisson(computeFullLoss).Gradient(targets, logInput, upstream);

    /// <inheritdoc cref="LogPoissonLossGradient(LossInput{float}, LossInput{float}, bool, LossInput{float})"/>
    public static Tensor<double> LogPoissonLossGradient(LossInput<double> targets, LossInput<double> logInput, bool computeFullLoss = false, LossInput<double> upstream = default) =>
        LogPoisson(computeFullLoss).Gradient(targets, logInput, upstream);

    private static readonly TfNnLogPoissonLoss LogPoissonPartial = new(computeFullLoss: false);

    private static readonly TfNnLogPoissonLoss LogPoissonFull = new(computeFullLoss: true);

    private static TfNnLogPoissonLoss LogPoisson(bool computeFullLoss) => computeFullLoss ? LogPoissonFull : LogPoissonPartial;
}
