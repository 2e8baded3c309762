using System.Numerics.Tensors;

namespace SharpLoss;

/// <content>The function forms of the element-wise losses over the last axis added with MAPE, MSLE, log-cosh and the hinge losses.</content>
public static partial class Losses
{
    /// <summary><c>keras.losses.mean_absolute_percentage_error</c>: mean over the last axis of 100·|(y − p)/max(|y|, ε)|.</summary>
    /// <param name="yTrue">Targets (broadcast to <paramref name="yPred"/>'s shape).</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="semantics">Keras 3 (default; the ranks are aligned first) or tf.keras 2.x (no alignment).</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public static Tensor<float> MeanAbsolutePercentageError(LossInput<float> yTrue, LossInput<float> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.MeanAbsolutePercentageError(Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="MeanAbsolutePercentageError(LossInput{float}, LossInput{float}, LossSemantics)"/>
    public static Tensor<double> MeanAbsolutePercentageError(LossInput<double> yTrue, LossInput<double> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.MeanAbsolutePercentageError(Reduction.None, null, semantics), yTrue, yPred);

    /// <summary><c>keras.losses.mean_squared_logarithmic_error</c>: mean over the last axis of (log(max(p, ε) + 1) − log(max(y, ε) + 1))².</summary>
    /// <param name="yTrue">Targets (broadcast to <paramref name="yPred"/>'s shape).</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="semantics">Keras 3 (default; the ranks are aligned first) or tf.keras 2.x (no alignment; ε converted as
    /// <see cref="SharpLoss.MeanSquaredLogarithmicError"/> describes).</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public static Tensor<float> MeanSquaredLogarithmicError(LossInput<float> yTrue, LossInput<float> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.MeanSquaredLogarithmicError(Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="MeanSquaredLogarithmicError(LossInput{float}, LossInput{float}, LossSemantics)"/>
    public static Tensor<double> MeanSquaredLogarithmicError(LossInput<double> yTrue, LossInput<double> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.MeanSquaredLogarithmicError(Reduction.None, null, semantics), yTrue, yPred);

    /// <summary><c>keras.losses.log_cosh</c>: mean over the last axis of log(cosh(p − y)).</summary>
    /// <param name="yTrue">Targets (broadcast to <paramref name="yPred"/>'s shape).</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="semantics">Keras 3 (default; the ranks are aligned first) or tf.keras 2.x (no alignment).</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public static Tensor<float> LogCosh(LossInput<float> yTrue, LossInput<float> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.LogCosh(Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="LogCosh(LossInput{float}, LossInput{float}, LossSemantics)"/>
    public static Tensor<double> LogCosh(LossInput<double> yTrue, LossInput<double> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.LogCosh(Reduction.None, null, semantics), yTrue, yPred);

    /// <summary><c>keras.losses.hinge</c>: mean over the last axis of max(1 − t·p, 0), t = 2y − 1 when every label is 0 or 1, else y.</summary>
    /// <param name="yTrue">Labels in {−1, 1} or {0, 1} (broadcast to <paramref name="yPred"/>'s shape).</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x; neither aligns ranks (Keras's function does not).</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public static Tensor<float> Hinge(LossInput<float> yTrue, LossInput<float> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.Hinge(Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="Hinge(LossInput{float}, LossInput{float}, LossSemantics)"/>
    public static Tensor<double> Hinge(LossInput<double> yTrue, LossInput<double> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.Hinge(Reduction.None, null, semantics), yTrue, yPred);

    /// <summary><c>keras.losses.squared_hinge</c>: mean over the last axis of max(1 − t·p, 0)², t as for <see cref="Hinge(LossInput{float}, LossInput{float}, LossSemantics)"/>.</summary>
    /// <param name="yTrue">Labels in {−1, 1} or {0, 1} (broadcast to <paramref name="yPred"/>'s shape).</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x; neither aligns ranks (Keras's function does not).</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public static Tensor<float> SquaredHinge(LossInput<float> yTrue, LossInput<float> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.SquaredHinge(Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="SquaredHinge(LossInput{float}, LossInput{float}, LossSemantics)"/>
    public static Tensor<double> SquaredHinge(LossInput<double> yTrue, LossInput<double> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.SquaredHinge(Reduction.None, null, semantics), yTrue, yPred);
}
