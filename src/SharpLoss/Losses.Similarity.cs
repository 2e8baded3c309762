using System.Numerics.Tensors;

namespace SharpLoss;

/// <summary>Function forms of the row-reducing losses (cosine similarity, categorical hinge, Dice, Tversky).</summary>
public static partial class Losses
{
    /// <summary><c>keras.losses.cosine_similarity</c>: −Σ n(y)·n(p) over <paramref name="axis"/> (see <see cref="SharpLoss.CosineSimilarity"/>).</summary>
    /// <param name="yTrue">Targets; same shape as <paramref name="yPred"/>.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="axis">The axis of the vectors; default −1.</param>
    /// <param name="semantics">Keras 3 (default; ranks aligned first, norm floor 1e-14 on Σx²) or tf.keras 2.x (1e-12, no alignment).</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentException">The shapes differ or the axis is out of range.</exception>
    public static Tensor<float> CosineSimilarity(LossInput<float> yTrue, LossInput<float> yPred, int axis = -1, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.CosineSimilarity(axis, Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="CosineSimilarity(LossInput{float}, LossInput{float}, int, LossSemantics)"/>
    public static Tensor<double> CosineSimilarity(LossInput<double> yTrue, LossInput<double> yPred, int axis = -1, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.CosineSimilarity(axis, Reduction.None, null, semantics), yTrue, yPred);

    /// <summary><c>keras.losses.categorical_hinge</c>: max(max((1 − y)·p) − Σy·p + 1, 0) over the last axis.</summary>
    /// <param name="yTrue">Targets; same shape as <paramref name="yPred"/>.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x (the same numbers).</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor<float> CategoricalHinge(LossInput<float> yTrue, LossInput<float> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.CategoricalHinge(Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="CategoricalHinge(LossInput{float}, LossInput{float}, LossSemantics)"/>
    public static Tensor<double> CategoricalHinge(LossInput<double> yTrue, LossInput<double> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.CategoricalHinge(Reduction.None, null, semantics), yTrue, yPred);

    /// <summary><c>keras.losses.dice</c> (Keras 3 only): 1 − 2·Σy·p / (Σy + Σp + ε) over <paramref name="axis"/> (see <see cref="SharpLoss.Dice"/>).</summary>
    /// <param name="yTrue">Targets; same shape as <paramref name="yPred"/>.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="axis">The axes summed over (adjacent); null (default) for every axis: one scalar, returned with shape [1].</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentException">The shapes differ or the axes are invalid.</exception>
    public static Tensor<float> Dice(LossInput<float> yTrue, LossInput<float> yPred, IReadOnlyList<int>? axis = null) =>
        Unreduced(new SharpLoss.Dice(Reduction.None, null, axis), yTrue, yPred);

    /// <inheritdoc cref="Dice(LossInput{float}, LossInput{float}, IReadOnlyList{int})"/>
    public static Tensor<double> Dice(LossInput<double> yTrue, LossInput<double> yPred, IReadOnlyList<int>? axis = null) =>
        Unreduced(new SharpLoss.Dice(Reduction.None, null, axis), yTrue, yPred);

    /// <summary><c>keras.losses.tversky</c> (Keras 3 only): 1 − TP/(TP + α·FP + β·FN + ε) over <paramref name="axis"/> (see <see cref="SharpLoss.Tversky"/>).</summary>
    /// <param name="yTrue">Targets; same shape as <paramref name="yPred"/>.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="alpha">α, the weight of the false positives; default 0.5.</param>
    /// <param name="beta">β, the weight of the false negatives; default 0.5.</param>
    /// <param name="axis">The axes summed over (adjacent); null (default) for every axis: one scalar, returned with shape [1].</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> or <paramref name="beta"/> is NaN or infinite.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the axes are invalid.</exception>
    public static Tensor<float> Tversky(LossInput<float> yTrue, LossInput<float> yPred, double alpha = 0.5, double beta = 0.5, IReadOnlyList<int>? axis = null) =>
        Unreduced(new SharpLoss.Tversky(alpha, beta, Reduction.None, null, axis), yTrue, yPred);

    /// <inheritdoc cref="Tversky(LossInput{float}, LossInput{float}, double, double, IReadOnlyList{int})"/>
    public static Tensor<double> Tversky(LossInput<double> yTrue, LossInput<double> yPred, double alpha = 0.5, double beta = 0.5, IReadOnlyList<int>? axis = null) =>
        Unreduced(new SharpLoss.Tversky(alpha, beta, Reduction.None, null, axis), yTrue, yPred);
}
