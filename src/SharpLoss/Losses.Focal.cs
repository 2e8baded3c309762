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

    /// <summary><c>keras.losses.categorical_focal_crossentropy</c>: the unreduced per-sample loss (sum over the class axis).</summary>
    /// <param name="yTrue">One-hot or soft labels; same shape as <paramref name="yPred"/>.</param>
    /// <param name="yPred">Probabilities or logits.</param>
    /// <param name="alpha">The weight of every class, or one per class; null: 0.25.</param>
    /// <param name="gamma">The focusing parameter, a finite number ≥ 0.</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="labelSmoothing">In [0, 1], toward 1/K.</param>
    /// <param name="axis">The class axis.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x (see <see cref="SharpLoss.CategoricalFocalCrossentropy"/>).</param>
    /// <returns>The per-sample losses (shape of <paramref name="yPred"/> without <paramref name="axis"/>).</returns>
    /// <exception cref="ArgumentException">The shapes differ or an argument is out of range.</exception>
    public static Tensor<float> CategoricalFocalCrossentropy(LossInput<float> yTrue, LossInput<float> yPred, FocalAlpha? alpha = null, double gamma = 2.0, bool fromLogits = false, double labelSmoothing = 0, int axis = -1, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.CategoricalFocalCrossentropy(alpha, gamma, fromLogits, labelSmoothing, axis, Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="CategoricalFocalCrossentropy(LossInput{float}, LossInput{float}, FocalAlpha?, double, bool, double, int, LossSemantics)"/>
    public static Tensor<double> CategoricalFocalCrossentropy(LossInput<double> yTrue, LossInput<double> yPred, FocalAlpha? alpha = null, double gamma = 2.0, bool fromLogits = false, double labelSmoothing = 0, int axis = -1, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.CategoricalFocalCrossentropy(alpha, gamma, fromLogits, labelSmoothing, axis, Reduction.None, null, semantics), yTrue, yPred);

    /// <summary><c>keras.losses.sparse_categorical_focal_crossentropy</c> (Keras 3.16): the unreduced per-sample loss; ignored entries give 0.</summary>
    /// <param name="yTrue">Class ids (one per sample; a trailing size-1 axis is squeezed).</param>
    /// <param name="yPred">Probabilities or logits, classes on the last axis.</param>
    /// <param name="alpha">The weight of every class, or one per class; null: 0.25.</param>
    /// <param name="gamma">The focusing parameter, a finite number ≥ 0.</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="ignoreClass">A class id to ignore, or null.</param>
    /// <param name="axis">-1 (or the last index).</param>
    /// <returns>The per-sample losses (shape of <paramref name="yPred"/> without its last axis).</returns>
    /// <exception cref="ArgumentException">The shapes do not match or a class id is out of range.</exception>
    public static Tensor<float> SparseCategoricalFocalCrossentropy(LossInput<int> yTrue, LossInput<float> yPred, FocalAlpha? alpha = null, double gamma = 2.0, bool fromLogits = false, int? ignoreClass = null, int axis = -1)
    {
        var a = ClassIdLoss.Sparse(yTrue, default, Internals.LabelKind.Int32, yPred, default, default, Internals.CallMode.Tensor);
        a.Wrapper = false;
        new SharpLoss.SparseCategoricalFocalCrossentropy(alpha, gamma, fromLogits, ignoreClass, Reduction.None, axis).Run(ref a, out Tensor<float>? t);
        return t!;
    }

    /// <inheritdoc cref="SparseCategoricalFocalCrossentropy(LossInput{int}, LossInput{float}, FocalAlpha?, double, bool, int?, int)"/>
    public static Tensor<double> SparseCategoricalFocalCrossentropy(LossInput<int> yTrue, LossInput<double> yPred, FocalAlpha? alpha = null, double gamma = 2.0, bool fromLogits = false, int? ignoreClass = null, int axis = -1)
    {
        var a = ClassIdLoss.Sparse(yTrue, default, Internals.LabelKind.Int32, yPred, default, default, Internals.CallMode.Tensor);
        a.Wrapper = false;
        new SharpLoss.SparseCategoricalFocalCrossentropy(alpha, gamma, fromLogits, ignoreClass, Reduction.None, axis).Run(ref a, out Tensor<double>? t);
        return t!;
    }
}
