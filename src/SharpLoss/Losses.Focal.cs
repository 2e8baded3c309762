using System.Numerics.Tensors;

namespace SharpLoss;

/// <content>The function forms of the focal cross-entropies.</content>
public static partial class Losses
{
    /// <summary><c>keras.losses.binary_focal_crossentropy</c>: the unreduced per-sample loss (mean over <paramref name="axis"/>).</summary>
    /// <param name="yTrue">Labels; same shape as <paramref name="yPred"/>.</param>
    /// <param name="yPred">Probabilities or logits.</param>
    /// <param name="applyClassBalancing">Whether to weight elements by α (label 1) or 1 − α (label 0).</param>
    /// <param name="alpha">The class-balancing weight, in [0, 1].</param>
    /// <param name="gamma">The focusing parameter, a finite number ≥ 0.</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="labelSmoothing">In [0, 1], toward 0.5.</param>
    /// <param name="axis">The axis averaged over.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x numbers (see <see cref="SharpLoss.BinaryFocalCrossentropy"/>).</param>
    /// <returns>The per-sample losses (shape of <paramref name="yPred"/> without <paramref name="axis"/>; a scalar comes back as shape [1]).</returns>
    /// <exception cref="ArgumentException">The shapes differ or an argument is out of range.</exception>
    public static Tensor<float> BinaryFocalCrossentropy(LossInput<float> yTrue, LossInput<float> yPred, bool applyClassBalancing = false, double alpha = 0.25, double gamma = 2.0, bool fromLogits = false, double labelSmoothing = 0, int axis = -1, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.BinaryFocalCrossentropy(applyClassBalancing, alpha, gamma, fromLogits, labelSmoothing, axis, Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="BinaryFocalCrossentropy(LossInput{float}, LossInput{float}, bool, double, double, bool, double, int, LossSemantics)"/>
    public static Tensor<double> BinaryFocalCrossentropy(LossInput<double> yTrue, LossInput<double> yPred, bool applyClassBalancing = false, double alpha = 0.25, double gamma = 2.0, bool fromLogits = false, double labelSmoothing = 0, int axis = -1, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.BinaryFocalCrossentropy(applyClassBalancing, alpha, gamma, fromLogits, labelSmoothing, axis, Reduction.None, null, semantics), yTrue, yPred);
}
