using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;

namespace SharpLoss;

/// <summary>Function form of the generalized cross-entropy.</summary>
public static partial class Losses
{
    /// <summary><c>keras.losses.categorical_generalized_cross_entropy</c> (Keras 3 only): the unreduced per-sample loss
    /// (1 − p_t^q)/q, p_t the probability of the sample's class (see <see cref="SharpLoss.CategoricalGeneralizedCrossEntropy"/>).</summary>
    /// <param name="yTrue">Class ids, one per sample (shape of <paramref name="yPred"/> without its last axis).</param>
    /// <param name="yPred">Probabilities, classes on the last axis.</param>
    /// <param name="q">The exponent, in (0, 1); default 0.5.</param>
    /// <returns>The per-sample losses (shape of <paramref name="yPred"/> without its last axis).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="q"/> is not in (0, 1), or a class id is outside [0, K).</exception>
    /// <exception cref="ArgumentException">The shapes do not match.</exception>
    public static Tensor<float> CategoricalGeneralizedCrossEntropy(LossInput<int> yTrue, LossInput<float> yPred, double q = 0.5) =>
        Generalized(q, yTrue, default, LabelKind.Int32, yPred);

    /// <inheritdoc cref="CategoricalGeneralizedCrossEntropy(LossInput{int}, LossInput{float}, double)"/>
    public static Tensor<float> CategoricalGeneralizedCrossEntropy(LossInput<long> yTrue, LossInput<float> yPred, double q = 0.5) =>
        Generalized(q, default, yTrue, LabelKind.Int64, yPred);

    /// <inheritdoc cref="CategoricalGeneralizedCrossEntropy(LossInput{int}, LossInput{float}, double)"/>
    public static Tensor<double> CategoricalGeneralizedCrossEntropy(LossInput<int> yTrue, LossInput<double> yPred, double q = 0.5) =>
        Generalized(q, yTrue, default, LabelKind.Int32, yPred);

    /// <inheritdoc cref="CategoricalGeneralizedCrossEntropy(LossInput{int}, LossInput{float}, double)"/>
    public static Tensor<double> CategoricalGeneralizedCrossEntropy(LossInput<long> yTrue, LossInput<double> yPred, double q = 0.5) =>
        Generalized(q, default, yTrue, LabelKind.Int64, yPred);

    private static Tensor<T> Generalized<T>(double q, LossInput<int> y32, LossInput<long> y64, LabelKind kind, LossInput<T> yPred)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = ClassIdLoss.Sparse(y32, y64, kind, yPred, default, default, CallMode.Tensor);
        a.Wrapper = false;
        new SharpLoss.CategoricalGeneralizedCrossEntropy(q, Reduction.None).Run(ref a, out Tensor<T>? t);
        return t!;
    }
}
