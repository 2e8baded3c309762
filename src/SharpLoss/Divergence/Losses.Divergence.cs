using System.Numerics.Tensors;

namespace SharpLoss;

/// <content>The function forms of the Poisson and Kullback–Leibler losses.</content>
public static partial class Losses
{
    /// <summary><c>keras.losses.poisson</c>: mean over the last axis of p − y·log(p + ε).</summary>
    /// <param name="yTrue">Observed counts (broadcast to <paramref name="yPred"/>'s shape).</param>
    /// <param name="yPred">Predicted rates.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x; neither aligns ranks (Keras's function does not).</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public static Tensor<float> Poisson(LossInput<float> yTrue, LossInput<float> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.Poisson(Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="Poisson(LossInput{float}, LossInput{float}, LossSemantics)"/>
    public static Tensor<double> Poisson(LossInput<double> yTrue, LossInput<double> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.Poisson(Reduction.None, null, semantics), yTrue, yPred);

    /// <summary><c>keras.losses.kl_divergence</c>: the sum over the last axis of y'·log(y'/p'), y' and p' clipped to [ε, 1].</summary>
    /// <param name="yTrue">The target distribution (broadcast to <paramref name="yPred"/>'s shape).</param>
    /// <param name="yPred">The predicted distribution.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x; neither aligns ranks (Keras's function does not).</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public static Tensor<float> KLDivergence(LossInput<float> yTrue, LossInput<float> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.KLDivergence(Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="KLDivergence(LossInput{float}, LossInput{float}, LossSemantics)"/>
    public static Tensor<double> KLDivergence(LossInput<double> yTrue, LossInput<double> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.KLDivergence(Reduction.None, null, semantics), yTrue, yPred);
}
